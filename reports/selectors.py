"""Dashboards and rankings: every number read through ``reports.kpis`` and a fixed number of
aggregate queries, whatever the number of units or periods."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db import connection
from django.db.models import Q

from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.models import (
    DossierReport,
    DossierRollup,
    ProcedureField,
    RollupScope,
    deadline_passes_at,
)
from cchc.dossiers.scopes import (
    OWN,
    SUBTREE,
    chosen_scope,
    has_units_below,
    scope_description,
    scope_label,
)
from cchc.dossiers.selectors import (
    COUNTED_STATUSES,
    FLOW_FIELDS,
    OPENING_STOCK,
    _quarter_codes,
    counted_reports,
    totals_series,
)
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.ranking import ranked_count, unranked_last
from cchc.units.models import REFORM_DATE, AdministrativeUnit, Level, Succession, UnitList
from reports.kpis import KPIS, RECEIVED_IN_PERIOD, kpi_values

EMPTY = dict.fromkeys(FIELD_NAMES, 0)


# --- periods -----------------------------------------------------------------------------------


def periods_of_kind_up_to(period: ReportingPeriod, count: int) -> list[ReportingPeriod]:
    """The ``count`` consecutive periods of ``period``'s kind ending with it, oldest first
    (those not set up in the app are left out)."""
    specs = [period.spec]
    while len(specs) < count:
        specs.append(specs[-1].previous())
    found = {p.code: p for p in ReportingPeriod.objects.filter(code__in=[s.code for s in specs])}
    return [found[s.code] for s in reversed(specs) if s.code in found]


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(code=period.spec.previous().code).first()


def same_period_last_year(period: ReportingPeriod) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(kind=period.kind, number=period.number,
                                          year=period.year - 1).first()


def latest_quarter_with_figures(unit: AdministrativeUnit) -> ReportingPeriod | None:
    """The latest quarter for which ``unit`` or a unit below it has counted figures: read from
    the unit's whole-area rollups (a few dozen rows), not from the reports (the menu asks it
    on every page)."""
    rollup = (DossierRollup.objects.filter(unit=unit, scope=RollupScope.SUBTREE,
                                           period__kind=PeriodKind.QUARTER)
              .select_related("period").order_by("-period__end").first())
    return rollup.period if rollup else None


def latest_period_with_figures(units) -> ReportingPeriod | None:
    """The latest quarter for which any of ``units`` has counted figures."""
    report = (DossierReport.objects.filter(unit__in=units, status__in=COUNTED_STATUSES,
                                           period__kind=PeriodKind.QUARTER)
              .select_related("period").order_by("-period__end").first())
    return report.period if report else None


# --- a unit's figures across the reform -------------------------------------------------------


@dataclass
class Basis:
    """Whose reports make a unit's figures for one period."""

    unit_ids: list[int]
    predecessors: list[AdministrativeUnit] = field(default_factory=list)
    divided: list[AdministrativeUnit] = field(default_factory=list)

    @property
    def is_reconstructed(self) -> bool:
        return bool(self.predecessors)


def basis(unit: AdministrativeUnit, period: ReportingPeriod,
          predecessors: list | None = None) -> Basis:
    """A new unit before 1/7/2025 is its predecessors summed "in today's boundaries"; a
    divided predecessor is counted whole and named, as the series is then only approximately
    comparable. An old unit has no figures after 30/6/2025."""
    if unit.unit_list == UnitList.FROM_2025 and period.end < REFORM_DATE:
        links = predecessors if predecessors is not None else predecessor_links(unit)
        olds = [link.predecessor for link in links]
        divided = [link.predecessor for link in links if link.kind == Succession.DIVIDED]
        return Basis([u.pk for u in olds], olds, divided)
    if unit.unit_list == UnitList.BEFORE_2025 and period.end >= REFORM_DATE:
        return Basis([])
    return Basis([unit.pk])


