"""A unit with units below it shows two scopes: toàn địa bàn and riêng cấp <level>.

The figures are the published ones of Huyện Đắk R'Lấp (tỉnh Đắk Nông), 2023: the district level
20,593 received / 18,207 resolved / 17,635 in time (96,86 %), its 11 communes together 18,094 /
18,088 / 18,061. The whole district is their sum, its rate recomputed from the sums (98,35 %),
not an average of rates.
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.dossiers.scopes import OWN, SUBTREE
from cchc.publication.services import public_page_set, ranking_publish
from cchc.units.models import AdministrativeUnit, Level, UnitList
from reports import exports, selectors
from reports.kpis import KPIS
from tests import factories

pytestmark = pytest.mark.django_db

DAK_NONG, DAK_RLAP = "67", "666"
QUARTER = "2023-Q4"
DISTRICT_OWN = (20_593, 18_207, 17_635)
COMMUNES_TOGETHER = (18_094, 18_088, 18_061)
WHOLE_DISTRICT = tuple(a + b for a, b in zip(DISTRICT_OWN, COMMUNES_TOGETHER, strict=True))


def counts(received: int, resolved: int, in_time: int) -> dict[str, int]:
    """A row of form II.06a with these totals: all received online, in time = on time."""
    pending = received - resolved
    return factories.figures(
        received_total=received, received_online=received, received_in_person=0,
        received_postal=0, received_carried_over=0, resolved_total=resolved,
        resolved_early=0, resolved_on_time=in_time, resolved_late=resolved - in_time,
        pending_total=pending, pending_in_time=pending, pending_overdue=0)


def split(total: int, parts: int) -> list[int]:
    share, extra = divmod(total, parts)
    return [share + (1 if i < extra else 0) for i in range(parts)]


@pytest.fixture
def dak_rlap():
    """The district's own report and its 11 communes' for 2023-Q4, approved."""
    district = factories.unit(DAK_RLAP)
    factories.period("2023-Q3")
    communes = list(AdministrativeUnit.objects.filter(parent=district).order_by("code"))
    assert len(communes) == 11
    factories.report(district, QUARTER, lines={factories.field(): counts(*DISTRICT_OWN)})
    for commune, figures in zip(communes, zip(*(split(t, 11) for t in COMMUNES_TOGETHER),
                                              strict=True), strict=True):
        factories.report(commune, QUARTER, lines={factories.field(): counts(*figures)})
    return district


def totals_of(received, resolved, in_time):
    return {"received_total": received, "resolved_total": resolved}, \
        Decimal(in_time) / Decimal(resolved)


def test_the_whole_district_is_the_sum_of_its_own_report_and_its_communes(dak_rlap):
    board = selectors.unit_dashboard(dak_rlap, factories.period(QUARTER))
    whole, own = board.scopes
    assert (whole.scope, whole.label, own.scope, own.label) == (
        SUBTREE, "Toàn địa bàn", OWN, "Riêng cấp huyện")
    assert (whole.totals["received_total"], whole.totals["resolved_total"]) == (38_687, 36_295)
    assert (own.totals["received_total"], own.totals["resolved_total"]) == (20_593, 18_207)
    rate = KPIS["on_time_rate"]
    # Recomputed from the sums: 35,696 / 36,295, not the mean of the twelve units' rates.
    assert whole.values["on_time_rate"] == Decimal(35_696) / Decimal(36_295)
    assert rate.display(whole.values["on_time_rate"]) == "98,35 %"
    assert rate.display(own.values["on_time_rate"]) == "96,86 %"
    assert (whole.reports, whole.due, own.reports, own.due) == (12, 12, 1, 1)
    # The cards follow the whole area by default.
    assert board.scope == SUBTREE and board.totals == whole.totals


def test_the_year_is_derived_in_each_scope_alike(dak_rlap):
    year = factories.period("2023")
    whole, own = selectors.unit_dashboard(dak_rlap, year).scopes
    assert whole.totals["received_total"] == 38_687 and own.totals["received_total"] == 20_593


def test_the_dashboard_shows_both_scopes_side_by_side_and_switches(client, dak_rlap):
    factories.user("dn", role=Role.PROVINCIAL_OFFICE, unit_code=DAK_NONG)
    client.login(username="dn", password="pass-for-tests-1")
    url = reverse("reports:dashboard", args=["2008", DAK_RLAP, QUARTER])
    page = client.get(url).content.decode()
    table = page[page.index('id="scope-table"'):page.index("</table>", page.index("scope-table"))]
    assert "Toàn địa bàn" in table and "Riêng cấp huyện" in table
    assert "38.687" in table and "20.593" in table and "98,35 %" in table and "96,86 %" in table
    assert "12/12" in table and "1/1" in table
    shown = page[page.index('id="scope-shown"'):]
    assert "Toàn địa bàn" in shown[:200]
    own_page = client.get(url, {"scope": OWN}).content.decode()
    assert "Riêng cấp huyện" in own_page[own_page.index('id="scope-shown"'):][:200]
    cards = own_page[own_page.index('id="kpi-cards"'):]
    assert 'data-kpi="received">20.593' in cards
    assert 'data-kpi="received">38.687' in page[page.index('id="kpi-cards"'):]


def test_a_commune_shows_one_scope(client, dak_rlap):
    commune = AdministrativeUnit.objects.filter(parent=dak_rlap).order_by("code").first()
    board = selectors.unit_dashboard(commune, factories.period(QUARTER), SUBTREE)
    assert [s.scope for s in board.scopes] == [OWN] and board.scope == OWN
    assert board.scope_label == "Riêng cấp xã"


@pytest.fixture
def office(client):
    factories.user("dn", role=Role.PROVINCIAL_OFFICE, unit_code=DAK_NONG)
    client.login(username="dn", password="pass-for-tests-1")
    return client


def district_row(page, code=DAK_RLAP):
    return next(row for row in page.context["ranking"].rows if row.unit.code == code)


def test_districts_are_ranked_by_their_whole_area_with_a_switch_to_their_own(office, dak_rlap):
    url = reverse("reports:ranking", args=["2008", DAK_NONG, QUARTER])
    page = office.get(url)
    row = district_row(page)
    assert page.context["ranking"].scope == SUBTREE
    assert row.totals["received_total"] == 38_687
    html = page.content.decode()
    assert 'name="scope"' in html and "Riêng cấp huyện" in html
    assert "Phạm vi số liệu: <strong>Toàn địa bàn</strong>" in html
    assert "98,35 %" in html
    own = office.get(url, {"scope": OWN})
    assert district_row(own).totals["received_total"] == 20_593
    assert "96,86 %" in own.content.decode()


def test_a_ranking_of_communes_has_one_scope(office, dak_rlap):
    page = office.get(reverse("reports:ranking", args=["2008", DAK_RLAP, QUARTER]))
    assert 'name="scope"' not in page.content.decode()
    assert page.context["ranking"].scope == OWN
    assert "Phạm vi số liệu: <strong>Riêng cấp xã</strong>" in page.content.decode()


def test_the_national_ranking_of_provinces_is_by_whole_province(client, dak_rlap):
    factories.user("bo", role=Role.NATIONAL)
    client.login(username="bo", password="pass-for-tests-1")
    url = reverse("reports:national_ranking", args=[UnitList.BEFORE_2025, QUARTER])
    page = client.get(url)
    # The province's office filed nothing itself: by its office it would have no figures.
    row = district_row(page, DAK_NONG)
    assert row.rank == 1 and row.totals["received_total"] == 38_687
    own = client.get(url, {"scope": OWN})
    assert district_row(own, DAK_NONG).rank is None
    csv_page = client.get(reverse("reports:national_csv", args=[UnitList.BEFORE_2025,
                                                                QUARTER]))
    rows = list(csv.DictReader(io.StringIO(
        b"".join(csv_page.streaming_content).decode("utf-8-sig"))))
    dak_nong = next(r for r in rows if r["unit_code"] == DAK_NONG)
    assert (dak_nong["received_total"], dak_nong["scope"]) == ("38687", SUBTREE)


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_csv_adds_the_scope_last_and_keeps_every_column(office, dak_rlap):
    assert exports.CSV_COLUMNS[-1] == "scope"
    assert exports.CSV_COLUMNS[:-1][-3:] == ("on_time_rate", "early_rate", "online_rate")
    url = reverse("reports:summary_csv", args=["2008", DAK_NONG, QUARTER])
    whole = next(r for r in read_csv(office.get(url)) if r["unit_code"] == DAK_RLAP)
    own = next(r for r in read_csv(office.get(url, {"scope": OWN}))
               if r["unit_code"] == DAK_RLAP)
    assert (whole["scope"], whole["received_total"], whole["on_time_rate"]) == (
        SUBTREE, "38687", "0.9835")
    assert (own["scope"], own["received_total"], own["on_time_rate"]) == (
        OWN, "20593", "0.9686")
    communes = read_csv(office.get(url, {"level": Level.COMMUNE}))
    assert {r["scope"] for r in communes} == {OWN}


def test_the_workbook_says_which_scope_each_sheet_holds(office, dak_rlap):
    url = reverse("reports:summary_xlsx", args=["2008", DAK_NONG, QUARTER])
    book = openpyxl.load_workbook(io.BytesIO(b"".join(office.get(url).streaming_content)))
    form = book["Biểu II.06a"]
    assert "Toàn địa bàn" in form["A5"].value
    units = book["Theo đơn vị"]
    assert "Toàn địa bàn" in units["A1"].value
    row = next(r for r in units.iter_rows(min_row=4, values_only=True) if r[0] == DAK_RLAP)
    assert row[4] == 38_687
    own = openpyxl.load_workbook(io.BytesIO(b"".join(
        office.get(url, {"scope": OWN}).streaming_content)))
    assert "Riêng cấp tỉnh" in own["Biểu II.06a"]["A5"].value
    assert "Riêng cấp huyện" in own["Theo đơn vị"]["A1"].value
    row = next(r for r in own["Theo đơn vị"].iter_rows(min_row=4, values_only=True)
               if r[0] == DAK_RLAP)
    assert row[4] == 20_593


def test_the_district_workbook_totals_its_whole_area(office, dak_rlap):
    url = reverse("reports:summary_xlsx", args=["2008", DAK_RLAP, QUARTER])
    form = openpyxl.load_workbook(io.BytesIO(b"".join(
        office.get(url).streaming_content)))["Biểu II.06a"]
    total = next(r for r in form.iter_rows(min_row=9, values_only=True) if r[1] == "Tổng cộng")
    assert (total[2], total[7]) == (38_687, 36_295)
    assert "Toàn địa bàn (đơn vị và mọi đơn vị trực thuộc)" in form["A5"].value


def test_the_api_carries_the_scope(client, dak_rlap):
    factories.user("dn", role=Role.PROVINCIAL_OFFICE, unit_code=DAK_NONG)
    client.login(username="dn", password="pass-for-tests-1")
    url = f"/api/v1/units/2008/{DAK_RLAP}/figures/{QUARTER}/"
    whole = client.get(url).json()
    own = client.get(url, {"scope": OWN}).json()
    received = next(c["value"] for c in whole["counts"] if c["field"] == "received_total")
    assert (whole["scope"], whole["scope_label"], received) == (SUBTREE, "Toàn địa bàn", 38_687)
    assert next(c["value"] for c in own["counts"] if c["field"] == "received_total") == 20_593
    rate = next(k for k in whole["kpis"] if k["key"] == "on_time_rate")
    assert rate["percent"] == "98.35"
    assert client.get(url, {"scope": "all"}).status_code == 400
    ranking = client.get(f"/api/v1/units/2008/{DAK_NONG}/ranking/{QUARTER}/").json()
    assert ranking["scope"] == SUBTREE
    first = ranking["results"][0]
    assert first["unit"]["code"] == DAK_RLAP and first["percent"] == "98.35"
    below = client.get(f"/api/v1/units/2008/{DAK_RLAP}/figures/{QUARTER}/below/").json()
    assert below["scope"] == OWN and below["count"] == 11


def test_the_public_page_and_its_csv_carry_the_scope(client, dak_rlap):
    office = factories.user("dn", role=Role.PROVINCIAL_OFFICE, unit_code=DAK_NONG)
    province = factories.unit(DAK_NONG)
    public_page_set(user=office, province=province, enabled=True)
    ranking_publish(user=office, province=province, period=factories.period(QUARTER))
    url = reverse("public:ranking", args=["2008", DAK_NONG, QUARTER])
    page = client.get(url).content.decode()
    districts = page[page.index('id="level-2"'):page.index("</table>", page.index('id="level-2"'))]
    row = districts[districts.index(f'data-code="{DAK_RLAP}"'):]
    assert '<td class="num" data-key="on_time_rate">98,35 %' in row
    # The province's section: the whole province (its office filed nothing itself).
    assert 'id="level-1"' in page and "38.687" in page
    own = client.get(url, {"scope": OWN}).content.decode()
    row = own[own.index(f'data-code="{DAK_RLAP}"'):]
    assert '<td class="num" data-key="on_time_rate">96,86 %' in row
    assert 'id="level-1"' not in own
    rows = list(csv.reader(io.StringIO(client.get(
        reverse("public:ranking_csv", args=["2008", DAK_NONG, QUARTER])).content.decode(
        "utf-8-sig"))))
    assert rows[0][-1].startswith("Phạm vi số liệu")
    district = next(r for r in rows if r[0] == DAK_RLAP)
    commune = next(r for r in rows if r[2] == "Cấp xã")
    assert (district[-1], district[7], commune[-1]) == (SUBTREE, "38687", OWN)


def test_completeness_never_counts_more_reports_than_the_figures_do(dak_rlap):
    """A returned report is owed again: it leaves the figures and the on-time count alike
    (it counted as "on time" by its first submission while its figures did not count)."""
    from django.utils import timezone

    from cchc.dossiers.models import DossierReport, ReportStatus
    from cchc.dossiers.rollups import rollups_refresh
    from cchc.dossiers.selectors import completeness

    quarter = factories.period(QUARTER)
    DossierReport.objects.filter(unit__parent=dak_rlap, period=quarter).update(
        submitted_at=timezone.make_aware(timezone.datetime(2023, 12, 1)))
    returned = DossierReport.objects.filter(unit__parent=dak_rlap, period=quarter).first()
    returned.status = ReportStatus.RETURNED
    returned.save()
    rollups_refresh(unit=returned.unit, period=quarter)
    whole = selectors.unit_dashboard(dak_rlap, quarter).scopes[0]
    on_time, due = selectors.completeness_counts(dak_rlap, quarter)
    assert (whole.reports, on_time, due) == (11, 10, 12)  # the district's own has no date
    row = next(r for r in completeness(dak_rlap, quarter).rows if r.unit == returned.unit)
    assert not row.is_submitted
