from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from cchc.commands import BaseCommand


class Command(BaseCommand):
    help = gettext_lazy(
        "In token API của một tài khoản (tạo nếu chưa có). Token xem được đúng những gì tài "
        "khoản xem được trên web; token của tài khoản bị khoá bị từ chối (docs/api.md).")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true",
                            help=gettext_lazy("thay token cũ bằng token mới (token cũ hết "
                                              "dùng được ngay)"))
        parser.add_argument("--delete", action="store_true",
                            help=gettext_lazy("xoá token: tài khoản không dùng API được nữa"))

    def handle(self, *args, username, reset, delete, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có tài khoản «%(username)s».") % {"username": username})
        if delete:
            deleted, _detail = Token.objects.filter(user=user).delete()
            self.stdout.write(_("Đã xoá token của %(username)s.") % {"username": username}
                              if deleted else _("%(username)s chưa có token.")
                              % {"username": username})
            return
        if not user.is_active:
            raise CommandError(_("Tài khoản «%(username)s» đang bị khoá: token của nó bị từ "
                                 "chối.") % {"username": username})
        if reset:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        if created:
            self.stderr.write(_("Đã tạo token mới cho %(username)s.") % {"username": username})
        self.stdout.write(token.key)
