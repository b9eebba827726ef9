"""Reading dossier figures: a unit's totals for a period, filed or derived from quarters."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cchc.accounts.access import approval_refusal, can_reopen, can_review, units_in_scope
from cchc.dossiers.columns import COLUMN_BY_FIELD, FIELD_NAMES
from cchc.dossiers.models import (
    DossierLine,
    DossierReport,
    DossierRollup,
    ProcedureField,
    ReportAction,
    ReportEvent,
    ReportStatus,
    RollupScope,
)
from cchc.periods.models import ReportingPeriod
from cchc.quality.models import FlagStatus
from cchc.units.models import AdministrativeUnit

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


#: Reports whose figures count in totals, rates and rankings: sent or approved. Drafts and
#: returned reports are not the unit's figures yet.
COUNTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def counted_lines():
    return DossierLine.objects.filter(report__status__in=COUNTED_STATUSES)


def _quarter_codes(period: ReportingPeriod) -> list[str]:
    """The filed periods a period is made of: its quarters, or a month itself."""
    return [q.code for q in period.spec.quarters()] or [period.code]


def totals_series(unit_ids: Iterable[int], periods: list[ReportingPeriod],
                  key: str | None = None, *, scope: str = RollupScope.OWN
                  ) -> dict[tuple, dict[str, int]]:
    """Figures per (period code, group) for ``unit_ids`` together, in ONE aggregate query.

    ``scope`` says whose reports count for each unit (``cchc.dossiers.scopes``): ``own``, the
    unit's own report; ``subtree``, the unit's and every unit's below it. ``key`` groups within
    the units: ``"report__unit_id"`` (per unit) or ``"field_id"`` (per field); ``None`` sums
    everything. Per unit and in total the query reads the precomputed rollups of ``scope`` (one
    row per unit and period); per field it reads the lines. A longer period is derived from its
    quarters with ``combine_quarters``; a group with no figures in any quarter is left out.
    """
    unit_ids = list(unit_ids)
    needed = {code for period in periods for code in _quarter_codes(period)}
    sums = {name: Sum(name) for name in FIELD_NAMES}
    rollups = DossierRollup.objects.filter(scope=scope, unit_id__in=unit_ids,
                                           period__code__in=needed)
    if key == "field_id":
        units = Q(report__unit_id__in=unit_ids)
        if scope == RollupScope.SUBTREE:  # at most three tiers: children and grandchildren
            units |= (Q(report__unit__parent_id__in=unit_ids)
                      | Q(report__unit__parent__parent_id__in=unit_ids))
        rows = (counted_lines()
                .filter(units, report__period__code__in=needed)
                .values_list("report__period__code", "field_id").annotate(**sums).order_by())
    elif key == "report__unit_id":  # one rollup row per unit and period: nothing to add up
        rows = rollups.values_list("period__code", "unit_id", *FIELD_NAMES)
    else:
        rows = rollups.values_list("period__code").annotate(**sums).order_by()
    by_quarter: dict[tuple, dict] = {}
    groups = set()
    for row in rows:
        code, group, counts = (row[0], None, row[1:]) if key is None else \
            (row[0], row[1], row[2:])
        by_quarter[(code, group)] = dict(zip(FIELD_NAMES, counts, strict=True))
        groups.add(group)
    empty = dict.fromkeys(FIELD_NAMES, 0)
    result = {}
    for period in periods:
        codes = _quarter_codes(period)
        if len(codes) == 1:  # a filed period: its figures as they are
            result.update(((period.code, g), by_quarter[(codes[0], g)]) for g in groups
                          if (codes[0], g) in by_quarter)
            continue
        for group_value in groups:
            quarters = [by_quarter.get((code, group_value)) for code in codes]
            if any(quarters):
                result[(period.code, group_value)] = combine_quarters(q or empty for q in quarters)
    return result


def counted_reports(unit_ids: Iterable[int], period: ReportingPeriod, *,
                    scope: str = RollupScope.OWN) -> int:
    """How many quarterly reports (submitted or approved) the figures of ``unit_ids`` for
    ``period`` in ``scope`` add up: one aggregate over the rollups."""
    found = DossierRollup.objects.filter(
        scope=scope, unit_id__in=list(unit_ids), period__code__in=_quarter_codes(period),
    ).aggregate(reports=Sum("reports"))["reports"]
    return found or 0


def derived_totals(unit_ids: Iterable[int], period: ReportingPeriod, *,
                   scope: str = RollupScope.OWN) -> dict[str, int]:
    """Figures of ``period`` for the units together (zeros where nothing counts yet), of
    ``scope`` (their own reports by default).

    One aggregate query whatever the number of units or fields.
    """
    series = totals_series(unit_ids, [period], scope=scope)
    return series.get((period.code, None), dict.fromkeys(FIELD_NAMES, 0))


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
    difference (docs/domain.md §4).
    """
    previous_code = period.spec.previous().code
    return dict(
        DossierLine.objects.filter(report__unit=unit, report__period__code=previous_code)
        .values_list("field_id", "pending_total")
    )


