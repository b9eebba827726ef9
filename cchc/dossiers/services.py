"""Writing dossier figures. Every write validates first and is all-or-nothing."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import (
    approval_refusal,
    approver_unit,
    can_change_approved,
    can_change_locked,
    can_enter,
    can_reopen,
    can_request_reopen,
    entering_bars_approval,
)
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
from cchc.dossiers.selectors import COUNTED_STATUSES, report_lines
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
                          last_submitted_at=d.submitted_at, approved_at=d.approved_at)
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


def _validate_lines(lines: Mapping[ProcedureField, Mapping[str, int]], *,
                    balance: bool = True) -> None:
    """Refuse lines breaking the form's rules: a ``ValidationError`` whose ``error_dict`` holds
    each offending field's messages under its id (as text), so a page can show them on the row.
    ``balance`` (3) = (7) + (11) is required only of a report that will count (sent)."""
    problems: dict[str, list[str]] = {}
    for field, values in lines.items():
        for error in figure_errors(values, balance=balance):
            problems.setdefault(str(field.pk), []).append(
                _("Dòng «%(field)s»: %(message)s") % {"field": field.name,
                                                      "message": error.message})
    if problems:
        raise ValidationError(problems)


# What saving figures does to a report, decided in one place (``save_outcome``) for the web
# form, the import preview and the import itself, so that what a page announces is what happens.
NEW_DRAFT = "new_draft"
NEW_SUBMITTED = "new_submitted"
STAYS_DRAFT = "stays_draft"
STAYS_RETURNED = "stays_returned"
SUBMITTED = "submitted"
CHANGED_WHILE_SUBMITTED = "changed_submitted"
RESUBMITTED = "resubmitted"
APPROVED_CHANGED = "approved_changed"  # an administrator's override, with a reason
UNCHANGED = "unchanged"
REFUSED = "refused"


@dataclass(frozen=True)
class SaveOutcome:
    """What saving a unit's figures for a period does: ``kind`` (one of the constants above),
    the status the report ends in, and the sentences saying so before (``preview``) and after
    (``done``); for ``REFUSED``, ``refusal`` says why and what to do."""

    kind: str
    status_after: str = ""
    refusal: str = ""

    @property
    def refused(self) -> bool:
        return self.kind == REFUSED

    @property
    def preview(self) -> str:
        return self.refusal if self.refused else str(_PREVIEW[self.kind])

    @property
    def done(self) -> str:
        return self.refusal if self.refused else str(_DONE[self.kind])


_PREVIEW = {
    NEW_DRAFT: gettext_lazy("Báo cáo mới: sẽ được lưu dạng bản nháp (chưa gửi)."),
    NEW_SUBMITTED: gettext_lazy("Báo cáo mới: sẽ được lưu và gửi đi phê duyệt."),
    STAYS_DRAFT: gettext_lazy("Đang là bản nháp: sẽ lưu thay đổi, vẫn là bản nháp (chưa gửi)."),
    STAYS_RETURNED: gettext_lazy(
        "Đang ở trạng thái «Bị trả lại»: sẽ lưu thay đổi, vẫn chưa gửi lại (chọn «Gửi báo cáo "
        "luôn» để gửi)."),
    SUBMITTED: gettext_lazy("Sẽ được lưu và gửi đi phê duyệt (trạng thái «Đã gửi»)."),
    CHANGED_WHILE_SUBMITTED: gettext_lazy(
        "Đã gửi, đang chờ duyệt: sẽ lưu thay đổi, báo cáo vẫn ở trạng thái «Đã gửi» và được "
        "tính là gửi lại."),
    RESUBMITTED: gettext_lazy("Đã gửi, đang chờ duyệt: sẽ lưu thay đổi và gửi lại."),
    APPROVED_CHANGED: gettext_lazy(
        "Đã duyệt: quản trị viên sửa (lý do được ghi lại); báo cáo chuyển về «Đã gửi» và phải "
        "được duyệt lại."),
    UNCHANGED: gettext_lazy("Không có ô nào thay đổi: giữ nguyên, không lưu gì."),
}
_DONE = {
    NEW_DRAFT: gettext_lazy("Đã lưu bản nháp (chưa gửi)."),
    NEW_SUBMITTED: gettext_lazy("Đã gửi báo cáo."),
    STAYS_DRAFT: gettext_lazy("Đã lưu bản nháp (chưa gửi)."),
    STAYS_RETURNED: gettext_lazy(
        "Đã lưu thay đổi; báo cáo vẫn ở trạng thái «Bị trả lại», chưa gửi lại: bấm «Gửi báo "
        "cáo» khi sửa xong."),
    SUBMITTED: gettext_lazy("Đã gửi báo cáo."),
    CHANGED_WHILE_SUBMITTED: gettext_lazy(
        "Đã lưu thay đổi; báo cáo vẫn ở trạng thái «Đã gửi», chờ duyệt (tính là gửi lại)."),
    RESUBMITTED: gettext_lazy("Đã lưu thay đổi và gửi lại báo cáo."),
    APPROVED_CHANGED: gettext_lazy(
        "Đã sửa báo cáo đã duyệt (lý do đã được ghi); báo cáo chuyển về «Đã gửi» để duyệt lại."),
    UNCHANGED: gettext_lazy("Không có gì thay đổi: báo cáo giữ nguyên."),
}


def _entry_refusal(user, unit: AdministrativeUnit, period: ReportingPeriod, reason: str) -> str:
    """Why ``user`` may not write ``unit``'s figures for ``period`` at all ("" if they may)."""
    if not can_enter(user, unit):
        return _("Bạn không có quyền nhập số liệu cho %(unit)s.") % {"unit": unit.name}
    try:
        _check_unit_reports_in(unit, period)
        _check_period_open(user, period, reason)
    except ReportRefused as refusal:
        return str(refusal)
    return ""


