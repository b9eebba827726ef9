from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.access import (
    SUBMIT,
    approval_refusal,
    approver_unit,
    can_change_approved,
    can_change_locked,
    can_enter,
    can_reopen,
    can_request_reopen,
    can_review,
    can_send_reminders,
    get_unit_for_user,
    profile_of,
)
from cchc.dossiers import excel, selectors, services
from cchc.dossiers import jobs as dossier_jobs
from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.forms import (
    LineForm,
    ReopenForm,
    ReviewForm,
    UploadForm,
    initial_values,
    posted_version,
)
from cchc.dossiers.models import ProcedureField, ReportStatus
from cchc.exports import XLSX
from cchc.jobs.models import JobStatus
from cchc.jobs.services import follow_up, job_start
from cchc.jobs.views import job_context
from cchc.periods.models import ReportingPeriod
from cchc.quality import selectors as quality_selectors
from cchc.quality import services as quality_services
from cchc.units.models import AdministrativeUnit, Level
from cchc.units.selectors import unit_successors


def _unit_and_period(request, unit_list, code, period_code):
    """The unit if the user may see it, and the period: 404 for either otherwise."""
    return (get_unit_for_user(request.user, unit_list, code),
            ReportingPeriod.objects.get_by_code_or_404(period_code))


def _line_forms(unit, period, report, data=None, editable=True) -> list[LineForm]:
    stored = selectors.report_lines(report)
    previous = selectors.previous_pending(unit, period)
    return [
        LineForm(data, prefix=f"f{field.pk}", field=field,
                 previous_pending=previous.get(field.pk), editable=editable,
                 initial=initial_values(stored.get(field.pk), previous.get(field.pk)))
        for field in ProcedureField.objects.for_level(unit.level)
    ]


