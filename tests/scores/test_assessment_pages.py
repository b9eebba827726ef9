"""The self-assessment and appraisal pages: scores with explanations and evidence files,
refusals that change nothing, downloads only for those who may see the unit."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.scores.models import AssessmentStatus, ParAssessment, ParEvidence, ParScore
from tests import factories
from tests.scores.test_results import scheme

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def made():
    return scheme()


@pytest.fixture
def clerk(client):
    factories.user("xa", unit_code="31564")
    client.login(username="xa", password="pass-for-tests-1")
    return client


def url(name, code="31564"):
    return reverse(f"scores:{name}", args=["2008", code, 2024])


def leaf(made, code):
    return made.criteria.get(code=code).pk


def test_a_clerk_scores_explains_and_attaches_evidence(clerk, made):
    page = clerk.get(url("self_assessment"))
    assert page.status_code == 200 and "1.1. Kế hoạch" in page.content.decode()
    response = clerk.post(url("self_assessment"), {
        f"score-{leaf(made, '1.1')}": "28,5", f"text-{leaf(made, '1.1')}": "Đã ban hành",
        f"evidence-{leaf(made, '1.1')}": SimpleUploadedFile("ke-hoach.pdf", PDF),
        f"score-{leaf(made, '2')}": "30", "save": ""})
    assert response.status_code == 302
    score = ParScore.objects.get(criterion__code="1.1")
    assert (score.self_score, score.explanation) == (Decimal("28.5"), "Đã ban hành")
    evidence = ParEvidence.objects.get()
    assert evidence.original_name == "ke-hoach.pdf" and "ke-hoach" not in evidence.file.name
    download = clerk.get(reverse("scores:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(("fields", "message"), [
    ({"1.2": "31"}, "Tiêu chí 1.2: điểm phải trong khoảng 0 đến 30 (đang là 31)."),
    ({"1.2": "-1"}, "Tiêu chí 1.2: điểm phải trong khoảng 0 đến 30 (đang là -1)."),
    ({"1.2": "mười"}, "Tiêu chí 1.2: «mười» không phải là số điểm"),
])
def test_a_bad_score_saves_nothing_and_keeps_what_was_typed(clerk, made, fields, message):
    post = {f"score-{leaf(made, '1.1')}": "20", "save": ""}
    post.update({f"score-{leaf(made, code)}": value for code, value in fields.items()})
    response = clerk.post(url("self_assessment"), post)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'value="20"' in html
    assert not ParScore.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.exe", b"MZ\x90\x00", "loại tệp không được nhận"),
    ("gia-mao.pdf", b"<html>not a pdf</html>", "không phải tệp PDF thật"),
    ("qua-lon.pdf", PDF + b"x" * 2048, "quá giới hạn"),
])
def test_unacceptable_evidence_is_refused_and_nothing_is_saved(clerk, made, settings, name,
                                                               content, message):
    settings.CCHC_EVIDENCE_MAX_BYTES = 1024
    response = clerk.post(url("self_assessment"), {
        f"score-{leaf(made, '1.1')}": "20",
        f"evidence-{leaf(made, '1.1')}": SimpleUploadedFile(name, content), "save": ""})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ParScore.objects.exists() and not ParEvidence.objects.exists()


def test_evidence_is_not_given_to_another_unit(clerk, client, made):
    clerk.post(url("self_assessment"), {
        f"score-{leaf(made, '1.1')}": "20",
        f"evidence-{leaf(made, '1.1')}": SimpleUploadedFile("a.pdf", PDF), "save": ""})
    evidence = ParEvidence.objects.get()
    client.logout()
    factories.user("nhonmy", unit_code="31552")
    client.login(username="nhonmy", password="pass-for-tests-1")
    assert client.get(reverse("scores:evidence", args=[evidence.pk])).status_code == 404
    assert client.get(url("self_assessment")).status_code == 404


def test_submitting_after_the_deadline_is_refused_for_the_unit(clerk, made):
    made.deadline = datetime.date(2020, 1, 31)
    made.save()
    response = clerk.post(url("self_assessment"), {f"score-{leaf(made, '1.1')}": "20",
                                                   "submit": ""})
    assert response.status_code == 400
    assert "Đã quá hạn gửi tự đánh giá (31/01/2020)" in response.content.decode()
    assert not ParScore.objects.exists()  # the save and the submission are one


def test_the_council_appraises_beside_the_units_scores_and_differences_are_marked(
        clerk, client, made):
    clerk.post(url("self_assessment"), {f"score-{leaf(made, '1.1')}": "28",
                                        f"score-{leaf(made, '1.2')}": "25", "submit": ""})
    assert ParAssessment.objects.get().status == AssessmentStatus.SUBMITTED
    assert clerk.get(url("appraisal")).status_code == 403
    client.logout()
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    client.login(username="tinh", password="pass-for-tests-1")
    response = client.post(url("appraisal"), {
        f"score-{leaf(made, '1.1')}": "26", f"text-{leaf(made, '1.1')}": "Thiếu kế hoạch quý",
        f"score-{leaf(made, '1.2')}": "25", f"score-{leaf(made, '2')}": "31,5", "save": ""})
    assert response.status_code == 302
    page = client.get(url("appraisal")).content.decode()
    assert page.count("par-differs") == 1 and "Thiếu kế hoạch quý" in page
    assert ParAssessment.objects.get().status == AssessmentStatus.APPRAISED
    assert ParScore.objects.get(criterion__code="2").appraised_score == Decimal("31.5")


def test_nothing_changes_after_publishing(clerk, client, made):
    clerk.post(url("self_assessment"), {f"score-{leaf(made, '1.1')}": "28", "save": ""})
    ParAssessment.objects.update(status=AssessmentStatus.PUBLISHED)
    response = clerk.post(url("self_assessment"), {f"score-{leaf(made, '1.1')}": "30",
                                                   "save": ""})
    assert response.status_code == 400 and "đã được công bố" in response.content.decode()
    assert ParScore.objects.get().self_score == 28
