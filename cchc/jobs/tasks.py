"""The one task every job runs through (Django's Tasks API, django-tasks backport): the queue
carries only the job's id; what to do and everything the pages show is on the job's row."""

from django_tasks import task

from cchc.jobs.services import job_run


@task()
def job_task(job_id: int) -> None:
    job_run(job_id)
