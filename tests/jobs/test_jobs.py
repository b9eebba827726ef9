"""Jobs as records users see: who may open which job, bad addresses, the list and its menu
link, a small upload checked in the request (same job, file kept only while it runs), a job
failing for a reason nobody foresaw, and a job never run twice. The background path itself,
with a real worker process, is in test_worker.py."""

from __future__ import annotations

import os

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.dossiers import jobs as dossier_jobs
from cchc.dossiers.models import DossierReport
from cchc.jobs.models import Job, JobStatus, job_files
from cchc.jobs.services import follow_up, job_run, job_start
from tests import factories
from tests.jobs.workbooks import SOC_TRANG, as_upload, province_workbook

pytestmark = pytest.mark.django_db
AN_MY = "31564"


@pytest.fixture
def clerk(client):
    user = factories.user("xa", unit_code=AN_MY)
    client.force_login(user)
    return user


def small_upload(client, sheets=1, submit=False):
    data = {"file": as_upload(province_workbook(sheets))}
    if submit:
        data["submit"] = "on"
    return client.post(reverse("dossiers:upload"), data)


@pytest.fixture
def province(client):
    user = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code=SOC_TRANG)
    client.force_login(user)
    return user


def test_a_small_upload_is_checked_in_the_request_as_a_job_and_its_file_deleted(province, client):
    response = small_upload(client, sheets=2)
    assert response.status_code == 200  # the preview at once, no waiting page
    job = Job.objects.get()
    assert job.kind == dossier_jobs.CHECK and job.status == JobStatus.DONE
    assert job.user == province and job.progress_done == job.progress_total == 2
    assert len(response.context["plans"]) == 2
    assert not job.input_file  # deleted when the job ended ...
    assert not any(files for _, _, files in os.walk(job_files.location))
    assert "pending-import" not in client.session  # ... and never in the session
    text = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert text.count('data-testid="sheet-outcome"') == 2  # the same preview, again


def test_confirming_imports_once_whatever_the_clicks(province, client):
    small_upload(client, sheets=2)
    preview = Job.objects.get()
    first = client.post(reverse("dossiers:upload_confirm"), {"job": preview.pk})
    assert first["Location"] == reverse("dossiers:inbox")
    second = client.post(reverse("dossiers:upload_confirm"), {"job": preview.pk})
    imported = Job.objects.get(kind=dossier_jobs.IMPORT)
    assert second["Location"] == reverse("jobs:detail", args=[imported.pk])
    assert DossierReport.objects.count() == 2
    # The database refuses a second live import of the same preview, whoever asks.
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind=dossier_jobs.IMPORT, user=province, source=preview)


def test_a_job_is_run_once_even_when_the_queue_delivers_it_twice(province, client):
    small_upload(client, sheets=1)
    preview = Job.objects.get()
    job, created = follow_up(preview, dossier_jobs.IMPORT, user=province)  # queued, not run
    assert created and job.status == JobStatus.QUEUED
    assert follow_up(preview, dossier_jobs.IMPORT, user=province) == (job, False)
    job_run(job.pk)
    job_run(job.pk)  # a second delivery: already claimed, nothing happens
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and DossierReport.objects.count() == 1
    assert DossierReport.objects.get().events.count() == 1


def test_a_job_failing_unexpectedly_says_so_in_vietnamese_without_a_traceback(province, client):
    job = job_start(dossier_jobs.CHECK, user=province, file=as_upload(province_workbook(1)))
    job_files.delete(job.input_file.name)  # the stored file vanished (a disk problem)
    job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    text = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Có lỗi hệ thống khi xử lý công việc này; không có gì được lưu" in text
    assert f"mã công việc {job.pk}" in text
    assert "Traceback" not in text and "FileNotFoundError" not in text


def test_a_bad_file_lists_every_error_on_the_upload_page_and_the_job_page(clerk, client):
    response = client.post(reverse("dossiers:upload"),
                           {"file": as_upload(b"%PDF-1.4 not a workbook", "bao-cao.xlsx")})
    assert response.status_code == 200
    (error,) = response.context["errors"]
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.errors[0]["message"] == error.message
    text = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert error.message.split(":")[0] in text and "Tệp có 1 lỗi; chưa lưu gì." in text


def test_a_users_jobs_are_theirs_staff_see_all_anyone_else_gets_404(clerk, client):
    client.post(reverse("dossiers:upload"), {"file": as_upload(b"not a workbook", "a.xlsx")})
    job = Job.objects.get()
    detail, progress = (reverse("jobs:detail", args=[job.pk]),
                        reverse("jobs:progress", args=[job.pk]))
    assert client.get(detail).status_code == 200
    answer = client.get(progress).json()
    assert answer["status"] == "failed" and answer["finished"] is True

    client.force_login(factories.user("xa-khac", unit_code="31552"))
    assert client.get(detail).status_code == 404
    assert client.get(progress).status_code == 404
    assert "a.xlsx" not in client.get(reverse("jobs:list")).content.decode()
    # Confirming another user's preview is refused like a stale one.
    response = client.post(reverse("dossiers:upload_confirm"), {"job": job.pk}, follow=True)
    assert "Không còn dữ liệu chờ xác nhận" in response.content.decode()

    staff = factories.user("quantri", role=Role.ADMINISTRATOR)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1.5", "99999999999999999999999",
                                 "9223372036854775808", "%00", "١٢", "1e3"])
def test_bad_job_ids_answer_404_never_500(clerk, client, bad):
    assert client.get(f"/cong-viec/{bad}/").status_code == 404
    assert client.get(f"/cong-viec/{bad}/tien-do/").status_code == 404
    response = client.post(reverse("dossiers:upload_confirm"), {"job": bad})
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:upload")


def test_my_jobs_are_listed_newest_first_and_linked_from_the_menu(clerk, client):
    client.post(reverse("dossiers:upload"), {"file": as_upload(b"x", "dau-tien.xlsx")})
    client.post(reverse("dossiers:upload"), {"file": as_upload(b"y", "thu-hai.xlsx")})
    text = client.get(reverse("jobs:list")).content.decode()
    assert 'data-menu="jobs"' in text and "Công việc của tôi" in text
    assert text.index("thu-hai.xlsx") < text.index("dau-tien.xlsx")
    assert text.count("Kiểm tra và xem trước tệp Excel biểu II.06a") == 2


def test_a_jobs_output_file_is_downloaded_by_who_may_see_the_job_only(clerk, client):
    job = Job.objects.create(kind=dossier_jobs.CHECK, user=clerk, status=JobStatus.DONE,
                             params={"output_name": "tong-hop.csv"})
    url = reverse("jobs:output", args=[job.pk])
    assert client.get(url).status_code == 404  # nothing produced yet
    job.output_file.save("tong-hop.csv", ContentFile("Đơn vị;Số\nXã An Mỹ;1\n".encode()))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "Đơn vị;Số\nXã An Mỹ;1\n"
    assert 'filename="tong-hop.csv"' in response["Content-Disposition"]
    assert job.output_file.path.startswith(str(job_files.location))  # never under a URL
    client.force_login(factories.user("xa-khac", unit_code="31552"))
    assert client.get(url).status_code == 404
