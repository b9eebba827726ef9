from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import BaseCommand
from cchc.scores.models import ParScheme, SchemeLevel
from cchc.scores.schemes import SchemeInvalid, scheme_copy, scheme_import, scheme_workbook
from cchc.units.models import AdministrativeUnit, Level


class Command(BaseCommand):
    help = gettext_lazy(
        "Bộ chỉ số CCHC dạng dữ liệu: nhập từ Excel (Mã | Nội dung | Điểm tối đa | Phần), xuất "
        "ra Excel, hoặc sao chép sang năm mới."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        imported = actions.add_parser("import", help=_("tạo bộ chỉ số từ tệp Excel"))
        imported.add_argument("file")
        for sub in (imported,):
            sub.add_argument("--year", type=int, required=True)
            sub.add_argument("--level", required=True, choices=SchemeLevel.values)
            sub.add_argument("--name", required=True)
            sub.add_argument("--issuer", metavar="CODE",
                             help=_("mã tỉnh ban hành (bỏ trống: Bộ Nội vụ)"))
        exported = actions.add_parser("export", help=_("ghi bộ chỉ số ra tệp Excel"))
        copied = actions.add_parser("copy", help=_("sao chép sang năm khác"))
        for sub in (exported, copied):
            sub.add_argument("--year", type=int, required=True)
            sub.add_argument("--level", required=True, choices=SchemeLevel.values)
            sub.add_argument("--issuer", metavar="CODE")
        exported.add_argument("--out", required=True)
        copied.add_argument("--to-year", type=int, required=True)

    def handle(self, *args, action, year, level, issuer, **options):
        issuer_unit = self._issuer(issuer) if issuer else None
        try:
            if action == "import":
                with open(options["file"], "rb") as source:
                    scheme = scheme_import(source=source, year=year, level=level,
                                           name=options["name"], issuer=issuer_unit)
                done = _("Đã tạo %(scheme)s: %(count)s tiêu chí.") % {
                    "scheme": scheme, "count": scheme.criteria.count()}
            else:
                scheme = ParScheme.objects.filter(year=year, level=level,
                                                  issuer=issuer_unit).first()
                if scheme is None:
                    raise CommandError(_("Không có bộ chỉ số %(level)s năm %(year)s.") % {
                        "level": SchemeLevel(level).label.lower(), "year": year})
                if action == "export":
                    scheme_workbook(scheme).save(Path(options["out"]))
                    done = _("Đã ghi %(file)s.") % {"file": options["out"]}
                else:
                    copy = scheme_copy(scheme=scheme, year=options["to_year"])
                    done = _("Đã tạo %(scheme)s từ năm %(year)s.") % {"scheme": copy,
                                                                       "year": year}
        except SchemeInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(error)
            raise CommandError(_("Không tạo gì: bộ chỉ số có lỗi (xem trên).")) from invalid
        except FileNotFoundError as missing:
            raise CommandError(_("Không tìm thấy tệp %(file)s.") % {
                "file": missing.filename}) from missing
        self.stdout.write(self.style.SUCCESS(done))

    def _issuer(self, code: str) -> AdministrativeUnit:
        found = AdministrativeUnit.objects.filter(code=code, level=Level.PROVINCE).order_by(
            "-unit_list").first()
        if found is None:
            raise CommandError(_("Không có tỉnh mã %(code)s.") % {"code": code})
        return found
