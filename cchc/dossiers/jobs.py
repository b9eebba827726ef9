"""The form II.06a upload as two jobs (cchc/jobs): *check and preview* reads the stored file
(every sheet) and keeps the plans, changes, outcomes and outliers on its record; *import* stores
those plans after the user confirmed them, all or nothing, refusing a report that changed since
the preview (its version), as the upload always did."""

from __future__ import annotations

import zipfile
from dataclasses import asdict

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import can_enter, can_follow_up_job
from cchc.dossiers import excel, services
from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.models import ProcedureField
from cchc.jobs.models import LIVE_STATUSES, Job, JobStatus
from cchc.jobs.services import JobFailed, kind, progress
from cchc.periods.models import ReportingPeriod
from cchc.quality.outliers import Outlier
from cchc.units.models import AdministrativeUnit

CHECK = "dossiers.check"
IMPORT = "dossiers.import"


def answers_at_once(upload) -> bool:
    """Whether checking ``upload`` takes well under a second, so the request does it: a
    workbook of at most ``CCHC_JOB_INLINE_SHEETS`` sheets (counted in the zip's directory,
    nothing unpacked), or a file refused before it is opened (too large, not a zip)."""
    if upload.size > excel.max_upload_bytes():
        return True
    try:
        with zipfile.ZipFile(upload) as package:
            sheets = sum(1 for name in package.namelist()
                         if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True
    finally:
        upload.seek(0)
    return sheets <= settings.CCHC_JOB_INLINE_SHEETS


def cell_errors(job) -> list[excel.CellError]:
    """A failed job's errors as the upload page lists them (sheet, cell, what to do)."""
    return [excel.CellError(e.get("sheet", ""), e.get("cell", ""), e.get("message", ""))
            for e in job.errors]


def confirmable_preview(user, job_id: str):
    """The user's own finished check job ``job_id`` (a posted value: anything else is None)."""
    if not job_id.isascii() or not job_id.isdigit() or not 0 < int(job_id) < 2**63:
        return None
    job = Job.objects.filter(pk=int(job_id), kind=CHECK, status=JobStatus.DONE).first()
    if job is None or not can_follow_up_job(user, job) or not job.result:
        return None
    return job


def _live_follower(job):
    return job.followers.filter(status__in=LIVE_STATUSES).first()


def check_context(job, request) -> dict:
    context = {"errors": cell_errors(job)}
    if job.status == JobStatus.DONE and job.result:
        plans = plans_from_json(job.result["plans"])
        refused = [plan for plan in plans if plan.outcome and plan.outcome.refused]
        follower = _live_follower(job)
        context.update({
            "plans": plans, "columns": {c.field: c for c in COLUMNS},
            "has_outliers": any(plan.outliers for plan in plans), "refused": refused,
            "submit": job.result["submit"], "follower": follower,
            "may_confirm": (not refused and follower is None
                            and can_follow_up_job(request.user, job))})
    return context


def import_context(job, request) -> dict:
    source = job.source
    reports = []
    if job.status == JobStatus.DONE and job.result:
        reports = [{**r, "url": reverse("dossiers:report", args=[
            r["unit_list"], r["code"], r["period_code"]])} for r in job.result["reports"]]
    may_rerun = (job.status == JobStatus.FAILED and source is not None
                 and source.status == JobStatus.DONE and not (source.result or {}).get("refused")
                 and _live_follower(source) is None and can_follow_up_job(request.user, job))
    return {"reports": reports, "preview": source, "may_rerun": may_rerun}



@kind(CHECK, gettext_lazy("Kiểm tra và xem trước tệp Excel biểu II.06a"),
      template="dossiers/job_check.html", context=check_context)
def check(job) -> dict:
    submit, reason = bool(job.params.get("submit")), job.params.get("reason", "")
    user = job.user
    progress(job, 0, 1, _("Đang đọc và kiểm tra tệp «%(name)s»…") % {"name": job.input_name},
             force=True)
    try:
        with job.input_file.open("rb") as source:
            sheets = excel.read_workbook(source, size=job.input_file.size,
                                         allowed=lambda unit: can_enter(user, unit),
                                         balance=submit)
    except excel.WorkbookInvalid as invalid:
        raise JobFailed(_("Tệp có lỗi; chưa lưu gì."),
                        errors=[asdict(error) for error in invalid.errors]) from None
    total = len(sheets)
    progress(job, 0, total, _("Đang so sánh %(count)s trang với số liệu đã lưu…") % {
        "count": total}, force=True)
    plans = services.import_plan(
        sheets=sheets, user=user, submit=submit, reason=reason,
        progress=lambda done, total: progress(
            job, done, total, _("Đã xem %(done)s/%(total)s trang") % {
                "done": done, "total": total}))
    return {"submit": submit, "reason": reason, "plans": [plan_to_json(p) for p in plans],
            "refused": sum(1 for p in plans if p.outcome and p.outcome.refused)}


@kind(IMPORT, gettext_lazy("Nhập số liệu từ tệp Excel biểu II.06a"),
      template="dossiers/job_import.html", context=import_context)
def import_(job) -> dict:
    preview = job.source
    if preview is None or not preview.result:
        raise JobFailed(_("Không còn bản xem trước để nhập: hãy tải tệp lên lại."))
    options = preview.result
    plans = plans_from_json(options["plans"])
    progress(job, 0, len(plans), _("Đang nhập %(count)s báo cáo…") % {"count": len(plans)},
             force=True)
    try:
        saved = services.reports_import(
            user=job.user, plans=plans, submit=options["submit"], reason=options["reason"],
            progress=lambda done, total: progress(
                job, done, total, _("Đã nhập %(done)s/%(total)s trang (chưa lưu hẳn cho đến "
                                    "khi xong tất cả)") % {"done": done, "total": total - 1}
                if done < total - 1 else _("Đang lưu %(count)s báo cáo và tính lại số liệu "
                                          "tổng hợp…") % {"count": total - 1},
                force=done == total - 1))  # every sheet read: the bar says it is saving
    except services.ImportRefused as refused:
        raise JobFailed(_("Không nhập trang nào (tất cả hoặc không):"),
                        errors=[{"message": message} for message in refused.messages]) from None
    return {"count": len(saved), "reports": [
        {"unit": report.unit.name, "unit_list": report.unit.unit_list, "code": report.unit.code,
         "period": report.period.label, "period_code": report.period.code,
         "outcome": str(report.outcome.done)}
        for report in saved]}


def plan_to_json(plan: services.ImportPlan) -> dict:
    outcome = plan.outcome
    return {
        "sheet": plan.sheet, "unit": plan.unit.pk, "period": plan.period.pk,
        "version": plan.version,
        "lines": {str(field.pk): dict(values) for field, values in plan.lines.items()},
        "changes": plan.changes,
        "carried_over_flags": [list(flag) for flag in plan.carried_over_flags],
        "outliers": [[cell, name, asdict(outlier)] for cell, name, outlier in plan.outliers],
        "outcome": None if outcome is None else {
            "kind": outcome.kind, "status_after": str(outcome.status_after),
            "refusal": str(outcome.refusal)},
        "bars_own_approval": plan.bars_own_approval,
    }


def plans_from_json(data: list[dict]) -> list[services.ImportPlan]:
    """The plans a check job kept, as the preview showed them (and as the import stores them:
    against the versions read then)."""
    fields = ProcedureField.objects.in_bulk()
    units = AdministrativeUnit.objects.in_bulk({p["unit"] for p in data})
    periods = ReportingPeriod.objects.in_bulk({p["period"] for p in data})
    plans = []
    for p in data:
        outcome = p.get("outcome")
        plans.append(services.ImportPlan(
            p["sheet"], units[p["unit"]], periods[p["period"]],
            {fields[int(f)]: values for f, values in p["lines"].items()},
            p["version"], p.get("changes", []),
            [tuple(flag) for flag in p.get("carried_over_flags", [])],
            [(cell, name, Outlier(**outlier)) for cell, name, outlier in p.get("outliers", [])],
            None if outcome is None else services.SaveOutcome(**outcome),
            p.get("bars_own_approval", False)))
    return plans

