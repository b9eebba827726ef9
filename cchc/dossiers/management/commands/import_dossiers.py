from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import CommandLineOperator, can_enter
from cchc.commands import BaseCommand
from cchc.dossiers.excel import WorkbookInvalid, read_workbook
from cchc.dossiers.services import ImportRefused, import_plan, reports_import


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = gettext_lazy(
        "Nhập số liệu biểu II.06a từ tệp Excel (một trang cho mỗi đơn vị). Tất cả hoặc không: "
        "có lỗi thì in mọi lỗi (trang, ô, nội dung), không lưu gì và trả mã lỗi khác 0."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp .xlsx đã điền"))
        parser.add_argument("--user", help=_("nhập với quyền của tài khoản này (mặc định: "
                                             "quản trị viên dòng lệnh)"))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("kiểm tra và cho biết sẽ thay đổi gì, không lưu"))
        parser.add_argument("--submit", action="store_true",
                            help=_("gửi báo cáo luôn sau khi nhập (mặc định: lưu bản nháp)"))
        parser.add_argument("--reason", default="",
                            help=_("lý do, bắt buộc khi sửa số liệu của kỳ đã khoá"))

    def handle(self, *args, **options):
        user = self._user(options["user"])
        if not Path(options["file"]).is_file():
            raise CommandError(_("Không tìm thấy tệp %(file)s.") % {"file": options["file"]})
        try:
            sheets = read_workbook(options["file"], allowed=lambda unit: can_enter(user, unit))
        except WorkbookInvalid as invalid:
            self._fail(str(error) for error in invalid.errors)
        reason = options["reason"] or _("Nhập từ dòng lệnh")
        plans = import_plan(sheets=sheets, user=user, submit=options["submit"], reason=reason)
        try:
            with transaction.atomic():
                reports_import(user=user, plans=plans, submit=options["submit"], reason=reason)
                if options["dry_run"]:
                    raise _DryRun
        except ImportRefused as refused:
            self._fail(refused.messages)
        except _DryRun:
            pass
        for plan in plans:
            self.stdout.write(_("%(sheet)s: %(unit)s, %(period)s – %(count)s ô thay đổi%(new)s. "
                                "%(outcome)s")
                              % {"sheet": plan.sheet, "unit": plan.unit.name,
                                 "period": plan.period.code, "count": len(plan.changes),
                                 "new": _(" (báo cáo mới)") if plan.is_new else "",
                                 "outcome": plan.outcome.preview if options["dry_run"]
                                 else plan.outcome.done})
        verdict = _("Kiểm tra xong, không lưu gì (--dry-run).") if options["dry_run"] else \
            _("Đã lưu %(count)s báo cáo.") % {"count": len(plans)}
        self.stdout.write(self.style.SUCCESS(verdict))

    def _user(self, username):
        if not username:
            return CommandLineOperator()
        try:
            return get_user_model().objects.select_related("profile__unit").get(
                username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(_("Không có tài khoản «%(name)s».") % {"name": username}) from exc

    def _fail(self, messages):
        for message in messages:
            self.stderr.write(str(message))
        raise CommandError(_("Không lưu gì: sửa các lỗi trên rồi chạy lại."))