def _approved_refusal(user, report: DossierReport) -> str:
    """Why an approved report cannot be changed, and what ``user`` can do about it: its
    approver reopens it; anyone else who enters its figures asks the approver to."""
    approver = approver_unit(report.unit, report.period.end)
    who = (report.approved_by.get_full_name() or report.approved_by.username) \
        if report.approved_by else ""
    when = timezone.localtime(report.approved_at).strftime("%H:%M %d/%m/%Y") \
        if report.approved_at else ""
    by = ", ".join(part for part in (who, when) if part)
    what = {"unit": report.unit.name, "period": report.period.label, "approver": approver.name,
            "by": _(" (%(by)s)") % {"by": by} if by else ""}
    if can_reopen(user, report):
        return _(
            "Báo cáo của %(unit)s, kỳ %(period)s đã được duyệt%(by)s nên không sửa được. Bạn là "
            "người phê duyệt: mở lại báo cáo (nút «Mở lại» trên trang báo cáo, ghi lý do) rồi "
            "sửa; khi nhập từ tệp Excel, bỏ trang của báo cáo này ra khỏi tệp cho đến khi báo "
            "cáo được mở lại.") % what
    return _(
        "Báo cáo của %(unit)s, kỳ %(period)s đã được duyệt%(by)s nên không sửa được. Nếu cần "
        "sửa, hãy đề nghị người phê duyệt của %(approver)s mở lại (nút «Đề nghị mở lại» trên "
        "trang báo cáo); khi nhập từ tệp Excel, bỏ trang của báo cáo này ra khỏi tệp cho đến khi "
        "báo cáo được mở lại."
    ) % what