# --- the workflow's lists -------------------------------------------------------------------


@dataclass
class DueReport:
    """A report a unit owes for a quarter, filed or not."""

    unit: AdministrativeUnit
    period: ReportingPeriod
    report: DossierReport | None

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("Chưa nhập")

    @property
    def is_submitted(self) -> bool:
        """Sent and counted (submitted or approved): a returned or reopened report is owed
        again, as its figures no longer count (``COUNTED_STATUSES``)."""
        return bool(self.report and self.report.submitted_at
                    and self.report.status in COUNTED_STATUSES)

    @property
    def is_late(self) -> bool:
        """Submitted after the deadline, or not submitted and the deadline has passed."""
        if self.is_submitted:
            return self.report.is_late
        return self.period.is_past_deadline()

    @property
    def days_left(self) -> int:
        """Days from today to the deadline: negative once it has passed."""
        return (self.period.deadline - timezone.localdate()).days

    @property
    def days_late(self) -> int:
        return -self.days_left

    @property
    def status_key(self) -> str:
        """One of ``COMPLETENESS_STATUSES``: what the completeness list filters and sorts by
        ("late" is a sent or approved report sent after the deadline)."""
        if self.report is None:
            return "missing"
        if self.is_submitted and self.report.is_late:
            return "late"
        return self.report.status


def report_for(unit, period) -> DossierReport | None:
    return (DossierReport.objects.select_related("unit", "period", "updated_by", "approved_by",
                                                  "reopen_requested_by")
            .filter(unit=unit, period=period).first())


def _due_periods(unit: AdministrativeUnit, today: datetime.date):
    """Quarters whose cut-off window has opened and at whose end ``unit`` is in force."""
    return (ReportingPeriod.objects.quarters()
            .filter(cutoff_start__lte=today)
            .filter(Q(end__gte=unit.valid_from) if unit.valid_from else Q())
            .filter(Q(end__lte=unit.valid_to) if unit.valid_to else Q()))


def has_due_quarters(unit: AdministrativeUnit, today: datetime.date) -> bool:
    """Whether any quarter is owed by ``unit`` (``quarters_for`` is not empty), in one query."""
    return _due_periods(unit, today).exists()


def due_quarters(unit: AdministrativeUnit, today: datetime.date, limit: int = 6) -> list[DueReport]:
    """The latest quarters the unit must report on (its cut-off window has opened and the unit
    is in force at the quarter's end), newest first, with what it has filed."""
    periods = list(_due_periods(unit, today).order_by("-end")[:limit])
    reports = {r.period_id: r for r in DossierReport.objects.filter(unit=unit, period__in=periods)
               .select_related("period").defer("approved_figures")}
    return [DueReport(unit, p, reports.get(p.pk)) for p in periods]


def reports_awaiting_review(user) -> list[DossierReport]:
    """Submitted reports that ``user`` is the one to approve or return, oldest first, each with
    ``open_flags``: how many of its outlier flags nobody has checked yet; ``approval_refusal``:
    why ``user`` may not approve it ("" when they may, ``access.approval_refusal``); and
    ``changed_after_approval``: it was approved before and has been changed since."""
    candidates = (
        DossierReport.objects.filter(status=ReportStatus.SUBMITTED,
                                     unit__in=units_in_scope(user))
        .annotate(open_flags=Count("outlier_flags",
                                   filter=Q(outlier_flags__status=FlagStatus.OPEN)))
        .select_related("unit", "unit__parent", "unit__province", "period")
        .prefetch_related(Prefetch("events", queryset=ReportEvent.objects.only(
            "id", "report_id", "user_id", "action", "at")))
        .defer("approved_figures")
        .order_by("submitted_at")
    )
    awaiting = []
    for report in candidates:
        if can_review(user, report.unit, report.period.end):
            report.approval_refusal = approval_refusal(user, report)
            report.changed_after_approval = report.approved_at is not None
            awaiting.append(report)
    return awaiting


