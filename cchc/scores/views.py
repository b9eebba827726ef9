"""PAR index results: the ranking of a unit's children for a year, one unit's result, and their
downloads. Every number comes from ``cchc.scores.selectors``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from cchc.accounts.access import get_unit_for_user
from cchc.scores import exports, selectors
from cchc.scores.models import ParAssessment, SchemeLevel
from cchc.scores.services import ScoresRefused, may_publish, results_publish
from cchc.scores.tables import ParRankingTable
from cchc.units.models import Level, UnitList
from reports.exports import stream

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def children_level(parent) -> str:
    """The scheme level of ``parent``'s children: a province's districts before the reform,
    otherwise communes."""
    if parent.level == Level.PROVINCE and parent.unit_list == UnitList.BEFORE_2025:
        return SchemeLevel.DISTRICT
    return SchemeLevel.COMMUNE


def _results_for(request, unit_list: str, code: str, year: int):
    parent = get_unit_for_user(request.user, unit_list, code)
    scheme = selectors.scheme_for(children_level(parent), year, parent)
    results = selectors.scheme_results(scheme, parent=parent) if scheme else []
    return parent, scheme, results


def ranking(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    parent, scheme, results = _results_for(request, unit_list, code, year)
    table = ParRankingTable(results)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    unpublished = [r for r in results if not r.is_published]
    return render(request, "scores/ranking.html", {
        "parent": parent, "scheme": scheme, "year": year, "table": table,
        "results": results, "bands": scheme.bands.all() if scheme else [],
        "can_publish": bool(scheme and unpublished and may_publish(request.user, scheme)),
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
    response = StreamingHttpResponse(exports.iter_csv(results),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"chi-so-cchc-{parent.code}-{year}.csv")
    return response


def ranking_xlsx(request: HttpRequest, unit_list: str, code: str, year: int):
    parent, scheme, results = _results_for(request, unit_list, code, year)
    title = _("Kết quả Chỉ số CCHC năm %(year)s – đơn vị thuộc %(unit)s") % {
        "year": year, "unit": parent.name}
    response = StreamingHttpResponse(
        stream(lambda file: exports.write_workbook(results, title, file)), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"chi-so-cchc-{parent.code}-{year}.xlsx")
    return response
