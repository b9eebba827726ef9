"""Writing dossier figures. Every write validates first and is all-or-nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import can_change_locked, can_enter, can_review
from cchc.dossiers.columns import FIELD_NAMES, figure_errors
from cchc.dossiers.models import (
    DataSource,
    DossierLine,
    DossierReport,
    ProcedureField,
    ReportAction,
    ReportEvent,
    ReportStatus,
)
from cchc.dossiers.rollups import rollups_rebuild, rollups_refresh
from cchc.dossiers.selectors import previous_pending, report_lines
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.quality.outliers import Outlier, Subject, find_outliers
from cchc.quality.services import flags_refresh
from cchc.units.models import AdministrativeUnit


@dataclass
class ReportData:
    """A whole report to write: unit, period, and per field its 12 counts."""

    unit: AdministrativeUnit
    period: ReportingPeriod
    lines: Mapping[ProcedureField, Mapping[str, int]]
    status: str
    source: str
    source_note: str = ""
    submitted_at: datetime.datetime | None = None
    approved_at: datetime.datetime | None = None


@transaction.atomic
def dossier_reports_replace(*, reports: Iterable[ReportData], batch_size: int = 2000) -> int:
    """Store ``reports``, replacing any report of the same unit and period; return lines written.

    Every line is checked against the rules of the form before anything is written; one broken
    line raises ``ValidationError`` naming unit, period, field and column, and nothing is saved.
    """
    reports = list(reports)
    problems = []
    for data in reports:
        for field, values in data.lines.items():
            for error in figure_errors(values):
                where = f"{data.unit.code} {data.period.code} «{field.name}»"
                problems.append(f"{where}: {error.message}")
    if problems:
        raise ValidationError(problems)

    keys = {(d.unit.pk, d.period.pk) for d in reports}
    unit_ids = {u for u, _ in keys}
    stale = [
        r.pk
        for r in DossierReport.objects.filter(unit_id__in=unit_ids).only("unit_id", "period_id")
        if (r.unit_id, r.period_id) in keys
    ]
    for start in range(0, len(stale), batch_size):
        DossierReport.objects.filter(pk__in=stale[start : start + batch_size]).delete()
    created = DossierReport.objects.bulk_create(
        [
            DossierReport(unit=d.unit, period=d.period, status=d.status, source=d.source,
                          source_note=d.source_note, submitted_at=d.submitted_at,
                          approved_at=d.approved_at)
            for d in reports
        ],
        batch_size=batch_size,
    )
    lines = [
        DossierLine(report=report, field=field, **{name: values[name] for name in FIELD_NAMES})
        for report, data in zip(created, reports, strict=True)
        for field, values in data.lines.items()
    ]
    DossierLine.objects.bulk_create(lines, batch_size=batch_size)
    rollups_rebuild(periods={data.period for data in reports}, units={d.unit for d in reports})
    return len(lines)


# --- the workflow: enter, submit, review ------------------------------------------------------


class ReportRefused(Exception):
    """The action is not allowed (scope, lock, state); the message says why, in Vietnamese."""


class ReportConflict(Exception):
    """Someone saved the report after the user opened it (optimistic version check)."""

    def __init__(self, report: DossierReport):
        self.report = report
        who = report.updated_by.get_full_name() or report.updated_by.username \
            if report.updated_by else _("người khác")
        super().__init__(_(
            "Báo cáo này vừa được %(who)s lưu lúc %(when)s (phiên bản %(version)s), sau khi bạn "
            "mở trang. Số liệu bạn nhập chưa được lưu và vẫn còn trên trang: hãy xem lại bản "
            "mới nhất rồi lưu lại."
        ) % {"who": who, "when": timezone.localtime(report.updated_at).strftime("%H:%M %d/%m/%Y"),
             "version": report.version})


def _actor(user):
    """The account to record, or None for the command-line operator (not an account)."""
    return user if isinstance(user, Model) else None


def _check_period_open(user, period: ReportingPeriod, reason: str) -> None:
    if not period.is_locked:
        return
    if not can_change_locked(user):
        raise ReportRefused(_(
            "Kỳ %(period)s đã khoá: không thể thay đổi. Liên hệ quản trị viên nếu cần sửa."
        ) % {"period": period.label})
    if not reason.strip():
        raise ReportRefused(_(
            "Kỳ %(period)s đã khoá: quản trị viên phải ghi lý do khi thay đổi."
        ) % {"period": period.label})


def _check_unit_reports_in(unit: AdministrativeUnit, period: ReportingPeriod) -> None:
    if period.kind != PeriodKind.QUARTER:
        raise ReportRefused(_("Chỉ nhập số liệu theo quý; 6 tháng, 9 tháng và năm được tính từ "
                              "các quý."))
    if not unit.is_in_force(period.end):
        raise ReportRefused(_(
            "%(unit)s không còn (hoặc chưa) tồn tại vào cuối kỳ %(period)s."
        ) % {"unit": unit.name, "period": period.label})


def _locked_report(unit, period) -> DossierReport | None:
    # Lock the report row only: who updated it (a nullable join) is read, not locked.
    return (DossierReport.objects.select_for_update(of=("self",))
            .select_related("updated_by", "period", "unit")
            .filter(unit=unit, period=period).first())


def _changes(fields_by_id, old: dict[int, dict], new: dict[int, dict]) -> list[dict]:
    changes = []
    for field_id, values in new.items():
        before = old.get(field_id, {})
        for name in FIELD_NAMES:
            if before.get(name) != values[name]:
                field = fields_by_id[field_id]
                changes.append({"field": field.code, "field_name": field.name, "column": name,
                                "old": before.get(name), "new": values[name]})
    return changes


def _validate_lines(lines: Mapping[ProcedureField, Mapping[str, int]]) -> None:
    problems = []
    for field, values in lines.items():
        for error in figure_errors(values):
            problems.append(_("Dòng «%(field)s»: %(message)s") % {"field": field.name,
                                                                  "message": error.message})
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def report_save(
    *,
    user,
    unit: AdministrativeUnit,
    period: ReportingPeriod,
    lines: Mapping[ProcedureField, Mapping[str, int]],
    expected_version: int,
    submit: bool = False,
    source: str = DataSource.ENTERED,
    reason: str = "",
    refresh_totals: bool = True,
) -> DossierReport:
    """Store ``unit``'s figures for ``period`` (and submit them if ``submit``).

    Refused (``ReportRefused``) outside the user's units, for a unit not in force at the period's
    end, or in a locked period unless an administrator gives a reason; ``ValidationError`` when a
    line breaks the form's rules; ``ReportConflict`` when the stored version is no longer
    ``expected_version`` (0 for a report not created yet). Changing an approved report sends it
    back for approval. Every changed cell is recorded in a ``ReportEvent``.
    """
    if not can_enter(user, unit):
        raise ReportRefused(
            _("Bạn không có quyền nhập số liệu cho %(unit)s.") % {"unit": unit.name}
        )
    _check_unit_reports_in(unit, period)
    _check_period_open(user, period, reason)
    _validate_lines(lines)

    report = _locked_report(unit, period)
    current_version = report.version if report else 0
    if current_version != expected_version:
        raise ReportConflict(report)
    if report is None:
        report = DossierReport(unit=unit, period=period, version=0)
    status_before = report.status if report.pk else ""
    new = {field.pk: {name: values[name] for name in FIELD_NAMES}
           for field, values in lines.items()}
    stored = report_lines(report)
    changes = _changes({f.pk: f for f in lines}, stored, new)
    if not changes and not submit and report.pk:
        return report

    if submit and report.status == ReportStatus.APPROVED and not changes:
        raise ReportRefused(_("Báo cáo đã được duyệt; không có gì thay đổi để gửi lại."))
    if report.status == ReportStatus.APPROVED or submit:
        report.status = ReportStatus.SUBMITTED
        if report.submitted_at is None:
            report.submitted_at = timezone.now()
    report.version += 1
    report.updated_by = _actor(user)
    report.source = source
    if report.pk is None:
        try:  # two people creating the same report at once: the unique (unit, period) decides
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise ReportConflict(_locked_report(unit, period)) from None
    else:
        report.save()
    _write_lines(report, stored, new)

    action = ReportAction.SUBMITTED if submit else (
        ReportAction.IMPORTED if source == DataSource.IMPORTED else ReportAction.SAVED)
    ReportEvent.objects.create(report=report, user=_actor(user), action=action,
                               status_before=status_before, status_after=report.status,
                               version=report.version, changes=changes, comment=reason)
    if refresh_totals:  # an import refreshes them (and the flags) once for all its reports
        rollups_refresh(unit=report.unit, period=report.period)
        flags_refresh(reports=[report])
    return report


def _write_lines(report: DossierReport, stored: dict[int, dict], new: dict[int, dict]) -> None:
    """Create the new lines in one statement and update only the lines that changed."""
    created = [DossierLine(report=report, field_id=field, **values)
               for field, values in new.items() if field not in stored]
    changed = {field: values for field, values in new.items()
               if field in stored and stored[field] != values}
    DossierLine.objects.bulk_create(created)
    for field, values in changed.items():  # plain UPDATEs: bulk_update's CASE costs more
        DossierLine.objects.filter(report=report, field_id=field).update(**values)


@transaction.atomic
def report_submit(*, user, report: DossierReport, expected_version: int) -> DossierReport:
    """Send a draft or returned report for approval, unchanged."""
    return _transition(user=user, report=report, expected_version=expected_version,
                       allowed_from=(ReportStatus.DRAFT, ReportStatus.RETURNED),
                       to=ReportStatus.SUBMITTED, action=ReportAction.SUBMITTED,
                       may=_may_enter)


@transaction.atomic
def report_approve(*, user, report: DossierReport, expected_version: int,
                   reason: str = "") -> DossierReport:
    """Approve a submitted report; its figures are kept to show later changes against them."""
    return _transition(user=user, report=report, expected_version=expected_version,
                       allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.APPROVED,
                       action=ReportAction.APPROVED, may=_may_review, reason=reason)


@transaction.atomic
def report_return(*, user, report: DossierReport, expected_version: int,
                  comment: str) -> DossierReport:
    """Return a submitted report to its unit with a comment saying what to correct."""
    if not comment.strip():
        raise ReportRefused(_("Hãy ghi ý kiến: đơn vị cần biết phải sửa gì."))
    return _transition(user=user, report=report, expected_version=expected_version,
                       allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.RETURNED,
                       action=ReportAction.RETURNED, may=_may_review, reason=comment)


def _may_enter(user, report: DossierReport) -> bool:
    return can_enter(user, report.unit)


def _may_review(user, report: DossierReport) -> bool:
    return can_review(user, report.unit, report.period.end)


def _transition(*, user, report, expected_version, allowed_from, to, action, may,
                reason: str = "") -> DossierReport:
    locked = _locked_report(report.unit, report.period)
    if locked is None or locked.version != expected_version:
        raise ReportConflict(locked or report)
    report = locked
    if not may(user, report):
        raise ReportRefused(_("Bạn không có quyền thực hiện thao tác này với báo cáo của "
                              "%(unit)s.") % {"unit": report.unit.name})
    _check_period_open(user, report.period, reason)
    if report.status not in allowed_from:
        raise ReportRefused(_("Báo cáo đang ở trạng thái «%(status)s», không thể %(action)s.")
                            % {"status": report.get_status_display(),
                               "action": str(ReportAction(action).label).lower()})
    status_before = report.status
    report.status = to
    now = timezone.now()
    if to == ReportStatus.SUBMITTED and report.submitted_at is None:
        report.submitted_at = now
    if to == ReportStatus.APPROVED:
        report.approved_at = now
        report.approved_figures = {
            str(field_id): values for field_id, values in report_lines(report).items()}
        report.review_comment = ""
    if to == ReportStatus.RETURNED:
        report.review_comment = reason
    report.version += 1
    report.updated_by = _actor(user)
    report.save()
    ReportEvent.objects.create(report=report, user=_actor(user), action=action,
                               status_before=status_before, status_after=to,
                               version=report.version, comment=reason)
    rollups_refresh(unit=report.unit, period=report.period)
    return report


# --- import from Excel ----------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What one sheet of an uploaded workbook would change."""

    sheet: str
    unit: AdministrativeUnit
    period: ReportingPeriod
    lines: Mapping[ProcedureField, Mapping[str, int]]
    version: int  # of the stored report when the plan was made (0: none yet)
    changes: list[dict]
    #: (field name, (6) in the file, (11) of the previous quarter) where they differ: a flag to
    #: show, never a reason to refuse (domain.md §4).
    carried_over_flags: list[tuple[str, int, int]] = dataclass_field(default_factory=list)
    #: (cell of the sheet, field name, outlier): figures to check, never a reason to refuse.
    outliers: list[tuple[str, str, Outlier]] = dataclass_field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.version == 0


