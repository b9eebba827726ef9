"""``refresh_flags`` as a job (cchc/jobs): the flags of every report of the chosen periods
recomputed, period by period, in one transaction (all or nothing)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import job_step
from cchc.formatting import format_count
from cchc.jobs.services import kind
from cchc.periods.models import ReportingPeriod
from cchc.quality.services import flags_refresh_periods

REFRESH_FLAGS = "quality.refresh_flags"


@kind(REFRESH_FLAGS, gettext_lazy("Tính lại cảnh báo số liệu bất thường"))
def refresh_flags(job) -> dict:
    codes = job.params["periods"]
    periods = [ReportingPeriod.objects.get_by_code(code) for code in codes]
    open_count = 0
    with transaction.atomic():
        for done, period in enumerate(periods):
            job_step(job, done, len(periods), _(
                "Đang tính lại cảnh báo kỳ %(period)s (%(reports)s báo cáo)…") % {
                "period": period.code,
                "reports": format_count(period.dossier_reports.count())})
            open_count += flags_refresh_periods(periods=[period])
    job_step(job, len(periods), len(periods), _("Đã tính lại %(count)s kỳ.") % {
        "count": len(periods)})
    return {"periods": codes, "open": open_count}
