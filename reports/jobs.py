"""Long work of the reports as jobs (cchc/jobs): a summary workbook of many units, written by a
worker into the job's file (downloaded through ``jobs:output``, access-checked like the job)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.jobs.models import Job, JobStatus
from cchc.jobs.services import job_start, kind, progress
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
