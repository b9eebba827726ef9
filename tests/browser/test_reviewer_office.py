"""The reviewer and the provincial office, by clicking from login (issue 16): the district
checks two outlier flags at once without leaving the page and approves two reports at once; the
province opens "Tình hình nộp báo cáo", filters it by status and reminds the units that have
not sent. Screenshots and axe-core on each page."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierReport, ReportStatus
from cchc.periods.services import period_ensure
from cchc.quality.models import FlagStatus, OutlierFlag
from cchc.reminders.models import Reminder
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_ranking_dashboard import serious_accessibility_violations
from tests.browser.test_report_workflow import log_out
from tests.browser.test_unit_browsing import log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUARTER = "2025-Q2"


def sent_by_clerk(code, username, period):
    clerk = factories.user(username, unit_code=code)
    clerk.email = f"{username}@example.gov.vn"
    clerk.save()
    return services.report_save(user=clerk, unit=factories.unit(code), period=period,
                                lines={factories.field(): factories.figures()},
                                expected_version=0, submit=True)


def choose(page, label, option):
    """Pick a filter: the list reloads with it (the select submits its form)."""
    with page.expect_navigation():
        page.get_by_label(label).select_option(label=option)


def test_reviewer_checks_flags_and_approves_in_bulk_office_reminds(page, real_units,
                                                                     mailoutbox):
    call_command("loaddata", "procedure_fields", verbosity=0)
    period = period_ensure(code=QUARTER,
                           deadline=timezone.localdate() + datetime.timedelta(days=6))
    an_my = sent_by_clerk("31564", "xa", period)
    nhon_my = sent_by_clerk("31552", "nhonmy", period)
    for report in (an_my, nhon_my):
        OutlierFlag.objects.create(report=report, field=factories.field(),
                                   column="received_online", basis="history", value=1250,
                                   median=124, score=9.5, sample_size=8,
                                   flagged_at=timezone.now())
    not_sent = factories.user("kethanh", unit_code="31555")  # Xã Kế Thành: nothing sent
    not_sent.email = "kethanh@example.gov.vn"
    not_sent.save()
    factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")

    # The district reviewer: two flags ticked and confirmed with one note, in place.
    log_in(page, "huyen")
    open_menu(page, "Việc cần làm")
    flags = page.locator("#bulk-flags")
    expect(flags.locator("[data-flag-row]")).to_have_count(2)
    assert serious_accessibility_violations(page) == []
    page.evaluate("window.noReloadMarker = 'still here'")
    url = page.url
    for box in flags.locator("input[name=flag]").all():
        box.check()
    flags.get_by_label("Ghi chú chung (vì sao các số liệu đã chọn là đúng)").fill(
        "Đã gọi điện xác minh: đợt đăng ký lưu động.")
    flags.get_by_role("button", name="Xác nhận đã kiểm tra các số liệu đã chọn").click()
    expect(flags.locator("[data-flags-status]")).to_contain_text("Đã ghi nhận đã kiểm tra")
    expect(flags.locator("tr.table-success")).to_have_count(2)
    expect(page.locator("[data-flags-left]")).to_have_text("0")
    assert page.evaluate("window.noReloadMarker") == "still here"  # no navigation happened
    assert page.url == url
    assert OutlierFlag.objects.filter(status=FlagStatus.CHECKED).count() == 2
    screenshot(page, "inbox-bulk-flags")

    # ... then both reports approved at once.
    approve = page.locator("#bulk-approve")
    approve.get_by_label("Xã An Mỹ").check()
    approve.get_by_label("Xã Nhơn Mỹ").check()
    approve.get_by_role("button", name="Phê duyệt các báo cáo đã chọn").click()
    expect(page.get_by_text("Đã phê duyệt Xã An Mỹ, Quý II/2025.")).to_be_visible()
    expect(page.get_by_text("Đã phê duyệt Xã Nhơn Mỹ, Quý II/2025.")).to_be_visible()
    assert set(DossierReport.objects.values_list("status", flat=True)) == {
        ReportStatus.APPROVED}
    screenshot(page, "inbox-bulk-approved")
    assert serious_accessibility_violations(page) == []
    log_out(page)

    # The provincial office: completeness from its home page, filtered, reminders sent.
    log_in(page, "tinh")
    open_menu(page, "Việc cần làm")
    page.get_by_role("link", name="Tình hình nộp báo cáo của các đơn vị").click()
    expect(page.get_by_role("heading", name="Tình hình nộp báo cáo – Tỉnh Sóc Trăng",
                            exact=False)).to_be_visible()
    choose(page, "Trạng thái", "Đã duyệt")
    expect(page.locator("tbody tr[data-status]")).to_have_count(2)
    expect(page.locator("tbody")).to_contain_text("Xã Nhơn Mỹ")
    choose(page, "Trạng thái", "Chưa nhập")
    expect(page.get_by_role("link", name="Xã Kế Thành")).to_be_visible()
    choose(page, "Sắp xếp theo", "Trạng thái")
    expect(page.get_by_label("Trạng thái")).to_have_value("missing")
    screenshot(page, "completeness-filtered")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Gửi nhắc các đơn vị chưa gửi").click()
    expect(page.get_by_text("Đã gửi 1 thư nhắc")).to_be_visible()
    assert [m.to for m in mailoutbox] == [["kethanh@example.gov.vn"]]
    page.get_by_role("button", name="Gửi nhắc các đơn vị chưa gửi").click()
    expect(page.get_by_text("Bỏ qua 1 thư")).to_be_visible()
    expect(page.get_by_label("Trạng thái")).to_have_value("missing")  # the list as it was
    assert Reminder.objects.count() == 1 and len(mailoutbox) == 1
    screenshot(page, "completeness-reminded")
    assert serious_accessibility_violations(page) == []
