from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cchc.accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from cchc.middleware import renewed_at_login

        user_logged_in.connect(renewed_at_login, dispatch_uid="session-renewed-at-login")