def save_outcome(*, user, unit: AdministrativeUnit, period: ReportingPeriod,
                 report: DossierReport | None, changed: bool, submit: bool,
                 reason: str = "") -> SaveOutcome:
    """What saving figures for ``unit`` and ``period`` over the stored ``report`` (None: none
    yet) does, ``changed`` saying whether any cell differs from the stored ones.

    Refused outside the user's units, for a unit not in force or a period that is not a
    quarter, in a locked period (administrators with a reason excepted), and for an approved
    report that would change (administrators with a reason excepted: it goes back for approval).
    Changes to a submitted report keep it submitted (a new submission); to a draft or a returned
    report, they keep it so unless ``submit``.
    """
    refusal = _entry_refusal(user, unit, period, reason)
    if refusal:
        return SaveOutcome(REFUSED, refusal=refusal)
    if report is None or report.pk is None:
        return SaveOutcome(NEW_SUBMITTED, ReportStatus.SUBMITTED) if submit else \
            SaveOutcome(NEW_DRAFT, ReportStatus.DRAFT)
    status = report.status
    if not changed:
        if submit and status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            return SaveOutcome(SUBMITTED, ReportStatus.SUBMITTED)
        return SaveOutcome(UNCHANGED, status)
    if status == ReportStatus.APPROVED:
        if not can_change_approved(user):
            return SaveOutcome(REFUSED, refusal=_approved_refusal(user, report))
        if not reason.strip():
            return SaveOutcome(REFUSED, refusal=_(
                "Báo cáo của %(unit)s, kỳ %(period)s đã được duyệt: quản trị viên phải ghi lý do "
                "khi sửa.") % {"unit": unit.name, "period": period.label})
        return SaveOutcome(APPROVED_CHANGED, ReportStatus.SUBMITTED)
    if status == ReportStatus.SUBMITTED:
        return SaveOutcome(RESUBMITTED if submit else CHANGED_WHILE_SUBMITTED,
                           ReportStatus.SUBMITTED)
    if submit:
        return SaveOutcome(SUBMITTED, ReportStatus.SUBMITTED)
    return SaveOutcome(STAYS_DRAFT, ReportStatus.DRAFT) if status == ReportStatus.DRAFT else \
        SaveOutcome(STAYS_RETURNED, ReportStatus.RETURNED)


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

    What happens is ``save_outcome``'s decision, kept on the returned report as ``outcome``:
    refusals raise ``ReportRefused`` (scope, unit not in force, locked period, approved
    report); ``ValidationError`` when a line breaks the form's rules; ``ReportConflict`` when
    the stored version is no longer ``expected_version`` (0 for a report not created yet).
    An approved report is changed only by an administrator giving a reason, and goes back for
    approval; unit staff ask for it to be reopened (``report_reopen_request``). Every changed
    cell is recorded in a ``ReportEvent``.
    """
    refusal = _entry_refusal(user, unit, period, reason)
    if refusal:
        raise ReportRefused(refusal)
    _validate_lines(lines, balance=False)  # a draft may be half filled
    report = _locked_report(unit, period)
    write = _decide(user=user, unit=unit, period=period, lines=lines, report=report,
                    stored=report_lines(report), expected_version=expected_version,
                    submit=submit, source=source, reason=reason)
    if write.outcome.kind != UNCHANGED:
        try:
            _store([write], user=user, reason=reason)
        except _Conflicts as conflicts:  # created at the same moment by someone else
            raise conflicts.errors[0][1] from None
        if refresh_totals:  # an import refreshes them (and the flags) once for all its reports
            rollups_refresh(unit=write.report.unit, period=write.report.period)
            flags_refresh(reports=[write.report])
    write.report.outcome = write.outcome
    return write.report


@dataclass
class _Write:
    """One report's save, decided (``_decide``) and not yet stored (``_store``): the report
    as it will be (new: no pk yet), its status before, the stored and the new figures by field
    id, every changed cell, and what the save does."""

    report: DossierReport
    status_before: str
    stored: dict[int, dict]
    new: dict[int, dict]
    changes: list[dict]
    outcome: SaveOutcome
    action: str = ""


def _decide(*, user, unit, period, lines, report: DossierReport | None, stored: dict[int, dict],
            expected_version: int, submit: bool, source: str, reason: str) -> _Write:
    """What saving ``lines`` over the locked ``report`` (None: none yet) holding ``stored``
    does, with the report changed accordingly but not saved; ``ReportConflict``,
    ``ReportRefused`` and ``ValidationError`` as ``report_save`` says."""
    current_version = report.version if report else 0
    if current_version != expected_version:
        raise ReportConflict(report)
    new = {field.pk: {name: values[name] for name in FIELD_NAMES}
           for field, values in lines.items()}
    changes = _changes({f.pk: f for f in lines}, stored, new)
    outcome = save_outcome(user=user, unit=unit, period=period, report=report,
                           changed=bool(changes), submit=submit, reason=reason)
    if outcome.refused:
        raise ReportRefused(outcome.refusal)
    if outcome.status_after in COUNTED_STATUSES:  # sent, or stays sent: it must add up
        _validate_lines(lines, balance=True)
    if outcome.kind == UNCHANGED:
        return _Write(report, report.status, stored, new, changes, outcome)
    if report is None:
        report = DossierReport(unit=unit, period=period, version=0)
    status_before = report.status if report.pk else ""
    report.status = outcome.status_after
    now = timezone.now()
    if report.status == ReportStatus.SUBMITTED:  # sent now, or changed while awaiting approval
        report.submitted_at = report.submitted_at or now
        report.last_submitted_at = now
    if status_before == ReportStatus.APPROVED:  # an administrator's override
        _clear_reopen_request(report)
    report.version += 1
    report.updated_by = _actor(user)
    report.updated_at = now
    report.source = source
    action = ReportAction.SUBMITTED if submit else (
        ReportAction.IMPORTED if source == DataSource.IMPORTED else ReportAction.SAVED)
    return _Write(report, status_before, stored, new, changes, outcome, action)


class _Conflicts(Exception):
    """New reports that someone else created meanwhile: (write, ``ReportConflict``) each."""

    def __init__(self, errors: list[tuple[_Write, ReportConflict]]):
        self.errors = errors
        super().__init__(len(errors))


#: The report's columns a save changes (``_decide``), written for many reports in one statement.
_REPORT_FIELDS = ("status", "submitted_at", "last_submitted_at", "reopen_requested_at",
                  "reopen_requested_by", "reopen_reason", "version", "updated_by", "updated_at",
                  "source")


def _store(writes: list[_Write], *, user, reason: str, batch_size: int = 1000) -> None:
    """Store decided saves in a few set-based statements whatever their number: the new
    reports in one INSERT, the changed ones in one UPDATE, every new or changed line in one
    INSERT … ON CONFLICT DO UPDATE, and one audit event per report with its changed cells.
    ``_Conflicts`` when a new report was created meanwhile by someone else (nothing stored)."""
    created = [w for w in writes if w.report.pk is None]
    changed = [w for w in writes if w.report.pk is not None]
    if created:
        try:  # two people creating the same report at once: the unique (unit, period) decides
            with transaction.atomic():
                DossierReport.objects.bulk_create([w.report for w in created],
                                                  batch_size=batch_size)
        except IntegrityError:
            for write in created:
                write.report.pk = None
            taken = [(w, ReportConflict(_locked_report(w.report.unit, w.report.period)))
                     for w in created
                     if DossierReport.objects.filter(unit=w.report.unit,
                                                     period=w.report.period).exists()]
            if not taken:
                raise
            raise _Conflicts(taken) from None
    if changed:
        _update_reports([w.report for w in changed])
    _write_lines(writes)
    _write_events([ReportEvent(report=w.report, user=_actor(user), action=w.action,
                               status_before=w.status_before, status_after=w.report.status,
                               version=w.report.version, changes=w.changes, comment=reason)
                   for w in writes], batch_size=batch_size)


_EVENT_FIELDS = ("report", "user", "at", "action", "status_before", "status_after", "version",
                 "changes", "comment")


def _write_events(events: list[ReportEvent], *, batch_size: int) -> None:
    """The audit events in multi-row INSERTs. (``bulk_create`` sends them as arrays through
    ``unnest``, and quoting an array of JSON texts costs a second per thousand events.)"""
    if connection.vendor != "postgresql":
        ReportEvent.objects.bulk_create(events, batch_size=batch_size)
        return
    fields = [ReportEvent._meta.get_field(name) for name in _EVENT_FIELDS]
    columns = ", ".join(field.column for field in fields)
    row = "(" + ", ".join("%s::jsonb" if field.name == "changes" else "%s"
                          for field in fields) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(events), batch_size):
            batch = events[start:start + batch_size]
            params = [json.dumps(event.changes) if field.name == "changes"
                      else getattr(event, field.attname)
                      for event in batch for field in fields]
            cursor.execute(f"INSERT INTO {ReportEvent._meta.db_table} ({columns}) VALUES "
                           + ", ".join([row] * len(batch)), params)


def _sql_type(model, name: str) -> tuple[str, str]:
    field = model._meta.get_field(name)
    return field.column, field.db_type(connection)


def _update_reports(reports: list[DossierReport]) -> None:
    """``_REPORT_FIELDS`` of ``reports`` in one UPDATE … FROM unnest(…) (Django's
    ``bulk_update`` builds a CASE per column and row: seconds for a province)."""
    if connection.vendor != "postgresql":  # SQLite (a quick local run): the ORM's way
        DossierReport.objects.bulk_update(reports, _REPORT_FIELDS, batch_size=500)
        return
    columns = [("id", "integer"), *(_sql_type(DossierReport, name) for name in _REPORT_FIELDS)]
    values = [[r.pk for r in reports]] + [
        [getattr(r, DossierReport._meta.get_field(name).attname) for r in reports]
        for name in _REPORT_FIELDS]
    arrays = ", ".join(f"%s::{kind}[]" for _column, kind in columns)
    names = ", ".join(column for column, _kind in columns)
    assignments = ", ".join(f"{column} = v.{column}" for column, _kind in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {DossierReport._meta.db_table} AS r SET {assignments} "
                       f"FROM unnest({arrays}) AS v({names}) WHERE r.id = v.id", values)


def _write_lines(writes: list[_Write]) -> None:
    """Every new or changed line of ``writes`` in one INSERT … ON CONFLICT DO UPDATE (the
    lines' counts as arrays, ``unnest``: no model instance per line)."""
    rows = [(w.report.pk, field, *(values[name] for name in FIELD_NAMES))
            for w in writes for field, values in w.new.items()
            if w.stored.get(field) != values]
    if not rows:
        return
    if connection.vendor != "postgresql":  # SQLite (a quick local run): the ORM's way
        DossierLine.objects.bulk_create(
            [DossierLine(report_id=row[0], field_id=row[1], **dict(zip(FIELD_NAMES, row[2:],
                                                                         strict=True)))
             for row in rows], batch_size=500, update_conflicts=True,
            unique_fields=["report", "field"], update_fields=list(FIELD_NAMES))
        return
    columns = [_sql_type(DossierLine, name) for name in ("report", "field", *FIELD_NAMES)]
    names = ", ".join(column for column, _kind in columns)
    arrays = ", ".join(f"%s::{kind}[]" for _column, kind in columns)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column, _kind in columns[2:])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {DossierLine._meta.db_table} ({names}) SELECT * FROM "
                       f"unnest({arrays}) ON CONFLICT ({columns[0][0]}, {columns[1][0]}) DO "
                       f"UPDATE SET {updates}",
                       [list(column) for column in zip(*rows, strict=True)])


