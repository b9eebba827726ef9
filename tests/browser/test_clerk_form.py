"""The commune clerk's entry form, walked from login by clicking (issue 16, "The commune
clerk"): a half-filled draft saves; a session lost before saving keeps the figures in the
browser, restored after logging in again; sending asks first and a row that does not add up is
highlighted with the columns to fix; the page then says who reviews it; the form prints as the
official A4 landscape form and stays usable on a phone."""

import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cchc.dossiers.models import DossierReport, ReportStatus
from cchc.periods.services import period_ensure
from tests import factories
from tests.browser.conftest import ARTEFACTS, screenshot
from tests.browser.test_ranking_dashboard import serious_accessibility_violations
from tests.browser.test_report_workflow import open_report, type_row
from tests.browser.test_unit_browsing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ho_tich():
    line = DossierReport.objects.get(period__code="2025-Q2").lines.get(field__name="Hộ tịch")
    return line


def test_clerk_drafts_loses_the_session_gets_figures_back_and_sends(page, real_units):
    call_command("loaddata", "procedure_fields", verbosity=0)
    # The previous quarter left 10 dossiers pending in Hộ tịch: (6) is prefilled with them.
    factories.report(factories.unit("31564"), "2025-Q1",
                     lines={factories.field(name="Hộ tịch"): factories.figures()})
    period_ensure(code="2025-Q2", deadline=timezone.localdate() + datetime.timedelta(days=20))
    factories.user("xa", unit_code="31564")
    dialogs = []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.accept()
    page.on("dialog", answer)

    # A half-filled draft saves: only (4) typed, "1.000" the Vietnamese way.
    log_in(page, "xa")
    open_report(page, None, "Quý II/2025")
    row = type_row(page, "Hộ tịch", {"received_online": "1.000"})
    expect(row.locator('[data-total="received_total"]')).to_have_text("1.010")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp (chưa gửi).")).to_be_visible()
    assert (ho_tich().received_online, ho_tich().received_total) == (1000, 1010)
    expect(row.locator('input[data-column="received_online"]')).to_have_value("1.000")
    assert serious_accessibility_violations(page) == []

    # Leaving with a change not saved asks first.
    type_row(page, "Hộ tịch", {"resolved_early": "400"})
    page.get_by_role("link", name="Lịch sử thay đổi").click()
    expect(page).to_have_url(re.compile(r"/lich-su/$"))
    assert any(kind == "beforeunload" for kind, _message in dialogs)
    page.go_back()

    # The session ends (cookies gone) while she types; saving is refused, in Vietnamese...
    type_row(page, "Hộ tịch", {"resolved_early": "400", "resolved_on_time": "5"})
    page.context.clear_cookies()
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_role("heading", name="Chưa lưu được: trang bạn gửi đã cũ")).to_be_visible()
    screenshot(page, "clerk-form-csrf-refused")
    # ... and once logged in again, the figures come back, with a line saying so.
    page.get_by_role("link", name="Mở lại trang vừa nhập").click()
    page.get_by_label("Tên đăng nhập").fill("xa")
    page.get_by_label("Mật khẩu").fill("pass-for-tests-1")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("draft-restored")).to_contain_text(
        "Đã khôi phục số liệu bạn nhập lúc")
    row = type_row(page, "Hộ tịch", {})
    expect(row.locator('input[data-column="resolved_early"]')).to_have_value("400")
    screenshot(page, "clerk-form-restored")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp (chưa gửi).")).to_be_visible()
    expect(page.get_by_test_id("draft-restored")).to_be_hidden()
    assert (ho_tich().resolved_early, ho_tich().resolved_on_time) == (400, 5)

    # Sending asks first; the row that does not add up is highlighted, naming what to fix.
    page.get_by_role("button", name="Gửi báo cáo").click()
    assert dialogs[-1][0] == "confirm" and "Phòng Nội vụ huyện Kế Sách" in dialogs[-1][1]
    bad = page.get_by_test_id("row-invalid")
    expect(bad).to_have_count(1)
    expect(bad).to_contain_text("Hộ tịch")
    expect(page.get_by_test_id("row-error")).to_contain_text(
        "hãy sửa các cột (4)–(6) hoặc (8)–(13)")
    expect(page.get_by_test_id("row-error")).not_to_contain_text("(3)")
    screenshot(page, "clerk-form-bad-row")
    assert DossierReport.objects.get(period__code="2025-Q2").status == ReportStatus.DRAFT

    # Fixed: 1.010 received = 405 resolved + 605 pending; sent, and the page says who reviews.
    type_row(page, "Hộ tịch", {"pending_in_time": "605"})
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text(
        "Đã gửi báo cáo. Phòng Nội vụ huyện Kế Sách sẽ xem xét và phê duyệt.")).to_be_visible()
    assert DossierReport.objects.get(period__code="2025-Q2").status == ReportStatus.SUBMITTED

    # Printed: the official form on A4 landscape, header, the 13 columns, the signatures (the
    # totals are the page script's: wait for them, a loaded machine may print first).
    expect(page.locator('output[data-total="received_total"]').first).to_have_text("1.010")
    ARTEFACTS.mkdir(exist_ok=True)
    pdf = ARTEFACTS / "clerk-form-print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftotext") or not os.environ.get("CI"), "CI installs poppler-utils"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        for expected in ("Biểu số II.06a/VPCP/KSTT", "Xã An Mỹ", "Quý II/2025",
                         "Người lập biểu", "Thủ trưởng đơn vị", "1.000", "1.010"):
            assert expected in text, expected
        for number in ("(3)", "(4)", "(5a)", "(5b)", "(6)", "(7)", "(8)", "(9)", "(10)",
                       "(11)", "(12)", "(13)"):
            assert number in text, number
        assert "Việc cần làm" not in text  # no menu
        size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert re.search(r"Page size:\s+841\.92 x 594\.96 pts \(A4\)", size), size  # landscape


