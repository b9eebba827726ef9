import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password="pass-for-tests-1"):
    """Log in from the home page; where one lands depends on the role."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def open_menu(page, name):
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=name).click()


def test_commune_staff_logs_in_and_browses_to_xa_an_my(page, real_units):
    factories.user("xa", unit_code="31564")
    log_in(page, "xa")

    open_menu(page, "Đơn vị hành chính")
    expect(page.get_by_role("cell", name="Thành phố Cần Thơ")).to_be_visible()
    page.get_by_role("link", name="63 tỉnh, 3 cấp (đến 30/6/2025)").click()
    page.get_by_role("link", name="Tỉnh Sóc Trăng").click()
    page.get_by_role("link", name="Huyện Kế Sách", exact=True).click()
    page.get_by_role("link", name="Xã An Mỹ", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã An Mỹ")
    breadcrumb = page.get_by_role("navigation", name="Vị trí")
    expect(breadcrumb).to_contain_text("Tỉnh Sóc Trăng")
    expect(breadcrumb).to_contain_text("Huyện Kế Sách")
    screenshot(page, "unit-xa-an-my")

    page.get_by_role("link", name="Xã Nhơn Mỹ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã Nhơn Mỹ")
    expect(page.get_by_role("region", name="Hình thành từ (trước 1/7/2025)")).to_contain_text(
        "Xã An Mỹ")


def test_search_without_accents_finds_the_commune(page, real_units):
    factories.user("tinh", unit_code="94")
    log_in(page, "tinh")
    open_menu(page, "Đơn vị hành chính")
    page.get_by_role("searchbox", name="Tìm đơn vị").fill("hoa tu 2")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="Xã Hòa Tú 2")).to_be_visible()
