from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "cchc.reminders"
    verbose_name = _("Nhắc hạn báo cáo")
