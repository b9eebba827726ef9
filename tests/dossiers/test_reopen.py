"""Approved means approved: read-only approved reports, reopening on request (audited), the
four-eyes rule, the review panel on a read-only report, first and last submission."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import approval_refusal, can_approve
from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierReport, DossierRollup, ReportAction, ReportStatus
from cchc.dossiers.selectors import reports_awaiting_review
from cchc.periods.services import period_ensure
from cchc.publication.services import PublicationRefused, ranking_publish
from tests import factories
from tests.dossiers.test_views import form_data

pytestmark = pytest.mark.django_db

QUARTER = "2025-Q2"
AN_MY = "31564"


@pytest.fixture
def quarter():
    return period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(30))


@pytest.fixture
def people():
    return {
        "xa": factories.user("xa", unit_code=AN_MY),  # Xã An Mỹ
        "huyen": factories.user("huyen", role=Role.REVIEWER, unit_code="943"),  # Kế Sách
        "huyen2": factories.user("huyen2", role=Role.REVIEWER, unit_code="943"),
        "tinh": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"),
        "tinh2": factories.user("tinh2", role=Role.PROVINCIAL_OFFICE, unit_code="94"),
        "admin": factories.user("quantri", role=Role.ADMINISTRATOR),
    }


def save(user, unit, period, version, submit=False, reason="", **overrides):
    return services.report_save(user=user, unit=unit, period=period,
                                lines={factories.field(): factories.figures(**overrides)},
                                expected_version=version, submit=submit, reason=reason)


def approved(people, quarter):
    """Xã An Mỹ's report, submitted by its clerk and approved by the district (version 2)."""
    report = save(people["xa"], factories.unit(AN_MY), quarter, 0, submit=True)
    return services.report_approve(user=people["huyen"], report=report, expected_version=1)


def page(client, user, name="report", **query):
    client.force_login(user)
    args = [] if name == "inbox" else ["2008", AN_MY, QUARTER]
    return client.get(reverse(f"dossiers:{name}", args=args), query)


def post(client, user, name, data, follow=True):
    client.force_login(user)
    return client.post(reverse(f"dossiers:{name}", args=["2008", AN_MY, QUARTER]), data,
                       follow=follow)


def test_an_approved_report_is_read_only_for_its_unit_with_who_approved_it(client, people,
                                                                         quarter):
    approved(people, quarter)
    response = page(client, people["xa"])
    text = response.content.decode()
    assert response.context["editable"] is False
    assert all(field.field.disabled for form in response.context["forms"] for field in form)
    assert "Lưu bản nháp" not in text and "Gửi báo cáo</button>" not in text
    assert 'data-testid="report-approved"' in text and "huyen" in text
    assert "Đề nghị mở lại" in text
    # A page opened before the approval and posted after it: refused, saying what to do.
    data = {"version": 2, "save": ""}
    for form in response.context["forms"]:
        for name in form.fields:
            data[f"{form.prefix}-{name}"] = 0
    refused = post(client, people["xa"], "report", data, follow=False)
    assert refused.status_code == 200
    assert "đã được duyệt" in refused.content.decode() and "mở lại" in refused.content.decode()
    assert DossierReport.objects.get().status == ReportStatus.APPROVED


def test_the_unit_asks_to_reopen_with_a_reason_and_the_approver_reopens_from_the_inbox(
        client, people, quarter):
    report = approved(people, quarter)
    empty = post(client, people["xa"], "reopen_request", {"version": 2, "reason": " "})
    assert "Hãy ghi lý do cần sửa" in empty.content.decode()
    asked = post(client, people["xa"], "reopen_request",
                 {"version": 2, "reason": "Nhập nhầm số hồ sơ trễ hạn lĩnh vực hộ tịch"})
    assert "Đã gửi đề nghị mở lại tới Huyện Kế Sách" in asked.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.reopen_pending
    assert report.events.first().action == ReportAction.REOPEN_REQUESTED

    inbox = page(client, people["huyen"], "inbox")
    assert [r.pk for r in inbox.context["reopen_requests"]] == [report.pk]
    text = inbox.content.decode()
    assert "Đề nghị mở lại báo cáo đã duyệt" in text
    assert "Nhập nhầm số hồ sơ trễ hạn lĩnh vực hộ tịch" in text
    assert page(client, people["tinh"], "inbox").context["reopen_requests"] == []  # not theirs

    done = post(client, people["huyen"], "reopen",
                {"version": 2, "decision": "reopen", "reason": "", "next": "inbox"})
    assert done.redirect_chain[-1][0] == reverse("dossiers:inbox")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and not report.reopen_pending
    event = report.events.first()
    assert (event.action, event.user, event.status_before, event.comment) == (
        ReportAction.REOPENED, people["huyen"], ReportStatus.APPROVED,
        "Nhập nhầm số hồ sơ trễ hạn lĩnh vực hộ tịch")
    unit_page = page(client, people["xa"])
    assert unit_page.context["editable"] is True
    assert "Đã mở lại để sửa" in unit_page.content.decode()


