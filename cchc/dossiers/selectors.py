"""Reading dossier figures: a unit's totals for a period, filed or derived from quarters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Sum

from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.models import DossierLine
from cchc.periods.models import PeriodKind, ReportingPeriod

#: Counts of what happened during a period: a longer period sums its quarters'.
FLOW_FIELDS = (
    "received_online",
    "received_in_person",
    "received_postal",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
)
#: Stocks: the longer period takes its first quarter's carried-over and its last quarter's pending.
OPENING_STOCK = "received_carried_over"
CLOSING_STOCKS = ("pending_total", "pending_in_time", "pending_overdue")


def combine_quarters(quarters: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """The figures of a longer period made of consecutive quarters' figures, oldest first.

    Flows are summed; (6) "từ kỳ trước" is the first quarter's, (11)-(13) the last quarter's, and
    (3) = (4) + (5a) + (5b) + (6) is recomputed, so every identity of the form still holds.
    """
    quarters = list(quarters)
    if not quarters:
        raise ValueError("combine_quarters needs at least one quarter")
    combined = {name: sum(q[name] for q in quarters) for name in FLOW_FIELDS}
    combined[OPENING_STOCK] = quarters[0][OPENING_STOCK]
    for name in CLOSING_STOCKS:
        combined[name] = quarters[-1][name]
    combined["received_total"] = (
        combined["received_online"]
        + combined["received_in_person"]
        + combined["received_postal"]
        + combined[OPENING_STOCK]
    )
    return {name: combined[name] for name in FIELD_NAMES}


def filed_totals(unit_ids: Iterable[int], period: ReportingPeriod) -> dict[str, int]:
    """The sum over ``unit_ids`` and all fields of the figures filed for ``period`` itself."""
    sums = DossierLine.objects.filter(report__unit_id__in=list(unit_ids), report__period=period)
    row = sums.aggregate(**{name: Sum(name) for name in FIELD_NAMES})
    return {name: row[name] or 0 for name in FIELD_NAMES}


def derived_totals(unit_ids: Iterable[int], period: ReportingPeriod) -> dict[str, int]:
    """Figures of ``period`` for the units together, derived from their quarterly reports.

    One aggregate query grouped by quarter, whatever the number of units or fields.
    """
    unit_ids = list(unit_ids)
    quarter_codes = [q.code for q in period.spec.quarters()]
    if period.kind == PeriodKind.MONTH or not quarter_codes:
        return filed_totals(unit_ids, period)
    rows = (
        DossierLine.objects.filter(
            report__unit_id__in=unit_ids, report__period__code__in=quarter_codes
        )
        .values("report__period__code")
        .annotate(**{name: Sum(name) for name in FIELD_NAMES})
    )
    by_quarter = {row["report__period__code"]: row for row in rows}
    empty = dict.fromkeys(FIELD_NAMES, 0)
    return combine_quarters(by_quarter.get(code, empty) for code in quarter_codes)


def report_lines(report) -> dict[int, dict[str, int]]:
    """A stored report's figures by field id (empty for a report not saved yet)."""
    if report is None or report.pk is None:
        return {}
    return {
        row["field_id"]: {name: row[name] for name in FIELD_NAMES}
        for row in DossierLine.objects.filter(report=report).values("field_id", *FIELD_NAMES)
    }


def previous_pending(unit, period: ReportingPeriod) -> dict[int, int]:
    """Field id → pending (11) of the unit's report for the previous quarter, where it exists.

    Column (6) "từ kỳ trước" of this quarter should equal it: the form prefills it and flags a
    difference (domain.md §4).
    """
    previous_code = period.spec.previous().code
    return dict(
        DossierLine.objects.filter(report__unit=unit, report__period__code=previous_code)
        .values_list("field_id", "pending_total")
    )
