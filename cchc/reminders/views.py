"""The signed-in user's own reminders, and reminding the units that have not sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cchc.accounts.access import can_send_reminders, get_unit_for_user
from cchc.periods.models import ReportingPeriod
from cchc.reminders.selectors import reminders_of
from cchc.reminders.services import reminders_send_unsent

PER_PAGE = 50


def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(reminders_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reminders/mine.html", {"page": page})


@require_POST
def remind_unsent(request: HttpRequest, unit_list: str, code: str,
                  period: str) -> HttpResponse:
    """"Gửi nhắc các đơn vị chưa gửi" on a completeness list: the deadline e-mail to the staff
    of each unit of the list that has not sent the quarter's report, at most once a day."""
    unit = get_unit_for_user(request.user, unit_list, code)
    period = ReportingPeriod.objects.get_by_code_or_404(period)
    if not can_send_reminders(request.user, unit):
        raise PermissionDenied(_("Chỉ cơ quan phê duyệt (phòng, sở tiếp nhận báo cáo) được gửi "
                                 "nhắc các đơn vị chưa gửi báo cáo."))
    back = redirect(reverse("dossiers:completeness", args=[unit.unit_list, unit.code,
                                                           period.code])
                    + _kept_view(request.POST))
    if period.is_locked:
        messages.error(request, _("Kỳ %(period)s đã khoá, không nhận thêm báo cáo: không gửi "
                                  "nhắc.") % {"period": period.label})
        return back
    done = reminders_send_unsent(root=unit, period=period, today=timezone.localdate())
    if done.sent or not done.already:
        messages.success(request, ngettext(
            "Đã gửi %(sent)s thư nhắc tới cán bộ các đơn vị chưa gửi báo cáo %(period)s.",
            "Đã gửi %(sent)s thư nhắc tới cán bộ các đơn vị chưa gửi báo cáo %(period)s.",
            done.sent) % {"sent": done.sent, "period": period.label})
    if done.already:
        messages.info(request, ngettext(
            "Bỏ qua %(count)s thư: người nhận đã được nhắc về báo cáo này hôm nay (mỗi ngày "
            "một lần), không gửi lại.",
            "Bỏ qua %(count)s thư: người nhận đã được nhắc về báo cáo này hôm nay (mỗi ngày "
            "một lần), không gửi lại.", done.already) % {"count": done.already})
    if done.failed:
        messages.error(request, ngettext(
            "%(count)s thư gửi không thành công (xem nhật ký thư nhắc); bấm gửi lại để thử "
            "lần nữa.",
            "%(count)s thư gửi không thành công (xem nhật ký thư nhắc); bấm gửi lại để thử "
            "lần nữa.", done.failed) % {"count": done.failed})
    if done.unreachable_units:
        messages.warning(request, ngettext(
            "%(count)s đơn vị chưa gửi không có tài khoản nào có địa chỉ e-mail: hãy liên hệ "
            "trực tiếp.",
            "%(count)s đơn vị chưa gửi không có tài khoản nào có địa chỉ e-mail: hãy liên hệ "
            "trực tiếp.", done.unreachable_units) % {"count": done.unreachable_units})
    return back


def _kept_view(posted) -> str:
    """The completeness list's filter and sort, as the page that posted had them."""
    kept = {key: posted[key] for key in ("trang-thai", "xep")
            if posted.get(key, "").isalnum()}
    return "?" + urlencode(kept) if kept else ""