def test_the_approver_may_decline_with_a_comment_and_the_report_stays_approved(client, people,
                                                                               quarter):
    report = approved(people, quarter)
    services.report_reopen_request(user=people["xa"], report=report, expected_version=2,
                                   reason="Muốn sửa")
    no_comment = post(client, people["huyen"], "reopen", {"version": 2, "decision": "decline"})
    assert "vì sao không mở lại" in no_comment.content.decode()
    post(client, people["huyen"], "reopen",
         {"version": 2, "decision": "decline", "reason": "Số liệu khớp sổ theo dõi"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and not report.reopen_pending
    assert report.events.first().action == ReportAction.REOPEN_DECLINED
    text = page(client, people["xa"]).content.decode()
    assert "Đề nghị mở lại bị từ chối" in text and "Số liệu khớp sổ theo dõi" in text


def test_the_approver_reopens_directly_only_with_a_reason_and_nobody_else_may(client, people,
                                                                             quarter):
    report = approved(people, quarter)
    with pytest.raises(services.ReportRefused, match="lý do mở lại"):
        services.report_reopen(user=people["huyen"], report=report, expected_version=2,
                               reason="")
    for who in ("xa", "tinh"):
        with pytest.raises(services.ReportRefused, match="không có quyền"):
            services.report_reopen(user=people[who], report=report, expected_version=2,
                                   reason="Sửa")
    assert post(client, people["xa"], "reopen", {"version": 2, "decision": "reopen",
                                                 "reason": "x"}).status_code == 403
    reopened = services.report_reopen(user=people["huyen"], report=report, expected_version=2,
                                      reason="Cột (10) chưa khớp sổ")
    assert (reopened.status, reopened.review_comment) == (ReportStatus.RETURNED,
                                                          "Cột (10) chưa khớp sổ")


def test_a_reopened_report_stops_counting_until_it_is_sent_again_then_shows_both_submissions(
        client, people, quarter):
    report = approved(people, quarter)
    first = report.submitted_at
    own = DossierRollup.objects.filter(unit=report.unit, period=quarter, scope="own")
    assert own.get().reports == 1
    services.report_reopen(user=people["huyen"], report=report, expected_version=2,
                           reason="Sửa cột (10)")
    assert not own.filter(reports__gt=0).exists()  # returned: not the unit's figures yet
    report = save(people["xa"], report.unit, quarter, 3, submit=True, resolved_late=4,
                  resolved_on_time=36)
    assert report.status == ReportStatus.SUBMITTED and own.get().reports == 1
    assert report.submitted_at == first and report.last_submitted_at > first
    assert not report.is_late
    text = page(client, people["huyen"]).content.decode()
    assert "Gửi lần đầu " + timezone.localtime(first).strftime("%H:%M %d/%m/%Y") in text
    assert "· gửi lại " in text
    assert "Đã sửa sau lần phê duyệt trước" in text
    inbox = page(client, people["huyen"], "inbox").content.decode()
    assert 'data-testid="changed-after-approval"' in inbox and "chờ duyệt lại" in inbox


def test_an_administrators_override_shows_in_the_inbox_as_changed_after_approval(client, people,
                                                                                quarter):
    report = approved(people, quarter)
    save(people["admin"], report.unit, quarter, 2, reason="Sở Nội vụ đồng ý sửa",
         resolved_late=4, resolved_on_time=36)
    (waiting,) = reports_awaiting_review(people["huyen"])
    assert waiting.changed_after_approval
    assert 'data-testid="changed-after-approval"' in page(client, people["huyen"],
                                                          "inbox").content.decode()


def test_whoever_entered_or_submitted_a_report_cannot_approve_it(client, people, quarter,
                                                                 settings):
    ke_sach = factories.unit("943")  # a district: its province approves, and may enter it too
    report = save(people["tinh"], ke_sach, quarter, 0, submit=True)
    assert not can_approve(people["tinh"], report)
    assert "bốn mắt" in approval_refusal(people["tinh"], report)
    with pytest.raises(services.ReportRefused, match="bốn mắt"):
        services.report_approve(user=people["tinh"], report=report, expected_version=1)
    client.force_login(people["tinh"])
    url = reverse("dossiers:report", args=["2008", "943", QUARTER])
    text = client.get(url).content.decode()
    assert 'data-testid="approval-refusal"' in text and "bốn mắt" in text
    assert 'value="approve"' not in text and 'value="return"' in text
    inbox = client.get(reverse("dossiers:inbox"))
    (waiting,) = inbox.context["awaiting"]
    assert "bốn mắt" in waiting.approval_refusal
    assert 'data-testid="inbox-approval-refusal"' in inbox.content.decode()

    settings.CCHC_ALLOW_SELF_APPROVAL = True
    assert can_approve(people["tinh"], report)
    settings.CCHC_ALLOW_SELF_APPROVAL = False
    assert services.report_approve(user=people["tinh2"], report=report,
                                   expected_version=1).status == ReportStatus.APPROVED


def test_four_eyes_counts_who_changed_the_report_since_its_last_approval_only(people, quarter):
    ke_sach = factories.unit("943")
    report = save(people["tinh"], ke_sach, quarter, 0, submit=True)
    report = services.report_return(user=people["tinh2"], report=report, expected_version=1,
                                    comment="Sửa cột (8)")
    report = save(people["huyen"], ke_sach, quarter, 2, submit=True, resolved_early=49,
                  resolved_on_time=36)
    assert not can_approve(people["tinh"], report)  # entered it before the return
    assert can_approve(people["tinh2"], report)  # only returned it
    report = services.report_approve(user=people["tinh2"], report=report, expected_version=3)
    report = services.report_reopen(user=people["tinh2"], report=report, expected_version=4,
                                    reason="Sửa lại")
    report = save(people["huyen"], ke_sach, quarter, 5, submit=True)
    assert can_approve(people["tinh"], report)  # their entry predates the last approval
    assert can_approve(people["tinh2"], report)  # approving and reopening are no entries


def test_the_reviewer_sees_a_submitted_report_read_only_with_the_review_panel_on_top(
        client, people, quarter):
    save(people["xa"], factories.unit(AN_MY), quarter, 0, submit=True)
    for reviewer in ("huyen", "admin"):  # the admin may enter it too, and still reviews first
        response = page(client, people[reviewer])
        text = response.content.decode()
        assert response.context["editable"] is False
        assert text.index('data-testid="review-panel"') < text.index('id="report-table"')
        assert "Lưu bản nháp" not in text
    assert page(client, people["admin"], sua="1").context["editable"] is True


def test_the_save_message_says_what_happened(client, people, quarter):
    call_command("loaddata", "procedure_fields", verbosity=0)
    client.force_login(people["xa"])
    url = reverse("dossiers:report", args=["2008", AN_MY, QUARTER])
    draft = client.post(url, form_data(), follow=True).content.decode()
    assert "Đã lưu bản nháp" in draft
    sent = client.post(url, form_data(version=1, submit=True), follow=True).content.decode()
    assert "Đã gửi báo cáo" in sent
    changed = client.post(url, form_data(version=2, resolved_early=49, resolved_on_time=36),
                          follow=True).content.decode()
    assert "Đã lưu bản nháp" not in changed
    assert "vẫn ở trạng thái «Đã gửi»" in changed
    assert DossierReport.objects.get().status == ReportStatus.SUBMITTED


def test_publication_names_reports_changed_after_approval_and_waits_for_reopen_requests(
        people):
    period = period_ensure(code="2025-Q1")  # its deadline has passed
    report = save(people["xa"], factories.unit(AN_MY), period, 0, submit=True)
    report = services.report_approve(user=people["huyen"], report=report, expected_version=1)
    services.report_reopen_request(user=people["xa"], report=report, expected_version=2,
                                   reason="Sai cột (9)")
    with pytest.raises(PublicationRefused) as refused:
        ranking_publish(user=people["admin"], province=factories.unit("94"), period=period)
    assert any("đề nghị mở lại" in message and "Xã An Mỹ" in message
               for message in refused.value.messages)
