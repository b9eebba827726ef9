from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.demo.loader import DEMO_PASSWORD, DemoRefused, load_demo
from cchc.formatting import format_count


class Command(BaseCommand):
    help = gettext_lazy(
        "Nạp dữ liệu minh hoạ: danh mục lĩnh vực, các kỳ báo cáo từ 2019, tài khoản demo, số liệu "
        "công bố trên báo chí và số liệu mô phỏng cho tỉnh Sóc Trăng và Đắk Nông. Không dùng được "
        "khi DJANGO_ENV=production."
    )

    def handle(self, *args, **options):
        try:
            summary = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_(
            "Kỳ báo cáo: %(periods)s; báo cáo hồ sơ: %(reports)s (%(lines)s dòng); "
            "kết quả Chỉ số CCHC: %(results)s."
        ) % {"periods": format_count(summary.periods), "reports": format_count(summary.reports),
             "lines": format_count(summary.lines), "results": format_count(summary.assessments)})
        self.stdout.write(_("Tài khoản demo (mật khẩu cho tất cả: %(password)s):")
                          % {"password": DEMO_PASSWORD})
        for account in summary.accounts:
            unit = " – " + _("đơn vị %(code)s") % {"code": account.unit_code} \
                if account.unit_code else ""
            self.stdout.write(f"  {account.username:<6} {account.full_name}{unit}")
        self.stdout.write(self.style.SUCCESS(_("Đã nạp dữ liệu minh hoạ.")))
