"""The public results page shows exactly what was published: figures from the snapshot taken at
publication (never live reports), PAR results only when published and as stored, nothing
personal, every formula, a CSV with the page's numbers; anything else answers 404."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.models import DossierLine, DossierReport, ReportStatus
from cchc.dossiers.rollups import rollups_refresh
from cchc.dossiers.services import report_approve, report_return, report_submit
from cchc.formatting import format_count, format_fixed, format_percent
from cchc.publication.services import public_page_set, ranking_publish, ranking_withdraw
from cchc.scores.models import AssessmentStatus, ParAssessment, ParScore
from cchc.scores.services import results_publish
from cchc.units.models import AdministrativeUnit, Level, UnitList
from reports.kpis import KPIS
from tests import factories
from tests.publication.conftest import DISTRICT, PROVINCE, QUARTER, file, in_time
from tests.scores.test_results import assess, scheme

pytestmark = pytest.mark.django_db

RATES = [key for key, kpi in KPIS.items() if kpi.is_rate]
REVIEW_COMMENT = "Cột (8) sai so với sổ theo dõi, đề nghị kiểm tra lại"
APPRAISAL_COMMENT = "Thiếu chữ ký trên biên bản tự đánh giá"


def url(name: str, *args) -> str:
    return reverse(f"public:{name}", args=[*(["2008", PROVINCE] if name != "index" else []),
                                           *args])


def page_table(content: bytes) -> dict[str, dict[str, str]]:
    """Every unit row of a public page: code → {column key: shown text}."""
    html = content.decode()
    rows = {}
    for code, body in re.findall(r'<tr data-code="(\w+)">(.*?)</tr>', html, re.S):
        rows[code] = dict(re.findall(r'data-key="(\w+)">([^<]*)<', body))
    return rows


def csv_table(response) -> tuple[list[str], dict[str, dict[str, str]]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Vietnamese right
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    return header, {row[0]: dict(zip(header, row, strict=True)) for row in rows}


@pytest.fixture
def published(office, province, public_page):
    """2024-Q4 published with two communes and a district filed; returns the publication."""
    file("31564")  # 85/90 on time: 94,44 %
    file("31552", **in_time(40, 40, 10))  # 88,89 %
    file(DISTRICT, **in_time(30, 10, 0))  # the district's own figures: 100 %
    return ranking_publish(user=office, province=province, period=factories.period(QUARTER))


# --- anonymous access, what is listed --------------------------------------------------------


def test_anonymous_visitors_see_the_public_pages_without_logging_in(client, published):
    for address in (url("index"), url("province"), url("ranking", QUARTER),
                    url("ranking_csv", QUARTER)):
        response = client.get(address)
        assert response.status_code == 200, address  # not 302 to the login page


def test_the_index_lists_only_provinces_whose_page_is_on(client, published, office, province):
    response = client.get(url("index"))
    assert province.name in response.text
    assert reverse("public:province", args=["2008", PROVINCE]) in response.text
    public_page_set(user=office, province=province, enabled=False)
    assert province.name not in client.get(url("index")).text


def test_the_province_lists_its_published_quarters_and_par_years(client, published, office):
    made = scheme()
    assess(made, "31564", {"1.1": (30, 28), "1.2": (25, 25), "2": (None, 30)})
    results_publish(user=office, scheme=made, parent=factories.unit(DISTRICT))
    response = client.get(url("province"))
    assert url("ranking", QUARTER) in response.text and "Quý IV/2024" in response.text
    assert url("par", 2024) in response.text


def test_anonymous_visitors_get_a_link_to_the_public_pages(client):
    assert url("index") in client.get(reverse("login")).text


# --- exactly the published data --------------------------------------------------------------


def test_the_page_shows_the_published_figures_and_the_published_date(client, published):
    response = client.get(url("ranking", QUARTER), {"scope": "own"})
    table = page_table(response.content)
    assert table["31564"]["on_time_rate"] == "94,44 %" and table["31564"]["rank"] == "1/2"
    assert table["31552"]["on_time_rate"] == "88,89 %" and table["31552"]["rank"] == "2/2"
    assert table["31564"]["received"] == "100" and table["31564"]["resolved"] == "90"
    assert table[DISTRICT]["on_time_rate"] == "100,00 %" and table[DISTRICT]["rank"] == "1/1"
    assert table["31555"]["rank"] == "–" and table["31555"]["on_time_rate"] == "–"
    published_on = timezone.localtime(published.published_at).strftime("%d/%m/%Y")
    assert f"Công bố ngày {published_on}" in response.text
    communes = AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, province__code=PROVINCE, level=Level.COMMUNE).count()
    districts = AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, parent__code=PROVINCE).count()
    assert len(table) == communes + districts  # every unit, the province filed nothing


def test_by_default_the_province_and_its_districts_show_their_whole_area(client, published):
    """The district's own report (100 %) and its communes' make its whole area's rate, from
    the summed counts; the province, which filed nothing itself, shows everything below it."""
    own = page_table(client.get(url("ranking", QUARTER), {"scope": "own"}).content)
    whole = page_table(client.get(url("ranking", QUARTER)).content)
    entries = {entry["code"]: entry for entry in published.units}
    below = [published.totals(e) for e in published.units
             if (e["code"] == DISTRICT or e["parent_code"] == DISTRICT) and e["counts"]]
    summed = {name: sum(t[name] for t in below) for name in below[0]}
    assert whole[DISTRICT]["on_time_rate"] == KPIS["on_time_rate"].display(
        KPIS["on_time_rate"].value(summed)) != own[DISTRICT]["on_time_rate"]
    assert whole["31564"] == own["31564"]  # a commune has one scope
    assert PROVINCE in whole and PROVINCE not in own and entries[PROVINCE]["counts"] is None


def test_later_changes_and_approvals_do_not_reach_the_public_page(client, published, province):
    period = factories.period(QUARTER)
    page_before = page_table(client.get(url("ranking", QUARTER)).content)
    csv_before = client.get(url("ranking_csv", QUARTER)).content
    # An approved report corrected, a unit renamed, another unit's report filed and approved.
    report = DossierReport.objects.get(unit__code="31564", period=period)
    DossierLine.objects.filter(report=report).update(resolved_early=10, resolved_on_time=10,
                                                     resolved_late=70)
    rollups_refresh(unit=report.unit, period=period)
    AdministrativeUnit.objects.filter(unit_list="2008", code="31564").update(name="Xã Đổi Tên")
    admin = factories.user("quantri", role=Role.ADMINISTRATOR)
    late = file("31555", status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    report_approve(user=admin, report=late, expected_version=late.version)
    # The internal ranking sees the change; the public page and its CSV do not.
    page_after = page_table(client.get(url("ranking", QUARTER)).content)
    assert page_after == page_before
    assert page_after["31564"]["on_time_rate"] == "94,44 %"
    assert page_after["31555"]["on_time_rate"] == "–"
    assert client.get(url("ranking_csv", QUARTER)).content == csv_before
    assert "Xã Đổi Tên" not in client.get(url("ranking", QUARTER)).text
    # Until the office publishes again.
    ranking_publish(user=admin, province=province, period=period)
    republished = page_table(client.get(url("ranking", QUARTER)).content)
    assert republished["31564"]["on_time_rate"] == "22,22 %"
    assert republished["31555"]["on_time_rate"] == "94,44 %"


def test_the_csv_has_the_counts_and_rates_of_the_page(client, published):
    page = page_table(client.get(url("ranking", QUARTER)).content)
    response = client.get(url("ranking_csv", QUARTER))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, rows = csv_table(response)
    assert header[:7] == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Kỳ báo cáo",
                          "Hạng theo Giải quyết đúng hạn", "Số đơn vị được xếp hạng"]
    assert header[7] == "(3) Số hồ sơ nhận giải quyết – Tổng số"
    assert header[18] == "(13) Số hồ sơ đang giải quyết – Quá hạn"
    assert header[19:-1] == [f"{KPIS[key].label} (%)" for key in RATES]
    assert header[-1] == "Phạm vi số liệu (subtree: toàn địa bàn; own: riêng cấp)"
    assert set(rows) == set(page)  # one row per unit, the same units
    row = rows["31564"]
    assert [row[name] for name in header[7:19]] == \
        [str(value) for value in factories.figures().values()]
    for code, shown in page.items():
        row = rows[code]
        received = row[header[7]]
        assert shown["received"] == (format_count(int(received)) if received else "–")
        for key in RATES:
            value = row[f"{KPIS[key].label} (%)"]
            assert shown[key] == (format_percent(Decimal(value) / 100) if value else "–"), \
                (code, key)
        if shown.get("rank", "–") != "–":
            assert shown["rank"] == f"{row[header[5]]}/{row[header[6]]}"
    assert rows["31564"]["Cấp"] == "Cấp xã" and rows["31564"]["Mã đơn vị cấp trên"] == DISTRICT
    assert rows["31564"]["Kỳ báo cáo"] == QUARTER


def test_the_page_ranks_by_the_chosen_kpi_and_ignores_an_unknown_one(client, published):
    late = page_table(client.get(url("ranking", QUARTER), {"kpi": "late_rate"}).content)
    assert late["31564"]["rank"] == "1/2" and late["31552"]["rank"] == "2/2"
    for made_up in ("nonsense", "progress_rate", "", "<script>"):
        response = client.get(url("ranking", QUARTER), {"kpi": made_up})
        assert response.status_code == 200
        assert page_table(response.content)["31564"]["rank"] == "1/2"
        assert client.get(url("ranking_csv", QUARTER), {"kpi": made_up}).status_code == 200
    header, _rows = csv_table(client.get(url("ranking_csv", QUARTER), {"kpi": "online_rate"}))
    assert header[5] == "Hạng theo Tiếp nhận trực tuyến"


def test_every_formula_is_on_the_page(client, published):
    text = client.get(url("ranking", QUARTER)).text
    for kpi in KPIS.values():
        assert str(kpi.label) in text and str(kpi.formula) in text


# --- 404 -------------------------------------------------------------------------------------


def test_an_unpublished_quarter_answers_404_also_for_the_csv(client, published):
    factories.period("2024-Q3")
    for address in (url("ranking", "2024-Q3"), url("ranking_csv", "2024-Q3"),
                    url("ranking", "2024"), url("ranking", "2099-Q1")):
        assert client.get(address).status_code == 404, address


def test_a_withdrawn_quarter_answers_404(client, published, office, province):
    ranking_withdraw(user=office, province=province, period=factories.period(QUARTER))
    assert client.get(url("ranking", QUARTER)).status_code == 404
    assert client.get(url("ranking_csv", QUARTER)).status_code == 404


def test_a_province_whose_page_is_off_answers_404_everywhere(client, published, office,
                                                             province):
    made = scheme()
    assess(made, "31564", {"1.1": (30, 28), "1.2": (25, 25), "2": (None, 30)})
    results_publish(user=office, scheme=made, parent=factories.unit(DISTRICT))
    addresses = (url("province"), url("ranking", QUARTER), url("ranking_csv", QUARTER),
                 url("par", 2024), url("par_csv", 2024))
    assert all(client.get(address).status_code == 200 for address in addresses)
    public_page_set(user=office, province=province, enabled=False)
    for address in addresses:
        assert client.get(address).status_code == 404, address


def test_units_that_are_not_a_public_province_answer_404(client, published):
    for unit_list, code in (("2008", DISTRICT), ("2008", "31564"), ("2025", PROVINCE),
                            ("2008", "38"), ("xx", PROVINCE)):
        for name, args in (("province", []), ("ranking", [QUARTER])):
            address = reverse(f"public:{name}", args=[unit_list, code, *args])
            assert client.get(address).status_code == 404, address


# --- nothing personal ------------------------------------------------------------------------


def test_no_name_email_or_comment_ever_appears(client, office, province, public_page):
    period = factories.period(QUARTER)
    reviewer = factories.user("quachdieulinh", role=Role.REVIEWER, unit_code=DISTRICT)
    reviewer.first_name, reviewer.last_name = "Diệu Linh", "Quách"
    reviewer.email = "linh.quach@kesach.gov.vn"
    reviewer.save()
    staff = factories.user("lequoctuan", unit_code="31564")
    # Returned with a comment, corrected, submitted again and approved.
    report = file("31564", status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    report = report_return(user=reviewer, report=report, expected_version=report.version,
                           comment=REVIEW_COMMENT)
    report = report_submit(user=staff, report=report, expected_version=report.version)
    report_approve(user=reviewer, report=report, expected_version=report.version)
    file("31552", status=ReportStatus.RETURNED)  # still returned: its comment stays internal
    DossierReport.objects.filter(unit__code="31552").update(review_comment=REVIEW_COMMENT)
    ranking_publish(user=office, province=province, period=period)
    made = scheme()
    assessment = assess(made, "31564", {"1.1": (30, 28), "1.2": (25, 25), "2": (None, 30)})
    ParScore.objects.filter(assessment=assessment).update(
        appraisal_comment=APPRAISAL_COMMENT, explanation=APPRAISAL_COMMENT)
    results_publish(user=office, scheme=made, parent=factories.unit(DISTRICT))
    bodies = [client.get(address).content.decode("utf-8") for address in (
        url("index"), url("province"), url("ranking", QUARTER), url("ranking_csv", QUARTER),
        url("par", 2024), url("par_csv", 2024))]
    assert "94,44 %" in bodies[2]  # the figures are there…
    for account in (office, reviewer, staff):
        for personal in (account.username, account.email, account.get_full_name(),
                         f"{account.last_name} {account.first_name}"):
            assert not any(personal.strip() and personal in body for body in bodies), personal
    for secret in (REVIEW_COMMENT, APPRAISAL_COMMENT):
        assert not any(secret in body for body in bodies), secret


# --- PAR results -----------------------------------------------------------------------------


@pytest.fixture
def par_published(office, province, public_page):
    """Kế Sách's communes published (95 and 83 points); other communes not (yet)."""
    made = scheme()
    assess(made, "31552", {"1.1": (30, 30), "1.2": (30, 30), "2": (None, 35)})
    assess(made, "31564", {"1.1": (30, 28), "1.2": (25, 25), "2": (None, Decimal("30.4"))})
    results_publish(user=office, scheme=made, parent=factories.unit(DISTRICT))
    elsewhere = AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, province=province, level=Level.COMMUNE
    ).exclude(parent__code=DISTRICT).order_by("code")[:2]
    for commune, status in zip(elsewhere, (AssessmentStatus.APPRAISED,
                                           AssessmentStatus.SUBMITTED), strict=True):
        assess(made, commune.code, {"1.1": (30, 30), "1.2": (30, 30), "2": (40, 40)},
               status=status)
    return made, [commune.code for commune in elsewhere]


