"""The national body finds a commune in the national ranking by clicking (issue 16): from the
home page to the national ranking, a search by name, the province filter, a jump to a page; and
the ranking on a 390 × 844 phone: the table starts on the first screen, the rank, the unit and
the chosen KPI within the width."""

import re

import pytest
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.units.models import AdministrativeUnit, Level
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_ranking_dashboard import seed_soc_trang, serious_accessibility_violations
from tests.browser.test_unit_browsing import log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def seed_country():
    """Sóc Trăng's units (its 109 communes among them) and three provinces' own reports."""
    seed_soc_trang(("2024-Q4",))
    for code, late in (("92", 0), ("38", 9)):
        factories.report(factories.unit(code), "2024-Q4", lines={factories.field(): (
            factories.figures(resolved_late=late, resolved_on_time=40 - late))})


def open_filters(page):
    """Tap "Bộ lọc…" on a phone and wait for the panel to finish opening."""
    page.get_by_test_id("filters-toggle").click()
    expect(page.locator("#ranking-filters-box")).to_have_class(re.compile(r"\bshow\b"))
    page.mouse.move(0, 0)  # no hover colours in between for axe to measure
    page.wait_for_timeout(400)  # Bootstrap's transitions (.15 s buttons, .35 s collapse)


def codes(page) -> list[str]:
    return page.locator("#ranking-table tbody .unit-code").all_inner_texts()


def assert_first_row_on_the_first_screen(page, kpi="on_time_rate"):
    """The first row within the first screen, its rank, unit and KPI within the width."""
    row = page.locator("#ranking-table tbody tr").first
    box = row.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    width = page.evaluate("window.innerWidth")
    for cell in (row.locator("td").first, row.locator("td", has=page.locator("a")),
                 row.locator(f'td[data-kpi="{kpi}"]')):
        cell_box = cell.bounding_box()
        assert cell_box is not None and cell_box["x"] >= 0, cell_box
        assert cell_box["x"] + cell_box["width"] <= width, cell_box
    # The page itself does not scroll sideways either.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_national_body_searches_filters_and_pages_the_national_ranking(page, real_units):
    seed_country()
    factories.user("bo", role=Role.NATIONAL)
    log_in(page, "bo")
    open_menu(page, "Toàn quốc")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Xếp hạng toàn quốc – Quý IV/2024")

    # Every commune of the country, searched by name without accents.
    page.get_by_label("Cấp đơn vị").select_option(label="Cấp xã")
    page.get_by_label("Tìm theo tên hoặc mã").fill("an my")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("ranking-search")).to_contain_text("khớp «an my»")
    expect(page.get_by_test_id("ranking-search")).to_contain_text(
        "Hạng vẫn là hạng trong toàn bộ")
    first = page.locator("#ranking-table tbody tr").first
    expect(first).to_contain_text("Xã An Mỹ")  # the exact name first, not code order
    ranked = AdministrativeUnit.objects.filter(
        unit_list="2008", level=Level.COMMUNE, province__code="94").count()
    expect(first.locator("td").first).to_have_text(re.compile(rf"^\d+/{ranked}$"))
    screenshot(page, "national-ranking-search")
    assert serious_accessibility_violations(page) == []

    # Only Sóc Trăng's communes, then without the search, and a jump to the last page.
    page.get_by_label("Tỉnh", exact=True).select_option(label="Tỉnh Sóc Trăng")
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(r"province=\d+"))
    assert codes(page) and all(code.startswith("31") for code in codes(page))
    page.get_by_label("Tìm theo tên hoặc mã").fill("")
    page.get_by_role("button", name="Xem").click()
    pages = -(-ranked // 50)
    expect(page.get_by_test_id("page-of")).to_have_text(f"Trang 1/{pages}")
    page.get_by_label("Đến trang").fill(str(pages))
    page.get_by_role("button", name="Đi").click()
    expect(page.get_by_test_id("page-of")).to_have_text(f"Trang {pages}/{pages}")
    expect(page).to_have_url(re.compile(rf"page={pages}"))
    assert all(code.startswith("31") for code in codes(page))  # the province kept
    expect(page.get_by_role("link", name=re.compile("Trước"))).to_be_visible()
    screenshot(page, "national-ranking-page-jump")
    assert serious_accessibility_violations(page) == []

    # The same ranking on a phone: the table first, the filters one tap away.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_label("Tìm theo tên hoặc mã")).to_be_hidden()
    assert_first_row_on_the_first_screen(page)
    open_filters(page)
    expect(page.get_by_label("Tìm theo tên hoặc mã")).to_be_visible()
    screenshot(page, "national-ranking-phone")
    assert serious_accessibility_violations(page) == []


def test_the_province_s_ranking_with_its_publish_panel_fits_a_phone(page, real_units):
    seed_soc_trang(("2024-Q3", "2024-Q4"))
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    page.set_viewport_size(PHONE)
    log_in(page, "tinh")  # lands on the province's ranking, with the publish panel
    expect(page.get_by_role("table")).to_be_visible()
    expect(page.locator("#publication-panel")).to_be_hidden()
    assert_first_row_on_the_first_screen(page)
    # Ranked by another KPI, that KPI is the one shown.
    open_filters(page)
    page.get_by_label("Xếp hạng theo").select_option(label="Tiếp nhận trực tuyến")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("theo Tiếp nhận trực tuyến")
    assert_first_row_on_the_first_screen(page, kpi="online_rate")
    expect(page.locator('#ranking-table tbody td[data-kpi="on_time_rate"]').first).to_be_hidden()
    screenshot(page, "ranking-phone-first-screen")
    assert serious_accessibility_violations(page) == []
