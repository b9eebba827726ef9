"""refresh_flags and rebuild_rollups are job kinds: their commands run the job at once by
default, printing each period's step, and record it as a job; with --background they queue it
and a REAL worker process runs it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cchc.dossiers.models import DossierRollup
from cchc.jobs.models import Job, JobStatus
from tests import factories
from tests.jobs.test_worker import wait_for

PERIOD = "2024-Q4"


def filed():
    factories.period(PERIOD)
    for code in ("31552", "31564"):
        factories.report(factories.unit(code), PERIOD, lines={
            factories.field(): factories.figures()})


@pytest.mark.django_db
def test_refresh_flags_runs_as_a_job_at_once_and_prints_each_period():
    filed()
    factories.period("2024-Q3")
    out = io.StringIO()
    call_command("refresh_flags", "--period", PERIOD, "--period", "2024-Q3", stdout=out)
    printed = out.getvalue().splitlines()
    assert printed[0] == f"[0/2] Đang tính lại cảnh báo kỳ {PERIOD} (2 báo cáo)…"
    assert printed[1] == "[1/2] Đang tính lại cảnh báo kỳ 2024-Q3 (0 báo cáo)…"
    assert printed[2] == "[2/2] Đã tính lại 2 kỳ."
    assert "cảnh báo chưa kiểm tra" in printed[3]
    job = Job.objects.get()
    assert job.kind == "quality.refresh_flags" and job.status == JobStatus.DONE
    assert job.result["periods"] == [PERIOD, "2024-Q3"] and job.progress_done == 2


@pytest.mark.django_db
def test_rebuild_rollups_runs_as_a_job_at_once_and_puts_back_every_row():
    filed()
    before = DossierRollup.objects.count()
    DossierRollup.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_rollups", "--period", PERIOD, stdout=out)
    assert out.getvalue().startswith(f"[0/1] Đang tính lại số liệu tổng hợp kỳ {PERIOD}…\n")
    assert f"Đã tính lại {before} dòng tổng hợp" in out.getvalue()
    assert DossierRollup.objects.count() == before
    job = Job.objects.get()
    assert job.kind == "reports.rebuild_rollups" and job.status == JobStatus.DONE
    assert job.result["rows"] == before


@pytest.fixture
def units(transactional_db):
    call_command("load_units", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_with_background_the_commands_queue_the_job_and_a_worker_runs_it(units, job_worker):
    call_command("loaddata", "procedure_fields", verbosity=0)
    filed()
    before = DossierRollup.objects.count()
    DossierRollup.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_rollups", "--background", stdout=out)
    job = Job.objects.get(kind="reports.rebuild_rollups")
    assert f"Đã xếp hàng công việc số {job.pk}" in out.getvalue()
    assert f"/cong-viec/{job.pk}/" in out.getvalue()
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(),
             seconds=60, every=0.05, what="the rebuild", worker=job_worker)
    assert DossierRollup.objects.count() == before
    job.refresh_from_db()
    assert PERIOD in job.result["periods"] and job.worker.startswith("worker:")

    call_command("refresh_flags", "--period", PERIOD, "--background", stdout=io.StringIO())
    flags = Job.objects.get(kind="quality.refresh_flags")
    wait_for(lambda: Job.objects.filter(pk=flags.pk, status=JobStatus.DONE).exists(),
             seconds=60, every=0.05, what="the flags", worker=job_worker)
