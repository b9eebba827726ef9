import datetime

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.reminders.emails import day_text
from cchc.reminders.models import ReminderKind
from cchc.reminders.services import reminders_send

DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = gettext_lazy(
        "Gửi thư nhắc hạn của một ngày (mặc định: hôm nay) cho cán bộ các đơn vị chưa gửi báo "
        "cáo và cho người phê duyệt có báo cáo đang chờ; dùng cho cron. Chạy lại trong cùng "
        "ngày không gửi trùng thư nào. Có thư gửi lỗi: trả mã lỗi khác 0 (chạy lại để gửi lại)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help=_("ngày nhắc, dạng YYYY-MM-DD (mặc định: hôm nay)"))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("chỉ cho biết sẽ gửi bao nhiêu thư, không gửi, không ghi gì"))

    def handle(self, *args, **options):
        today = self._day(options["date"])
        if settings.IS_PRODUCTION and settings.CCHC_SITE_URL == DEVELOPMENT_SITE_URL:
            self.stderr.write(_("Chú ý: CCHC_SITE_URL chưa đặt, liên kết trong thư sẽ trỏ tới "
                                "%(url)s.") % {"url": DEVELOPMENT_SITE_URL})
        summary = reminders_send(today=today, dry_run=options["dry_run"])
        self.stdout.write(_("Thư nhắc ngày %(day)s:") % {"day": day_text(today)})
        sent_label = _("sẽ gửi") if summary.dry_run else _("đã gửi")
        for kind in ReminderKind:
            self.stdout.write(_(
                "  %(kind)s: %(sent)s thư %(sent_label)s, %(already)s thư đã gửi từ trước, "
                "%(failed)s thư lỗi") % {
                "kind": kind.label, "sent": summary.sent[kind], "sent_label": sent_label,
                "already": summary.already[kind], "failed": summary.failed[kind]})
        if summary.dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không gửi thư nào, không ghi gì."))
            return
        if summary.total_failed:
            raise CommandError(_(
                "%(count)s thư gửi không thành công (xem lỗi trong nhật ký thư nhắc). Chạy lại "
                "lệnh trong ngày để gửi lại các thư này.") % {"count": summary.total_failed})
        self.stdout.write(self.style.SUCCESS(
            _("Xong: %(count)s thư đã gửi.") % {"count": sum(summary.sent.values())}))

    def _day(self, text: str | None) -> datetime.date:
        if not text:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(_("Ngày «%(text)s» không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ "
                                 "2025-10-13.") % {"text": text}) from exc
