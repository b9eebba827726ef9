"""Long work of the reports as jobs (cchc/jobs): a summary workbook of many units, written by a
worker into the job's file (downloaded through ``jobs:output``, access-checked like the job),
and the rebuild of the rollups the reports read (``rebuild_rollups``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.commands import job_step
from cchc.dossiers.rollups import rollups_rebuild
from cchc.jobs.models import Job, JobStatus
from cchc.jobs.services import job_start, kind, progress
from cchc.periods.models import ReportingPeriod
from reports import exports

SUMMARY_XLSX = "reports.summary_xlsx"


def summary_job(*, user, root, period, query: str, name: str) -> Job:
    """The job writing the summary workbook of ``root``'s ranking (``query``: the page's
    filters): the user's own one still waiting or running for the same workbook, else a new
    one (a second click does not write it twice)."""
    params = {"unit_list": root.unit_list, "code": root.code, "period": period.code,
              "query": query, "output_name": name}
    waiting = Job.objects.filter(
        kind=SUMMARY_XLSX, user=user, status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
        **{f"params__{key}": value for key, value in params.items()}).first()
    return waiting or job_start(SUMMARY_XLSX, user=user, unit=root, period=period,
                                params=params)


def _context(job, request) -> dict:
    params = job.params
    back = reverse("reports:ranking", args=[params["unit_list"], params["code"],
                                            params["period"]])
    return {"back": f"{back}?{params['query']}" if params.get("query") else back}


@kind(SUMMARY_XLSX, gettext_lazy("Tạo tệp Excel tổng hợp (biểu II.06a, theo đơn vị, xếp hạng)"),
      template="reports/job_export.html", context=_context)
def summary_xlsx(job) -> dict:
    from reports.views import ranking_for

    params = job.params
    progress(job, 0, 3, _("Đang đọc số liệu…"), force=True)
    root, period, _previous, filters = ranking_for(
        job.user, params["unit_list"], params["code"], params["period"],
        QueryDict(params["query"]))
    summary = exports.summary_for(root, period, filters.qs, kpi_key=filters.kpi_key,
                                  scope=filters.asked_scope)
    progress(job, 1, 3, _("Đang ghi tệp Excel của %(count)s đơn vị…") % {
        "count": len(summary.rows)}, force=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summary.xlsx"
        exports.write_workbook(summary, str(path))
        progress(job, 2, 3, _("Đang lưu tệp…"), force=True)
        with path.open("rb") as written:
            job.output_file.save(params["output_name"], File(written), save=False)
    Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    return {"units": len(summary.rows)}


REBUILD_ROLLUPS = "reports.rebuild_rollups"


@kind(REBUILD_ROLLUPS, gettext_lazy("Tính lại số liệu tổng hợp sẵn"))
def rebuild_rollups(job) -> dict:
    """Every rollup row of the chosen periods (all when none is named) recomputed, period by
    period, in one transaction: the pages read the old rows until the new ones are all there.
    Kept here, beside the reports that read the rollups (cchc/dossiers/jobs.py is the form
    upload's)."""
    codes = job.params.get("periods") or []
    periods = ([ReportingPeriod.objects.get_by_code(code) for code in codes] if codes
               else list(ReportingPeriod.objects.order_by("start", "end")))
    rows = 0
    with transaction.atomic():
        for done, period in enumerate(periods):
            job_step(job, done, len(periods), _(
                "Đang tính lại số liệu tổng hợp kỳ %(period)s…") % {"period": period.code})
            rows += rollups_rebuild(periods=[period])
    job_step(job, len(periods), len(periods), _("Đã tính lại %(count)s kỳ.") % {
        "count": len(periods)})
    return {"periods": [p.code for p in periods], "rows": rows}
