"""The unit dashboard, across the 2025 reform, the home page by role, the ranking page."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.units.models import AdministrativeUnit, Succession
from reports.kpis import KPIS
from reports.selectors import basis, unit_dashboard
from tests import factories

pytestmark = pytest.mark.django_db


def file(unit, period, **overrides):
    factories.report(unit, period, lines={factories.field(): factories.figures(**overrides)})


def test_cards_compare_with_the_previous_quarter_and_the_same_quarter_a_year_before():
    an_my = factories.unit("31564")
    for year in (2023, 2024):
        for quarter in range(1, 5):
            factories.period(f"{year}-Q{quarter}")
    file(an_my, "2024-Q4")  # on time 85/90
    file(an_my, "2024-Q3", resolved_early=40, resolved_on_time=40, resolved_late=10)  # 80/90
    file(an_my, "2023-Q4", resolved_early=45, resolved_on_time=45, resolved_late=0)  # 90/90
    board = unit_dashboard(an_my, factories.period("2024-Q4"))
    card = next(c for c in board.cards if c.kpi.key == "on_time_rate")
    assert card.value == KPIS["on_time_rate"].value(factories.figures())
    assert card.change_on_previous == Decimal(85) / 90 - Decimal(80) / 90
    assert card.change_on_last_year == Decimal(85) / 90 - Decimal(90) / 90
    assert [p.code for p in board.trend_periods] == [
        "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert board.trend["on_time_rate"][3] == 1  # 2023-Q4: 90 of 90
    assert board.trend["on_time_rate"][0] is None  # nothing filed


def test_a_new_commune_before_the_reform_sums_its_predecessors():
    nhon_my = factories.unit("31552", factories.AFTER)
    olds = [link.predecessor for link in nhon_my.predecessor_links.all()]
    assert {u.name for u in olds} == {"Xã Nhơn Mỹ", "Xã An Mỹ", "Xã Song Phụng"}
    for unit in olds:
        file(unit, "2025-Q2")
    file(nhon_my, "2025-Q3", received_online=70, received_total=110, resolved_early=60,
         resolved_total=100)
    board = unit_dashboard(nhon_my, factories.period("2025-Q3"))
    assert board.previous.code == "2025-Q2"
    assert "2025-Q2" in [p.code for p in board.reconstructed]
    received = next(c for c in board.cards if c.kpi.key == "received")
    assert received.previous == 3 * 100  # three predecessors, 100 each
    assert received.value == 110


def test_a_divided_predecessor_is_named_as_making_the_series_approximate():
    divided = AdministrativeUnit.objects.filter(
        successor_links__kind=Succession.DIVIDED).first()
    successor = divided.successor_links.first().successor
    period = factories.period("2024-Q4")
    assert divided in basis(successor, period).divided
    response_board = unit_dashboard(successor, period)
    assert divided in response_board.divided


def test_an_old_unit_has_no_figures_after_the_reform_and_links_to_its_successor(admin_client):
    an_my = factories.unit("31564")
    assert basis(an_my, factories.period("2025-Q3")).unit_ids == []
    page = admin_client.get(reverse("reports:dashboard", args=["2008", "31564", "2025-Q3"]))
    assert reverse("reports:dashboard", args=["2025", "31552", "2025-Q3"]) in \
        page.content.decode()


def test_dashboard_page_shows_numbers_formulas_and_chart_data(admin_client):
    an_my = factories.unit("31564")
    file(an_my, "2024-Q4")
    page = admin_client.get(reverse("reports:dashboard", args=["2008", "31564", "2024-Q4"]))
    text = page.content.decode()
    assert "94,44 %" in text and "((8) + (9)) / (7)" in text
    assert 'id="dashboard-data"' in text and "chart.umd.min.js" in text
    assert "<script>" not in text.replace('<script src=', '')  # no inline scripts


def test_dashboard_queries_do_not_grow_with_units_or_periods(admin_client):
    counts = []
    for code in ("2024", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
        factories.period(code)
    for code, quarters in (("943", ["2024-Q4"]), ("67", ["2024-Q1", "2024-Q2", "2024-Q3",
                                                         "2024-Q4"])):
        root = factories.unit(code)
        for unit in list(AdministrativeUnit.objects.descendants_of(root))[:40]:
            for quarter in quarters:
                file(unit, quarter)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(reverse("reports:dashboard",
                                            args=["2008", code, "2024"])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_ranking_page_queries_do_not_grow_with_units(admin_client):
    counts = []
    # Two provinces (a province's page also reads what its office published: two queries
    # more than a district's, whatever the number of units): its districts, then communes.
    for code, level in (("94", ""), ("67", "3")):
        for unit in list(AdministrativeUnit.objects.descendants_of(factories.unit(code)))[:30]:
            file(unit, "2024-Q4")
        with CaptureQueriesContext(connection) as queries:
            url = reverse("reports:ranking", args=["2008", code, "2024-Q4"])
            assert admin_client.get(url, {"level": level}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_ranking_page_sorts_by_the_chosen_kpi_and_keeps_filters_in_the_download(admin_client):
    for code, late in (("31552", 0), ("31564", 5)):
        file(factories.unit(code), "2024-Q4", resolved_late=late, resolved_on_time=40 - late)
    url = reverse("reports:ranking", args=["2008", "943", "2024-Q4"])
    page = admin_client.get(url, {"kpi": "late_rate"})
    assert page.context["ranking"].kpi.key == "late_rate"
    assert page.context["ranking"].rows[0].unit.code == "31552"
    text = page.content.decode()
    assert "1/2" in text
    assert "csv/?kpi=late_rate" in text and "excel/?kpi=late_rate" in text
    download = admin_client.get(url + "csv/", {"kpi": "late_rate"})
    body = b"".join(download.streaming_content).decode("utf-8")
    rows = {row["unit_code"]: row for row in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert len(rows) == 13  # the page's units: Kế Sách's communes
    assert rows["31552"]["on_time_rate"] == "1.0000"
    assert rows["31564"]["resolved_late"] == "5"


def test_choosing_another_period_keeps_the_other_filters(admin_client):
    url = reverse("reports:ranking", args=["2008", "943", "2024-Q4"])
    response = admin_client.get(url, {"ky": "2024", "kpi": "online_rate"})
    assert response.status_code == 302
    assert response.url == reverse("reports:ranking", args=["2008", "943", "2024"]) + \
        "?kpi=online_rate"


def test_ranking_outside_the_users_province_is_not_found(client):
    client.force_login(factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"))
    assert client.get(reverse("reports:ranking", args=["2008", "67", "2023"])).status_code == 404
    assert client.get(reverse("reports:dashboard", args=["2008", "666", "2023"])).status_code \
        == 404


def test_home_sends_the_province_to_its_ranking_and_staff_to_their_inbox(client):
    file(factories.unit("31564"), "2024-Q4")
    client.force_login(factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"))
    assert client.get("/").url == reverse("reports:ranking", args=["2008", "94", "2024-Q4"])
    client.force_login(factories.user("xa", unit_code="31564"))
    assert client.get("/").url == reverse("dossiers:inbox")


def test_ranking_filters_by_level_and_parent(admin_client):
    ke_sach = factories.unit("943")
    factories.period("2024-Q4")
    url = reverse("reports:ranking", args=["2008", "94", "2024-Q4"])
    page = admin_client.get(url, {"level": "3", "parent": str(ke_sach.pk)})
    units = {row.unit.parent_id for row in page.context["ranking"].rows}
    assert units == {ke_sach.pk} and len(page.context["ranking"].rows) == 13


def test_completeness_counts_reports_sent_on_time_against_those_due():
    import datetime

    from django.utils import timezone

    from cchc.dossiers import services
    from cchc.periods.services import period_ensure
    from reports.selectors import completeness_counts

    period = period_ensure(code="2025-Q2",
                           deadline=timezone.localdate() + datetime.timedelta(days=5))
    staff = factories.user("xa", unit_code="31564")
    services.report_save(user=staff, unit=factories.unit("31564"), period=period,
                         lines={factories.field(): factories.figures()}, expected_version=0,
                         submit=True)
    assert completeness_counts(factories.unit("943"), period) == (1, 14)


def test_choosing_a_period_whose_code_also_names_the_unit_list(admin_client):
    """/xep-hang/2025/92/2025/ must change the period, not the list, when another is chosen."""
    for code in ("2025", "2025-Q4", "2026-Q1"):
        factories.period(code)
    url = reverse("reports:ranking", args=["2025", "92", "2025"])
    response = admin_client.get(url, {"ky": "2026-Q1"})
    assert response.url == reverse("reports:ranking", args=["2025", "92", "2026-Q1"])


def test_a_report_sent_at_23_59_on_the_deadline_day_is_on_time_and_at_midnight_late():
    """Vietnam's local day decides (UTC+7): the count and each report's own flag agree."""
    import datetime
    import zoneinfo

    from cchc.dossiers.selectors import completeness
    from reports.selectors import completeness_counts

    period = factories.period("2024-Q4")
    deadline = period.deadline
    hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    last_minute = datetime.datetime.combine(deadline, datetime.time(23, 59), tzinfo=hanoi)
    midnight = last_minute + datetime.timedelta(minutes=1)
    on_time = factories.report(factories.unit("31564"), "2024-Q4", submitted_at=last_minute)
    late = factories.report(factories.unit("31552"), "2024-Q4", submitted_at=midnight)
    assert not on_time.is_late and late.is_late
    ke_sach = factories.unit("31564").parent
    assert completeness_counts(ke_sach, period) == (1, 14)
    assert completeness(ke_sach, period).on_time == 1
