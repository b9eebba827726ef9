"""The simple uploads (survey points, SIPAS, 766 values) as jobs: a small file is imported in the
request and its result shown back on the page, as before; a larger one is stored and imported by
a REAL worker process, the answer being the job's page, which shows its progress and then the
same confirmation (or every refused cell) and a link back."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from cchc.accounts.models import Role
from cchc.jobs.models import Job, JobStatus, job_files
from cchc.satisfaction.models import SipasResult
from cchc.scores.models import ParScore
from cchc.service_index.models import IndicatorValue, ServiceIndicator, Source
from tests import factories
from tests.jobs.test_worker import wait_for
from tests.scores.test_results import assess, scheme


def sheet(header, rows, title="Trang 1", name="tai-len.xlsx"):
    book = Workbook()
    book.active.title = title
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = name
    return data


SURVEY = ("Mã đơn vị", "Mã tiêu chí", "Điểm")
SIPAS = ("Mã đơn vị", "Chung (%)", "Tiếp cận dịch vụ (%)", "Thủ tục hành chính (%)",
         "Công chức trực tiếp giải quyết (%)", "Kết quả giải quyết (%)",
         "Tiếp nhận, xử lý góp ý, phản ánh (%)")


def survey_setup():
    made = scheme()
    for code in ("31564", "31552"):
        assess(made, code, {"1.1": (20, 20)})
    return made, factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")


def nothing_stored():
    return not any(files for _, _, files in os.walk(job_files.location))


@pytest.mark.django_db
def test_a_small_sipas_file_is_imported_in_the_request_as_a_job(client):
    client.force_login(factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"))
    response = client.post(reverse("satisfaction:upload", args=["2008", "943", 2024]),
                           {"file": sheet(SIPAS, [("31564", 86.5)])}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("satisfaction:results",
                                                     args=["2008", "943", 2024])
    assert "Đã nhập SIPAS của 1 đơn vị." in [str(m) for m in response.context["messages"]]
    job = Job.objects.get()
    assert job.kind == "satisfaction.sipas" and job.status == JobStatus.DONE
    assert job.unit.code == "943" and job.result["count"] == 1
    assert SipasResult.objects.get().overall == 86.5
    assert not job.input_file and nothing_stored()


@pytest.mark.django_db
def test_a_small_refused_766_file_lists_every_cell_on_the_page_and_stores_nothing(client):
    client.force_login(factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"))
    factories.period("2024-Q4")
    code = ServiceIndicator.objects.filter(source=Source.ENTERED).first().code
    response = client.post(
        reverse("service_index:upload", args=["2008", "943", "2024-Q4"]),
        {"file": sheet(("Mã đơn vị", "Mã chỉ tiêu", "Tỷ lệ (%)"),
                       [("31564", code, 90), ("31564", code, 120)], title="Chỉ tiêu")},
        follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "Không nhập gì. Hãy sửa tệp rồi tải lên lại:"
    assert any("Trang «Chỉ tiêu», dòng 3, ô C3" in m for m in shown[1:])
    assert not IndicatorValue.objects.exists()
    assert Job.objects.get().status == JobStatus.FAILED


@pytest.fixture
def units(transactional_db):
    call_command("load_units", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_larger_survey_file_is_imported_by_the_worker_and_the_job_page_says_so(
        units, client, job_worker, settings):
    settings.CCHC_JOB_INLINE_LIST_BYTES = 0  # every file goes to the worker
    made, council = survey_setup()
    client.force_login(council)
    url = reverse("scores:survey_upload", args=["2008", "943", 2024])
    response = client.post(url, {"file": sheet(SURVEY, [("31564", "2", 33), ("31552", "2", 35)],
                                               title="Điều tra")})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "scores.survey" and job_files.exists(job.input_file.name)
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).exists(),
             seconds=60, every=0.05, what="the survey import", worker=job_worker)
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập 2 điểm điều tra xã hội học." in page
    assert f'href="{reverse("scores:ranking", args=["2008", "943", 2024])}"' in page
    assert sorted(ParScore.objects.filter(criterion__code="2")
                  .values_list("appraised_score", flat=True)) == [33, 35]
    assert nothing_stored()


@pytest.mark.django_db(transaction=True)
def test_a_refused_file_in_the_worker_lists_each_cell_on_the_job_page_and_stores_nothing(
        units, client, job_worker, settings):
    settings.CCHC_JOB_INLINE_LIST_BYTES = 0
    made, council = survey_setup()
    client.force_login(council)
    response = client.post(
        reverse("scores:survey_upload", args=["2008", "943", 2024]),
        {"file": sheet(SURVEY, [("31564", "2", 33), ("99999", "2", 20), ("31552", "2", 41)],
                       title="Điều tra")})
    job = Job.objects.get()
    wait_for(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).exists(),
             seconds=60, every=0.05, what="the refused survey import", worker=job_worker)
    page = client.get(response["Location"]).content.decode()
    assert "Không nhập gì. Hãy sửa tệp rồi tải lên lại:" in page
    assert ("Trang «Điều tra», dòng 3, ô A3: đơn vị «99999» không có trong nhóm đánh giá "
            "này.") in page
    assert "Trang «Điều tra», dòng 4, ô C4: điểm phải trong khoảng 0 đến 40 (đang là 41)." in page
    assert not ParScore.objects.filter(criterion__code="2").exists()  # not even row 2
    assert 'data-testid="upload-back"' in page