def predecessor_links(unit: AdministrativeUnit) -> list:
    return list(unit.predecessor_links.select_related("predecessor").order_by(
        "predecessor__code"))


def unit_totals(unit: AdministrativeUnit, period: ReportingPeriod, scope: str = OWN,
                links: list | None = None) -> tuple[dict | None, Basis]:
    """The unit's totals for ``period`` in ``scope`` as its dashboard counts them: whose
    reports count is ``basis`` (across the reform), summed by ``totals_series``; ``None``
    without any counted report. Also the basis, which names the units summed."""
    if links is None:
        links = predecessor_links(unit) if unit.unit_list == UnitList.FROM_2025 else []
    found = basis(unit, period, links)
    totals = totals_series(found.unit_ids, [period], scope=scope).get((period.code, None)) \
        if found.unit_ids else None
    return totals, found


# --- the unit dashboard -----------------------------------------------------------------------


@dataclass
class Card:
    kpi: object
    value: Decimal | int | None
    previous: Decimal | int | None
    last_year: Decimal | int | None

    @staticmethod
    def _delta(a, b):
        if a is None or b is None:
            return None
        return a - b

    @property
    def change_on_previous(self):
        return self._delta(self.value, self.previous)

    @property
    def change_on_last_year(self):
        return self._delta(self.value, self.last_year)


@dataclass
class ScopeFigures:
    """A unit's figures for the period in one scope (``cchc.dossiers.scopes``)."""

    scope: str
    label: str
    totals: dict
    values: dict  # every KPI, from these totals
    reports: int  # quarterly reports counted in them (submitted or approved)
    due: int  # quarterly reports due from the units the scope covers
    level: int = Level.COMMUNE

    @property
    def description(self) -> str:
        return scope_description(self.scope, self.level)


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    period: ReportingPeriod
    scope: str  # what the cards, charts and tables below show
    scopes: list[ScopeFigures]  # both scopes side by side where the unit has units below
    previous: ReportingPeriod | None
    last_year: ReportingPeriod | None
    totals: dict
    cards: list[Card]
    by_field: list[tuple[str, dict]]  # (field name, its totals), largest first
    trend_periods: list[ReportingPeriod]
    trend: dict[str, list]  # kpi key -> values per trend period
    reconstructed: list[ReportingPeriod]  # periods summed from predecessors
    divided: list[AdministrativeUnit]
    completeness: tuple[int, int]  # (submitted on time, due) for the period's quarters

    @property
    def has_figures(self) -> bool:
        return any(self.totals.values())

    @property
    def scope_label(self) -> str:
        return scope_label(self.scope, self.unit.level)

    @property
    def has_scopes(self) -> bool:
        return len(self.scopes) > 1


def _series(unit, periods, links, scope: str = OWN) -> dict[str, dict]:
    """Totals per period code for ``unit`` over ``periods`` in ``scope``, across the reform:
    at most two aggregate queries (one per list)."""
    groups: dict[tuple, list] = {}
    for period in periods:
        ids = tuple(basis(unit, period, links).unit_ids)
        if ids:
            groups.setdefault(ids, []).append(period)
    result = {}
    for ids, group in groups.items():
        for (code, _none), totals in totals_series(ids, group, scope=scope).items():
            result[code] = totals
    return result


def scope_figures(unit: AdministrativeUnit, period: ReportingPeriod, links=None
                  ) -> list[ScopeFigures]:
    """The unit's figures for ``period`` in each of its scopes, whole area first: two where it
    has units below it, one for a commune. A few queries per scope, whatever the size."""
    links = links if links is not None else (
        predecessor_links(unit) if unit.unit_list == UnitList.FROM_2025 else [])
    ids = basis(unit, period, links).unit_ids
    scopes = (SUBTREE, OWN) if has_units_below(unit.level) else (OWN,)
    result = []
    for scope in scopes:
        totals = unit_totals(unit, period, scope, links)[0] or EMPTY
        result.append(ScopeFigures(scope, scope_label(scope, unit.level), totals,
                                   kpi_values(totals), counted_reports(ids, period, scope=scope),
                                   completeness_counts(unit, period, scope=scope)[1],
                                   unit.level))
    return result