def test_par_shows_only_published_assessments_as_stored(client, par_published):
    _made, unpublished = par_published
    # Scores changed after publication do not change what was published.
    ParScore.objects.filter(assessment__unit__code="31564").update(appraised_score=1)
    response = client.get(url("par", 2024))
    table = page_table(response.content)
    assert set(table) == {"31552", "31564"}
    assert not any(code in response.text for code in unpublished)
    assert table["31552"] == {"rank": "1/2", "points": "95,00", "max_points": "100,00",
                              "index_percent": "95,00", "band": "Xuất sắc"}
    assert table["31564"] == {"rank": "2/2", "points": "83,40", "max_points": "100,00",
                              "index_percent": "83,40", "band": "Tốt"}
    assert "Chỉ số (%) = tổng điểm / điểm tối đa" in response.text
    header, rows = csv_table(client.get(url("par_csv", 2024)))
    assert header == ["Mã đơn vị", "Tên đơn vị", "Năm", "Tổng điểm", "Điểm tối đa", "Chỉ số (%)",
                      "Xếp hạng", "Trên tổng số", "Xếp loại", "Bộ chỉ số", "Nhóm xếp hạng"]
    assert set(rows) == set(table)
    for code, shown in table.items():
        row = rows[code]
        assert shown["points"] == format_fixed(Decimal(row["Tổng điểm"]))
        assert shown["index_percent"] == format_fixed(Decimal(row["Chỉ số (%)"]))
        assert shown["rank"] == f"{row['Xếp hạng']}/{row['Trên tổng số']}"
        assert shown["band"] == row["Xếp loại"]


