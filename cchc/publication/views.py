"""The provincial office's side of the public page: switch it on or off, publish a quarter's
ranking, withdraw it. Everything is decided in ``cchc.publication.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.access import get_unit_for_user
from cchc.periods.models import ReportingPeriod
from cchc.publication import selectors
from cchc.publication.services import (
    NOT_THE_OFFICE,
    PublicationRefused,
    may_publish,
    public_page_set,
    ranking_publish,
    ranking_withdraw,
)
from cchc.units.models import AdministrativeUnit, Level


def _province_for(request, unit_list: str, code: str) -> AdministrativeUnit:
    """The province, if the user may decide what it publishes: 404 outside the user's scope
    (or for a unit that is not a province), 403 for a role that may not publish."""
    unit = get_unit_for_user(request.user, unit_list, code)
    if not may_publish(request.user, unit):  # the role first, as every page of the app does
        raise PermissionDenied(NOT_THE_OFFICE)
    if unit.level != Level.PROVINCE:
        raise Http404
    return unit


def _back(request, default: str) -> str:
    """Where a form sends the user back: its ``next`` if it is a page of this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, unit_list: str, code: str) -> HttpResponse:
    """The province's public page: on or off (POST ``enabled`` = 1 or 0), and what it
    published."""
    province = _province_for(request, unit_list, code)
    if request.method == "POST":
        enabled = request.POST.get("enabled") == "1"
        try:
            public_page_set(user=request.user, province=province, enabled=enabled)
        except PublicationRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Trang công khai kết quả đã bật: ai cũng xem được, "
                                        "không cần đăng nhập.") if enabled else
                             _("Trang công khai kết quả đã tắt: không ai ngoài hệ thống xem "
                               "được nữa (số liệu đã công bố vẫn được giữ)."))
        return redirect("publication:settings", unit_list, code)
    page = selectors.public_page_of(province)
    return render(request, "publication/settings.html", {
        "province": province, "page": page, "page_enabled": bool(page and page.is_enabled),
        "publications": selectors.office_publications(province),
    })


@require_POST
def publish(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """Publish the quarter's ranking as it stands (approved figures only), or publish it again
    to replace what was published."""
    province = _province_for(request, unit_list, code)
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    try:
        ranking_publish(user=request.user, province=province, period=period)
    except PublicationRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã công bố xếp hạng %(period)s của %(province)s; số liệu "
                                    "công bố được giữ nguyên cho đến khi công bố lại.") % {
            "period": period.label, "province": province.name})
        if not selectors.is_public(province):
            messages.warning(request, _("Trang công khai của tỉnh đang tắt: chưa ai ngoài hệ "
                                        "thống xem được. Bật trang ở mục Công khai kết quả."))
    return redirect(_back(request, reverse("reports:ranking",
                                           args=[unit_list, code, period.code])))


@require_POST
def withdraw(request: HttpRequest, unit_list: str, code: str, period: str) -> HttpResponse:
    """Remove a published quarter from the public page."""
    province = _province_for(request, unit_list, code)
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    try:
        removed = ranking_withdraw(user=request.user, province=province, period=period)
    except PublicationRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        if removed:
            messages.success(request, _("Đã thu hồi xếp hạng %(period)s khỏi trang công khai.")
                             % {"period": period.label})
        else:
            messages.info(request, _("Xếp hạng %(period)s chưa được công bố: không có gì để "
                                     "thu hồi.") % {"period": period.label})
    return redirect(_back(request, reverse("reports:ranking",
                                           args=[unit_list, code, period.code])))
