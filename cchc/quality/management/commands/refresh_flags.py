from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.periods.codes import InvalidPeriodCode
from cchc.periods.models import ReportingPeriod
from cchc.quality.services import flags_refresh_periods


class Command(BaseCommand):
    help = gettext_lazy(
        "Tính lại cảnh báo số liệu bất thường của mọi báo cáo trong các kỳ đã chọn (sau khi nạp "
        "số liệu hàng loạt, hoặc khi nhiều đơn vị cùng cấp đã gửi sau một báo cáo). Cảnh báo "
        "đã kiểm tra vẫn giữ nếu số liệu không đổi.")

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], metavar="CODE",
                            required=True, help=_("kỳ cần tính lại (lặp lại được), ví dụ 2025-Q2"))

    def handle(self, *args, **options):
        periods = []
        for code in options["period"]:
            try:
                periods.append(ReportingPeriod.objects.get_by_code(code))
            except (InvalidPeriodCode, ReportingPeriod.DoesNotExist) as exc:
                raise CommandError(_("Không có kỳ báo cáo %(code)s.") % {"code": code}) from exc
        open_count = flags_refresh_periods(periods=periods)
        self.stdout.write(self.style.SUCCESS(
            _("Đã tính lại cảnh báo của %(periods)s: %(count)s cảnh báo chưa kiểm tra.") % {
                "periods": ", ".join(p.code for p in periods), "count": open_count}))