def test_a_year_without_published_par_results_answers_404(client, office, province,
                                                          public_page):
    made = scheme()
    assess(made, "31564", {"1.1": (30, 28)}, status=AssessmentStatus.APPRAISED)
    for year in (2024, 2023):
        assert client.get(url("par", year)).status_code == 404
        assert client.get(url("par_csv", year)).status_code == 404
    assert ParAssessment.objects.filter(status=AssessmentStatus.PUBLISHED).count() == 0


# --- cost ------------------------------------------------------------------------------------


def test_the_public_ranking_costs_the_same_queries_for_a_small_and_a_large_province(client):
    admin = factories.user("quantri", role=Role.ADMINISTRATOR)
    period = factories.period(QUARTER)
    counts = {}
    for code in (PROVINCE, "38"):  # Sóc Trăng (120 units), Thanh Hóa (574)
        province = factories.unit(code)
        public_page_set(user=admin, province=province, enabled=True)
        publication = ranking_publish(user=admin, province=province, period=period)
        with CaptureQueriesContext(connection) as queries:
            for name in ("ranking", "ranking_csv"):
                response = client.get(reverse(f"public:{name}",
                                              args=["2008", code, QUARTER]))
                assert response.status_code == 200
        counts[code] = (len(publication.units), len(queries))
    assert counts["38"][0] > 4 * counts[PROVINCE][0]
    assert counts["38"][1] == counts[PROVINCE][1] <= 10
