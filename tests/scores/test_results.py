"""PAR results: totals and index, ranks with ties and set size, bands at their thresholds,
year over year across a changed scheme; the pages, downloads and export_par read them."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cchc.accounts.models import Role
from cchc.scores import selectors
from cchc.scores.models import (
    AssessmentStatus,
    CriterionPart,
    ParAssessment,
    ParBand,
    ParCriterion,
    ParScheme,
    ParScore,
    SchemeLevel,
)
from tests import factories

pytestmark = pytest.mark.django_db
KE_SACH_COMMUNES = ("31552", "31555", "31558", "31564")


def scheme(year=2024, maximum=(60, 40)):
    """A commune scheme of Sóc Trăng: two areas, the first with two sub-criteria."""
    made = ParScheme.objects.create(year=year, level=SchemeLevel.COMMUNE,
                                    issuer=factories.unit("94"), name=f"Bộ chỉ số xã {year}")
    first = ParCriterion.objects.create(scheme=made, code="1", title="Chỉ đạo, điều hành",
                                        max_points=maximum[0], position=1)
    ParCriterion.objects.create(scheme=made, parent=first, code="1.1", title="Kế hoạch",
                                max_points=maximum[0] / 2, position=2)
    ParCriterion.objects.create(scheme=made, parent=first, code="1.2", title="Kiểm tra",
                                max_points=maximum[0] / 2, position=3)
    ParCriterion.objects.create(scheme=made, code="2", title="Điều tra xã hội học",
                                max_points=maximum[1], part=CriterionPart.SURVEY, position=4)
    for label, minimum in (("Xuất sắc", 90), ("Tốt", 80), ("Khá", 70), ("Yếu", 0)):
        ParBand.objects.create(scheme=made, label=label, min_percent=minimum)
    return made


def assess(made, code, scores, status=AssessmentStatus.APPRAISED):
    """``scores`` maps a leaf code to (self, appraised)."""
    assessment = ParAssessment.objects.create(scheme=made, unit=factories.unit(code),
                                              status=status)
    for criterion_code, (own, appraised) in scores.items():
        ParScore.objects.create(assessment=assessment,
                                criterion=made.criteria.get(code=criterion_code),
                                self_score=own, appraised_score=appraised)
    return assessment


def results(made):
    return {r.unit.code: r for r in selectors.scheme_results(made,
                                                             parent=factories.unit("943"))}


def test_points_add_the_appraised_leaves_or_the_self_scores_not_yet_appraised():
    made = scheme()
    assess(made, "31564", {"1.1": (30, 28), "1.2": (25, None), "2": (None, Decimal("30.5"))})
    found = results(made)["31564"]
    assert found.points == Decimal("83.5") and found.max_points == 100
    assert found.index_percent == Decimal("83.5") and found.band == "Tốt"
    assert [(a.criterion.code, a.points) for a in found.areas] == [("1", 53), ("2", 30.5)]


def test_a_band_is_earned_exactly_at_its_threshold():
    made = scheme()
    assess(made, "31564", {"1.1": (30, 30), "1.2": (30, 30), "2": (30, 30)})  # 90.00
    assess(made, "31552", {"1.1": (30, 30), "1.2": (30, 29.99), "2": (30, 30)})  # 89.99
    found = results(made)
    assert (found["31564"].band, found["31552"].band) == ("Xuất sắc", "Tốt")


def test_ties_share_a_rank_and_the_set_size_counts_the_ranked():
    made = scheme()
    for code, survey in zip(KE_SACH_COMMUNES, (35, 30, 30, 20), strict=True):
        assess(made, code, {"1.1": (20, 20), "1.2": (20, 20), "2": (survey, survey)})
    assess(made, "31561", {})  # assessed, nothing scored yet: unranked
    found = results(made)
    assert [found[c].rank_display for c in KE_SACH_COMMUNES] == ["1/4", "2/4", "2/4", "4/4"]
    assert found["31561"].rank_display == "–"


def test_year_over_year_across_a_changed_scheme_compares_the_index():
    before = scheme(year=2023, maximum=(40, 40))  # out of 80
    assess(before, "31564", {"1.1": (20, 20), "1.2": (20, 20), "2": (32, 32)})  # 72/80 = 90 %
    assess(before, "31552", {"1.1": (20, 20), "1.2": (20, 20), "2": (36, 36)})  # 1st
    now = scheme(year=2024)
    assess(now, "31564", {"1.1": (30, 30), "1.2": (30, 30), "2": (35, 35)})  # 95/100
    assess(now, "31552", {"1.1": (30, 30), "1.2": (30, 30), "2": (30, 30)})
    found = results(now)["31564"]
    assert found.previous.index_percent == 90 and found.change_index == 5
    assert found.change_points == 23 and found.scheme_changed
    assert (found.previous.rank, found.rank, found.change_rank) == (2, 1, 1)


def test_published_results_keep_what_was_published():
    made = scheme()
    published = assess(made, "31564", {"1.1": (30, 30)}, status=AssessmentStatus.PUBLISHED)
    ParAssessment.objects.filter(pk=published.pk).update(
        points=Decimal("85.19"), max_points=100, rank=19, rank_of=63, band="Nhóm B")
    found = results(made)["31564"]
    assert (found.points, found.rank_display, found.band) == (Decimal("85.19"), "19/63",
                                                              "Nhóm B")


@pytest.fixture
def ke_sach_2024():
    made = scheme()
    assess(made, "31564", {"1.1": (30, 29), "1.2": (28, 27.92), "2": (34, 34)})  # 90.92
    assess(made, "31552", {"1.1": (30, 25), "1.2": (25, 25), "2": (30, 30)})  # 80
    return made


def test_the_ranking_page_the_result_page_and_the_downloads_agree(admin_client, ke_sach_2024):
    page = admin_client.get(reverse("scores:ranking", args=["2008", "943", 2024]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xã An Mỹ" in html and "1/2" in html and "Xuất sắc" in html
    result = admin_client.get(reverse("scores:result", args=["2008", "31564", 2024]))
    assert result.status_code == 200 and "90,92 %" in result.content.decode()
    body = b"".join(admin_client.get(reverse(
        "scores:ranking_csv", args=["2008", "943", 2024])).streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == {"unit_code": "31564", "unit_name": "Xã An Mỹ", "year": "2024",
                       "points": "90.92", "max_points": "100.00", "index_percent": "90.92",
                       "rank": "1", "rank_of": "2", "band": "Xuất sắc"}
    response = admin_client.get(reverse("scores:ranking_xlsx", args=["2008", "943", 2024]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[4]][:8] == ["31564", "Xã An Mỹ", 56.92, 34, 90.92, 100,
                                               90.92, "1/2"]


def test_export_par_writes_exactly_the_agreed_csv(tmp_path, ke_sach_2024):
    out = tmp_path / "par.csv"
    call_command("export_par", "--year", "2024", "--level", "commune", "--parent", "943",
                 "--out", str(out), stdout=io.StringIO())
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ("unit_code,unit_name,year,points,max_points,index_percent,rank,"
                        "rank_of,band")
    assert lines[1] == "31564,Xã An Mỹ,2024,90.92,100.00,90.92,1,2,Xuất sắc"
    call_command("export_par", "--year", "2024", "--level", "commune", "--out",
                 str(tmp_path / "par.xlsx"), stdout=io.StringIO())
    assert load_workbook(tmp_path / "par.xlsx").active["A4"].value == "31564"


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2031", "--level", "commune"], "Không có bộ chỉ số cấp xã năm 2031"),
    (["--year", "2024", "--level", "commune", "--parent", "99999"], "Không có đơn vị mã 99999"),
])
def test_export_par_fails_clearly(tmp_path, ke_sach_2024, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_par", *args, "--out", str(tmp_path / "x.csv"))
    assert not (tmp_path / "x.csv").exists()


def test_results_outside_the_users_scope_are_not_found(client, ke_sach_2024):
    factories.user("myxuyen", unit_code="946")
    client.login(username="myxuyen", password="pass-for-tests-1")
    assert client.get(reverse("scores:ranking", args=["2008", "943", 2024])).status_code == 404
    assert client.get(reverse("scores:result", args=["2008", "31564", 2024])).status_code == 404


def test_the_results_page_costs_the_same_queries_for_2_or_13_communes(admin_client):
    made = scheme()
    counts = []
    for codes in (KE_SACH_COMMUNES[:2], None):
        units = factories.unit("943").children.all() if codes is None else \
            [factories.unit(c) for c in codes]
        for unit in units:
            if not ParAssessment.objects.filter(scheme=made, unit=unit).exists():
                assess(made, unit.code, {"1.1": (20, 20), "2": (30, 30)})
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(reverse("scores:ranking", args=["2008", "943", 2024]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_council_publishes_from_the_ranking_page_and_staff_cannot(client, ke_sach_2024):
    url = reverse("scores:publish", args=["2008", "943", 2024])
    factories.user("xa", unit_code="31564")
    client.login(username="xa", password="pass-for-tests-1")
    assert client.post(url).status_code == 404  # Kế Sách's ranking is outside a commune's scope
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    client.login(username="tinh", password="pass-for-tests-1")
    page = client.get(reverse("scores:ranking", args=["2008", "943", 2024]))
    assert "Công bố kết quả" in page.content.decode()
    response = client.post(url, follow=True)
    assert "Đã công bố kết quả của 2 đơn vị" in response.content.decode()
    assert set(ParAssessment.objects.values_list("status", flat=True)) == {
        AssessmentStatus.PUBLISHED}
    assert "Công bố kết quả (khoá điểm)" not in response.content.decode()
