"""Reminding, from the completeness list, the units that have not sent: the schedule's e-mail,
logged, at most once a day per person and unit, only by an approving office (issue 16)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.models import ReportStatus
from cchc.periods.services import period_ensure
from cchc.reminders.models import Outcome, Reminder, ReminderKind
from tests import factories
from tests.reminders.helpers import person, received

pytestmark = pytest.mark.django_db

QUARTER = "2025-Q2"


@pytest.fixture
def quarter():
    return period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(days=5))


def remind(client, code="943", period=QUARTER):
    return client.post(reverse("reminders:remind_unsent", args=["2008", code, period]),
                       follow=True)


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_units_not_sent_are_reminded_once_a_day_from_the_list(client, mailoutbox, quarter):
    person("xa", "31564")  # Xã An Mỹ: nothing entered
    person("nhonmy", "31552")  # Xã Nhơn Mỹ: returned, owed again
    factories.report(factories.unit("31552"), QUARTER, status=ReportStatus.RETURNED)
    person("kethanh", "31555")  # Xã Kế Thành: sent
    factories.report(factories.unit("31555"), QUARTER, status=ReportStatus.SUBMITTED,
                     submitted_at=timezone.now())
    person("quyloc", "15412")  # Thanh Hóa: not on Kế Sách's list
    reviewer = person("huyen", "943", role=Role.REVIEWER)
    factories.report(factories.unit("943"), QUARTER, submitted_at=timezone.now())  # its own
    client.force_login(reviewer)

    page = client.get(reverse("dossiers:completeness", args=["2008", "943", QUARTER]))
    assert "Gửi nhắc các đơn vị chưa gửi" in page.content.decode()
    first = remind(client)
    subject = "[Báo cáo CCHC] Còn 5 ngày đến hạn nộp báo cáo Quý II/2025 – {}"
    assert received(mailoutbox) == [("nhonmy@example.gov.vn", subject.format("Xã Nhơn Mỹ")),
                                    ("xa@example.gov.vn", subject.format("Xã An Mỹ"))]
    assert "Trạng thái: bị trả lại, chưa gửi lại." in [m for m in mailoutbox
                                                        if m.to == ["nhonmy@example.gov.vn"]
                                                        ][0].body
    messages = said(first)
    assert messages[0] == ("Đã gửi 2 thư nhắc tới cán bộ các đơn vị chưa gửi báo cáo "
                           "Quý II/2025.")
    # 10 other communes of Kế Sách owe the report but have no account with an address.
    assert "10 đơn vị chưa gửi không có tài khoản nào có địa chỉ e-mail" in messages[-1]
    logged = Reminder.objects.filter(period__code=QUARTER)
    assert sorted(logged.values_list("unit__code", "kind", "outcome")) == [
        ("31552", ReminderKind.BEFORE_DEADLINE, Outcome.SENT),
        ("31564", ReminderKind.BEFORE_DEADLINE, Outcome.SENT)]

    second = remind(client)
    assert len(mailoutbox) == 2  # nothing twice on the same day
    assert said(second)[0] == ("Bỏ qua 2 thư: người nhận đã được nhắc về báo cáo này hôm nay "
                               "(mỗi ngày một lần), không gửi lại.")
    assert not any(message.startswith("Đã gửi") for message in said(second))
    assert logged.count() == 2


def test_after_the_deadline_the_reminder_says_how_late(client, mailoutbox):
    period_ensure(code=QUARTER, deadline=timezone.localdate() - datetime.timedelta(days=4))
    person("xa", "31564")
    client.force_login(person("tinh", "94", role=Role.PROVINCIAL_OFFICE))
    remind(client, "94")
    subjects = dict(received(mailoutbox))
    assert subjects["xa@example.gov.vn"] == (
        "[Báo cáo CCHC] Báo cáo Quý II/2025 của Xã An Mỹ đã quá hạn 4 ngày")
    # The province's own staff owes its own report too: reminded as well.
    assert "tinh@example.gov.vn" in subjects


def test_the_scheduled_run_and_the_button_share_the_day(client, mailoutbox, quarter,
                                                        settings):
    """A unit reminded by the morning's run is not reminded again from the list that day."""
    from cchc.reminders.services import reminders_send

    settings.CCHC_REMINDER_DAYS_BEFORE = [5]
    person("xa", "31564")
    reminders_send(today=timezone.localdate())
    assert len(mailoutbox) == 1
    client.force_login(person("huyen", "943", role=Role.REVIEWER, email=False))
    assert "Bỏ qua 1 thư" in " ".join(said(remind(client)))
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(("role", "unit", "expected"), [
    (Role.UNIT_STAFF, "943", 403), (Role.NATIONAL, None, 403),
    (Role.REVIEWER, "946", 404),  # another district: not in its scope
])
def test_only_an_approving_office_may_remind(client, mailoutbox, quarter, role, unit,
                                             expected):
    person("xa", "31564")
    client.force_login(person("someone", unit, role=role))
    response = client.post(reverse("reminders:remind_unsent", args=["2008", "943", QUARTER]))
    assert response.status_code == expected
    assert mailoutbox == [] and not Reminder.objects.exists()
    if expected == 403:  # the page offers no button either
        page = client.get(reverse("dossiers:completeness", args=["2008", "943", QUARTER]))
        assert "Gửi nhắc các đơn vị chưa gửi" not in page.content.decode()


def test_an_administrator_may_remind_and_a_get_does_nothing(client, mailoutbox, quarter):
    person("xa", "31564")
    client.force_login(factories.user("quantri", role=Role.ADMINISTRATOR))
    url = reverse("reminders:remind_unsent", args=["2008", "943", QUARTER])
    assert client.get(url).status_code == 405
    assert mailoutbox == []
    remind(client)
    assert len(mailoutbox) == 1


def test_the_list_comes_back_filtered_as_it_was(client, mailoutbox, quarter):
    client.force_login(person("huyen", "943", role=Role.REVIEWER))
    response = client.post(reverse("reminders:remind_unsent", args=["2008", "943", QUARTER]),
                           {"trang-thai": "missing", "xep": "status"})
    assert response.url.endswith(f"/tinh-hinh-nop/{QUARTER}/?trang-thai=missing&xep=status")


def test_a_locked_quarter_is_not_reminded(client, mailoutbox, quarter):
    quarter.is_locked = True
    quarter.save()
    person("xa", "31564")
    client.force_login(person("huyen", "943", role=Role.REVIEWER))
    assert "đã khoá" in said(remind(client))[0]
    assert mailoutbox == []
