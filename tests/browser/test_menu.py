"""The commune clerk reaches a past quarter's report and its own dashboard by the menu only,
at 1366×768 and on a phone (390×844), where the menu opens from its button."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_ranking_dashboard import serious_accessibility_violations
from tests.browser.test_unit_browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENU_LINKS = ("Việc cần làm", "Báo cáo các kỳ", "Tổng hợp", "Chỉ số 766", "Công khai")


def seed_an_my():
    an_my = factories.unit("31564")
    for code in ("2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2022", "2025-Q1"):
        factories.period(code)
    factories.report(an_my, "2022-Q1")
    factories.report(an_my, "2025-Q2")
    factories.user("xa", unit_code="31564")


def menu(page):
    return page.get_by_role("navigation", name="Điều hướng chính")


def test_the_clerk_reaches_the_2022_report_and_its_dashboard_by_the_menu(page, real_units):
    seed_an_my()
    log_in(page, "xa")
    for name in MENU_LINKS:
        expect(menu(page).get_by_role("link", name=name, exact=True)).to_be_visible()

    menu(page).get_by_role("link", name="Báo cáo các kỳ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo các kỳ của Xã An Mỹ")
    expect(page.get_by_role("heading", name=re.compile("Năm 2022"))).to_be_visible()
    screenshot(page, "menu-reports-of-a-unit")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Quý I/2022", exact=True).click()
    expect(page).to_have_url(re.compile(r"/bao-cao/2008/31564/2022-Q1/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quý I/2022")

    menu(page).get_by_role("link", name="Báo cáo các kỳ").click()
    page.get_by_role("link", name="Cả năm 2022 (tính từ các quý)").click()
    expect(page.get_by_text("Chỉ để xem: số liệu tính từ các quý")).to_be_visible()
    screenshot(page, "menu-year-derived")
    assert serious_accessibility_violations(page) == []

    menu(page).get_by_role("link", name="Tổng hợp", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tong-hop/2008/31564/2025-Q2/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã An Mỹ")


def test_on_a_phone_the_menu_opens_and_offers_the_same_links(page, real_units):
    seed_an_my()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "xa")
    first = menu(page).get_by_role("link", name="Báo cáo các kỳ")
    expect(first).to_be_hidden()  # collapsed behind the button
    page.get_by_role("button", name="Mở menu").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))  # opened fully
    for name in MENU_LINKS:
        expect(menu(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    screenshot(page, "menu-phone-open")
    assert serious_accessibility_violations(page) == []
    first.click()
    page.get_by_role("link", name="Quý I/2022", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quý I/2022")
