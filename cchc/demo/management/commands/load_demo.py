from django.core.management.base import BaseCommand, CommandError

from cchc.demo.loader import DEMO_PASSWORD, DemoRefused, load_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh hoạ: danh mục lĩnh vực, các kỳ báo cáo từ 2019, tài khoản demo, số liệu "
        "công bố trên báo chí và số liệu mô phỏng cho tỉnh Sóc Trăng và Đắk Nông. Không dùng được "
        "khi DJANGO_ENV=production."
    )

    def handle(self, *args, **options):
        try:
            summary = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Kỳ báo cáo: {summary.periods:,}; báo cáo hồ sơ: {summary.reports:,} "
            f"({summary.lines:,} dòng); kết quả Chỉ số CCHC: {summary.assessments:,}."
        )
        self.stdout.write(f"Tài khoản demo (mật khẩu cho tất cả: {DEMO_PASSWORD}):")
        for account in summary.accounts:
            unit = f" – đơn vị {account.unit_code}" if account.unit_code else ""
            self.stdout.write(f"  {account.username:<6} {account.full_name}{unit}")
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu minh hoạ."))
