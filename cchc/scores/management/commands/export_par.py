import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.scores import exports, selectors
from cchc.scores.models import ParScheme, SchemeLevel
from cchc.units.models import AdministrativeUnit


class Command(BaseCommand):
    help = gettext_lazy(
        "Ghi kết quả Chỉ số CCHC của một năm và một cấp ra tệp .xlsx (một cột cho mỗi lĩnh vực) "
        "hoặc .csv (unit_code, unit_name, year, points, max_points, index_percent, rank, "
        "rank_of, band)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--level", required=True, choices=SchemeLevel.values)
        parser.add_argument("--parent", metavar="CODE",
                            help=gettext_lazy("chỉ các đơn vị trực thuộc đơn vị này (mã theo "
                                              "danh mục có hiệu lực ngày 31/12 của năm)"))
        parser.add_argument("--out", required=True, metavar="FILE",
                            help=gettext_lazy("tệp .xlsx hoặc .csv"))

    def handle(self, *args, year, level, parent, out, **options):
        out = Path(out)
        if out.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(_("Tệp kết quả phải có đuôi .xlsx hoặc .csv."))
        parent_unit = self._parent(parent, year) if parent else None
        if parent_unit is not None:
            scheme = selectors.scheme_for(level, year, parent_unit)
            schemes = [scheme] if scheme else []
        else:
            schemes = list(ParScheme.objects.filter(year=year, level=level).order_by("pk"))
        if not schemes:
            raise CommandError(_(
                "Không có bộ chỉ số %(level)s năm %(year)s%(where)s: kiểm tra năm và cấp."
            ) % {"level": SchemeLevel(level).label.lower(), "year": year,
                 "where": _(" cho %(unit)s") % {"unit": parent_unit.name} if parent_unit else ""})
        results = [r for scheme in schemes
                   for r in selectors.scheme_results(scheme, parent=parent_unit)]
        if out.suffix.lower() == ".csv":
            with out.open("w", encoding="utf-8", newline="") as file:
                for chunk in exports.iter_csv(results):
                    file.write(chunk)
        else:
            title = _("Kết quả Chỉ số CCHC năm %(year)s – %(level)s") % {
                "year": year, "level": SchemeLevel(level).label}
            with out.open("wb") as file:
                exports.write_workbook(results, title, file)
        self.stdout.write(self.style.SUCCESS(
            _("Đã ghi %(file)s: %(count)s đơn vị.") % {"file": out, "count": len(results)}))

    def _parent(self, code: str, year: int) -> AdministrativeUnit:
        try:
            return AdministrativeUnit.objects.resolve(code, on=datetime.date(year, 12, 31))
        except AdministrativeUnit.DoesNotExist as exc:
            raise CommandError(_("Không có đơn vị mã %(code)s trong năm %(year)s.") % {
                "code": code, "year": year}) from exc

