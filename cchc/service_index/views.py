"""The 766 service index pages: a unit's index with every indicator's formula and threshold,
the ranking of a unit's children, entry and Excel import by the provincial office."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.access import get_unit_for_user
from cchc.periods.models import ReportingPeriod
from cchc.service_index import selectors
from cchc.service_index.jobs import VALUES
from cchc.service_index.models import ServiceIndicator, Source
from cchc.service_index.services import ValuesRefused, may_enter, values_save
from cchc.sheets import upload_handle
from reports.selectors import ranking_units


def unit_index(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    unit = get_unit_for_user(request.user, unit_list, code)
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    problems, typed = [], {}
    entered = list(ServiceIndicator.objects.filter(source=Source.ENTERED))
    if request.method == "POST":
        if not may_enter(request.user, unit):
            raise PermissionDenied(_("Chỉ văn phòng cấp tỉnh hoặc quản trị nhập được chỉ tiêu "
                                     "QĐ 766."))
        typed = {i: request.POST.get(f"rate-{i.pk}", "") for i in entered}
        try:
            values_save(user=request.user, unit=unit, period=period, typed=typed)
        except ValuesRefused as refused:
            problems = refused.messages
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("service_index:unit", unit_list, code, period.code)
    index = selectors.service_index(unit, period)
    return render(request, "service_index/unit.html", {
        "unit": unit, "period": period, "index": index, "problems": problems,
        "typed": {i.pk: value for i, value in typed.items()},
        "can_enter": may_enter(request.user, unit),
        # The Excel import of entered indicators is on the parent's ranking page.
        "can_import_parent": unit.parent is not None and may_enter(request.user, unit.parent),
    }, status=400 if problems else 200)


def ranking(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    parent = get_unit_for_user(request.user, unit_list, code)
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    indexes = selectors.service_indexes(ranking_units(parent, period), period)
    return render(request, "service_index/ranking.html", {
        "parent": parent, "period": period, "indexes": indexes,
        "can_import": may_enter(request.user, parent),
    })


@require_POST
def upload(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    parent = get_unit_for_user(request.user, unit_list, code)
    if not may_enter(request.user, parent):
        raise PermissionDenied(_("Chỉ văn phòng cấp tỉnh hoặc quản trị nhập được chỉ tiêu "
                                 "Chỉ số phục vụ."))
    period_obj = ReportingPeriod.objects.get_by_code_or_404(period)
    return upload_handle(request, VALUES, unit=parent, period=period_obj,
                         back=reverse("service_index:ranking", args=[unit_list, code, period]))
