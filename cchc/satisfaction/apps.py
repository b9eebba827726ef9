from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "cchc.satisfaction"
    verbose_name = _("Chỉ số hài lòng (SIPAS)")