def _clear_reopen_request(report: DossierReport) -> None:
    report.reopen_requested_at = None
    report.reopen_requested_by = None
    report.reopen_reason = ""


@transaction.atomic
def report_submit(*, user, report: DossierReport, expected_version: int) -> DossierReport:
    """Send a draft or returned report for approval, unchanged; ``ValidationError`` (by row)
    when a line does not add up, (3) = (7) + (11), as a draft may not."""
    return _transition(user=user, report=report, expected_version=expected_version,
                       allowed_from=(ReportStatus.DRAFT, ReportStatus.RETURNED),
                       to=ReportStatus.SUBMITTED, action=ReportAction.SUBMITTED,
                       refusal=_entry_refused)


@transaction.atomic
def report_approve(*, user, report: DossierReport, expected_version: int,
                   reason: str = "") -> DossierReport:
    """Approve a submitted report; its figures are kept to show later changes against them.
    Refused by ``access.approval_refusal`` (the approving level only, four-eyes)."""
    return _transition(user=user, report=report, expected_version=expected_version,
                       allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.APPROVED,
                       action=ReportAction.APPROVED, refusal=_approve_refused, reason=reason)


@transaction.atomic
def report_return(*, user, report: DossierReport, expected_version: int,
                  comment: str) -> DossierReport:
    """Return a submitted report to its unit with a comment saying what to correct."""
    if not comment.strip():
        raise ReportRefused(_("Hãy ghi ý kiến: đơn vị cần biết phải sửa gì."))
    return _transition(user=user, report=report, expected_version=expected_version,
                       allowed_from=(ReportStatus.SUBMITTED,), to=ReportStatus.RETURNED,
                       action=ReportAction.RETURNED, refusal=_review_refused, reason=comment)


