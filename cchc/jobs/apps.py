from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "cchc.jobs"
    verbose_name = _("Công việc chạy nền")

    def ready(self) -> None:
        # Each app declares its kinds of job in its own ``jobs`` module (cchc/dossiers/jobs.py):
        # importing them here registers every kind in every process, the worker's too.
        autodiscover_modules("jobs")
