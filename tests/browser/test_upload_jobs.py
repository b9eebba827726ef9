"""The provincial office uploads a 40-sheet workbook from the menu: the page answers at once
with a progress bar that moves while a real worker process checks the file, then shows the
preview; she confirms, the import runs in the background with its own bar and ends with every
report imported (no CSP refusal, no serious axe finding)."""

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.dossiers.models import DossierReport
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_ranking_dashboard import serious_accessibility_violations
from tests.browser.test_unit_browsing import log_in, open_menu
from tests.jobs.workbooks import SOC_TRANG, province_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHEETS = 40


def progress_seen(page, until, seconds=120) -> list[tuple[int, int]]:
    """The (value, max) of the page's progress bar, read every 50 ms until ``until`` shows."""
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until.count():
            return seen
        try:
            bar = page.evaluate("() => { const p = document.querySelector('progress');"
                                " return p ? [p.value, p.max] : null; }")
        except PlaywrightError:  # the page reloading as the job ends
            bar = None
        if bar and (not seen or seen[-1] != tuple(bar)):
            seen.append(tuple(bar))
        time.sleep(0.05)
    raise AssertionError(f"{until} never showed; progress seen: {seen}")


def test_the_office_uploads_a_large_workbook_and_follows_its_progress(
        page, real_units, job_worker, tmp_path):
    workbook = tmp_path / "soc-trang-2025-q2.xlsx"
    workbook.write_bytes(province_workbook(SHEETS))
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code=SOC_TRANG)
    log_in(page, "tinh")
    open_menu(page, "Nhập từ Excel")
    page.get_by_label("Tệp Excel (.xlsx) đã điền theo biểu mẫu").set_input_files(str(workbook))
    page.get_by_role("button", name="Kiểm tra tệp").click()

    expect(page).to_have_url(re.compile(r"/cong-viec/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kiểm tra và xem trước tệp Excel biểu II.06a")
    expect(page.get_by_test_id("job-progress")).to_be_visible()
    screenshot(page, "upload-job-progress")
    preview = page.get_by_role("heading", name="Xem trước thay đổi")
    seen = progress_seen(page, preview)
    # The bar is there while the worker checks the file (how many of its states a 0.5 s poll
    # catches depends on the machine's speed; the worker test reads every step).
    assert seen, "the progress bar never showed"
    expect(page.get_by_test_id("sheet-outcome")).to_have_count(SHEETS)
    expect(page.get_by_test_id("job-status")).to_have_text("đã xong")
    screenshot(page, "upload-job-preview")
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="Xác nhận và lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nhập số liệu từ tệp Excel biểu II.06a")
    done = page.get_by_test_id("import-done")
    # Again the bar shows while the import runs; whether a poll lands between two of its steps
    # depends on the machine (a 40-sheet import can finish within one 0.5 s poll), so each step
    # is asserted by the worker test (tests/jobs/test_worker.py), not here.
    assert progress_seen(page, done), "the import's progress bar never showed"
    expect(done).to_contain_text(f"Đã nhập {SHEETS} báo cáo từ tệp Excel.")
    expect(done.get_by_role("listitem")).to_have_count(SHEETS)
    screenshot(page, "upload-job-imported")
    assert serious_accessibility_violations(page) == []
    assert DossierReport.objects.count() == SHEETS

    open_menu(page, "Công việc của tôi")
    expect(page.get_by_test_id("job-list").locator("tbody tr")).to_have_count(2)
    assert serious_accessibility_violations(page) == []
