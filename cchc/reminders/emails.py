"""The text of reminder e-mails: plain text, in the site's language (Vietnamese)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cchc.dossiers.models import ReportStatus
from cchc.reminders.models import ReminderKind
from cchc.reminders.selectors import DeadlineDue, ReviewDue

PREFIX = gettext_lazy("[Báo cáo CCHC]")


def site_url(path: str) -> str:
    """An absolute address on the site, for links in e-mails."""
    return settings.CCHC_SITE_URL + path


def day_text(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _greeting(user) -> str:
    return _("Kính gửi %(name)s,") % {"name": user.get_full_name() or user.username}


def _footer(reason: str) -> str:
    return "\n".join([
        "-- ",
        _("Thư tự động của hệ thống Báo cáo CCHC, xin đừng trả lời thư này."),
        reason,
        _("Các thư nhắc bạn đã nhận: %(url)s") % {"url": site_url(reverse("reminders:mine"))},
    ])


def deadline_subject(due: DeadlineDue) -> str:
    values = {"prefix": PREFIX, "days": due.days, "period": due.period.label,
              "unit": due.unit.name}
    if due.kind == ReminderKind.AFTER_DEADLINE:
        return ngettext("%(prefix)s Báo cáo %(period)s của %(unit)s đã quá hạn %(days)s ngày",
                        "%(prefix)s Báo cáo %(period)s của %(unit)s đã quá hạn %(days)s ngày",
                        due.days) % values
    if due.days == 0:
        return _("%(prefix)s Hôm nay là hạn nộp báo cáo %(period)s – %(unit)s") % values
    return ngettext("%(prefix)s Còn %(days)s ngày đến hạn nộp báo cáo %(period)s – %(unit)s",
                    "%(prefix)s Còn %(days)s ngày đến hạn nộp báo cáo %(period)s – %(unit)s",
                    due.days) % values


def _deadline_line(due: DeadlineDue) -> str:
    values = {"deadline": day_text(due.period.deadline), "days": due.days}
    if due.kind == ReminderKind.AFTER_DEADLINE:
        return ngettext("Hạn nộp: %(deadline)s – đã quá hạn %(days)s ngày.",
                        "Hạn nộp: %(deadline)s – đã quá hạn %(days)s ngày.", due.days) % values
    if due.days == 0:
        return _("Hạn nộp: %(deadline)s – hôm nay là hạn cuối.") % values
    return ngettext("Hạn nộp: %(deadline)s – còn %(days)s ngày.",
                    "Hạn nộp: %(deadline)s – còn %(days)s ngày.", due.days) % values


def _status_lines(due: DeadlineDue) -> list[str]:
    report = due.report
    if report is None:
        return [_("Trạng thái: chưa nhập số liệu.")]
    if report.status == ReportStatus.RETURNED:
        lines = [_("Trạng thái: bị trả lại, chưa gửi lại.")]
        if report.review_comment:
            lines.append(_("Ý kiến khi trả lại: %(comment)s") % {"comment": report.review_comment})
        return lines
    return [_("Trạng thái: bản nháp, chưa gửi.")]


def deadline_body(due: DeadlineDue) -> str:
    link = site_url(reverse("dossiers:report",
                            args=[due.unit.unit_list, due.unit.code, due.period.code]))
    return "\n".join([
        _greeting(due.user),
        "",
        _("Báo cáo số liệu hồ sơ thủ tục hành chính (biểu II.06a) %(period)s của %(unit)s chưa "
          "được gửi.") % {"period": due.period.label, "unit": due.unit.name},
        *_status_lines(due),
        _deadline_line(due),
        "",
        _("Nhập và gửi báo cáo tại: %(url)s") % {"url": link},
        "",
        _footer(_("Bạn nhận thư này vì là cán bộ của %(unit)s, đơn vị chưa gửi báo cáo.")
                % {"unit": due.unit.name}),
    ])


def review_subject(due: ReviewDue) -> str:
    count = len(due.reports)
    return ngettext("%(prefix)s %(count)s báo cáo đang chờ bạn phê duyệt",
                    "%(prefix)s %(count)s báo cáo đang chờ bạn phê duyệt",
                    count) % {"prefix": PREFIX, "count": count}


def _waiting_line(report) -> str:
    text = _("- %(unit)s – %(period)s – gửi ngày %(day)s") % {
        "unit": report.unit.name, "period": report.period.label,
        "day": day_text(timezone.localtime(report.submitted_at).date())}
    if report.is_late:
        text += " " + _("(nộp muộn)")
    link = site_url(reverse("dossiers:report",
                            args=[report.unit.unit_list, report.unit.code, report.period.code]))
    return f"{text}\n  {link}"


def review_body(due: ReviewDue) -> str:
    return "\n".join([
        _greeting(due.user),
        "",
        _("Các báo cáo sau đã được gửi và đang chờ bạn kiểm tra, phê duyệt hoặc trả lại:"),
        "",
        *(_waiting_line(report) for report in due.reports),
        "",
        _("Danh sách việc cần làm: %(url)s") % {"url": site_url(reverse("dossiers:inbox"))},
        "",
        _footer(_("Bạn nhận thư này mỗi ngày còn báo cáo gửi từ hôm trước chờ bạn phê duyệt.")),
    ])