def reopen_requests(user) -> list[DossierReport]:
    """Approved reports whose unit asks ``user`` (their approver) to reopen them, oldest
    request first."""
    candidates = (DossierReport.objects.filter(status=ReportStatus.APPROVED,
                                               reopen_requested_at__isnull=False,
                                               unit__in=units_in_scope(user))
                  .select_related("unit", "unit__parent", "unit__province", "period",
                                  "reopen_requested_by")
                  .defer("approved_figures")
                  .order_by("reopen_requested_at"))
    return [report for report in candidates if can_reopen(user, report)]


def open_flags_awaiting(reports: list[DossierReport]) -> list:
    """The open outlier flags of ``reports`` (the inbox's), by report then form order: one
    query; each flag's ``report`` is the inbox's own object."""
    from cchc.quality.models import OutlierFlag

    by_pk = {report.pk: report for report in reports}
    flags = list(OutlierFlag.objects.filter(report_id__in=list(by_pk), status=FlagStatus.OPEN)
                 .select_related("field").order_by("report_id", "field__position", "column"))
    for flag in flags:
        flag.report = by_pk[flag.report_id]
    order = {pk: index for index, pk in enumerate(by_pk)}
    return sorted(flags, key=lambda flag: order[flag.report_id])


def unit_notices(due: list[DueReport]) -> list[tuple[DueReport, ReportEvent]]:
    """What the unit's staff must see first on their home page: each returned report with the
    return (or reopening) that sent it back, and each approved report whose reopen request was
    declined, with the decline; the last word of each, in one query."""
    reports = {row.report.pk: row for row in due if row.report is not None
               and row.report.status in (ReportStatus.RETURNED, ReportStatus.APPROVED)}
    if not reports:
        return []
    events = (ReportEvent.objects.filter(report_id__in=list(reports), action__in=(
        ReportAction.RETURNED, ReportAction.REOPENED, ReportAction.REOPEN_DECLINED))
        .annotate(newest=Window(RowNumber(), partition_by=F("report_id"),
                                order_by=[F("at").desc(), F("pk").desc()]))
        .filter(newest=1).select_related("user"))
    notices = []
    for event in events:
        row = reports[event.report_id]
        returned = row.report.status == ReportStatus.RETURNED and event.action != \
            ReportAction.REOPEN_DECLINED
        declined = (row.report.status == ReportStatus.APPROVED and not row.report.reopen_pending
                    and event.action == ReportAction.REOPEN_DECLINED)
        if returned or declined:
            notices.append((row, event))
    order = [row.report.pk for row in due if row.report is not None]
    return sorted(notices, key=lambda notice: order.index(notice[0].report.pk))


def last_word(report: DossierReport | None) -> ReportEvent | None:
    """The latest return, reopening or declined reopening of ``report``: what its unit was last
    told (shown on the report page while it still applies)."""
    if report is None:
        return None
    return (report.events.filter(action__in=(ReportAction.RETURNED, ReportAction.REOPENED,
                                             ReportAction.REOPEN_DECLINED))
            .select_related("user").first())


#: The statuses of the completeness list, in the order it sorts them: who owes most first.
COMPLETENESS_STATUSES = {
    "missing": _lazy("Chưa nhập"),
    "draft": _lazy("Bản nháp"),
    "returned": _lazy("Bị trả lại"),
    "submitted": _lazy("Đã gửi"),
    "late": _lazy("Nộp muộn"),
    "approved": _lazy("Đã duyệt"),
}
COMPLETENESS_SORTS = {"code": _lazy("Mã đơn vị"), "status": _lazy("Trạng thái")}