def dashboard_periods(period: ReportingPeriod) -> list[ReportingPeriod | None]:
    """Every period whose figures the dashboard of ``period`` reads: its trend, the previous
    period and the same period a year earlier (``None`` where not set up)."""
    return [*periods_of_kind_up_to(period, 8), previous_period(period),
            same_period_last_year(period)]


def unit_dashboard(unit: AdministrativeUnit, period: ReportingPeriod,
                   scope: str | None = None) -> Dashboard:
    """What a unit's dashboard shows for ``period``: both scopes side by side, and the cards,
    charts and tables of ``scope`` (by default the whole area where the unit has units below
    it)."""
    scope = chosen_scope(scope, unit.level)
    links = predecessor_links(unit) if unit.unit_list == UnitList.FROM_2025 else []
    *trend_periods, previous, last_year = dashboard_periods(period)  # what its cache key names
    wanted = {p.code: p for p in [*trend_periods, previous, last_year] if p is not None}
    series = _series(unit, list(wanted.values()), links, scope)

    def values_for(p):
        return kpi_values(series.get(p.code, EMPTY)) if p else dict.fromkeys(KPIS)

    now, before, year_ago = values_for(period), values_for(previous), values_for(last_year)
    by_field_rows = totals_series(basis(unit, period, links).unit_ids, [period], key="field_id",
                                  scope=scope)
    names = dict(ProcedureField.objects.values_list("pk", "name"))
    by_field = sorted(((names[f], t) for (_c, f), t in by_field_rows.items()),
                      key=lambda item: -item[1]["resolved_total"])
    reconstructed = [p for p in wanted.values() if basis(unit, p, links).is_reconstructed]
    return Dashboard(
        unit=unit, period=period, scope=scope, scopes=scope_figures(unit, period, links),
        previous=previous, last_year=last_year,
        totals=series.get(period.code, EMPTY),
        cards=[Card(kpi, now[key], before[key], year_ago[key]) for key, kpi in KPIS.items()],
        by_field=by_field,
        trend_periods=trend_periods,
        trend={key: [values_for(p)[key] for p in trend_periods]
               for key in ("on_time_rate", "online_rate")},
        reconstructed=sorted(reconstructed, key=lambda p: p.end),
        divided=basis(unit, period, links).divided if links else [],
        completeness=completeness_counts(unit, period, scope=scope),
    )


def completeness_counts(root: AdministrativeUnit, period: ReportingPeriod, *,
                        scope: str = SUBTREE) -> tuple[int, int]:
    """(reports submitted on time, reports due) for the period's quarters from ``root`` and,
    in the ``subtree`` scope (the default), every unit below it.

    Completeness = submitted on time / due, over every unit that must report each quarter. A
    report counts as submitted while its figures count (submitted or approved): a returned one
    is owed again, so completeness never exceeds the reports counted in the figures. Its first
    submission decides whether it was on time.
    Two counting queries per quarter, whatever the number of units.
    """
    on_time = due = 0
    codes = [spec.code for spec in period.spec.quarters() or [period.spec]]
    for quarter in ReportingPeriod.objects.filter(code__in=codes).order_by("end"):
        if not root.is_in_force(quarter.end):
            continue
        units = (AdministrativeUnit.objects.subtree_of(root) if scope == SUBTREE else
                 AdministrativeUnit.objects.filter(pk=root.pk)).as_of(quarter.end)
        due += units.count()
        on_time += DossierReport.objects.filter(
            unit__in=units, period=quarter,
            submitted_at__lt=deadline_passes_at(quarter.deadline),
            status__in=COUNTED_STATUSES).count()
    return on_time, due


