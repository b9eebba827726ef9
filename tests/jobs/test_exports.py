"""A summary workbook of more than CCHC_EXPORT_IN_BACKGROUND_ABOVE units is written by a REAL
worker into the job's file and downloaded from the job's page (by who may see the job only);
one of that many units or fewer is still streamed in the request."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc.accounts.models import Role
from cchc.jobs.models import Job, JobStatus
from reports.selectors import ranking_units
from tests import factories
from tests.jobs.test_worker import wait_for

PERIOD = "2024-Q4"
URL = reverse("reports:summary_xlsx", args=["2008", "943", PERIOD])


def kesach_filed():
    """Two of Kế Sách's communes reported; returns how many units its ranking has."""
    period = factories.period(PERIOD)
    for code in ("31552", "31564"):
        factories.report(factories.unit(code), PERIOD, lines={
            factories.field(): factories.figures()})
    return ranking_units(factories.unit("943"), period).count()


@pytest.fixture
def district(client):
    user = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_up_to_the_threshold_streams_one_unit_more_starts_a_job_once_whatever_the_clicks(
        district, client, settings):
    count = kesach_filed()
    settings.CCHC_EXPORT_IN_BACKGROUND_ABOVE = count
    streamed = client.get(URL, {"kpi": "on_time_rate"})
    assert streamed.status_code == 200 and streamed.streaming
    book = load_workbook(io.BytesIO(b"".join(streamed.streaming_content)))
    assert book.sheetnames == ["Biểu II.06a", "Theo đơn vị", "Xếp hạng"]
    assert not Job.objects.exists()

    settings.CCHC_EXPORT_IN_BACKGROUND_ABOVE = count - 1
    response = client.get(URL, {"kpi": "on_time_rate"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "reports.summary_xlsx" and job.status == JobStatus.QUEUED
    assert job.user == district and job.unit.code == "943" and job.period.code == PERIOD
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="job-progress"' in page and "Đang chờ đến lượt xử lý" in page
    again = client.get(URL, {"kpi": "on_time_rate"})
    assert again["Location"] == response["Location"] and Job.objects.count() == 1
    assert client.get(reverse("jobs:output", args=[job.pk])).status_code == 404  # not yet


@pytest.fixture
def units(transactional_db):
    call_command("load_units", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_large_workbook_is_written_by_the_worker_and_downloaded_from_the_job_page(
        units, client, job_worker, settings):
    call_command("loaddata", "procedure_fields", verbosity=0)
    district = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    client.force_login(district)
    count = kesach_filed()
    settings.CCHC_EXPORT_IN_BACKGROUND_ABOVE = count - 1
    response = client.get(URL)
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(),
             seconds=60, every=0.05, what="the export", worker=job_worker)
    page = client.get(response["Location"]).content.decode()
    assert f"Tệp Excel tổng hợp của {count} đơn vị đã sẵn sàng." in page
    download = reverse("jobs:output", args=[job.pk])
    assert f'href="{download}"' in page
    answer = client.get(download)
    assert answer.status_code == 200
    assert f'filename="tong-hop-943-{PERIOD}.xlsx"' in answer["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)), read_only=True)
    rows = [row for row in book["Theo đơn vị"].iter_rows(min_row=4, values_only=True)
            if row[0]]
    assert len(rows) == count and "Xã An Mỹ" in {row[1] for row in rows}
    # Someone else (a commune's clerk of the same district) cannot download it.
    client.force_login(factories.user("xa", unit_code="31564"))
    assert client.get(download).status_code == 404
