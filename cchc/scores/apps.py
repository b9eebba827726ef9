from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoresConfig(AppConfig):
    name = "cchc.scores"
    verbose_name = _("Chỉ số cải cách hành chính (PAR Index)")
