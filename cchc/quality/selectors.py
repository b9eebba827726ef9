"""What the data-quality page lists for a unit and everything below it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery, Sum

from cchc.dossiers.columns import COLUMN_BY_FIELD, FIELD_NAMES
from cchc.dossiers.models import DossierLine
from cchc.dossiers.selectors import counted_lines, totals_series
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.quality.models import FlagStatus, OutlierFlag
from cchc.quality.outliers import Outlier, Subject, find_outliers
from cchc.units.models import AdministrativeUnit


def report_flags(report) -> list[OutlierFlag]:
    """A stored report's flags, in the order of the form."""
    if report is None or report.pk is None:
        return []
    return list(OutlierFlag.objects.filter(report=report)
                .select_related("field", "checked_by").order_by("field__position", "column"))


def flags_by_cell(flags: list[OutlierFlag]) -> dict[int, dict[str, list[OutlierFlag]]]:
    """Field id -> column -> the flags on that cell: what the entry form shows under it."""
    cells: dict[int, dict[str, list[OutlierFlag]]] = {}
    for flag in flags:
        cells.setdefault(flag.field_id, {}).setdefault(flag.column, []).append(flag)
    return cells


def report_flag(report, flag_id: str | None) -> OutlierFlag | None:
    """One of the report's flags by the id a form posted (None for a missing or foreign id)."""
    if report is None or not (flag_id or "").isdigit():
        return None
    return report.outlier_flags.select_related("field").filter(pk=int(flag_id)).first()


@dataclass
class FigureWarning:
    """An outlier among figures not saved yet, and whether the same figure's flag was already
    checked by the reviewer."""

    outlier: Outlier
    checked: bool


def figures_outliers(unit: AdministrativeUnit, period: ReportingPeriod, report,
                     lines: dict[int, dict[str, int]]) -> list[FigureWarning]:
    """The outlier rule on figures being typed (``find_outliers``, as on saving), nothing
    stored; a flag of the stored report on the same figure keeps its check."""
    found = find_outliers([Subject(unit, period, lines)]).get((unit.pk, period.pk), [])
    checked = {(f.field_id, f.column, f.basis, f.value) for f in report_flags(report)
               if not f.is_open}
    return [FigureWarning(o, (o.field_id, o.column, o.basis, o.value) in checked)
            for o in found]


def flags_in(root: AdministrativeUnit, period: ReportingPeriod,
             status: str | None = FlagStatus.OPEN) -> list[OutlierFlag]:
    """Flags on reports of ``root`` and every unit below it for ``period``."""
    flags = OutlierFlag.objects.filter(
        report__period=period, report__unit__in=AdministrativeUnit.objects.subtree_of(root))
    if status:
        flags = flags.filter(status=status)
    return list(flags.select_related("report__unit", "report__period", "field", "checked_by")
                .order_by("report__unit__level", "report__unit__code", "field__position",
                          "column", "basis"))


@dataclass
class CarriedOverMismatch:
    unit: AdministrativeUnit
    field_name: str
    carried_over: int  # (6) of this quarter
    previous_pending: int  # (11) of the previous quarter

    @property
    def difference(self) -> int:
        return self.carried_over - self.previous_pending


def carried_over_mismatches(root: AdministrativeUnit, period: ReportingPeriod
                            ) -> list[CarriedOverMismatch]:
    """Lines of counted reports whose (6) "từ kỳ trước" differs from (11) of the unit's report
    for the previous quarter (docs/domain.md §4). One query."""
    previous = DossierLine.objects.filter(
        report__unit_id=OuterRef("report__unit_id"), field_id=OuterRef("field_id"),
        report__period__code=period.spec.previous().code).values("pending_total")[:1]
    lines = (counted_lines()
             .filter(report__period=period,
                     report__unit__in=AdministrativeUnit.objects.subtree_of(root))
             .annotate(previous_pending=Subquery(previous))
             .exclude(previous_pending__isnull=True)
             .select_related("report__unit", "field")
             .order_by("report__unit__level", "report__unit__code", "field__position"))
    return [CarriedOverMismatch(line.report.unit, line.field.name, line.received_carried_over,
                                line.previous_pending)
            for line in lines if line.received_carried_over != line.previous_pending]


@dataclass
class LongPeriodMismatch:
    unit: AdministrativeUnit
    period: ReportingPeriod
    #: (column number, column label, filed directly, derived from the quarters)
    columns: list[tuple[str, str, int, int]]


LONG_KINDS = (PeriodKind.HALF_YEAR, PeriodKind.NINE_MONTHS, PeriodKind.YEAR)


def long_period_mismatches(root: AdministrativeUnit, year: int) -> list[LongPeriodMismatch]:
    """Longer periods of ``year`` (6 months, 9 months, year) that a unit below ``root`` filed
    directly, where the filed figures disagree with those derived from its quarters: both are
    shown (docs/domain.md §3)."""
    periods = {p.pk: p for p in ReportingPeriod.objects.filter(year=year, kind__in=LONG_KINDS)}
    if not periods:
        return []
    filed = (counted_lines()
             .filter(report__period_id__in=list(periods),
                     report__unit__in=AdministrativeUnit.objects.subtree_of(root))
             .values_list("report__unit_id", "report__period_id")
             .annotate(**{name: Sum(name) for name in FIELD_NAMES}).order_by())
    direct = {(unit_id, period_id): dict(zip(FIELD_NAMES, counts, strict=True))
              for unit_id, period_id, *counts in filed}
    if not direct:
        return []
    units = AdministrativeUnit.objects.in_bulk({unit_id for unit_id, _p in direct})
    derived = totals_series(list(units), list(periods.values()), key="report__unit_id")
    found = []
    for (unit_id, period_id), figures in sorted(
            direct.items(), key=lambda item: (units[item[0][0]].code, periods[item[0][1]].end)):
        period = periods[period_id]
        quarters = derived.get((period.code, unit_id))
        columns = [(COLUMN_BY_FIELD[name].number, str(COLUMN_BY_FIELD[name].label),
                    figures[name], quarters[name] if quarters else 0)
                   for name in FIELD_NAMES
                   if figures[name] != (quarters[name] if quarters else 0)]
        if columns:
            found.append(LongPeriodMismatch(units[unit_id], period, columns))
    return found