# --- rankings ---------------------------------------------------------------------------------


@dataclass
class RankRow:
    unit: AdministrativeUnit
    totals: dict  # zeros for a unit without figures
    rank: int | None
    previous_rank: int | None
    has_figures: bool = True  # a counted report exists for the period

    @cached_property
    def values(self) -> dict:
        """Every KPI of the row, computed when first shown (a page shows 50 rows of
        thousands)."""
        return {key: self.kpi_value(key) for key in KPIS}

    def kpi_value(self, key: str):
        """One KPI of the row, computed once: sorting thousands of rows by a column computes
        that column only."""
        computed = self.__dict__.setdefault("_kpi_values", {})
        if key not in computed:
            computed[key] = KPIS[key].value(self.totals)
        return computed[key]

    @property
    def rank_key(self) -> int:
        """For sorting tables: unranked units after every ranked one."""
        return unranked_last(self.rank)

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Ranking:
    kpi: object
    period: ReportingPeriod
    previous: ReportingPeriod | None
    rows: list[RankRow]
    scope: str = OWN  # whose reports each row's figures cover (``cchc.dossiers.scopes``)

    @cached_property
    def size(self) -> int:
        """How many units were ranked (those with a value): the "13" of "3/13"."""
        return ranked_count(self.rows)


def children_level(root: AdministrativeUnit) -> int:
    """The level of ``root``'s children: districts of a province before the reform, else
    communes."""
    if root.level == Level.PROVINCE and root.unit_list == UnitList.BEFORE_2025:
        return Level.DISTRICT
    return Level.COMMUNE


def ranked_level(root: AdministrativeUnit, level: int | None = None) -> int:
    """The level of the units ``ranking_units(root, period, level)`` ranks."""
    return level or children_level(root)


def ranking_units(parent: AdministrativeUnit, period: ReportingPeriod,
                  level: int | None = None):
    """The units ranked together: ``parent``'s children, or every unit of ``level`` below it,
    in force at the period's end. Always within one list (the parent's)."""
    units = AdministrativeUnit.objects.filter(unit_list=parent.unit_list).as_of(period.end)
    if level:
        units = units.filter(Q(province=parent) | Q(parent=parent), level=level)
    else:
        units = units.filter(parent=parent)
    return units.select_related("parent").order_by("code")


def national_units(unit_list: str, period: ReportingPeriod, level: int):
    """Every unit of ``level`` in the country, in the list ``unit_list``, in force at the
    period's end: the national ranking's set (63 or 34 provinces, 696 districts, 10,035 or
    3,321 communes)."""
    return (AdministrativeUnit.objects.filter(unit_list=unit_list, level=level)
            .as_of(period.end).select_related("parent").order_by("code"))


class RankedUnit(NamedTuple):
    """What a ranking page shows, searches and filters of a unit, without a model instance
    per unit (a national ranking lists 3,321 communes, a page shows 50)."""

    pk: int
    code: str
    name: str
    short_name: str
    search_name: str
    unit_list: str
    level: int
    parent_id: int | None
    province_id: int | None


def ranked_units(units) -> list[RankedUnit]:
    """``units`` (a queryset) as ``RankedUnit`` rows, in its order: one query, no model
    instances."""
    return [RankedUnit._make(row) for row in
            units.select_related(None).values_list(*RankedUnit._fields)]


@dataclass
class UnitRow:
    """One unit's figures for a period: the 12 counts, every KPI, and whether it filed."""

    unit: AdministrativeUnit
    totals: dict
    values: dict
    has_figures: bool