@transaction.atomic
def report_reopen(*, user, report: DossierReport, expected_version: int,
                  reason: str) -> DossierReport:
    """Reopen an approved report so that its unit can correct it: its approver (or an
    administrator) does, with a reason, on the unit's request or not.

    The report becomes "returned" with the reason as the review comment: editable by the unit,
    and, like any returned report, no longer counted in totals until it is submitted again. Its
    approved figures are kept, so the approver then sees what changed since the approval.
    """
    if not reason.strip():
        raise ReportRefused(_("Hãy ghi lý do mở lại: đơn vị và lịch sử báo cáo cần biết vì sao "
                              "số liệu đã duyệt được sửa."))
    return _transition(user=user, report=report, expected_version=expected_version,
                       allowed_from=(ReportStatus.APPROVED,), to=ReportStatus.RETURNED,
                       action=ReportAction.REOPENED, refusal=_reopen_refused, reason=reason)


@transaction.atomic
def report_reopen_request(*, user, report: DossierReport, expected_version: int,
                          reason: str) -> DossierReport:
    """The unit asks its approver to reopen its approved report, saying why; the request waits
    in the approver's inbox until they reopen the report or decline."""
    if not reason.strip():
        raise ReportRefused(_("Hãy ghi lý do cần sửa: người phê duyệt cần biết vì sao phải mở "
                              "lại báo cáo đã duyệt."))
    report = _current(report, expected_version)
    if report.status != ReportStatus.APPROVED:
        raise ReportRefused(_("Chỉ đề nghị mở lại được báo cáo đã duyệt; báo cáo này đang ở "
                              "trạng thái «%(status)s».") % {"status": report.get_status_display()})
    if not can_request_reopen(user, report):
        raise ReportRefused(_("Bạn không có quyền đề nghị mở lại báo cáo của %(unit)s.")
                            % {"unit": report.unit.name})
    _check_period_open(user, report.period, reason)
    if report.reopen_requested_at is not None:
        raise ReportRefused(_("Đã có đề nghị mở lại lúc %(when)s, đang chờ người phê duyệt xem "
                              "xét.") % {"when": _local(report.reopen_requested_at)})
    report.reopen_requested_at = timezone.now()
    report.reopen_requested_by = _actor(user)
    report.reopen_reason = reason.strip()
    # Not a change of the figures: "Phiên bản" keeps naming who last changed them, and when.
    report.save(update_fields=["reopen_requested_at", "reopen_requested_by", "reopen_reason"])
    _event(report, user, ReportAction.REOPEN_REQUESTED, report.status, reason.strip())
    return report


