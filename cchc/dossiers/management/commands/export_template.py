"""``python manage.py export_template --unit 31564 --period 2023-Q4 --out bieu.xlsx``"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from cchc.commands import BaseCommand
from cchc.dossiers.excel import (
    add_template_sheet,
    resolve_unit,
    template_workbook,
    unit_not_found_message,
)
from cchc.periods.codes import InvalidPeriodCode
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.units.models import REFORM_DATE, AdministrativeUnit, UnitList


class Command(BaseCommand):
    help = gettext_lazy(
        "Ghi biểu mẫu Excel II.06a của một đơn vị cho một quý (số liệu đã lưu, hoặc cột (6) lấy "
        "từ quý trước). Ghi nhiều --unit để có một tệp nhiều trang, mỗi trang một đơn vị."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", action="append", required=True, metavar="MÃ",
            help=gettext_lazy("mã đơn vị (TCTK), xác định theo ngày cuối kỳ; ghi nhiều lần được"),
        )
        parser.add_argument("--period", required=True, metavar="KỲ",
                            help=gettext_lazy("kỳ báo cáo dạng 2023-Q4 (chỉ quý)"))
        parser.add_argument("--out", required=True, metavar="TỆP",
                            help=gettext_lazy("tệp .xlsx sẽ ghi"))
        parser.add_argument(
            "--list", dest="unit_list", choices=UnitList.values,
            help=gettext_lazy("danh mục đơn vị: 2008 hoặc 2025 (mặc định: danh mục có hiệu lực "
                              "vào ngày cuối kỳ)"),
        )

    def handle(self, *args, unit, period, out, unit_list, **options):
        period_obj = self._period(period)
        unit_list = unit_list or (
            UnitList.BEFORE_2025 if period_obj.end < REFORM_DATE else UnitList.FROM_2025)
        codes = [code.strip() for code in unit]
        for code in codes:
            if codes.count(code) > 1:
                raise CommandError(_("Mã đơn vị «%(code)s» được ghi hai lần.") % {"code": code})
        units = []
        for code in codes:
            try:
                units.append(resolve_unit(code, unit_list, period_obj))
            except AdministrativeUnit.DoesNotExist:
                raise CommandError(unit_not_found_message(code, unit_list, period_obj)) from None
        if len(units) == 1:
            workbook = template_workbook(units[0], period_obj)
        else:
            workbook = Workbook()
            for unit_obj in units:
                add_template_sheet(workbook, unit_obj, period_obj)
        try:
            workbook.save(out)
        except OSError as error:
            raise CommandError(_("Không ghi được tệp «%(out)s»: %(reason)s")
                               % {"out": out, "reason": error.strerror or error}) from error
        names = ", ".join(f"{u.name} ({u.code})" for u in units)
        self.stdout.write(self.style.SUCCESS(
            _("Đã ghi biểu mẫu II.06a kỳ %(period)s của %(names)s vào %(out)s.")
            % {"period": period_obj.code, "names": names, "out": out}))

    @staticmethod
    def _period(code: str) -> ReportingPeriod:
        try:
            period = ReportingPeriod.objects.get_by_code(code)
        except InvalidPeriodCode as error:
            raise CommandError(str(error)) from None
        except ReportingPeriod.DoesNotExist:
            raise CommandError(_(
                "Kỳ báo cáo «%(code)s» chưa có trong hệ thống. Kiểm tra lại kỳ, hoặc tạo các kỳ "
                "trước (load_demo hoặc trang quản trị).") % {"code": code}) from None
        if period.kind != PeriodKind.QUARTER:
            raise CommandError(_(
                "Kỳ «%(code)s» không phải một quý: biểu mẫu chỉ lập theo quý (ví dụ %(year)s-Q4); "
                "số liệu 6 tháng, 9 tháng và năm được tổng hợp từ các quý.")
                % {"code": period.code, "year": period.year})
        return period