def unit_rows(units, period: ReportingPeriod, scope: str = OWN) -> list[UnitRow]:
    """Each unit's figures for ``period`` in ``scope`` (its own report, or with everything
    below it), in the order given: one aggregate query.

    The per-unit sheet of the summary workbook, its CSV and the ranking all start here.
    """
    units = list(units)
    current = totals_series([u.pk for u in units], [period], key="report__unit_id",
                            scope=scope)
    rows = []
    for unit in units:
        totals = current.get((period.code, unit.pk))
        rows.append(UnitRow(unit, totals or EMPTY, kpi_values(totals or EMPTY),
                            totals is not None))
    return rows


#: A ranking's figures as plain data, what ``ranking_figures`` computes and the cache keeps:
#: unit id -> (its 12 counts in ``FIELD_NAMES`` order, or None without figures; rank; rank in
#: the previous period).
RankFigures = dict[int, tuple[tuple[int, ...] | None, int | None, int | None]]


def _counts_sql(codes: list[str]) -> tuple[list[str], list[str]]:
    """The 12 counts of a period made of the quarters ``codes`` as SQL expressions over the
    rollups ``r`` joined to their periods ``p``, in ``FIELD_NAMES`` order, and their
    parameters: a quarter's as they are, a longer period's as ``combine_quarters`` derives
    them (flows summed, (6) of the first quarter, (11)-(13) of the last, (3) recomputed)."""
    if len(codes) == 1:
        return [f"r.{name}" for name in FIELD_NAMES], []

    def part(name):
        if name in FLOW_FIELDS:
            return f"SUM(r.{name})", []
        quarter = codes[0] if name == OPENING_STOCK else codes[-1]
        return f"SUM(CASE WHEN p.code = %s THEN r.{name} ELSE 0 END)", [quarter]

    columns, params = [], []
    for name in FIELD_NAMES:
        if name == "received_total":  # (3) = (4) + (5a) + (5b) + (6)
            parts = [part(n) for n in (*RECEIVED_IN_PERIOD, OPENING_STOCK)]
            sql, args = " + ".join(p for p, _a in parts), [a for _p, a in parts for a in a]
        else:
            sql, args = part(name)
        columns.append(f"CAST({sql} AS BIGINT)")
        params += args
    return columns, params


def ranked_counts(unit_ids: list[int], period: ReportingPeriod, kpi_key: str,
                  scope: str = OWN, *, with_counts: bool = True
                  ) -> dict[int, tuple[tuple[int, ...] | None, int | None]]:
    """Unit id -> (its 12 counts for ``period`` in ``scope``, in ``FIELD_NAMES`` order, or
    None unless ``with_counts``; its rank by the KPI) for the units of ``unit_ids`` with
    figures, in ONE query over the rollups: the counts as ``totals_series`` gives them, the
    KPI as ``Kpi.value`` computes it and the rank by ``RANK() OVER`` (ties share a rank, the
    next skips: 1, 2, 2, 4), so that the database ranks and Python only shows. A unit whose
    KPI has no value (a rate over 0) is unranked.

    The KPI is compared exactly: a count as it is, a rate as ``numeric`` with 30 decimals
    (Python's ``Decimal`` keeps 28 digits; two different ratios of counts below 10¹² differ
    long before either limit, and equal ones are equal in both)."""
    kpi = KPIS[kpi_key]
    codes = _quarter_codes(period)
    columns, params = _counts_sql(codes)
    if connection.vendor == "postgresql":
        exact = "numeric(60, 30)"
        # a hash join on the ids (a probe of the unit index per id is twice as slow)
        ids_join, ids_param = "unnest(%s::integer[]) AS ranked(id) ON ranked.id", list(unit_ids)
    else:  # SQLite, the quick start: a double is exact enough to tell the demo's rates apart
        exact = "REAL"
        ids_join, ids_param = "json_each(%s) AS ranked ON ranked.value", json.dumps(
            list(unit_ids))
    numerator = " + ".join(kpi.numerator)
    if kpi.is_rate:
        denominator = " + ".join(kpi.denominator)
        value = (f"CASE WHEN {denominator} = 0 THEN NULL "
                 f"ELSE CAST({numerator} AS {exact}) / ({denominator}) END")
    else:
        value = numerator
    direction = "DESC" if kpi.higher_is_better else "ASC"
    grouped = " GROUP BY r.unit_id" if len(codes) > 1 else ""
    shown = ", ".join(FIELD_NAMES) if with_counts else "NULL"
    sql = (f"SELECT unit_id, {shown}, CASE WHEN kpi_value IS NULL THEN NULL "
           f"ELSE RANK() OVER (ORDER BY kpi_value {direction} NULLS LAST) END "
           f"FROM (SELECT *, {value} AS kpi_value FROM ("
           f"SELECT r.unit_id, "
           + ", ".join(f"{column} AS {name}" for column, name in zip(columns, FIELD_NAMES,
                                                                     strict=True))
           + f" FROM {DossierRollup._meta.db_table} r "
           f"JOIN {ReportingPeriod._meta.db_table} p ON p.id = r.period_id "
           f"JOIN {ids_join} = r.unit_id "
           f"WHERE r.scope = %s AND p.code IN ({', '.join(['%s'] * len(codes))}){grouped}"
           ") counts) valued")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ids_param, scope, *codes])
        if not with_counts:
            return {pk: (None, rank) for pk, _none, rank in cursor.fetchall()}
        return {pk: (tuple(counts), rank) for pk, *counts, rank in cursor.fetchall()}


