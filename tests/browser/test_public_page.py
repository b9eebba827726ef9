"""The provincial office publishes a quarter and opens its public page; a visitor without an
account reads it, re-ranks it and finds the formulas (no CSP refusal, no serious axe finding)."""

import re

import pytest
from playwright.sync_api import expect

from cchc.accounts.models import Role
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_ranking_dashboard import seed_soc_trang, serious_accessibility_violations
from tests.browser.test_unit_browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_publishes_and_anyone_reads_the_public_page(page, real_units):
    seed_soc_trang(quarters=("2024-Q4",))
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    log_in(page, "tinh")  # lands on the province's ranking of 2024-Q4
    panel = page.locator("#publication-panel")
    expect(panel).to_contain_text("Xếp hạng Quý IV/2024 chưa công bố.")
    panel.get_by_role("button", name="Công bố xếp hạng quý này").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã công bố xếp hạng Quý IV/2024")
    expect(panel).to_contain_text("Xếp hạng Quý IV/2024 đã công bố lúc")
    screenshot(page, "publication-panel")

    panel.get_by_role("link", name="Bật/tắt trang công khai").click()
    page.get_by_role("button", name="Bật trang công khai").click()
    expect(page.get_by_test_id("page-state")).to_contain_text("Đang bật")

    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("link", name="Kết quả công khai", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cong-khai/$"))
    page.get_by_role("link", name="Tỉnh Sóc Trăng").click()
    page.get_by_role("link", name="Quý IV/2024").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Tỉnh Sóc Trăng – Quý IV/2024, xếp hạng theo Giải quyết đúng hạn")
    expect(page.locator("#level-3 tbody tr")).to_have_count(108)
    page.get_by_label("Xếp hạng theo").select_option(label="Tiếp nhận trực tuyến")
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(r"kpi=online_rate"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("theo Tiếp nhận trực tuyến")
    expect(page.locator("#formulas")).to_contain_text("((8) + (9)) / (7)")
    screenshot(page, "public-ranking")
    assert serious_accessibility_violations(page) == []
