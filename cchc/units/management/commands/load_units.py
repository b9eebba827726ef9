import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.formatting import format_count
from cchc.units.loading import load_official_units
from cchc.units.models import Level, Succession, UnitList


class Command(BaseCommand):
    help = gettext_lazy(
        "Nạp hai danh mục đơn vị hành chính chính thức (63 tỉnh đến 30/6/2025, 34 tỉnh từ "
        "1/7/2025) và liên kết đơn vị cũ → mới từ gói vietnamadminunits. "
        "Chạy lại không thay đổi gì."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        report = load_official_units()
        for unit_list in UnitList:
            self.stdout.write(f"{unit_list.label}:")
            for level in Level:
                total = report.counts[(unit_list.value, level.value)]
                if not total:
                    continue
                self.stdout.write("  " + _(
                    "%(level)s: %(total)s đơn vị (thêm mới %(created)s, cập nhật %(updated)s)"
                ) % {
                    "level": level.label,
                    "total": format_count(total),
                    "created": format_count(report.created[(unit_list.value, level.value)]),
                    "updated": format_count(report.updated[(unit_list.value, level.value)]),
                })
        self.stdout.write(_("Liên kết đơn vị cũ → mới:"))
        for kind in Succession:
            self.stdout.write(f"  {kind.label}: {format_count(report.links[kind.value])}")
        self.stdout.write("  " + _("(thêm mới %(created)s, cập nhật %(updated)s, xoá %(deleted)s)")
                          % {"created": format_count(report.links_created),
                             "updated": format_count(report.links_updated),
                             "deleted": format_count(report.links_deleted)})
        verdict = _("Đã cập nhật dữ liệu.") if report.changed else _("Không có thay đổi.")
        elapsed = _("Thời gian: %(seconds).1f giây.") % {"seconds": time.monotonic() - started}
        self.stdout.write(self.style.SUCCESS(f"{verdict} {elapsed}"))
