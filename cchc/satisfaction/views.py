"""SIPAS of a unit's children for a year, and their import from Excel."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.access import get_unit_for_user
from cchc.satisfaction.jobs import SIPAS
from cchc.satisfaction.models import FACTORS
from cchc.satisfaction.selectors import sipas_for
from cchc.satisfaction.services import HEADER
from cchc.service_index.services import may_enter
from cchc.sheets import upload_handle


def _children(parent):
    return list(parent.children.order_by("code"))


def results(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    parent = get_unit_for_user(request.user, unit_list, code)
    units = _children(parent)
    found = sipas_for(units, year)
    return render(request, "satisfaction/results.html", {
        "parent": parent, "year": year, "factors": FACTORS, "header": HEADER,
        "rows": [(unit, found.get(unit.pk)) for unit in units],
        "can_import": may_enter(request.user, parent),
    })


@require_POST
def upload(request: HttpRequest, unit_list: str, code: str, year: int) -> HttpResponse:
    parent = get_unit_for_user(request.user, unit_list, code)
    if not may_enter(request.user, parent):
        raise PermissionDenied(_("Chỉ văn phòng cấp tỉnh hoặc quản trị nhập được kết quả "
                                 "SIPAS."))
    return upload_handle(request, SIPAS, unit=parent, params={"year": year},
                         back=reverse("satisfaction:results", args=[unit_list, code, year]))