def test_clerk_form_on_a_phone(page, real_units):
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code="2025-Q2", deadline=timezone.localdate() + datetime.timedelta(days=20))
    factories.user("xa", unit_code="31564")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "xa")
    page.get_by_role("button", name="Mở menu").click()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Việc cần làm").click()
    page.get_by_role("row").filter(has_text="Quý II/2025").get_by_role("link").first.click()
    row = type_row(page, "Hộ tịch", {"received_online": "1234567", "resolved_early": "9.999.999"})
    box = row.locator('input[data-column="received_online"]')
    # 7 digits (and their separators) fit the box: nothing scrolls inside it.
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    scroller = page.locator(".table-responsive")
    scroller.evaluate("e => { e.scrollLeft = 600; }")
    name = row.get_by_role("rowheader", name="Hộ tịch").bounding_box()
    assert 0 <= name["x"] < 40 and name["width"] > 60  # still in view, at the left edge
    total = page.locator("tfoot").get_by_role("rowheader", name="Tổng cộng").bounding_box()
    assert 0 <= total["x"] < 40
    page.screenshot(path=str(ARTEFACTS / "clerk-form-phone.png"))
    assert serious_accessibility_violations(page) == []


def test_clerk_is_warned_before_the_idle_session_ends_and_stays_signed_in(page, real_units,
                                                                          settings):
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code="2025-Q2", deadline=timezone.localdate() + datetime.timedelta(days=20))
    factories.user("xa", unit_code="31564")
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARN_BEFORE_SECONDS = 30 * 60, 30 * 60 - 1
    log_in(page, "xa")
    open_report(page, None, "Quý II/2025")
    warning = page.get_by_test_id("session-warning")
    expect(warning).to_contain_text("Phiên đăng nhập sắp hết")  # one second after opening
    with page.expect_response(re.compile(r"/giu-phien/$")) as renewed:
        warning.get_by_role("button", name="Tiếp tục làm việc").click()
    assert renewed.value.status == 200
    assert renewed.value.json() == {"seconds": 30 * 60}
    screenshot(page, "clerk-form-session-warning")
