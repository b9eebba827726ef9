"""One way to show PAR points, indexes and changes on every page: two decimals with a comma
("80,00", "90,92"), changes signed with the real minus sign ("+7,67", "−2,11"), as on the
dashboards (``cchc.formatting``)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.formatting import format_change, format_fixed
from reports.kpis import KPIS
from reports.templatetags.kpis import kpi_change
from tests.scores.test_results import assess, scheme

pytestmark = pytest.mark.django_db
MINUS = "\u2212"


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal(80), "80,00"), (Decimal("90.92"), "90,92"), (Decimal("90.925"), "90,93"),
    (Decimal("1234.5"), "1.234,50"), (Decimal("-2.11"), f"{MINUS}2,11"), (None, "–")])
def test_points_and_indexes_have_two_decimals_and_a_comma(value, shown):
    assert format_fixed(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("7.67"), "+7,67"), (Decimal("-2.11"), f"{MINUS}2,11"), (Decimal(0), "±0,00"),
    (Decimal("-0.001"), "±0,00"), (None, "–")])
def test_changes_are_signed_with_the_real_minus_sign(value, shown):
    assert format_change(value) == shown


def test_the_dashboard_changes_use_the_same_signs():
    assert kpi_change(KPIS["on_time_rate"], Decimal("-0.0211")) == f"{MINUS}2,11 điểm %"
    assert kpi_change(KPIS["on_time_rate"], Decimal("0.0767")) == "+7,67 điểm %"
    assert kpi_change(KPIS["received"], -1250) == f"{MINUS}1.250"


@pytest.fixture
def two_years():
    """An Mỹ: 92,08 points in 2023 (out of 100), 90,00 in 2024 — a fall of 2,08 points;
    Đại Hải: 80,00 in 2024."""
    before = scheme(year=2023)
    assess(before, "31564", {"1.1": (30, 30), "1.2": (30, Decimal("28.08")), "2": (34, 34)})
    now = scheme(year=2024)
    assess(now, "31564", {"1.1": (30, 30), "1.2": (30, 26), "2": (34, 34)})
    assess(now, "31552", {"1.1": (30, 25), "1.2": (25, 25), "2": (30, 30)})
    return now


def cells(html, row_code):
    row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*{row_code}(?:(?!</tr>).)*</tr>', html, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]


def test_the_par_ranking_shows_points_and_changes_one_way(admin_client, two_years):
    html = admin_client.get(reverse("scores:ranking", args=["2008", "943", 2024])
                            ).content.decode()
    an_my = cells(html, "31564")
    assert an_my[2:4] == ["90,00", "90,00"]  # points, index (%)
    assert an_my[-1].startswith(f"{MINUS}2,08")  # the change on 2023, real minus sign
    assert cells(html, "31552")[2] == "80,00"


def test_the_result_page_shows_points_and_changes_one_way(admin_client, two_years):
    html = admin_client.get(reverse("scores:result", args=["2008", "31564", 2024])
                            ).content.decode()
    assert "90,00 / 100,00" in html and "90,00 %" in html
    assert f"{MINUS}2,08 điểm; chỉ số {MINUS}2,08 điểm phần trăm" in html
    assert "<td class=\"num\">60,00</td>" in html  # the first area's maximum


def test_the_par_ranking_lists_unscored_units_last_in_both_directions(admin_client, two_years):
    url = reverse("scores:ranking", args=["2008", "943", 2024])
    assess(two_years, "31561", {})  # assessed, nothing scored: no index
    for sort, first in (("index_percent", ["31552", "31564"]),
                        ("-index_percent", ["31564", "31552"]), ("-rank", ["31552", "31564"]),
                        ("points", ["31552", "31564"])):
        html = admin_client.get(url, {"sort": sort}).content.decode()
        shown = re.findall(r'unit-code">(\d+)<', html)
        assert shown[:2] == first and shown[-1] == "31561", sort