@dataclass
class Completeness:
    period: ReportingPeriod
    rows: list[DueReport]

    def count(self, predicate) -> int:
        return sum(1 for row in self.rows if predicate(row))

    @property
    def due(self) -> int:
        return len(self.rows)

    @property
    def on_time(self) -> int:
        return self.count(lambda r: r.is_submitted and not r.is_late)

    @property
    def late(self) -> int:
        return self.count(lambda r: r.is_submitted and r.is_late)

    @property
    def missing(self) -> int:
        return self.count(lambda r: not r.is_submitted)

    @property
    def approved(self) -> int:
        return self.count(lambda r: r.report is not None and r.report.status == "approved")

    def shown(self, status: str = "", sort: str = "code") -> list[DueReport]:
        """The rows of one status (all for ""), in code order or by status
        (``COMPLETENESS_STATUSES``' order, then code order): in Python, no query."""
        rows = [row for row in self.rows if not status or row.status_key == status]
        if sort == "status":
            order = list(COMPLETENESS_STATUSES)
            rows.sort(key=lambda row: order.index(row.status_key))  # stable: codes stay sorted
        return rows


def units_due(root: AdministrativeUnit, period: ReportingPeriod):
    """``root`` and every unit below it in force at the period's end: who owes its report (and
    what a publication of it covers), level by level in code order."""
    return (AdministrativeUnit.objects.subtree_of(root).as_of(period.end)
            .select_related("parent").order_by("level", "code"))


def completeness(root: AdministrativeUnit, period: ReportingPeriod) -> Completeness:
    """Who under ``root`` (itself included) owes ``period``'s report and how they stand.

    Two queries whatever the number of units.
    """
    units = list(units_due(root, period))
    reports = {r.unit_id: r for r in DossierReport.objects.filter(unit__in=units, period=period)
               .select_related("period").defer("approved_figures")}  # not shown: a JSON each
    return Completeness(period, [DueReport(u, period, reports.get(u.pk)) for u in units])


def changes_since_approval(report: DossierReport) -> list[dict]:
    """Cells that differ from the figures the report had when it was last approved."""
    if not report.approved_figures:
        return []
    fields = {f.pk: f for f in ProcedureField.objects.all()}
    changes = []
    for field_id, values in report_lines(report).items():
        approved = report.approved_figures.get(str(field_id), {})
        for name in FIELD_NAMES:
            if approved.get(name) != values[name]:
                changes.append({"field_name": fields[field_id].name,
                                "column": COLUMN_BY_FIELD[name], "old": approved.get(name),
                                "new": values[name]})
    return changes


def quarters_for(unit: AdministrativeUnit, today: datetime.date) -> list[ReportingPeriod]:
    """Quarters whose cut-off window has opened and in which the unit is in force, newest
    first: the choices of the completeness view."""
    return [due.period for due in due_quarters(unit, today, limit=40)]


@dataclass
class DerivedReport:
    """Form II.06a of a half-year, nine months or year for one unit, derived from its quarters'
    counted reports (``combine_quarters``): what the read-only page of a longer period shows."""

    rows: list[tuple[ProcedureField, dict[str, int]]]  # {} for a field without figures
    totals: dict[str, int] | None
    counted: list[ReportingPeriod]
    missing: list[ReportingPeriod]


def derived_report(unit: AdministrativeUnit, period: ReportingPeriod) -> DerivedReport:
    """The figures of ``period`` per field and in total, and which of its quarters count."""
    codes = _quarter_codes(period)
    quarters = list(ReportingPeriod.objects.filter(code__in=codes).order_by("start"))
    counted_ids = set(DossierReport.objects.filter(
        unit=unit, period__in=quarters, status__in=COUNTED_STATUSES,
    ).values_list("period_id", flat=True))
    by_field = totals_series([unit.pk], [period], key="field_id")
    rows = [(field, by_field.get((period.code, field.pk), {}))
            for field in ProcedureField.objects.for_level(unit.level)]
    found = [figures for _field, figures in rows if figures]
    totals = {name: sum(f[name] for f in found) for name in FIELD_NAMES} if found else None
    return DerivedReport(rows=rows, totals=totals,
                         counted=[q for q in quarters if q.pk in counted_ids],
                         missing=[q for q in quarters if q.pk not in counted_ids])


def open_quarters_to_enter(user, today: datetime.date) -> list[DueReport]:
    """The quarters still open for entering (their cut-off window has opened and they are not
    locked) of the unit ``user`` enters figures for, newest first: the templates the upload page
    offers. Empty for an account without a unit or that may not enter its unit's figures."""
    from cchc.accounts.access import can_enter, profile_of

    profile = profile_of(user)
    if profile is None or profile.unit is None or not can_enter(user, profile.unit):
        return []
    return [due for due in due_quarters(profile.unit, today, limit=8) if not due.period.is_locked]