class ImportRefused(Exception):
    """The import was refused as a whole; ``messages`` says why, sheet by sheet."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def import_plan(*, sheets) -> list[ImportPlan]:
    """For each sheet read from a workbook, what would change against the stored figures."""
    plans = []
    for sheet in sheets:
        report = DossierReport.objects.filter(unit=sheet.unit, period=sheet.period).first()
        new = {field.pk: {name: values[name] for name in FIELD_NAMES}
               for field, values in sheet.lines.items()}
        changes = _changes({f.pk: f for f in sheet.lines}, report_lines(report), new)
        previous = previous_pending(sheet.unit, sheet.period)
        flags = [(f.name, values["received_carried_over"], previous[f.pk])
                 for f, values in sheet.lines.items()
                 if f.pk in previous and previous[f.pk] != values["received_carried_over"]]
        plans.append(ImportPlan(sheet.sheet, sheet.unit, sheet.period, sheet.lines,
                                report.version if report else 0, changes, flags))
    found = find_outliers(Subject(s.unit, s.period, {f.pk: v for f, v in s.lines.items()})
                          for s in sheets)
    for sheet, plan in zip(sheets, plans, strict=True):
        names = {field.pk: field.name for field in sheet.lines}
        plan.outliers = [(sheet.cell(o.field_id, o.column), names[o.field_id], o)
                         for o in found.get((sheet.unit.pk, sheet.period.pk), [])]
    return plans


@transaction.atomic
def reports_import(*, user, plans: list[ImportPlan], submit: bool = False,
                   reason: str = "") -> list[DossierReport]:
    """Store every planned sheet, or none: any refusal (scope, lock, state, a report changed
    since the plan was made) cancels the whole import and lists every problem."""
    problems, saved = [], []
    for plan in plans:
        try:
            saved.append(report_save(
                user=user, unit=plan.unit, period=plan.period, lines=plan.lines,
                expected_version=plan.version, submit=submit, source=DataSource.IMPORTED,
                reason=reason, refresh_totals=False,
            ))
        except (ReportRefused, ReportConflict) as refusal:
            problems.append(f"{plan.sheet}: {refusal}")
        except ValidationError as invalid:
            problems.extend(f"{plan.sheet}: {message}" for message in invalid.messages)
    if problems:
        raise ImportRefused(problems)
    rollups_rebuild(periods={r.period for r in saved}, units={r.unit for r in saved})
    flags_refresh(reports=saved)
    return saved
