"""Keeping ``DossierRollup`` current: per unit and filed period, the totals of counted reports.

* ``rollups_refresh(unit, period)`` after one report changes (saved, submitted, approved,
  returned, imported): the unit's ``own`` row and the ``subtree`` rows of the unit and of its
  ancestors for that period — at most four rows, never a rebuild.
* ``rollups_rebuild(periods)`` after bulk loads: every row of those periods (or all), set-based.
* ``rollups_verify()`` recomputes everything from the lines, independently of the two above,
  and lists every row that differs.

A report counts when it is submitted or approved (``COUNTED_STATUSES``). Rows exist only where
at least one report counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from cchc.dossiers.columns import COLUMN_BY_FIELD, FIELD_NAMES
from cchc.dossiers.models import DossierLine, DossierReport, DossierRollup, RollupScope
from cchc.dossiers.selectors import COUNTED_STATUSES
from cchc.periods.models import ReportingPeriod
from cchc.periods.services import figures_changed
from cchc.units.models import AdministrativeUnit

OWN, SUBTREE = RollupScope.OWN, RollupScope.SUBTREE


def _store(unit_id: int, period_id: int, scope: str, sums: dict) -> None:
    """Write one row from ``sums`` (``reports`` and the counts), or delete it when no report
    counts. An upsert, so two reports refreshing the same ancestor at once cannot collide."""
    if not sums["reports"]:
        DossierRollup.objects.filter(unit_id=unit_id, period_id=period_id, scope=scope).delete()
        return
    DossierRollup.objects.bulk_create(
        [DossierRollup(unit_id=unit_id, period_id=period_id, scope=scope,
                       **{name: sums[name] or 0 for name in ("reports", *FIELD_NAMES)})],
        update_conflicts=True, unique_fields=["unit", "period", "scope"],
        update_fields=["reports", *FIELD_NAMES])


@transaction.atomic
def rollups_refresh(*, unit: AdministrativeUnit, period: ReportingPeriod) -> None:
    """Bring the rows that ``unit``'s report for ``period`` feeds up to date: its ``own`` row,
    then the ``subtree`` rows of the unit, its parent and its grandparent. A fixed number of
    queries, whatever the size of the subtrees."""
    own = DossierLine.objects.filter(
        report__unit_id=unit.pk, report__period_id=period.pk,
        report__status__in=COUNTED_STATUSES,
    ).aggregate(reports=Count("report_id", distinct=True),
                **{name: Sum(name) for name in FIELD_NAMES})
    _store(unit.pk, period.pk, OWN, own)
    chain = AdministrativeUnit.objects.select_related("parent__parent").get(pk=unit.pk)
    while chain is not None:
        below = AdministrativeUnit.objects.subtree_of(chain).values("pk")
        sums = DossierRollup.objects.filter(period_id=period.pk, scope=OWN, unit__in=below) \
            .aggregate(reports=Sum("reports"), **{name: Sum(name) for name in FIELD_NAMES})
        _store(chain.pk, period.pk, SUBTREE, sums)
        chain = chain.parent
    figures_changed(periods=[period])


def _sql_names() -> dict[str, str]:
    return {
        "rollup": DossierRollup._meta.db_table,
        "report": DossierReport._meta.db_table,
        "line": DossierLine._meta.db_table,
        "unit": AdministrativeUnit._meta.db_table,
        "columns": ", ".join(FIELD_NAMES),
        "sums": ", ".join(f"SUM({name})" for name in FIELD_NAMES),
        "line_sums": ", ".join(f"SUM(l.{name})" for name in FIELD_NAMES),
        "rollup_sums": ", ".join(f"SUM(r.{name})" for name in FIELD_NAMES),
    }


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


@transaction.atomic
def rollups_rebuild(*, periods: Iterable[ReportingPeriod] | None = None,
                    units: Iterable[AdministrativeUnit] | None = None) -> int:
    """Recompute, from the lines and in a few set-based statements, every row of ``periods``
    (all when ``None``) — or, given ``units``, only the rows those units' reports feed: their
    ``own`` rows and the ``subtree`` rows of them and their ancestors. Returns the rows written.
    """
    names = _sql_names()
    rows = DossierRollup.objects.all()
    own_where, own_params = "", []
    tree_where, tree_params = "", []
    if periods is not None:
        periods = list(periods)
        period_ids = [p.pk for p in periods]
        if not period_ids:
            return 0
        rows = rows.filter(period_id__in=period_ids)
        own_where += f" AND r.period_id IN ({_placeholders(period_ids)})"
        tree_where += f" AND r.period_id IN ({_placeholders(period_ids)})"
        own_params += period_ids
        tree_params += period_ids
    if units is not None:
        unit_ids = sorted({u.pk for u in units})
        if not unit_ids:
            return 0
        ancestors = _with_ancestors(unit_ids)
        rows = rows.filter(Q(scope=OWN, unit_id__in=unit_ids)
                           | Q(scope=SUBTREE, unit_id__in=ancestors))
        own_where += f" AND r.unit_id IN ({_placeholders(unit_ids)})"
        tree_where += f" AND a.ancestor_id IN ({_placeholders(ancestors)})"
        own_params += unit_ids
        tree_params += ancestors
    rows.delete()
    statuses = _placeholders(COUNTED_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {names['rollup']} (unit_id, period_id, scope, reports, "
            f"{names['columns']}) "
            f"SELECT r.unit_id, r.period_id, %s, COUNT(DISTINCT r.id), {names['line_sums']} "
            f"FROM {names['report']} r JOIN {names['line']} l ON l.report_id = r.id "
            f"WHERE r.status IN ({statuses}){own_where} GROUP BY r.unit_id, r.period_id",
            [OWN, *COUNTED_STATUSES, *own_params])
        # Every unit is its own ancestor, and its parent's and grandparent's descendant.
        cursor.execute(
            f"INSERT INTO {names['rollup']} (unit_id, period_id, scope, reports, "
            f"{names['columns']}) "
            f"SELECT a.ancestor_id, r.period_id, %s, SUM(r.reports), {names['rollup_sums']} "
            f"FROM {names['rollup']} r JOIN ("
            f"  SELECT id AS unit_id, id AS ancestor_id FROM {names['unit']}"
            f"  UNION ALL SELECT id, parent_id FROM {names['unit']} WHERE parent_id IS NOT NULL"
            f"  UNION ALL SELECT u.id, p.parent_id FROM {names['unit']} u"
            f"    JOIN {names['unit']} p ON u.parent_id = p.id WHERE p.parent_id IS NOT NULL"
            f") a ON a.unit_id = r.unit_id "
            f"WHERE r.scope = %s{tree_where} GROUP BY a.ancestor_id, r.period_id",
            [SUBTREE, OWN, *tree_params])
    figures_changed(periods=periods)
    return rows.count()


def _with_ancestors(unit_ids: list[int]) -> list[int]:
    found = set(unit_ids)
    level = unit_ids
    while level:
        parents = set(AdministrativeUnit.objects.filter(pk__in=level, parent__isnull=False)
                      .values_list("parent_id", flat=True))
        level = sorted(parents - found)
        found |= parents
    return sorted(found)


@dataclass(frozen=True)
class Mismatch:
    unit_id: int
    period_id: int
    scope: str
    stored: dict | None
    expected: dict | None
    unit_label: str = ""  # "31564 (2008)": the GSO code and the list
    period_code: str = ""

    def describe(self) -> str:
        """What differs, by unit code, period code and form column, in Vietnamese."""
        where = {"scope": RollupScope(self.scope).label, "unit": self.unit_label,
                 "period": self.period_code}
        if self.stored is None:
            return _("Thiếu dòng tổng hợp «%(scope)s» của đơn vị %(unit)s, kỳ %(period)s.") % where
        if self.expected is None:
            return _("Thừa dòng tổng hợp «%(scope)s» của đơn vị %(unit)s, kỳ %(period)s (không "
                     "còn báo cáo nào được tính).") % where
        wrong = [name for name in ("reports", *FIELD_NAMES)
                 if self.stored[name] != self.expected[name]]
        columns = ", ".join(
            f"{COLUMN_BY_FIELD[name].number + ' ' if name in COLUMN_BY_FIELD else ''}"
            f"{name} {self.stored[name]} ≠ {self.expected[name]}" for name in wrong)
        return _("Dòng tổng hợp «%(scope)s» của đơn vị %(unit)s, kỳ %(period)s lệch (đang lưu ≠ "
                 "tính từ báo cáo): %(columns)s.") % {**where, "columns": columns}


def rollups_verify() -> list[Mismatch]:
    """Every stored row that differs from what the lines say, plus missing and extra rows.

    Recomputed in Python from one aggregate over the counted lines and the unit tree, not with
    the SQL of ``rollups_rebuild``, so the two check each other.
    """
    expected: dict[tuple, dict] = {}
    own = (DossierLine.objects.filter(report__status__in=COUNTED_STATUSES)
           .values("report__unit_id", "report__period_id")
           .annotate(reports=Count("report_id", distinct=True),
                     **{name: Sum(name) for name in FIELD_NAMES}).order_by())
    parents = dict(AdministrativeUnit.objects.values_list("pk", "parent_id"))
    subtree: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(("reports", *FIELD_NAMES), 0))
    for row in own:
        unit_id, period_id = row["report__unit_id"], row["report__period_id"]
        values = {name: row[name] for name in ("reports", *FIELD_NAMES)}
        expected[(unit_id, period_id, OWN)] = values
        ancestor = unit_id
        while ancestor is not None:
            total = subtree[(ancestor, period_id, SUBTREE)]
            for name, value in values.items():
                total[name] += value
            ancestor = parents[ancestor]
    expected.update(subtree)
    stored = {(r["unit_id"], r["period_id"], r["scope"]): {
        name: r[name] for name in ("reports", *FIELD_NAMES)}
        for r in DossierRollup.objects.values("unit_id", "period_id", "scope", "reports",
                                              *FIELD_NAMES)}
    differing = [key for key in sorted(expected.keys() | stored.keys(), key=str)
                 if stored.get(key) != expected.get(key)]
    units = {pk: f"{code} ({unit_list})" for pk, code, unit_list in
             AdministrativeUnit.objects.filter(pk__in={k[0] for k in differing})
             .values_list("pk", "code", "unit_list")}
    periods = dict(ReportingPeriod.objects.filter(pk__in={k[1] for k in differing})
                   .values_list("pk", "code"))
    return [Mismatch(*key, stored.get(key), expected.get(key), units[key[0]], periods[key[1]])
            for key in differing]
