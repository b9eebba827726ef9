import re

import pytest
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.units.models import AdministrativeUnit
from tests import factories
from tests.browser.conftest import screenshot, wait_until_true
from tests.browser.test_unit_browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_accessibility_violations(page) -> list[dict]:
    """axe-core's serious and critical findings on the current page."""
    page.add_script_tag(url="/__tests__/axe.min.js")  # routed to the vendored file
    found = page.evaluate(
        "async () => (await axe.run()).violations.map("
        "v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' '))}))")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def seed_soc_trang(quarters=("2024-Q3", "2024-Q4")):
    units = list(AdministrativeUnit.objects.descendants_of(factories.unit("94")))
    for index, unit in enumerate(units):
        for offset, quarter in enumerate(quarters):
            late = (index * 7 + offset * 3) % 11
            online = 30 + (index * 13 + offset * 5) % 50
            factories.report(unit, quarter, lines={factories.field(): factories.figures(
                resolved_late=late, resolved_on_time=40 - late, received_online=online,
                received_in_person=85 - online)})


def test_province_ranks_sorts_drills_down_and_sees_the_chart(page, real_units):
    seed_soc_trang()
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    log_in(page, "tinh")  # the provincial office lands on its province's ranking
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Xếp hạng đơn vị thuộc Tỉnh Sóc Trăng – Quý IV/2024")

    # Rank all communes of the province by online receipt.
    page.get_by_label("Xếp hạng theo").select_option(label="Tiếp nhận trực tuyến")
    page.get_by_label("Cấp đơn vị").select_option(label="Cấp xã")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("theo Tiếp nhận trực tuyến")
    expect(page.get_by_role("cell", name="1/108", exact=True).first).to_be_visible()
    screenshot(page, "ranking")
    assert serious_accessibility_violations(page) == []

    # Sort the table by another KPI by clicking its header.
    page.get_by_role("link", name="Giải quyết quá hạn", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=late_rate"))
    late = page.locator("#ranking-table tbody tr td:nth-child(7)").all_inner_texts()
    as_numbers = [float(text.replace(" %", "").replace(",", ".")) for text in late]
    assert as_numbers == sorted(as_numbers)

    # Drill down to the first commune's dashboard.
    first = page.locator("#ranking-table tbody tr").first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("#chart-trend")).to_be_visible()
    # The canvas is in the page before chart.js has loaded: wait for both (a predicate that
    # throws is not retried).
    wait_until_true(page, "typeof Chart !== 'undefined' && "
                    "Chart.getChart(document.getElementById('chart-trend')) !== undefined")
    expect(page.locator('[data-kpi="on_time_rate"]')).not_to_have_text("–")
    screenshot(page, "dashboard")
    assert serious_accessibility_violations(page) == []


def test_pages_work_on_a_phone_width(page, real_units):
    seed_soc_trang(("2024-Q4",))
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "tinh")
    expect(page.get_by_role("table")).to_be_visible()
    # The page itself does not scroll sideways: wide tables scroll inside their container.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "ranking-phone")
