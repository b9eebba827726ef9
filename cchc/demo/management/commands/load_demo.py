import time

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.demo.loader import DEMO_PASSWORD, DemoRefused, load_demo
from cchc.demo.national import load_national
from cchc.formatting import format_count


class Command(BaseCommand):
    help = gettext_lazy(
        "Nạp dữ liệu minh hoạ: danh mục lĩnh vực, các kỳ báo cáo từ 2019, tài khoản demo, số liệu "
        "công bố trên báo chí và số liệu mô phỏng cho tỉnh Sóc Trăng và Đắk Nông. Không dùng được "
        "khi DJANGO_ENV=production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", choices=["demo", "national"], default="demo",
            help=gettext_lazy("national: thêm số liệu mô phỏng hằng quý cho mọi đơn vị của cả "
                              "nước từ 2019 (khoảng 3,9 triệu dòng)"))
        parser.add_argument(
            "--province", action="append", default=[], metavar="CODE",
            help=gettext_lazy("với --scale national: chỉ các tỉnh này (mã của một trong hai "
                              "danh mục; lặp lại được)"))

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            summary = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_(
            "Kỳ báo cáo: %(periods)s; báo cáo hồ sơ: %(reports)s (%(lines)s dòng); "
            "kết quả Chỉ số CCHC: %(results)s; cảnh báo số liệu bất thường chưa kiểm tra: "
            "%(flags)s; quý đã công bố trên trang công khai: %(published)s."
        ) % {"published": format_count(summary.publications),
             "periods": format_count(summary.periods), "reports": format_count(summary.reports),
             "lines": format_count(summary.lines), "results": format_count(summary.assessments),
             "flags": format_count(summary.open_flags)})
        if options["scale"] == "national":
            national = load_national(today=timezone.localdate(), provinces=options["province"],
                                     progress=lambda message: self.stderr.write(message))
            self.stdout.write(_(
                "Toàn quốc: %(units)s đơn vị, %(quarters)s quý; thêm %(reports)s báo cáo "
                "(%(lines)s dòng) và %(par)s kết quả Chỉ số CCHC cấp tỉnh trong %(seconds)s giây."
            ) % {"units": format_count(national.units), "par": format_count(national.par_results),
                 "quarters": format_count(national.quarters),
                 "reports": format_count(national.reports),
                 "lines": format_count(national.lines),
                 "seconds": f"{time.monotonic() - started:.0f}"})
        self.stdout.write(_("Tài khoản demo (mật khẩu cho tất cả: %(password)s):")
                          % {"password": DEMO_PASSWORD})
        for account in summary.accounts:
            unit = " – " + _("đơn vị %(code)s") % {"code": account.unit_code} \
                if account.unit_code else ""
            self.stdout.write(f"  {account.username:<6} {account.full_name}{unit}")
        self.stdout.write(self.style.SUCCESS(_("Đã nạp dữ liệu minh hoạ.")))
