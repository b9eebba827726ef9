"""PAR index results: the ranking of a unit's children for a year, one unit's result, and their
downloads. Every number comes from ``cchc.scores.selectors``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.access import can_view, get_unit_for_user
from cchc.exports import csv_response, xlsx_response
from cchc.ranking import paginate_table
from cchc.scores import exports, selectors
from cchc.scores.evidence import ACCEPTED
from cchc.scores.forms import read_scores
from cchc.scores.jobs import SURVEY
from cchc.scores.models import AssessmentStatus, ParAssessment, ParEvidence
from cchc.scores.services import (
    APPRAISAL,
    SELF,
    ScoresRefused,
    assessment_save,
    may_publish,
    may_self_assess,
    results_publish,
)
from cchc.scores.tables import ParRankingTable
from cchc.sheets import upload_handle


def _results_for(request, unit_list: str, code: str, year: int):
    parent = get_unit_for_user(request.user, unit_list, code)
    scheme, results = selectors.par_ranking(parent, year)
    return parent, scheme, results


def ranking(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    parent, scheme, results = _results_for(request, unit_list, code, year)
    table = ParRankingTable(results)
    paginate_table(request, table)
    unpublished = [r for r in results if not r.is_published]
    return render(request, "scores/ranking.html", {
        "parent": parent, "scheme": scheme, "year": year, "table": table,
        "results": results, "bands": scheme.bands.all() if scheme else [],
        "can_publish": bool(scheme and unpublished and may_publish(request.user, scheme)),
        "below": selectors.par_rankings_below(parent, year),
    })


@require_POST
def publish(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    """The council publishes the ranking as shown; the scores are locked from then on."""
    parent, scheme, _results = _results_for(request, unit_list, code, year)
    if scheme is None:
        raise Http404
    if not may_publish(request.user, scheme):
        raise PermissionDenied(_("Chỉ văn phòng tỉnh ban hành bộ chỉ số (hoặc quản trị) được "
                                 "công bố kết quả."))
    try:
        published = results_publish(user=request.user, scheme=scheme, parent=parent)
    except ScoresRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã công bố kết quả của %(count)s đơn vị; điểm không "
                                    "còn sửa được.") % {"count": len(published)})
    return redirect("scores:ranking", unit_list, code, year)


def result(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, unit_list, code)
    assessment = (ParAssessment.objects.select_related("scheme", "unit__parent")
                  .filter(unit=unit, scheme__year=year).first())
    if assessment is None:
        raise Http404(_("%(unit)s chưa có kết quả Chỉ số CCHC năm %(year)s.")
                      % {"unit": unit.name, "year": year})
    found = selectors.unit_result(assessment)
    chart = {
        "labels": [f"{a.criterion.code}. {a.criterion.title}" for a in found.areas],
        "max": [float(a.criterion.max_points) for a in found.areas],
        "self": [None if a.self_points is None else float(a.self_points) for a in found.areas],
        "appraised": [None if a.appraised_points is None else float(a.appraised_points)
                      for a in found.areas],
        "names": {"max": _("Điểm tối đa"), "self": _("Tự đánh giá"),
                  "appraised": _("Thẩm định")},
    }
    return render(request, "scores/result.html", {"unit": unit, "result": found,
                                                  "chart_data": chart})


def ranking_csv(request: HttpRequest, unit_list: str, code: str, year: int):
    parent, _scheme, results = _results_for(request, unit_list, code, year)
    return csv_response(exports.csv_rows(results), f"chi-so-cchc-{parent.code}-{year}.csv")


def ranking_xlsx(request: HttpRequest, unit_list: str, code: str, year: int):
    parent, scheme, results = _results_for(request, unit_list, code, year)
    title = _("Kết quả Chỉ số CCHC năm %(year)s – đơn vị thuộc %(unit)s") % {
        "year": year, "unit": parent.name}
    return xlsx_response(lambda file: exports.write_workbook(results, title, file),
                         f"chi-so-cchc-{parent.code}-{year}.xlsx")


def _assessment_for(request, unit_list: str, code: str, year: int):
    """The unit (access checked), its scheme for ``year`` and its assessment (None if not
    started yet)."""
    unit = get_unit_for_user(request.user, unit_list, code)
    scheme = selectors.scheme_for(selectors.scheme_level_of(unit), year, unit.parent)
    if scheme is None:
        raise Http404(_("Chưa có bộ chỉ số năm %(year)s cho %(unit)s.")
                      % {"year": year, "unit": unit.name})
    assessment = ParAssessment.objects.filter(scheme=scheme, unit=unit).first()
    return unit, scheme, assessment


def _assessment_page(request, unit_list, code, year, kind: str) -> HttpResponse:
    unit, scheme, assessment = _assessment_for(request, unit_list, code, year)
    allowed = may_self_assess(request.user, unit, scheme) if kind == SELF else \
        may_publish(request.user, scheme)
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền %(action)s cho %(unit)s.") % {
            "action": _("tự đánh giá") if kind == SELF else _("thẩm định"), "unit": unit.name})
    rows = selectors.assessment_rows(scheme, assessment)
    typed, problems = {}, []
    if request.method == "POST":
        posted = read_scores(request.POST, request.FILES, [r.criterion for r in rows
                                                            if r.is_leaf])
        typed, problems = posted.raw, list(posted.problems)
        if not problems:
            try:
                assessment_save(user=request.user, scheme=scheme, unit=unit,
                                entries=posted.entries, kind=kind, evidence=posted.evidence,
                                submit="submit" in request.POST)
            except ScoresRefused as refused:
                problems = refused.messages
            else:
                messages.success(request, _("Đã gửi thẩm định.") if "submit" in request.POST
                                 else _("Đã lưu."))
                name = "scores:self_assessment" if kind == SELF else "scores:appraisal"
                return redirect(name, unit_list, code, year)
    return render(request, "scores/assessment.html", {
        "unit": unit, "scheme": scheme, "assessment": assessment, "rows": rows, "kind": kind,
        "typed": typed, "problems": problems, "year": year,
        "locked": assessment is not None and assessment.status == AssessmentStatus.PUBLISHED,
        "max_bytes": settings.CCHC_EVIDENCE_MAX_BYTES, "accepted": ACCEPTED,
    }, status=400 if problems else 200)


@require_POST
def survey_upload(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    """The council imports survey points for the units of the ranking (all or nothing)."""
    parent, scheme, _results = _results_for(request, unit_list, code, year)
    if scheme is None:
        raise Http404
    if not may_publish(request.user, scheme):
        raise PermissionDenied(_("Chỉ hội đồng thẩm định (văn phòng tỉnh ban hành bộ chỉ số) "
                                 "nhập được điểm điều tra xã hội học."))
    return upload_handle(request, SURVEY, unit=parent, params={"scheme": scheme.pk},
                         back=reverse("scores:ranking", args=[unit_list, code, year]),
                         missing=_("Hãy chọn tệp Excel điểm điều tra xã hội học."))


def self_assessment(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    """The unit scores itself per sub-criterion, explains, attaches evidence, and submits."""
    return _assessment_page(request, unit_list, code, year, SELF)


def appraisal(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    """The council's appraised score and comment beside the unit's own, differences marked;
    survey points are entered here too (criteria of the survey part)."""
    return _assessment_page(request, unit_list, code, year, APPRAISAL)


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to those who may see the unit that uploaded it; always as a
    download, never shown inline."""
    evidence = get_object_or_404(ParEvidence.objects.select_related("score__assessment__unit"),
                                 pk=pk)
    if not can_view(request.user, evidence.score.assessment.unit):
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True,
                        filename=evidence.original_name, content_type=evidence.content_type)
