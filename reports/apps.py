from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Tổng hợp, xếp hạng và kết xuất")

    def ready(self):
        from reports.caching import connect_signals

        connect_signals()
