"""Finding a unit in a ranking (issue 16, the national body): a search by name, accents
ignored, exact names first; a province filter; ranks unchanged; a Vietnamese pager with a way
to jump to a page; periods grouped by year; no district level in the 2025 list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.units.models import AdministrativeUnit, Level, UnitList
from cchc.units.text import fold
from tests import factories

pytestmark = pytest.mark.django_db
PERIOD = "2024-Q4"
NEW_PERIOD = "2025-Q4"


@pytest.fixture(autouse=True)
def quarter():
    return factories.period(PERIOD)


@pytest.fixture
def ministry(client):
    factories.user("bo", role=Role.NATIONAL)
    client.login(username="bo", password="pass-for-tests-1")
    return client


def national(client, unit_list=UnitList.BEFORE_2025, period=PERIOD, **params):
    page = client.get(reverse("reports:national_ranking", args=[unit_list, period]), params)
    assert page.status_code == 200
    return page


def codes(page) -> list[str]:
    html = page.content.decode().split('id="ranking-table"', 1)[1]
    return re.findall(r'unit-code">(\d+)<', html)


def file(code, late, period=PERIOD, unit_list=UnitList.BEFORE_2025):
    factories.report(factories.unit(code, unit_list=unit_list), period, lines={
        factories.field(): factories.figures(resolved_late=late, resolved_on_time=40 - late)})


def test_a_search_lists_the_exact_name_first_then_names_starting_so_with_whole_set_ranks(
        ministry):
    file("31564", 0)  # Xã An Mỹ (Kế Sách, Sóc Trăng): the best of the two ranked
    file("31558", 5)
    page = national(ministry, level=Level.COMMUNE, q="an my")
    found = codes(page)
    matching = AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, level=Level.COMMUNE).search("an my")
    assert len(found) == min(50, matching.count()) and matching.count() > 50
    names = {u.code: u for u in matching}
    exact = [c for c in found if fold(names[c].short_name) == "an my"]
    assert found[:len(exact)] == exact and "31564" in exact
    assert found[0] == "31564"  # the exact names in rank order: the ranked one first
    rest = found[len(exact):]
    prefix = [c for c in rest if fold(names[c].short_name).startswith("an my")]
    assert rest[:len(prefix)] == prefix and len(prefix) < len(rest)
    html = page.content.decode()
    assert "1/2</td>" in html  # the rank within all ranked communes, not among those found
    assert "Hạng vẫn là hạng trong toàn bộ 2 đơn vị được xếp hạng" in html
    assert f"{matching.count()} đơn vị khớp «an my»" in html


def test_the_search_ignores_accents_and_takes_a_code(ministry):
    assert codes(national(ministry, level=Level.COMMUNE, q="Kế Sách"))[:1] == \
        codes(national(ministry, level=Level.COMMUNE, q="ke sach"))[:1]
    assert codes(national(ministry, level=Level.COMMUNE, q="31564")) == ["31564"]


def test_the_province_filter_shows_one_province_s_units_with_their_national_ranks(ministry):
    file("31564", 0)
    file("00004", 10)  # Phường Trúc Bạch, Hà Nội: ranked 2nd in the country
    soc_trang = factories.unit("94")
    page = national(ministry, level=Level.COMMUNE, province=soc_trang.pk)
    found = codes(page)
    in_province = AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, level=Level.COMMUNE, province=soc_trang).count()
    assert found[0] == "31564" and "00004" not in found
    assert page.context["table"].paginator.count == in_province
    assert "1/2</td>" in page.content.decode()
    both = national(ministry, level=Level.COMMUNE, province=soc_trang.pk, q="an my")
    assert all(c.startswith("31") for c in codes(both)) and codes(both)[0] == "31564"


def test_the_national_csv_holds_the_rows_the_page_shows(ministry):
    soc_trang = factories.unit("94")
    response = ministry.get(reverse("reports:national_csv", args=[UnitList.BEFORE_2025, PERIOD]),
                            {"level": Level.COMMUNE, "province": soc_trang.pk, "q": "an my"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "31564" in body and "00004" not in body


def test_the_pager_is_vietnamese_and_jumps_to_a_page(ministry):
    page = national(ministry, level=Level.COMMUNE, page=3, sort="-on_time_rate")
    html = page.content.decode()
    pages = page.context["table"].paginator.num_pages
    assert "Trước" in html and "Sau" in html and f"Trang 3/{pages}" in html
    assert "previous" not in html and ">next" not in html
    jump = re.search(r'<form method="get"[^>]*data-testid="page-jump">(.*?)</form>', html, re.S)
    assert jump and 'name="page"' in jump.group(1) and f'max="{pages}"' in jump.group(1)
    assert '<input type="hidden" name="sort" value="-on_time_rate">' in jump.group(1)
    assert '<input type="hidden" name="level" value="3">' in jump.group(1)
    assert 'type="hidden" name="page"' not in jump.group(1)


def test_periods_are_grouped_by_year(ministry):
    factories.period("2023-Q4")
    html = national(ministry).content.decode()
    picker = re.search(r'<select class="form-select" id="ky" name="ky">(.*?)</select>', html,
                       re.S).group(1)
    groups = re.findall(r'<optgroup label="(\d{4})">', picker)
    assert groups[:2] == ["2024", "2023"] and len(groups) == len(set(groups))
    assert re.search(r'<optgroup label="2024">(?:(?!</optgroup>).)*value="2024-Q4"', picker,
                     re.S)


def test_the_2025_list_offers_no_district_level(ministry, admin_client):
    factories.period(NEW_PERIOD)
    html = national(ministry, unit_list=UnitList.FROM_2025, period=NEW_PERIOD).content.decode()
    level = re.search(r'<select name="level"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert "Cấp huyện" not in level and "Cấp xã" in level and "Cấp tỉnh" in level
    old = national(ministry).content.decode()
    assert "Cấp huyện" in re.search(r'<select name="level"[^>]*>(.*?)</select>', old,
                                    re.S).group(1)
    page = admin_client.get(reverse("reports:ranking", args=["2025", "80", NEW_PERIOD]))
    level = re.search(r'<select name="level"[^>]*>(.*?)</select>', page.content.decode(),
                      re.S).group(1)
    assert "Cấp huyện" not in level


def test_a_province_s_ranking_can_be_searched_too(admin_client):
    file("31564", 0)
    page = admin_client.get(reverse("reports:ranking", args=["2008", "94", PERIOD]),
                            {"level": Level.COMMUNE, "q": "an my"})
    found = codes(page)
    assert found[0] == "31564" and all(c.startswith("31") for c in found)
    assert 'name="province"' not in page.content.decode()  # only the national ranking


def test_each_search_and_province_has_its_own_cached_page(ministry):
    first = codes(national(ministry, level=Level.COMMUNE, q="an my"))
    other = codes(national(ministry, level=Level.COMMUNE, q="ke sach"))
    assert first != other and codes(national(ministry, level=Level.COMMUNE, q="an my")) == first
    soc_trang, ha_noi = factories.unit("94"), factories.unit("01")
    assert codes(national(ministry, level=Level.COMMUNE, province=soc_trang.pk)) != \
        codes(national(ministry, level=Level.COMMUNE, province=ha_noi.pk))


def test_searching_costs_the_same_queries_whatever_the_number_of_units(ministry):
    file("31564", 0)
    counts = []
    for level, q in ((Level.PROVINCE, "soc trang"), (Level.COMMUNE, "an my")):
        with CaptureQueriesContext(connection) as queries:
            national(ministry, level=level, q=q, province=factories.unit("94").pk)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("params", [{"q": "x" * 101}, {"q": "an\x00my"}, {"province": "abc"},
                                    {"province": "999999"}, {"q": "an my", "province": ""}])
def test_odd_searches_are_answered_and_never_stored_unless_well_formed(ministry, params):
    page = national(ministry, level=Level.COMMUNE, **params)
    well_formed = params == {"q": "an my", "province": ""}
    assert (page.context["cache_seconds"] > 0) == well_formed


def test_a_name_matches_exactly_by_its_prefix_or_by_containing_the_words():
    from cchc.units.selectors import CONTAINS, EXACT, PREFIX, name_matcher

    def unit(name, short, code="1"):
        return AdministrativeUnit(name=name, short_name=short, code=code,
                                  search_name=fold(name))

    match = name_matcher("An Mỹ")
    assert match(unit("Xã An Mỹ", "An Mỹ")) == EXACT
    assert match(unit("Xã An Mỹ Tây", "An Mỹ Tây")) == PREFIX
    assert match(unit("Phường Mỹ An", "Mỹ An")) == CONTAINS  # every word, another order
    assert match(unit("Xã Tân Mỹ", "Tân Mỹ")) == CONTAINS  # a word within a word, as the browser
    assert match(unit("Xã Mỹ Hòa", "Mỹ Hòa")) is None
    assert name_matcher("31564")(unit("Xã An Mỹ", "An Mỹ", code="31564")) == EXACT
    assert name_matcher("  ")(unit("Xã An Mỹ", "An Mỹ")) is None
