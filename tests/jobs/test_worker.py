"""The upload of a provincial workbook through a REAL worker process (manage.py db_worker on the
test database): the request answers at once, the job's page shows the progress while the worker
checks and imports, the progress is visible from another connection during the import's own
transaction, and a worker killed mid-import leaves nothing behind, its job failed, and the
import can be run again."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.dossiers.models import DossierLine, DossierReport, ReportEvent
from cchc.jobs.models import Job, JobStatus, job_files
from tests import factories
from tests.jobs.workbooks import SOC_TRANG, as_upload, province_workbook

pytestmark = pytest.mark.django_db(transaction=True)
SHEETS = 40


@pytest.fixture
def units(transactional_db):
    """Transactional tests commit for real and are flushed afterwards: load the lists again."""
    call_command("load_units", stdout=io.StringIO())


@pytest.fixture
def province(units, client):
    user = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code=SOC_TRANG)
    client.force_login(user)
    return user


def wait_for(condition, *, seconds: float, every: float = 0.005, what: str = "", worker=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    log = worker.output()[-3000:] if worker is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def upload_and_preview(client, worker, content: bytes) -> Job:
    """Upload: the answer is the job's page (a redirect), not the preview; the worker checks
    the file and the page then shows the preview with its confirm button."""
    response = client.post(reverse("dossiers:upload"), {"file": as_upload(content)})
    assert response.status_code == 302
    job = Job.objects.get(kind="dossiers.check")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="job-progress"' in page or job.status != JobStatus.QUEUED
    stored = job.input_file.name
    assert stored and job_files.exists(stored)  # kept until the job ends
    assert "pending-import" not in client.session  # never in the session
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(),
             seconds=120, every=0.1, what="the check job", worker=worker)
    job.refresh_from_db()
    assert not job_files.exists(stored) and not job.input_file  # then deleted
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert page.count('data-testid="sheet-outcome"') == SHEETS
    assert 'data-testid="confirm-import"' in page
    return job


def confirm(client, preview: Job) -> Job:
    response = client.post(reverse("dossiers:upload_confirm"), {"job": preview.pk})
    assert response.status_code == 302
    job = Job.objects.filter(kind="dossiers.import").latest("pk")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    return job


def test_progress_of_an_import_is_seen_from_another_connection_while_it_runs(
        province, client, job_worker):
    preview = upload_and_preview(client, job_worker, province_workbook(SHEETS))
    job = confirm(client, preview)
    # Read from this test's own connection while the worker's transaction is open: the job's
    # progress moves although no report of the import is visible yet (all or nothing).
    seen = wait_for(lambda: Job.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, progress_done__gt=0,
        progress_done__lt=F("progress_total")).values("progress_done", "progress_total").first(),
        seconds=60, what="the import's progress", worker=job_worker)
    assert seen["progress_total"] == SHEETS + 1  # each sheet, then storing them all
    assert not DossierReport.objects.exists()
    answer = client.get(reverse("jobs:progress", args=[job.pk])).json()
    assert answer["status"] == "running" and 0 < answer["done"] <= SHEETS
    assert answer["total"] == SHEETS + 1 and not answer["finished"]

    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(),
             seconds=120, every=0.05, what="the import", worker=job_worker)
    assert DossierReport.objects.count() == SHEETS
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f"Đã nhập {SHEETS} báo cáo từ tệp Excel." in page
    # Confirming the same preview again does not import it twice: it shows that import.
    again = client.post(reverse("dossiers:upload_confirm"), {"job": preview.pk})
    assert again["Location"] == reverse("jobs:detail", args=[job.pk])
    assert Job.objects.filter(kind="dossiers.import").count() == 1
    assert ReportEvent.objects.count() == SHEETS


def test_a_worker_killed_during_an_import_leaves_nothing_and_the_import_runs_again(
        province, client, job_worker, settings):
    preview = upload_and_preview(client, job_worker, province_workbook(SHEETS))
    job = confirm(client, preview)
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING,
                                        progress_done__gte=2,
                                        progress_done__lt=F("progress_total")).exists(),
             seconds=60, what="the import under way", worker=job_worker)
    job_worker.kill()

    # Nothing of the import is in the database: its transaction died with the connection.
    assert not DossierReport.objects.exists()
    assert not DossierLine.objects.exists() and not ReportEvent.objects.exists()
    # Its page shows it failed once the heartbeat is stale (no worker runs it any more).
    time.sleep(settings.CCHC_JOB_STALE_SECONDS + 1)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "dừng giữa chừng" in page and "Traceback" not in page
    assert 'data-testid="rerun-import"' in page

    # Run again, with a new worker: everything is imported, once.
    job_worker.start()
    response = client.post(reverse("dossiers:upload_confirm"), {"job": preview.pk})
    rerun = Job.objects.filter(kind="dossiers.import").latest("pk")
    assert rerun.pk != job.pk and response["Location"] == reverse("jobs:detail", args=[rerun.pk])
    wait_for(lambda: Job.objects.filter(pk=rerun.pk, status=JobStatus.DONE).exists(),
             seconds=120, every=0.05, what="the rerun", worker=job_worker)
    assert DossierReport.objects.count() == SHEETS
    assert ReportEvent.objects.count() == SHEETS


def test_the_next_worker_marks_a_dead_workers_job_failed(province, client, job_worker):
    preview = upload_and_preview(client, job_worker, province_workbook(SHEETS))
    job = confirm(client, preview)
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING,
                                        progress_done__gte=1).exists(),
             seconds=60, what="the import under way", worker=job_worker)
    job_worker.kill()
    job_worker.start()
    # No page is opened: the new worker, before its next job, finds the dead one. Give it one.
    time.sleep(5)
    other = client.post(reverse("dossiers:upload"), {"file": as_upload(
        province_workbook(SHEETS), "khac.xlsx")})
    assert other.status_code == 302
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).exists(),
             seconds=60, every=0.1, what="the dead job marked failed", worker=job_worker)
    assert not DossierReport.objects.exists()