def report(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """Form II.06a of one unit for one quarter: enter, save, submit; review when allowed.

    A submitted report opens read-only for its approver, with the review panel on top (who may
    also enter its figures edits it through ``?sua=1``); an approved report is read-only except
    for administrators (with a reason), and offers reopening instead.
    """
    unit, period = _unit_and_period(request, unit_list, code, period)
    if len(period.spec.quarters()) > 1:  # a longer period: read-only, from its quarters
        return render(request, "dossiers/report_derived.html", {
            "unit": unit, "period": period, "columns": COLUMNS,
            "derived": selectors.derived_report(unit, period)})
    current = selectors.report_for(unit, period)
    status = current.status if current else None
    may_write = can_enter(request.user, unit) and (not period.is_locked
                                                   or can_change_locked(request.user))
    if request.method == "POST" and not may_write:
        raise PermissionDenied(_("Bạn không được sửa báo cáo này."))
    reviewing = status == ReportStatus.SUBMITTED and can_review(request.user, unit, period.end)
    editable = may_write and (
        (status != ReportStatus.APPROVED or can_change_approved(request.user))
        and (not reviewing or "sua" in request.GET))
    # A post is always checked by the service (a page opened before an approval says why it
    # is refused); what is shown stays read-only unless editable.
    posting = request.method == "POST"
    forms = _line_forms(unit, period, current, request.POST or None, editable or posting)
    flags = quality_selectors.report_flags(current)
    if request.method != "POST":  # flags describe the stored figures, which a GET shows
        cells = quality_selectors.flags_by_cell(flags)
        for form in forms:
            form.flags = cells.get(form.procedure_field.pk, {})
    version, http_status = posted_version(request.POST, current.version if current else 0), 200
    if version is None:
        messages.error(request, _("Trang nhập liệu gửi lên bị hỏng (phiên bản báo cáo không hợp "
                                  "lệ), chưa lưu gì. Hãy tải lại trang rồi nhập lại."))
        version, http_status = (current.version if current else 0), 400
    elif request.method == "POST" and all(form.is_valid() for form in forms):
        saved, version = _save(request, unit, period, forms, version)
        if saved:
            return redirect(request.path)
    if posting and not editable:
        forms = _line_forms(unit, period, current, None, False)
    # A refused review decision is shown next to the comment box (or on top once the report
    # is no longer awaiting this reviewer).
    review_error = request.session.pop("review_error", "") if "review_error" in request.session \
        else ""
    review_comment = request.session.pop("review_comment", "") \
        if "review_comment" in request.session else ""
    if review_error and not reviewing:
        messages.error(request, review_error)
    return render(request, "dossiers/report.html", {
        "unit": unit, "period": period, "report": current, "forms": forms,
        "bad_rows": [form for form in forms if form.is_bound and form.row_errors],
        "approver": reviewing_office(approver_unit(unit, period.end)) if editable else "",
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "session_warn_seconds": settings.SESSION_WARN_BEFORE_SECONDS,
        "columns": COLUMNS, "editable": editable, "version": version,
        "can_review": reviewing, "may_edit_while_reviewing": reviewing and may_write,
        "approval_refusal": approval_refusal(request.user, current) if reviewing else "",
        "review_error": review_error, "review_comment": review_comment,
        "can_request_reopen": current is not None and can_request_reopen(request.user, current)
        and (not period.is_locked or can_change_locked(request.user)),
        "can_reopen": current is not None and can_reopen(request.user, current),
        "overriding_approval": editable and status == ReportStatus.APPROVED,
        "last_word": selectors.last_word(current),
        "changes_since_approval": selectors.changes_since_approval(current) if current else [],
        "flags": flags, "open_flags": sum(1 for flag in flags if flag.is_open),
        "can_check_flags": bool(flags) and can_review(request.user, unit, period.end),
    }, status=http_status)


def _save(request, unit, period, forms, version) -> tuple[bool, int]:
    """Save the posted forms; on failure say why, keep the user's figures, and after a
    conflict show the figures saved meanwhile beside them."""
    submit = "submit" in request.POST
    try:
        saved = services.report_save(
            user=request.user, unit=unit, period=period,
            lines={form.procedure_field: form.figures for form in forms},
            expected_version=version, submit=submit, reason=request.POST.get("reason", ""),
        )
    except services.ReportConflict as conflict:
        messages.error(request, str(conflict))
        latest = selectors.report_lines(conflict.report)
        for form in forms:
            form.stored = latest.get(form.procedure_field.pk, {})
        return False, conflict.report.version
    except ValidationError as invalid:
        if hasattr(invalid, "error_dict"):  # by row: shown on each offending row
            by_row = {form.procedure_field.pk: form for form in forms}
            for key, errors in invalid.error_dict.items():
                by_row[int(key)].add_error(None, errors)
        else:
            for message in invalid.messages:
                messages.error(request, message)
        return False, version
    except services.ReportRefused as refusal:
        messages.error(request, str(refusal))
        return False, version
    done = saved.outcome.done  # what really happened, status included
    if saved.status == ReportStatus.SUBMITTED and submit:
        done = _("%(done)s %(office)s sẽ xem xét và phê duyệt.") % {
            "done": done, "office": reviewing_office(approver_unit(unit, period.end))}
    messages.success(request, done)
    return True, version


@require_POST
def outlier_check(request: HttpRequest, unit_list: str, code: str, period: str) -> JsonResponse:
    """The outlier rule on the figures being typed (the entry form asks as the clerk types):
    the same ``find_outliers`` as on saving, nothing stored. Rows that do not validate yet are
    left out (their error shows on saving)."""
    unit, period = _unit_and_period(request, unit_list, code, period)
    if not can_enter(request.user, unit):
        raise PermissionDenied(_("Bạn không được sửa báo cáo này."))
    lines = {form.procedure_field.pk: form.figures
             for form in _line_forms(unit, period, None, request.POST) if form.is_valid()}
    warnings = quality_selectors.figures_outliers(unit, period,
                                                  selectors.report_for(unit, period), lines)
    return JsonResponse({"flags": [
        {"field": w.outlier.field_id, "column": w.outlier.column,
         "label": str(w.outlier.short_label), "explanation": w.outlier.explanation,
         "checked": w.checked} for w in warnings]})


def _report_to_review(request, unit_list, code, period_code):
    """The stored report, for its approver (or an administrator) only: 404 outside the user's
    scope or without a report, 403 for anyone else."""
    unit, period = _unit_and_period(request, unit_list, code, period_code)
    current = selectors.report_for(unit, period)
    if current is None:
        raise Http404
    if not can_review(request.user, unit, period.end):
        raise PermissionDenied(_("Bạn không phải người phê duyệt báo cáo này."))
    return unit, period, current


@require_POST
def review(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    unit, period, current = _report_to_review(request, unit_list, code, period)
    form = ReviewForm(request.POST)
    if not form.is_valid():  # shown next to the comment box (``review_error``)
        request.session["review_error"] = _("Chưa rõ quyết định: hãy chọn Phê duyệt hoặc Trả "
                                            "lại (kèm ý kiến) rồi gửi lại.")
        return redirect("dossiers:report", unit.unit_list, unit.code, period.code)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            services.report_approve(user=request.user, report=current,
                                    expected_version=data["version"], reason=data["comment"])
            messages.success(request, _("Đã phê duyệt báo cáo."))
        else:
            services.report_return(user=request.user, report=current,
                                   expected_version=data["version"], comment=data["comment"])
            messages.success(request, _("Đã trả lại báo cáo cho đơn vị."))
    except (services.ReportConflict, services.ReportRefused) as refusal:
        request.session["review_error"] = str(refusal)  # next to the comment box
        request.session["review_comment"] = data["comment"]
    return redirect("dossiers:report", unit.unit_list, unit.code, period.code)


@require_POST
def reopen(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """The approver reopens an approved report (with a reason), or declines the unit's request
    to; from the report page or the inbox (``next=inbox``)."""
    unit, period, current = _report_to_review(request, unit_list, code, period)
    form = ReopenForm(request.POST)
    back = redirect("dossiers:inbox") if request.POST.get("next") == "inbox" else \
        redirect("dossiers:report", unit.unit_list, unit.code, period.code)
    if not form.is_valid():
        messages.error(request, _("Chưa rõ quyết định: hãy chọn Mở lại hoặc Từ chối (kèm lý do) "
                                  "rồi gửi lại."))
        return back
    data = form.cleaned_data
    try:
        if data["decision"] == "reopen":
            # Accepting the unit's request: its reason is the reason, unless the approver adds one.
            reason = data["reason"].strip() or current.reopen_reason
            services.report_reopen(user=request.user, report=current,
                                   expected_version=data["version"], reason=reason)
            messages.success(request, _("Đã mở lại báo cáo của %(unit)s, %(period)s: đơn vị sửa "
                                        "được và phải gửi lại để duyệt.") % {
                "unit": unit.name, "period": period.label})
        else:
            services.report_reopen_decline(user=request.user, report=current,
                                           expected_version=data["version"],
                                           comment=data["reason"])
            messages.success(request, _("Đã từ chối đề nghị mở lại; báo cáo vẫn là «Đã duyệt»."))
    except (services.ReportConflict, services.ReportRefused) as refusal:
        messages.error(request, str(refusal))
    return back


def _posted_version(request) -> int:
    """The version the user's page showed; anything else conflicts with the stored one."""
    version = posted_version(request.POST, -1)
    return -1 if version is None else version


@require_POST
def reopen_request(request: HttpRequest, unit_list: str, code: str,
                   period: str) -> HttpResponse:
    """The unit asks its approver to reopen its approved report, with a reason."""
    unit, period = _unit_and_period(request, unit_list, code, period)
    current = selectors.report_for(unit, period)
    if current is None:
        raise Http404
    if not can_enter(request.user, unit):
        raise PermissionDenied(_("Bạn không được sửa báo cáo này."))
    try:
        services.report_reopen_request(user=request.user, report=current,
                                       expected_version=_posted_version(request),
                                       reason=request.POST.get("reason", ""))
    except (services.ReportConflict, services.ReportRefused) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Đã gửi đề nghị mở lại tới %(approver)s. Khi báo cáo được "
                                    "mở lại, bạn sửa và gửi lại như báo cáo bị trả lại.") % {
            "approver": approver_unit(unit, period.end).name})
    return redirect("dossiers:report", unit.unit_list, unit.code, period.code)


@require_POST
def flag_check(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """The reviewer marks a flagged figure as checked, with a note saying why it is right."""
    unit, period, current = _report_to_review(request, unit_list, code, period)
    flag = quality_selectors.report_flag(current, request.POST.get("flag"))
    if flag is None:
        messages.error(request, _("Không tìm thấy cảnh báo này (số liệu có thể vừa được sửa): "
                                  "hãy xem lại danh sách cảnh báo."))
    else:
        try:
            quality_services.flag_check(user=request.user, flag=flag,
                                        note=request.POST.get("note", ""))
        except quality_services.FlagRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Đã ghi nhận: «%(field)s», cột %(column)s đã được kiểm "
                                        "tra.") % {"field": flag.field.name,
                                                   "column": flag.column_number})
    return redirect(reverse("dossiers:report", args=[unit.unit_list, unit.code, period.code])
                    + "#outlier-flags")


