import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import JobCommand
from cchc.formatting import format_count
from cchc.periods.codes import InvalidPeriodCode
from cchc.periods.models import ReportingPeriod
from reports.jobs import REBUILD_ROLLUPS


class Command(JobCommand):
    help = gettext_lazy(
        "Tính lại toàn bộ số liệu tổng hợp sẵn (theo đơn vị và theo đơn vị kèm cấp dưới) từ các "
        "dòng số liệu đã gửi hoặc đã duyệt. Bình thường không cần: chúng được cập nhật mỗi khi "
        "một báo cáo thay đổi. Chạy ngay và in từng kỳ; --background để một tiến trình xử lý "
        "nền chạy."
    )
    job_kind = REBUILD_ROLLUPS

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], metavar="CODE",
                            help=_("chỉ các kỳ này (lặp lại được), ví dụ 2024-Q4"))
        super().add_arguments(parser)

    def handle(self, *args, **options):
        started = time.monotonic()
        codes = []
        for code in options["period"]:
            try:
                codes.append(ReportingPeriod.objects.get_by_code(code).code)
            except (InvalidPeriodCode, ReportingPeriod.DoesNotExist) as exc:
                raise CommandError(_("Không có kỳ báo cáo %(code)s.") % {"code": code}) from exc
        job = self.job_run({"periods": codes}, background=options["background"])
        if job is not None:
            self.stdout.write(self.style.SUCCESS(
                _("Đã tính lại %(rows)s dòng tổng hợp trong %(seconds)s giây.") % {
                    "rows": format_count(job.result["rows"]),
                    "seconds": f"{time.monotonic() - started:.1f}"}))
