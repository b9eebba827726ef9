from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import JobCommand
from cchc.periods.codes import InvalidPeriodCode
from cchc.periods.models import ReportingPeriod
from cchc.quality.jobs import REFRESH_FLAGS


class Command(JobCommand):
    help = gettext_lazy(
        "Tính lại cảnh báo số liệu bất thường của mọi báo cáo trong các kỳ đã chọn (sau khi nạp "
        "số liệu hàng loạt, hoặc khi nhiều đơn vị cùng cấp đã gửi sau một báo cáo). Cảnh báo "
        "đã kiểm tra vẫn giữ nếu số liệu không đổi. Chạy ngay và in từng kỳ; --background để "
        "một tiến trình xử lý nền chạy.")
    job_kind = REFRESH_FLAGS

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], metavar="CODE",
                            required=True, help=_("kỳ cần tính lại (lặp lại được), ví dụ 2025-Q2"))
        super().add_arguments(parser)

    def handle(self, *args, **options):
        periods = []
        for code in options["period"]:
            try:
                periods.append(ReportingPeriod.objects.get_by_code(code))
            except (InvalidPeriodCode, ReportingPeriod.DoesNotExist) as exc:
                raise CommandError(_("Không có kỳ báo cáo %(code)s.") % {"code": code}) from exc
        job = self.job_run({"periods": [p.code for p in periods]},
                           background=options["background"])
        if job is not None:
            self.stdout.write(self.style.SUCCESS(
                _("Đã tính lại cảnh báo của %(periods)s: %(count)s cảnh báo chưa kiểm tra.") % {
                    "periods": ", ".join(p.code for p in periods),
                    "count": job.result["open"]}))
