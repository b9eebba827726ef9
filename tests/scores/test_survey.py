"""Survey points from Excel: stored as appraised scores, or refused whole with every cell."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from cchc.accounts.models import Role
from cchc.scores.models import AssessmentStatus, ParAssessment, ParScore
from cchc.scores.services import ScoresRefused
from cchc.scores.survey import survey_import
from tests import factories
from tests.scores.test_results import assess, scheme

pytestmark = pytest.mark.django_db


def workbook(rows, header=("Mã đơn vị", "Mã tiêu chí", "Điểm")):
    book = Workbook()
    book.active.title = "Điều tra"
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "dieu-tra.xlsx"
    return data


@pytest.fixture
def setup():
    made = scheme()
    for code in ("31564", "31552"):
        assess(made, code, {"1.1": (20, 20)})
    return made, factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")


def test_survey_points_are_stored_as_appraised_scores(setup):
    made, council = setup
    count = survey_import(user=council, scheme=made, parent=factories.unit("943"),
                          source=workbook([("31564", "2", 31.5), ("31552", "2", "28,25")]))
    assert count == 2
    assert ParScore.objects.get(assessment__unit__code="31552",
                                criterion__code="2").appraised_score == Decimal("28.25")


def test_every_bad_row_is_listed_by_cell_and_nothing_is_stored(setup):
    made, council = setup
    with pytest.raises(ScoresRefused) as refused:
        survey_import(user=council, scheme=made, parent=factories.unit("943"), source=workbook([
            ("31564", "2", 31.5),
            ("99999", "2", 20),
            ("31552", "1.1", 10),
            ("31552", "2", 41),
            ("31564", "2", 30),
            ("31552", "2", "=A1"),
        ]))
    assert refused.value.messages == [
        "Trang «Điều tra», dòng 3, ô A3: đơn vị «99999» không có trong nhóm đánh giá này.",
        "Trang «Điều tra», dòng 4, ô B4: «1.1» không phải tiêu chí thành phần điều tra xã hội "
        "học của bộ chỉ số.",
        "Trang «Điều tra», dòng 5, ô C5: điểm phải trong khoảng 0 đến 40 (đang là 41).",
        "Trang «Điều tra», dòng 6: đơn vị 31564, tiêu chí 2 đã có ở dòng trên.",
        "Trang «Điều tra», dòng 7, ô C7: «=A1» không phải số điểm (tối đa hai chữ số thập "
        "phân).",
        "Trang «Điều tra», dòng 7: đơn vị 31552, tiêu chí 2 đã có ở dòng trên.",
    ]
    assert not ParScore.objects.filter(criterion__code="2").exists()


def test_a_wrong_header_or_a_published_unit_is_refused(setup):
    made, council = setup
    with pytest.raises(ScoresRefused, match="dòng 1 phải là tiêu đề"):
        survey_import(user=council, scheme=made, source=workbook([], header=("a", "b", "c")))
    ParAssessment.objects.filter(unit__code="31564").update(status=AssessmentStatus.PUBLISHED)
    with pytest.raises(ScoresRefused, match="đã công bố"):
        survey_import(user=council, scheme=made, source=workbook([("31564", "2", 30)]))


def test_the_council_uploads_from_the_ranking_page_and_a_clerk_cannot(client, setup):
    made, council = setup
    client.force_login(council)
    url = reverse("scores:survey_upload", args=["2008", "943", 2024])
    response = client.post(url, {"file": workbook([("31564", "2", 33)])}, follow=True)
    assert "Đã nhập 1 điểm điều tra xã hội học." in response.content.decode()
    clerk = factories.user("xa", unit_code="31564")
    client.force_login(clerk)
    assert client.post(url, {"file": workbook([("31564", "2", 40)])}).status_code == 404
    assert ParScore.objects.get(criterion__code="2").appraised_score == 33


def test_a_refused_upload_lists_each_problem_on_its_own(client, setup):
    made, council = setup
    client.force_login(council)
    response = client.post(reverse("scores:survey_upload", args=["2008", "943", 2024]),
                           {"file": workbook([("99999", "2", 20), ("31564", "2", 41)])},
                           follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "Không nhập gì. Hãy sửa tệp rồi tải lên lại:",
        "Trang «Điều tra», dòng 2, ô A2: đơn vị «99999» không có trong nhóm đánh giá này.",
        "Trang «Điều tra», dòng 3, ô C3: điểm phải trong khoảng 0 đến 40 (đang là 41)."]
