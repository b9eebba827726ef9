import time

from django.core.management.base import BaseCommand

from cchc.units.loading import load_official_units
from cchc.units.models import Level, Succession, UnitList


class Command(BaseCommand):
    help = (
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
                created = report.created[(unit_list.value, level.value)]
                updated = report.updated[(unit_list.value, level.value)]
                self.stdout.write(
                    f"  {level.label:<10} {total:>6,} đơn vị  (thêm mới {created:,}, "
                    f"cập nhật {updated:,})"
                )
        self.stdout.write("Liên kết cũ → mới:")
        for kind in Succession:
            self.stdout.write(f"  {kind.label:<36} {report.links[kind.value]:>6,}")
        self.stdout.write(
            f"  (thêm mới {report.links_created:,}, cập nhật {report.links_updated:,}, "
            f"xoá {report.links_deleted:,})"
        )
        verdict = "Đã cập nhật dữ liệu." if report.changed else "Không có thay đổi."
        self.stdout.write(
            self.style.SUCCESS(f"{verdict} Thời gian: {time.monotonic() - started:.1f} giây.")
        )