@transaction.atomic
def report_reopen_decline(*, user, report: DossierReport, expected_version: int,
                          comment: str) -> DossierReport:
    """The approver declines the unit's request to reopen: the report stays approved."""
    if not comment.strip():
        raise ReportRefused(_("Hãy ghi ý kiến: đơn vị cần biết vì sao không mở lại."))
    report = _current(report, expected_version)
    if not report.reopen_pending:
        raise ReportRefused(_("Báo cáo này không có đề nghị mở lại nào đang chờ."))
    message = _reopen_refused(user, report)
    if message:
        raise ReportRefused(message)
    _clear_reopen_request(report)
    # Not a change of the figures: "Phiên bản" keeps naming who last changed them, and when.
    report.save(update_fields=["reopen_requested_at", "reopen_requested_by", "reopen_reason"])
    _event(report, user, ReportAction.REOPEN_DECLINED, report.status, comment.strip())
    return report


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _current(report: DossierReport, expected_version: int) -> DossierReport:
    """The stored report, locked, if it is still the version the user saw."""
    locked = _locked_report(report.unit, report.period)
    if locked is None or locked.version != expected_version:
        raise ReportConflict(locked or report)
    return locked


def _event(report, user, action, status_before, comment="") -> ReportEvent:
    return ReportEvent.objects.create(report=report, user=_actor(user), action=action,
                                      status_before=status_before, status_after=report.status,
                                      version=report.version, comment=comment)


def _no_right(report: DossierReport) -> str:
    return _("Bạn không có quyền thực hiện thao tác này với báo cáo của %(unit)s.") % {
        "unit": report.unit.name}


def _entry_refused(user, report: DossierReport) -> str:
    return "" if can_enter(user, report.unit) else _no_right(report)


def _review_refused(user, report: DossierReport) -> str:
    from cchc.accounts.access import can_review

    return "" if can_review(user, report.unit, report.period.end) else _no_right(report)


def _approve_refused(user, report: DossierReport) -> str:
    if report.status != ReportStatus.SUBMITTED:  # ``_transition`` refuses the state, in its words
        return _review_refused(user, report)
    return approval_refusal(user, report)


def _reopen_refused(user, report: DossierReport) -> str:
    if report.status != ReportStatus.APPROVED:
        return _review_refused(user, report)
    return "" if can_reopen(user, report) else _no_right(report)


def _transition(*, user, report, expected_version, allowed_from, to, action, refusal,
                reason: str = "") -> DossierReport:
    report = _current(report, expected_version)
    message = refusal(user, report)
    if message:
        raise ReportRefused(message)
    _check_period_open(user, report.period, reason)
    if report.status not in allowed_from:
        raise ReportRefused(_("Báo cáo đang ở trạng thái «%(status)s», không thể %(action)s.")
                            % {"status": report.get_status_display(),
                               "action": str(ReportAction(action).label).lower()})
    if to == ReportStatus.SUBMITTED:  # a draft's figures may not add up yet: not sent then
        stored = report_lines(report)
        fields = ProcedureField.objects.in_bulk(stored)
        _validate_lines({fields[pk]: values for pk, values in stored.items()}, balance=True)
    status_before = report.status
    report.status = to
    now = timezone.now()
    if to == ReportStatus.SUBMITTED:
        report.submitted_at = report.submitted_at or now  # the first one: lateness counts it
        report.last_submitted_at = now
    if to == ReportStatus.APPROVED:
        report.approved_at = now
        report.approved_by = _actor(user)
        report.approved_figures = {
            str(field_id): values for field_id, values in report_lines(report).items()}
        report.review_comment = ""
        _clear_reopen_request(report)
    if to == ReportStatus.RETURNED:
        report.review_comment = reason
        _clear_reopen_request(report)
    report.version += 1
    report.updated_by = _actor(user)
    report.save()
    _event(report, user, action, status_before, reason)
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
    #: show, never a reason to refuse (docs/domain.md §4).
    carried_over_flags: list[tuple[str, int, int]] = dataclass_field(default_factory=list)
    #: (cell of the sheet, field name, outlier): figures to check, never a reason to refuse.
    outliers: list[tuple[str, str, Outlier]] = dataclass_field(default_factory=list)
    #: What storing the sheet will do (``save_outcome``), when the plan was made for a user.
    outcome: SaveOutcome | None = None
    #: Storing it makes the importing approver an author, who then may not approve it.
    bars_own_approval: bool = False

    @property
    def is_new(self) -> bool:
        return self.version == 0


