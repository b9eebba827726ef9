import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.dossiers.rollups import rollups_rebuild
from cchc.formatting import format_count
from cchc.periods.codes import InvalidPeriodCode
from cchc.periods.models import ReportingPeriod


class Command(BaseCommand):
    help = gettext_lazy(
        "Tính lại toàn bộ số liệu tổng hợp sẵn (theo đơn vị và theo đơn vị kèm cấp dưới) từ các "
        "dòng số liệu đã gửi hoặc đã duyệt. Bình thường không cần: chúng được cập nhật mỗi khi "
        "một báo cáo thay đổi."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], metavar="CODE",
                            help=_("chỉ các kỳ này (lặp lại được), ví dụ 2024-Q4"))

    def handle(self, *args, **options):
        started = time.monotonic()
        periods = None
        if options["period"]:
            periods = []
            for code in options["period"]:
                try:
                    periods.append(ReportingPeriod.objects.get_by_code(code))
                except (InvalidPeriodCode, ReportingPeriod.DoesNotExist) as exc:
                    raise CommandError(_("Không có kỳ báo cáo %(code)s.") % {"code": code}) \
                        from exc
        rows = rollups_rebuild(periods=periods)
        self.stdout.write(self.style.SUCCESS(
            _("Đã tính lại %(rows)s dòng tổng hợp trong %(seconds)s giây.") % {
                "rows": format_count(rows), "seconds": f"{time.monotonic() - started:.1f}"}))
