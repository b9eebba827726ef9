"""Ranking child units: ties, skipped ranks, set size, Δrank, lists never mixed."""

import re

import pytest
from django.urls import reverse

from cchc.units.models import AdministrativeUnit, UnitList
from reports.selectors import ranking, ranking_units
from tests import factories

pytestmark = pytest.mark.django_db

KE_SACH_COMMUNES = ["31552", "31564", "31555", "31558"]


def in_time(early, on_time, late):
    """A quarter with the given resolved split and nothing pending."""
    resolved = early + on_time + late
    return factories.figures(received_total=resolved, received_online=resolved,
                             received_in_person=0, received_postal=0, received_carried_over=0,
                             resolved_total=resolved, resolved_early=early,
                             resolved_on_time=on_time, resolved_late=late, pending_total=0,
                             pending_in_time=0, pending_overdue=0)


def file(code, period, figures):
    factories.report(factories.unit(code), period, lines={factories.field(): figures})


def test_ties_share_a_rank_and_the_next_rank_skips():
    # on-time rates: 100 %, 90 %, 90 %, 80 %
    for code, late in zip(KE_SACH_COMMUNES, (0, 10, 10, 20), strict=True):
        file(code, "2024-Q4", in_time(50, 50 - late, late))
    units = AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                              code__in=KE_SACH_COMMUNES)
    result = ranking(units, factories.period("2024-Q4"), "on_time_rate")
    assert [(row.unit.code, row.rank) for row in result.rows] == [
        ("31552", 1), ("31555", 2), ("31564", 2), ("31558", 4)]
    assert result.size == 4


def test_lower_is_better_for_late_and_overdue_rates():
    for code, late in zip(KE_SACH_COMMUNES[:2], (10, 0), strict=True):
        file(code, "2024-Q4", in_time(50, 50 - late, late))
    units = AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                              code__in=KE_SACH_COMMUNES[:2])
    rows = ranking(units, factories.period("2024-Q4"), "late_rate").rows
    assert [(row.unit.code, row.rank) for row in rows] == [("31564", 1), ("31552", 2)]


def test_units_without_figures_are_listed_unranked_and_not_counted_in_the_set():
    file("31552", "2024-Q4", in_time(90, 10, 0))
    units = ranking_units(factories.unit("943"), factories.period("2024-Q4"))
    result = ranking(units, factories.period("2024-Q4"), "on_time_rate")
    assert result.size == 1
    assert len(result.rows) == 13
    assert result.rows[0].unit.code == "31552" and result.rows[0].rank == 1
    assert all(row.rank is None for row in result.rows[1:])


def test_rank_change_against_the_previous_period():
    for code, late in zip(KE_SACH_COMMUNES[:3], (0, 5, 10), strict=True):
        file(code, "2024-Q3", in_time(50, 50 - late, late))
    for code, late in zip(KE_SACH_COMMUNES[:3], (10, 0, 5), strict=True):
        file(code, "2024-Q4", in_time(50, 50 - late, late))
    units = AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                              code__in=KE_SACH_COMMUNES[:3])
    rows = {row.unit.code: row for row in ranking(units, factories.period("2024-Q4"),
                                                  "on_time_rate").rows}
    assert (rows["31564"].rank, rows["31564"].rank_change) == (1, 1)  # 2nd → 1st: ↑1
    assert (rows["31552"].rank, rows["31552"].rank_change) == (3, -2)  # 1st → 3rd: ↓2
    assert rows["31555"].rank_change == 1


def test_a_ranking_never_mixes_units_of_the_two_lists():
    can_tho = factories.unit("92", factories.AFTER)
    units = list(ranking_units(can_tho, factories.period("2026-Q2")))
    assert len(units) == 103
    assert {u.unit_list for u in units} == {UnitList.FROM_2025}
    soc_trang = factories.unit("94")
    assert {u.unit_list for u in ranking_units(soc_trang, factories.period("2024-Q4"))} == {
        UnitList.BEFORE_2025}
    assert not list(ranking_units(soc_trang, factories.period("2026-Q2")))


def test_all_communes_of_a_province_or_of_one_district():
    soc_trang = factories.unit("94")
    period = factories.period("2024-Q4")
    assert ranking_units(soc_trang, period).count() == 11  # its districts
    assert ranking_units(soc_trang, period, level=3).count() == 108
    assert ranking_units(factories.unit("943"), period, level=3).count() == 13


def test_ranking_costs_the_same_queries_for_8_or_108_units(django_assert_num_queries):
    for code, late in zip(KE_SACH_COMMUNES, (0, 10, 10, 20), strict=True):
        file(code, "2024-Q4", in_time(50, 50 - late, late))
    period = factories.period("2024-Q4")
    factories.period("2024-Q3")
    for root, level in ((factories.unit("67"), None), (factories.unit("94"), 3)):
        units = list(ranking_units(root, period, level))
        with django_assert_num_queries(3):  # the previous period, this one's and its figures
            ranking(units, period, "on_time_rate")


def table_codes(client, **params):
    page = client.get(reverse("reports:ranking", args=["2008", "943", "2024-Q4"]), params)
    return re.findall(r'unit-code">(\d+)<', page.content.decode())


def test_the_ranking_page_lists_units_without_figures_last_in_both_directions(admin_client):
    for code, late in (("31558", 10), ("31564", 0)):
        file(code, "2024-Q4", in_time(50, 50 - late, late))
    assert table_codes(admin_client)[:2] == ["31564", "31558"]  # 1/2, 2/2; 11 without figures
    without = table_codes(admin_client)[2:]
    for sort, first in (("rank", ["31564", "31558"]), ("-rank", ["31558", "31564"]),
                        ("-on_time_rate", ["31564", "31558"]),
                        ("on_time_rate", ["31558", "31564"]),
                        ("late_rate", ["31564", "31558"]), ("-late_rate", ["31558", "31564"]),
                        # a tie keeps the rank order
                        ("received", ["31564", "31558"]), ("-received", ["31564", "31558"])):
        codes = table_codes(admin_client, sort=sort)
        assert codes[:2] == first, sort
        assert codes[2:] == without, sort  # the units without figures, in code order
