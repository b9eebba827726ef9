"""The user's jobs: the list ("Công việc của tôi"), a job's page (progress bar, then its result)
and the small JSON view its script polls (static/js/jobs.js)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from cchc.accounts.access import jobs_visible
from cchc.jobs.models import Job, JobStatus
from cchc.jobs.services import KINDS, jobs_reap, kind_label

MAX_ID = 2**63 - 1


def visible_job(request: HttpRequest, pk: str) -> Job:
    """The job ``pk`` if the user may see it (cchc.accounts.access.jobs_visible); 404 for any
    other id, a malformed or too large one included."""
    if not pk.isascii() or not pk.isdigit() or not 0 < int(pk) <= MAX_ID:
        raise Http404
    job = (jobs_visible(request.user).select_related("user", "unit", "period", "source")
           .filter(pk=int(pk)).first())
    if job is None:
        raise Http404
    jobs_reap(job)  # a job whose worker died shows failed, not running for ever
    return job


def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(Job.objects.filter(user=request.user).select_related("unit")[:100])
    for job in jobs:
        job.label = kind_label(job.kind)
    return render(request, "jobs/job_list.html", {"jobs": jobs})


def job_context(request: HttpRequest, job: Job) -> dict:
    """What the job's page shows; the upload view renders the same page for a small file
    checked in the request."""
    kind = KINDS.get(job.kind)
    context = {"job": job, "label": kind_label(job.kind), "result_template": "",
               "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING)}
    if kind is not None and kind.template:
        context["result_template"] = kind.template
        if kind.context is not None:
            context.update(kind.context(job, request))
    return context


def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = visible_job(request, pk)
    return render(request, "jobs/job.html", job_context(request, job))


def job_progress(request: HttpRequest, pk: str) -> JsonResponse:
    job = visible_job(request, pk)
    return JsonResponse({
        "id": job.pk, "status": job.status, "status_label": job.get_status_display(),
        "done": job.progress_done, "total": job.progress_total, "percent": job.percent,
        "message": job.message, "finished": job.finished})


def job_output(request: HttpRequest, pk: str) -> FileResponse:
    """The file a job produced (an export), for whoever may see the job; 404 while there is
    none. Files in the jobs' storage have no URL of their own: this view is the only way."""
    job = visible_job(request, pk)
    if job.status != JobStatus.DONE or not job.output_file:
        raise Http404
    try:
        stream = job.output_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = job.params.get("output_name") or job.output_file.name.rsplit("/", 1)[-1]
    return FileResponse(stream, as_attachment=True, filename=name)