def history(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    unit, period = _unit_and_period(request, unit_list, code, period)
    current = selectors.report_for(unit, period)
    events = current.events.select_related("user") if current else []
    return render(request, "dossiers/history.html", {
        "unit": unit, "period": period, "report": current, "events": events,
        "columns": {c.field: c for c in COLUMNS},
    })


def inbox(request: HttpRequest) -> HttpResponse:
    """"Việc cần làm": what the user's unit owes, and what waits for the user's review."""
    profile = profile_of(request.user)
    unit = profile.unit if profile else None
    today = timezone.localdate()
    due = selectors.due_quarters(unit, today) if unit else []
    awaiting = selectors.reports_awaiting_review(request.user)
    return render(request, "dossiers/inbox.html", {
        "unit": unit, "due": due, "notices": selectors.unit_notices(due),
        "awaiting": awaiting, "awaiting_flags": selectors.open_flags_awaiting(awaiting),
        "approvable": sum(1 for report in awaiting if not report.approval_refusal),
        "reopen_requests": selectors.reopen_requests(request.user),
        "successors": unit_successors(unit) if unit else [],
    })


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    """Approve the reports ticked in the inbox, each through ``report_approve`` in its own
    transaction (a refusal — four-eyes, a version changed meanwhile — leaves the others
    approved), then say which were approved and which refused, and why."""
    chosen = [pk for pk in request.POST.getlist("report") if pk.isdigit()]
    reports = {r.pk: r for r in selectors.reports_awaiting_review(request.user)}
    if not chosen:
        messages.error(request, _("Chưa chọn báo cáo nào: hãy đánh dấu các báo cáo cần phê "
                                  "duyệt trong danh sách «Chờ bạn kiểm tra, phê duyệt»."))
    for pk in dict.fromkeys(int(pk) for pk in chosen):
        report = reports.get(pk)
        if report is None:
            messages.error(request, _("Một báo cáo đã chọn không còn chờ bạn phê duyệt (đã được "
                                      "duyệt, trả lại hoặc sửa): hãy xem lại danh sách."))
            continue
        name = _("%(unit)s, %(period)s") % {"unit": report.unit.name,
                                            "period": report.period.label}
        version = posted_version({"version": request.POST.get(f"version-{pk}")}, -1)
        try:
            services.report_approve(user=request.user, report=report,
                                    expected_version=-1 if version is None else version)
        except (services.ReportConflict, services.ReportRefused) as refusal:
            messages.error(request, _("Chưa duyệt %(report)s: %(why)s") % {
                "report": name, "why": refusal})
        else:
            messages.success(request, _("Đã phê duyệt %(report)s.") % {"report": name})
    return redirect("dossiers:inbox")


@require_POST
def bulk_flag_check(request: HttpRequest) -> HttpResponse:
    """Mark the outlier flags ticked in the inbox as checked, each through
    ``quality.services.flag_check`` with its own note (or the common note), each in its own
    transaction. Asked by ``static/js/inbox.js`` (JSON: what was checked, what refused and why)
    or by the form itself without JavaScript (messages, back to the inbox)."""
    common = request.POST.get("note", "").strip()
    reports = {r.pk: r for r in selectors.reports_awaiting_review(request.user)}
    flags = {flag.pk: flag for flag in selectors.open_flags_awaiting(list(reports.values()))}
    checked, refused = [], []
    chosen = [pk for pk in request.POST.getlist("flag") if pk.isdigit()]
    if not chosen:
        refused.append({"flag": None, "message": _(
            "Chưa chọn số liệu bất thường nào: hãy đánh dấu các ô cần xác nhận đã kiểm tra.")})
    for pk in dict.fromkeys(int(pk) for pk in chosen):
        flag = flags.get(pk)
        if flag is None:
            refused.append({"flag": pk, "message": _(
                "Không tìm thấy cảnh báo này (số liệu có thể vừa được sửa, hoặc đã kiểm tra): "
                "hãy tải lại trang.")})
            continue
        where = _("%(unit)s, %(period)s – «%(field)s», cột %(column)s") % {
            "unit": flag.report.unit.name, "period": flag.report.period.label,
            "field": flag.field.name, "column": flag.column_number}
        try:
            quality_services.flag_check(
                user=request.user, flag=flag,
                note=request.POST.get(f"note-{pk}", "").strip() or common)
        except quality_services.FlagRefused as refusal:
            refused.append({"flag": pk, "message": _("%(where)s: %(why)s") % {
                "where": where, "why": refusal}})
        else:
            checked.append({"flag": pk, "message": _("Đã ghi nhận đã kiểm tra: %(where)s.") % {
                "where": where}})
    if _wants_json(request):
        return JsonResponse({"checked": checked, "refused": refused},
                            status=200 if checked or not refused else 400)
    for item in checked:
        messages.success(request, item["message"])
    for item in refused:
        messages.error(request, item["message"])
    return redirect(reverse("dossiers:inbox") + "#flags-title")


def completeness(request: HttpRequest, unit_list: str, code: str,
                 period: str | None = None) -> HttpResponse:
    """Who has reported for a quarter, on time or late, and who has not."""
    unit = get_unit_for_user(request.user, unit_list, code)
    quarters = selectors.quarters_for(unit, timezone.localdate())
    if period:
        chosen = ReportingPeriod.objects.get_by_code_or_404(period)
    else:
        chosen = quarters[0] if quarters else None
    if chosen is None:
        raise Http404
    status = request.GET.get("trang-thai", "")
    status = status if status in selectors.COMPLETENESS_STATUSES else ""
    sort = request.GET.get("xep", "code")
    sort = sort if sort in selectors.COMPLETENESS_SORTS else "code"
    found = selectors.completeness(unit, chosen)
    return render(request, "dossiers/completeness.html", {
        "unit": unit, "period": chosen, "quarters": quarters, "completeness": found,
        "rows": found.shown(status, sort), "status": status, "sort": sort,
        "statuses": selectors.COMPLETENESS_STATUSES, "sorts": selectors.COMPLETENESS_SORTS,
        "may_remind": can_send_reminders(request.user, unit) and not chosen.is_locked,
    })


def template(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """The Excel template for (unit, period), prefilled with what is stored."""
    unit, period = _unit_and_period(request, unit_list, code, period)
    stream = io.BytesIO()
    excel.template_workbook(unit, period).save(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, excel.template_filename(unit, period))
    return response


def _check_may_submit(user) -> None:
    """Read-only roles (national bodies) get a clear refusal, not an upload form."""
    if not user.has_perm(SUBMIT):
        raise PermissionDenied(_("Tài khoản này chỉ được xem số liệu, không nhập được báo cáo."))


def upload(request: HttpRequest) -> HttpResponse:
    """Upload a filled template (one sheet per unit): the file is kept and a *check and
    preview* job reads it (cchc/dossiers/jobs.py). A small file is checked in this request and
    its preview (or every error) answers at once; a larger one goes to a worker and the job's
    page shows the progress bar, then the same preview. Nothing is saved until the user
    confirms."""
    _check_may_submit(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = form.cleaned_data
        inline = dossier_jobs.answers_at_once(upload)
        profile = profile_of(request.user)
        job = job_start(dossier_jobs.CHECK, user=request.user,
                        unit=profile.unit if profile is not None else None, file=upload,
                        params={"submit": options["submit"], "reason": options["reason"]},
                        inline=inline)
        if not inline:
            return redirect("jobs:detail", job.pk)
        if job.status != JobStatus.FAILED:
            return render(request, "jobs/job.html", job_context(request, job))
        errors = dossier_jobs.cell_errors(job)
    return render(request, "dossiers/upload.html", {
        "form": form, "errors": errors,
        "open_quarters": selectors.open_quarters_to_enter(request.user, timezone.localdate()),
        "show_reason": can_change_approved(request.user) or can_change_locked(request.user)})


@require_POST
def upload_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm a preview: an *import* job stores its plans, all or nothing. Small imports run
    in this request and answer as before (messages, then the inbox); larger ones go to a
    worker and the job's page follows them. Confirming twice never imports twice."""
    _check_may_submit(request.user)
    preview = dossier_jobs.confirmable_preview(request.user, request.POST.get("job", ""))
    if preview is None:
        messages.error(request, _("Không còn dữ liệu chờ xác nhận: hãy tải tệp lên lại."))
        return redirect("dossiers:upload")
    if preview.result.get("refused"):
        messages.error(request, _("Bản xem trước này có trang không nhập được: hãy sửa tệp "
                                  "rồi tải lên lại."))
        return redirect("jobs:detail", preview.pk)
    inline = len(preview.result["plans"]) <= settings.CCHC_JOB_INLINE_SHEETS
    job, created = follow_up(preview, dossier_jobs.IMPORT, user=request.user, inline=inline)
    if not (created and inline):
        return redirect("jobs:detail", job.pk)
    if job.status == JobStatus.FAILED:
        for error in job.errors:
            messages.error(request, error["message"])
        return redirect("dossiers:upload")
    messages.success(request, _("Đã nhập %(count)s báo cáo từ tệp Excel.") % {
        "count": job.result["count"]})
    for report in job.result["reports"]:  # what each sheet did: the same sentences as the preview
        messages.info(request, _("%(unit)s, %(period)s: %(outcome)s") % report)
    return redirect("dossiers:inbox")


def reviewing_office(approver: AdministrativeUnit) -> str:
    """Who reviews a unit's report, as a clerk says it: "Phòng Nội vụ huyện Kế Sách" (a
    district's home affairs office), "Sở Nội vụ tỉnh Sóc Trăng" (a province's)."""
    name = approver.name[:1].lower() + approver.name[1:]
    if approver.level == Level.PROVINCE:
        return _("Sở Nội vụ %(unit)s") % {"unit": name}
    return _("Phòng Nội vụ %(unit)s") % {"unit": name}


@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """The entry form's "stay signed in" button: renews the idle session now (signed-in users
    only, as every page) and says how long it lasts from here."""
    request.session["_renewed"] = int(timezone.now().timestamp())  # saved with a new expiry
    return JsonResponse({"seconds": settings.SESSION_COOKIE_AGE})
