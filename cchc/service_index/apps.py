from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceIndexConfig(AppConfig):
    name = "cchc.service_index"
    verbose_name = _("Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)")
