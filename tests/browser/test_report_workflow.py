import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.periods.services import period_ensure
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_unit_browsing import log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def accept_confirmations(page):
    """"Gửi báo cáo" asks for a confirmation (issue 16): the clerk says yes."""
    page.on("dialog", lambda dialog: dialog.accept())


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


def open_report(page, unit_name, period_label):
    open_menu(page, "Việc cần làm")
    row = page.get_by_role("row").filter(has_text=period_label) if unit_name is None else \
        page.get_by_role("row").filter(has_text=unit_name).filter(has_text=period_label)
    # The first matching row: the inbox's flag table below names the same unit and quarter.
    row.get_by_role("link").first.click()


def type_row(page, field_name, values):
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=field_name))
    for column, value in values.items():
        row.locator(f'input[data-column="{column}"]').fill(str(value))
    return row


def test_commune_files_district_returns_commune_corrects_district_approves(page, real_units):
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code="2025-Q2", deadline=timezone.localdate() + datetime.timedelta(days=20))
    factories.user("xa", unit_code="31564")
    factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")

    # The commune clerk fills the form: totals follow as she types, then she submits.
    log_in(page, "xa")
    open_report(page, None, "Quý II/2025")
    row = type_row(page, "Hộ tịch", {
        "received_online": 120, "received_in_person": 60, "received_postal": 5,
        "received_carried_over": 15, "resolved_early": 150, "resolved_on_time": 30,
        "resolved_late": 0, "pending_in_time": 20, "pending_overdue": 0})
    expect(row.locator('[data-total="received_total"]')).to_have_text("200")
    expect(row.locator('[data-total="resolved_total"]')).to_have_text("180")
    screenshot(page, "report-form")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    expect(page.get_by_test_id("report-status")).to_contain_text("Đã gửi")
    log_out(page)

    # The district returns it with a comment.
    log_in(page, "huyen")
    open_report(page, "Xã An Mỹ", "Quý II/2025")
    comment = "Hộ tịch: 5 hồ sơ trước hạn là đúng hạn"
    page.get_by_label("Ý kiến (bắt buộc khi trả lại)").fill(comment)
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Bị trả lại")
    log_out(page)

    # The clerk reads the comment, corrects, resubmits.
    log_in(page, "xa")
    open_report(page, None, "Quý II/2025")
    expect(page.get_by_role("alert").filter(has_text="5 hồ sơ trước hạn")).to_be_visible()
    type_row(page, "Hộ tịch", {"resolved_early": 145, "resolved_on_time": 35})
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Đã gửi")
    log_out(page)

    # The district approves.
    log_in(page, "huyen")
    open_report(page, "Xã An Mỹ", "Quý II/2025")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Đã duyệt")
    log_out(page)

    # Approved means approved: the clerk sees it read-only and asks to reopen it, with a reason;
    # the district reopens it from its inbox.
    log_in(page, "xa")
    open_report(page, None, "Quý II/2025")
    expect(page.get_by_role("button", name="Lưu bản nháp")).to_have_count(0)
    page.get_by_label("Lý do cần sửa (bắt buộc)").fill("Nhầm cột (9) lĩnh vực hộ tịch")
    page.get_by_role("button", name="Đề nghị mở lại").click()
    expect(page.get_by_test_id("reopen-pending")).to_contain_text("Nhầm cột (9)")
    log_out(page)
    log_in(page, "huyen")
    open_menu(page, "Việc cần làm")
    request = page.get_by_test_id("reopen-request").filter(has_text="Xã An Mỹ")
    expect(request).to_contain_text("Nhầm cột (9) lĩnh vực hộ tịch")
    request.get_by_role("button", name="Mở lại").click()
    expect(page.get_by_text("Đã mở lại báo cáo của Xã An Mỹ")).to_be_visible()
    log_out(page)
    log_in(page, "xa")
    open_report(page, None, "Quý II/2025")
    expect(page.get_by_role("alert").filter(has_text="Đã mở lại để sửa")).to_be_visible()
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_test_id("report-submitted")).to_contain_text("gửi lại")
    log_out(page)
    log_in(page, "huyen")
    open_report(page, "Xã An Mỹ", "Quý II/2025")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_test_id("report-status")).to_contain_text("Đã duyệt")
    log_out(page)

    # The province sees Xã An Mỹ reported on time.
    log_in(page, "tinh")
    open_menu(page, "Việc cần làm")
    page.get_by_role("link", name="Tình hình nộp báo cáo của các đơn vị").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quý II/2025")
    an_my = page.get_by_role("row").filter(has_text="Xã An Mỹ")
    expect(an_my).to_contain_text("Đã duyệt")
    expect(an_my).to_contain_text("Đúng hạn")
    screenshot(page, "completeness")


def test_an_implausible_figure_is_flagged_and_the_reviewer_checks_it(page, real_units):
    from cchc.dossiers.models import ProcedureField
    from cchc.quality.models import FlagStatus, OutlierFlag
    from tests.quality.test_flags import HISTORY
    from tests.quality.test_outliers import line

    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code="2025-Q2", deadline=timezone.localdate() + datetime.timedelta(days=20))
    an_my, ho_tich = factories.unit("31564"), ProcedureField.objects.get(name="Hộ tịch")
    for code, received in zip(HISTORY, (120, 130, 125, 118, 122, 128, 131, 119), strict=True):
        factories.report(an_my, code, lines={ho_tich: line(received)})
    factories.user("xa", unit_code="31564")
    factories.user("huyen", role=Role.REVIEWER, unit_code="943")

    # A zero too many: saved, and the warning sits under the cell.
    log_in(page, "xa")
    open_report(page, None, "Quý II/2025")
    type_row(page, "Hộ tịch", {
        "received_online": 1250, "received_in_person": 0, "received_postal": 0,
        "received_carried_over": 0, "resolved_early": 0, "resolved_on_time": 1250,
        "resolved_late": 0, "pending_in_time": 0, "pending_overdue": 0})
    # Warned while typing, before anything is saved.
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Hộ tịch"))
    expect(row.locator(".outlier-flag")).to_have_count(3)
    expect(row.locator('input[data-column="received_online"]').locator("xpath=..")).to_contain_text(
        "Cao bất thường")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    expect(row.locator(".outlier-flag")).to_have_count(3)
    expect(row.locator(".outlier-flag").first).to_contain_text("Cao bất thường")
    expect(row.locator(".outlier-flag a").first).to_have_attribute(
        "title", re.compile("so với các kỳ trước của đơn vị: trung vị 124"))
    log_out(page)

    # The district sees the flags before approving, and checks one with a note.
    log_in(page, "huyen")
    open_report(page, "Xã An Mỹ", "Quý II/2025")
    flags = page.locator("#outlier-flags")
    expect(flags).to_contain_text("3 chưa kiểm tra")
    first = flags.locator("tr.outlier-row").first
    first.get_by_label("Ghi chú kiểm tra").fill("Đã gọi xã: đợt đăng ký lưu động.")
    first.get_by_role("button", name="Đã kiểm tra").click()
    expect(page.get_by_text("đã được kiểm tra")).to_be_visible()
    expect(page.locator("#outlier-flags")).to_contain_text("2 chưa kiểm tra")
    expect(page.locator("#outlier-flags")).to_contain_text("Đã gọi xã: đợt đăng ký lưu động.")
    screenshot(page, "outlier-flags")
    assert OutlierFlag.objects.filter(status=FlagStatus.CHECKED).count() == 1
