from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.dossiers.scopes import SCOPES, chosen_scope
from cchc.periods.codes import InvalidPeriodCode
from cchc.periods.models import ReportingPeriod
from cchc.units.models import AdministrativeUnit, Level
from reports import exports, selectors

LEVELS = {"district": Level.DISTRICT, "commune": Level.COMMUNE}


class Command(BaseCommand):
    help = gettext_lazy(
        "Kết xuất bản tổng hợp của một đơn vị và một kỳ: .xlsx (biểu II.06a, theo đơn vị, "
        "xếp hạng) hoặc .csv (theo đơn vị), theo phần mở rộng của tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, metavar="CODE",
                            help=_("mã đơn vị (theo danh mục có hiệu lực vào cuối kỳ)"))
        parser.add_argument("--period", required=True, metavar="PERIOD",
                            help="2023-Q4, 2024-H1, 2024-9M, 2024")
        parser.add_argument("--out", required=True, metavar="FILE", help=_("tệp .xlsx hoặc .csv"))
        parser.add_argument("--level", choices=sorted(LEVELS),
                            help=_("liệt kê mọi đơn vị cấp này thuộc đơn vị đã chọn"))
        parser.add_argument("--scope", choices=SCOPES,
                            help=_("subtree: toàn địa bàn (mặc định với đơn vị có đơn vị trực "
                                   "thuộc); own: riêng báo cáo của từng đơn vị"))

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(_("Tệp kết quả phải có đuôi .xlsx hoặc .csv."))
        period = self._period(options["period"])
        root = self._unit(options["unit"], period)
        level = LEVELS.get(options["level"])
        if out.suffix.lower() == ".csv":
            units = selectors.ranking_units(root, period, level) if level else [root]
            scope = chosen_scope(options["scope"], level or root.level)
            with out.open("w", encoding="utf-8", newline="") as file:
                rows = selectors.unit_rows(units, period, scope)
                for chunk in exports.iter_csv(rows, period, scope):
                    file.write(chunk)
            count = len(rows)
        else:
            units = selectors.ranking_units(root, period, level)
            summary = exports.summary_for(root, period, units, scope=options["scope"])
            with out.open("wb") as file:
                exports.write_workbook(summary, file)
            count = len(summary.rows)
        self.stdout.write(self.style.SUCCESS(
            _("Đã ghi %(file)s: %(unit)s, %(period)s, %(count)s đơn vị.") % {
                "file": out, "unit": root.name, "period": period.label, "count": count}))

    def _period(self, code):
        try:
            return ReportingPeriod.objects.get_by_code(code)
        except InvalidPeriodCode as exc:
            raise CommandError(str(exc)) from exc
        except ReportingPeriod.DoesNotExist as exc:
            raise CommandError(_("Chưa có kỳ báo cáo %(code)s trong hệ thống.") % {
                "code": code}) from exc

    def _unit(self, code, period):
        try:
            return AdministrativeUnit.objects.resolve(code, on=period.end)
        except AdministrativeUnit.DoesNotExist as exc:
            raise CommandError(_(
                "Không có đơn vị mã %(code)s vào cuối kỳ %(period)s (%(date)s). Mã đơn vị được "
                "hiểu theo danh mục có hiệu lực vào ngày đó."
            ) % {"code": code, "period": period.code, "date": f"{period.end:%d/%m/%Y}"}) \
                from exc