class ImportRefused(Exception):
    """The import was refused as a whole; ``messages`` says why, sheet by sheet."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def _unbalanced(lines, outcome: SaveOutcome) -> str:
    """Why a sheet read as a draft cannot be stored when the report it replaces is counted
    (sent or approved) and stays so: the first line that breaks (3) = (7) + (11)."""
    if outcome.refused or outcome.status_after not in COUNTED_STATUSES:
        return ""
    for field, values in lines.items():
        for error in figure_errors(values, balance=True):
            return _("Báo cáo đang ở trạng thái đã gửi nên mọi dòng phải cân đối. Lĩnh vực "
                     "«%(name)s»: %(problem)s") % {"name": field.name, "problem": error.message}
    return ""


def import_plan(*, sheets, user=None, submit: bool = False, reason: str = "",
                progress=None) -> list[ImportPlan]:
    """For each sheet read from a workbook, what would change against the stored figures and,
    given the ``user`` who imports (and ``submit``, ``reason`` as they will be passed to
    ``reports_import``), what storing it will do: the same ``save_outcome`` as the import.
    ``progress(done, total)``, when given, is called after each sheet (a job's progress bar)."""
    sheets = list(sheets)
    keys = {(sheet.unit.pk, sheet.period.pk) for sheet in sheets}
    reports = _stored_reports(keys)
    stored = _lines_by_report(reports.values())
    pending = _previous_pending_of(keys, {sheet.period for sheet in sheets})
    plans = []
    for number, sheet in enumerate(sheets, 1):
        key = (sheet.unit.pk, sheet.period.pk)
        report = reports.get(key)
        new = {field.pk: {name: values[name] for name in FIELD_NAMES}
               for field, values in sheet.lines.items()}
        changes = _changes({f.pk: f for f in sheet.lines},
                           stored.get(report.pk, {}) if report else {}, new)
        previous = pending.get(key, {})
        flags = [(f.name, values["received_carried_over"], previous[f.pk])
                 for f, values in sheet.lines.items()
                 if f.pk in previous and previous[f.pk] != values["received_carried_over"]]
        plan = ImportPlan(sheet.sheet, sheet.unit, sheet.period, sheet.lines,
                          report.version if report else 0, changes, flags)
        if user is not None:
            plan.outcome = save_outcome(user=user, unit=sheet.unit, period=sheet.period,
                                        report=report, changed=bool(changes), submit=submit,
                                        reason=reason)
            unbalanced = _unbalanced(sheet.lines, plan.outcome)
            if unbalanced:  # a draft sheet for a report that stays sent must add up too
                plan.outcome = SaveOutcome(REFUSED, refusal=unbalanced)
            plan.bars_own_approval = (bool(changes) and not plan.outcome.refused
                                      and entering_bars_approval(user, sheet.unit,
                                                                 sheet.period.end))
        plans.append(plan)
        if progress is not None:
            progress(number, len(sheets))
    found = find_outliers(Subject(s.unit, s.period, {f.pk: v for f, v in s.lines.items()})
                          for s in sheets)
    for sheet, plan in zip(sheets, plans, strict=True):
        names = {field.pk: field.name for field in sheet.lines}
        plan.outliers = [(sheet.cell(o.field_id, o.column), names[o.field_id], o)
                         for o in found.get((sheet.unit.pk, sheet.period.pk), [])]
    return plans


def _locked_reports(keys: set[tuple[int, int]]) -> dict[tuple[int, int], DossierReport]:
    """The stored reports of (unit id, period id) ``keys``, locked, in one query (in the order
    of their ids, so that two imports lock the rows they share in the same order)."""
    if not keys:
        return {}
    found = (DossierReport.objects.select_for_update(of=("self",))
             .select_related("updated_by", "period", "unit")
             .filter(unit_id__in={u for u, _p in keys}, period_id__in={p for _u, p in keys})
             .order_by("pk"))
    return {(r.unit_id, r.period_id): r for r in found if (r.unit_id, r.period_id) in keys}


def _lines_by_report(reports: Iterable[DossierReport]) -> dict[int, dict[int, dict[str, int]]]:
    """Report id → its figures by field id (``report_lines`` of many reports in one query)."""
    lines: dict[int, dict[int, dict[str, int]]] = {}
    ids = [r.pk for r in reports]
    if ids:
        for report_id, field_id, *counts in DossierLine.objects.filter(
                report_id__in=ids).values_list("report_id", "field_id", *FIELD_NAMES):
            lines.setdefault(report_id, {})[field_id] = dict(zip(FIELD_NAMES, counts,
                                                                 strict=True))
    return lines


def _stored_reports(keys: set[tuple[int, int]]) -> dict[tuple[int, int], DossierReport]:
    """The stored reports of (unit id, period id) ``keys``, in one query."""
    if not keys:
        return {}
    found = (DossierReport.objects.select_related("unit", "period", "approved_by")
             .filter(unit_id__in={u for u, _p in keys}, period_id__in={p for _u, p in keys})
             .order_by())
    return {(r.unit_id, r.period_id): r for r in found if (r.unit_id, r.period_id) in keys}


def _previous_pending_of(keys: set[tuple[int, int]],
                         periods: Iterable[ReportingPeriod]) -> dict[tuple[int, int], dict]:
    """(unit id, period id) → ``previous_pending`` of that unit and period, in one query per
    period."""
    found: dict[tuple[int, int], dict[int, int]] = {}
    for period in periods:
        units = {u for u, p in keys if p == period.pk}
        rows = DossierLine.objects.filter(
            report__unit_id__in=units, report__period__code=period.spec.previous().code
        ).values_list("report__unit_id", "field_id", "pending_total")
        for unit_id, field_id, pending in rows:
            found.setdefault((unit_id, period.pk), {})[field_id] = pending
    return found


@transaction.atomic
def reports_import(*, user, plans: list[ImportPlan], submit: bool = False,
                   reason: str = "", progress=None) -> list[DossierReport]:
    """Store every planned sheet, or none: any refusal (scope, lock, an approved report, a
    report changed since the plan was made) cancels the whole import and lists every problem,
    sheet by sheet. Each sheet does what its plan's ``outcome`` announced, as ``report_save``
    would, but in a few set-based statements for the whole workbook (``_store``); the totals
    and flags are refreshed once for all its reports. ``progress(done, total)``, when given, is
    called after each sheet is decided, inside the transaction, with one step more than there
    are sheets: storing them all and refreshing the totals is the last (a job writes it through
    its own connection, ``cchc.jobs.services.progress``)."""
    problems, writes = [], []
    locked = _locked_reports({(plan.unit.pk, plan.period.pk) for plan in plans})
    stored = _lines_by_report(locked.values())
    decided: dict[tuple[int, int], DossierReport] = {}  # a report on two sheets: the second
    for number, plan in enumerate(plans, 1):             # finds it changed (ReportConflict)
        key = (plan.unit.pk, plan.period.pk)
        try:
            refusal = _entry_refusal(user, plan.unit, plan.period, reason)
            if refusal:
                raise ReportRefused(refusal)
            _validate_lines(plan.lines, balance=False)
            report = decided.get(key) or locked.get(key)
            writes.append((plan, _decide(
                user=user, unit=plan.unit, period=plan.period, lines=plan.lines, report=report,
                stored=stored.get(report.pk, {}) if report else {},
                expected_version=plan.version, submit=submit, source=DataSource.IMPORTED,
                reason=reason)))
            decided[key] = writes[-1][1].report
        except (ReportRefused, ReportConflict) as refusal:
            problems.append(_sheet_problem(plan, refusal))
        except ValidationError as invalid:
            problems.extend(_sheet_problem(plan, message) for message in invalid.messages)
        if progress is not None:  # the last step is storing the set: a sheet is not done yet
            progress(number, len(plans) + 1)
    if problems:
        raise ImportRefused(problems)
    try:
        _store([w for _plan, w in writes if w.outcome.kind != UNCHANGED], user=user,
               reason=reason)
    except _Conflicts as conflicts:
        sheets = {id(w): plan for plan, w in writes}
        raise ImportRefused([_sheet_problem(sheets[id(w)], conflict)
                             for w, conflict in conflicts.errors]) from None
    saved = []
    for _plan, write in writes:
        write.report.outcome = write.outcome
        saved.append(write.report)
    rollups_rebuild(periods={r.period for r in saved}, units={r.unit for r in saved})
    flags_refresh(reports=saved)
    return saved


def _sheet_problem(plan: ImportPlan, problem) -> str:
    return _("Trang «%(sheet)s»: %(problem)s") % {"sheet": plan.sheet, "problem": problem}