def ranking_figures(unit_ids: list[int], period: ReportingPeriod,
                    previous: ReportingPeriod | None, kpi_key: str,
                    scope: str = OWN) -> RankFigures:
    """The counts and ranks of ``unit_ids`` by a KPI of their figures in ``scope``: ties share
    a rank and the next rank skips (1, 2, 2, 4); ranks in ``previous`` (the previous period of
    the same kind) for the same units. Two queries, ranked by the database
    (``ranked_counts``)."""
    current = ranked_counts(unit_ids, period, kpi_key, scope)
    previous_ranks = {}
    if previous is not None:
        previous_ranks = {pk: rank for pk, (_none, rank) in ranked_counts(
            unit_ids, previous, kpi_key, scope, with_counts=False).items()}
    return {pk: (current[pk][0] if pk in current else None,
                 current[pk][1] if pk in current else None, previous_ranks.get(pk))
            for pk in unit_ids}


def ranking(units, period: ReportingPeriod, kpi_key: str,
            figures: RankFigures | None = None, *, previous=..., scope: str = OWN) -> Ranking:
    """``units`` ranked by a KPI of their figures in ``scope`` (see ``ranking_figures``),
    ranked first, then by code. ``figures`` already computed (from the cache) for that scope
    are used as they are; ``previous`` (the previous period of the same kind, or None) when
    the caller already has it."""
    units = list(units)
    if previous is ...:
        previous = previous_period(period)
    if figures is None:
        figures = ranking_figures([u.pk for u in units], period, previous, kpi_key, scope)
    rows = []
    for unit in units:
        counts, rank, previous_rank = figures.get(unit.pk, (None, None, None))
        totals = dict(zip(FIELD_NAMES, counts, strict=True)) if counts else EMPTY
        rows.append(RankRow(unit, totals, rank, previous_rank, counts is not None))
    rows.sort(key=lambda row: (row.rank_key, row.unit.code))
    return Ranking(KPIS[kpi_key], period, previous, rows, scope)


def periods_to_choose(unit_list: str, today) -> list[ReportingPeriod]:
    """Quarters, half-years, nine months and years in which ``unit_list`` is in force and
    whose data window has opened, newest first."""
    in_list = {"end__gte": REFORM_DATE} if unit_list == UnitList.FROM_2025 else {
        "end__lt": REFORM_DATE}
    return list(ReportingPeriod.objects.exclude(kind=PeriodKind.MONTH)
                .filter(cutoff_start__lte=today, **in_list).order_by("-end", "kind")[:60])
