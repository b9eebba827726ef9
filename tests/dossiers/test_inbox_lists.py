"""The inbox (bulk approval, bulk flag check, the clerk's notices and days left) and the
completeness list (filter and sort by status), issue 16."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierReport, ReportAction, ReportStatus
from cchc.periods.services import period_ensure
from cchc.quality.models import FlagStatus, OutlierFlag
from tests import factories

pytestmark = pytest.mark.django_db

QUARTER = "2025-Q2"
AN_MY, OTHER_KE_SACH, THIRD = "31564", "31552", "31561"


@pytest.fixture(autouse=True)
def quarter():
    call_command("loaddata", "procedure_fields", verbosity=0)
    return period_ensure(code=QUARTER,
                         deadline=timezone.localdate() + datetime.timedelta(days=5))


def submitted(user, code, period):
    return services.report_save(user=user, unit=factories.unit(code), period=period,
                                lines={factories.field(): factories.figures()},
                                expected_version=0, submit=True)


def flag(report, column="received_online"):
    return OutlierFlag.objects.create(report=report, field=factories.field(), column=column,
                                      basis="history", value=1250, median=124, score=9.5,
                                      sample_size=8, flagged_at=timezone.now())


def test_bulk_approval_approves_each_and_says_why_one_is_refused(client, quarter):
    """The provincial office approves three district reports at once; it entered one itself,
    so four-eyes refuses that one alone and the other two are approved, each with its event."""
    office = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    first = submitted(factories.user("kesach", role=Role.REVIEWER, unit_code="943"), "943",
                      quarter)
    second = submitted(factories.user("longphu", role=Role.REVIEWER, unit_code="946"), "946",
                       quarter)
    own = submitted(office, "942", quarter)
    client.force_login(office)
    inbox = client.get(reverse("dossiers:inbox")).content.decode()
    assert f'name="report" value="{first.pk}"' in inbox
    assert f'name="report" value="{own.pk}"' not in inbox  # no box to tick: it would be refused
    response = client.post(reverse("dossiers:bulk_approve"), {
        "report": [first.pk, second.pk, own.pk],
        f"version-{first.pk}": first.version, f"version-{second.pk}": second.version,
        f"version-{own.pk}": own.version}, follow=True)
    statuses = dict(DossierReport.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk], statuses[own.pk]) == (
        ReportStatus.APPROVED, ReportStatus.APPROVED, ReportStatus.SUBMITTED)
    assert DossierReport.objects.get(pk=first.pk).events.filter(
        action=ReportAction.APPROVED, user=office).count() == 1
    page = response.content.decode()
    assert "Đã phê duyệt Huyện Kế Sách, Quý II/2025." in page
    assert "Đã phê duyệt Huyện Long Phú, Quý II/2025." in page
    assert "Chưa duyệt Huyện Châu Thành, Quý II/2025: Bạn đã nhập, sửa hoặc gửi số liệu" in page


def test_bulk_approval_refuses_a_report_changed_since_the_page_was_shown(client, quarter):
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    staff = factories.user("xa", unit_code=AN_MY)
    report = submitted(staff, AN_MY, quarter)
    client.force_login(reviewer)
    response = client.post(reverse("dossiers:bulk_approve"), {
        "report": [report.pk], f"version-{report.pk}": report.version - 1}, follow=True)
    assert DossierReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert "Chưa duyệt Xã An Mỹ, Quý II/2025:" in response.content.decode()


def test_bulk_flag_check_records_each_ticked_flag_with_its_note(client, quarter):
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    an_my = submitted(factories.user("xa", unit_code=AN_MY), AN_MY, quarter)
    other = submitted(factories.user("xa2", unit_code=OTHER_KE_SACH), OTHER_KE_SACH, quarter)
    one, two, untouched = flag(an_my), flag(other), flag(other, "resolved_total")
    client.force_login(reviewer)
    inbox = client.get(reverse("dossiers:inbox")).content.decode()
    assert inbox.count("data-flag-row=") == 3
    answer = client.post(reverse("dossiers:bulk_flag_check"), {
        "flag": [one.pk, two.pk], "note": "Đã gọi điện xác minh",
        f"note-{two.pk}": "Có đợt cấp đổi giấy tờ"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    body = json.loads(answer.content)
    assert [item["flag"] for item in body["checked"]] == [one.pk, two.pk]
    assert body["refused"] == []
    notes = dict(OutlierFlag.objects.filter(status=FlagStatus.CHECKED)
                 .values_list("pk", "note"))
    assert notes == {one.pk: "Đã gọi điện xác minh", two.pk: "Có đợt cấp đổi giấy tờ"}
    assert OutlierFlag.objects.get(pk=untouched.pk).status == FlagStatus.OPEN


def test_bulk_flag_check_without_javascript_says_what_is_missing(client, quarter):
    """The plain form post: a flag without any note is refused with what to write, the other
    is recorded; back to the inbox with both sentences."""
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    an_my = submitted(factories.user("xa", unit_code=AN_MY), AN_MY, quarter)
    noted, bare = flag(an_my), flag(an_my, "resolved_total")
    client.force_login(reviewer)
    response = client.post(reverse("dossiers:bulk_flag_check"), {
        "flag": [noted.pk, bare.pk], f"note-{noted.pk}": "Đúng"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("dossiers:inbox"))
    assert "Đã ghi nhận đã kiểm tra: Xã An Mỹ, Quý II/2025 – «Hộ tịch», cột (4)." in page
    assert "Xã An Mỹ, Quý II/2025 – «Hộ tịch», cột (7): Hãy ghi chú vì sao" in page
    assert OutlierFlag.objects.get(pk=bare.pk).status == FlagStatus.OPEN


def test_flags_of_another_approver_are_not_checked(client, quarter):
    an_my = submitted(factories.user("xa", unit_code=AN_MY), AN_MY, quarter)
    foreign = flag(an_my)
    client.force_login(factories.user("myxuyen", role=Role.REVIEWER, unit_code="946"))
    answer = client.post(reverse("dossiers:bulk_flag_check"), {
        "flag": [foreign.pk], "note": "x"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400
    assert OutlierFlag.objects.get(pk=foreign.pk).status == FlagStatus.OPEN


def test_home_page_shows_days_left_and_overdue(client, quarter):
    period_ensure(code="2025-Q1", deadline=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(factories.user("xa", unit_code=AN_MY))
    page = client.get(reverse("dossiers:inbox")).content.decode()
    assert "còn 5 ngày" in page
    assert "quá hạn 3 ngày" in page


def test_returned_report_and_declined_reopen_stand_out_on_home(client, quarter):
    staff = factories.user("xa", unit_code=AN_MY)
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    returned = submitted(staff, AN_MY, quarter)
    services.report_return(user=reviewer, report=returned, expected_version=returned.version,
                           comment="Cột (6) phải bằng cột (11) quý trước.")
    earlier = period_ensure(code="2025-Q1", deadline=timezone.localdate())
    approved = submitted(staff, AN_MY, earlier)
    approved = services.report_approve(user=reviewer, report=approved,
                                       expected_version=approved.version)
    approved = services.report_reopen_request(user=staff, report=approved,
                                              expected_version=approved.version,
                                              reason="Sai số hộ tịch")
    services.report_reopen_decline(user=reviewer, report=approved,
                                   expected_version=approved.version,
                                   comment="Số liệu đã công khai, sửa ở quý sau.")
    client.force_login(staff)
    page = client.get(reverse("dossiers:inbox")).content.decode()
    top = page[:page.index('id="due-title"')]
    assert "Báo cáo Quý II/2025 bị trả lại: cần sửa và gửi lại" in top
    assert "Cột (6) phải bằng cột (11) quý trước." in top
    assert reverse("dossiers:report", args=["2008", AN_MY, QUARTER]) in top
    assert "Đề nghị mở lại báo cáo Quý I/2025 bị từ chối" in top
    assert "Số liệu đã công khai, sửa ở quý sau." in top


def test_inbox_queries_do_not_grow_with_reports_and_flags(client, quarter):
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    client.force_login(reviewer)
    counts = []
    for code in (AN_MY, OTHER_KE_SACH, THIRD):
        report = submitted(factories.user(f"xa{code}", unit_code=code), code, quarter)
        flag(report)
        flag(report, "resolved_total")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dossiers:inbox")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_clerk_home_queries_do_not_grow_with_notices(client, quarter):
    staff = factories.user("xa", unit_code=AN_MY)
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    client.force_login(staff)
    counts = []
    for code in ("2024-Q4", "2025-Q1"):
        period = period_ensure(code=code)
        report = submitted(staff, AN_MY, period)
        services.report_return(user=reviewer, report=report, expected_version=report.version,
                               comment=f"Sửa {code}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dossiers:inbox")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def completeness_url(code="943", **query):
    url = reverse("dossiers:completeness", args=["2008", code, QUARTER])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def mixed(quarter):
    """Xã An Mỹ sent, another commune a draft, a third returned; the rest nothing."""
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    submitted(factories.user("xa", unit_code=AN_MY), AN_MY, quarter)
    services.report_save(user=factories.user("xa2", unit_code=OTHER_KE_SACH),
                         unit=factories.unit(OTHER_KE_SACH), period=quarter,
                         lines={factories.field(): factories.figures()}, expected_version=0)
    third = submitted(factories.user("xa3", unit_code=THIRD), THIRD, quarter)
    services.report_return(user=reviewer, report=third, expected_version=third.version,
                           comment="Sửa")
    return reviewer


def test_completeness_filters_by_status(client, mixed):
    client.force_login(mixed)
    shown = lambda status: [row.unit.code for row in client.get(  # noqa: E731
        completeness_url(**{"trang-thai": status})).context["rows"]]
    assert shown("submitted") == [AN_MY]
    assert shown("draft") == [OTHER_KE_SACH]
    assert shown("returned") == [THIRD]
    assert len(shown("missing")) == 14 - 3
    assert shown("approved") == []
    all_rows = client.get(completeness_url(**{"trang-thai": "nonsense"}))
    assert len(all_rows.context["rows"]) == 14  # an unknown status: everything
    page = client.get(completeness_url(**{"trang-thai": "approved"})).content.decode()
    assert "Không có đơn vị nào ở trạng thái này." in page
    # The summary counts every unit whatever the filter: a returned one is owed again.
    summary = client.get(completeness_url(**{"trang-thai": "draft"})).context["completeness"]
    assert (summary.due, summary.on_time, summary.missing) == (14, 1, 13)


def test_completeness_filters_late_reports(client, quarter):
    late_quarter = period_ensure(code="2025-Q1",
                                 deadline=timezone.localdate() - datetime.timedelta(days=2))
    submitted(factories.user("xa", unit_code=AN_MY), AN_MY, late_quarter)
    client.force_login(factories.user("huyen", role=Role.REVIEWER, unit_code="943"))
    url = reverse("dossiers:completeness", args=["2008", "943", "2025-Q1"])
    rows = client.get(url + "?trang-thai=late").context["rows"]
    assert [row.unit.code for row in rows] == [AN_MY]


def test_completeness_sorts_by_status(client, mixed):
    client.force_login(mixed)
    rows = client.get(completeness_url(xep="status")).context["rows"]
    keys = [row.status_key for row in rows]
    assert keys == ["missing"] * 11 + ["draft", "returned", "submitted"]
    by_code = client.get(completeness_url()).context["rows"]
    assert [row.unit.code for row in by_code][:2] == ["943", "31528"]  # the list's own order
    missing = [row.unit.code for row in rows if row.status_key == "missing"]
    assert missing == [row.unit.code for row in by_code if row.status_key == "missing"]


def test_completeness_filter_and_sort_keep_constant_queries(client, mixed):
    client.force_login(factories.user("quantri", role=Role.ADMINISTRATOR))
    counts = []
    for code in ("943", "94"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(completeness_url(code, **{"trang-thai": "missing",
                                                        "xep": "status"})).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
