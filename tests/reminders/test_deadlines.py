"""Deadline reminders reach only the units that have not sent their report, only through their
own staff, only on the days of the schedule, and each at most once a day.

Quý IV/2024 is due on 20/12/2024: the schedule 7, 3, 1 days before and 1, 7, 14 days after
makes 13/12, 17/12, 19/12, 21/12, 27/12/2024 and 03/01/2025 reminder days.
"""

import datetime
import logging

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.models import DossierReport, ReportStatus
from cchc.reminders import services
from cchc.reminders.models import Outcome, Reminder, ReminderKind
from tests import factories
from tests.reminders.conftest import SITE
from tests.reminders.helpers import person, received, send

pytestmark = pytest.mark.django_db

QUARTER = "2024-Q4"
SEVEN_DAYS_BEFORE = "2024-12-13"


def at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def soon(unit: str) -> str:
    return f"[Báo cáo CCHC] Còn 7 ngày đến hạn nộp báo cáo Quý IV/2024 – {unit}"


def test_only_units_that_have_not_sent_are_reminded_through_their_own_staff(mailoutbox):
    factories.period(QUARTER)
    person("xa", "31564")  # Xã An Mỹ: nothing entered
    person("xa_nhap", "31564", active=False)  # left the unit: deactivated
    person("xa_khong_thu", "31564", email=False)
    person("bo", "31564", role=Role.NATIONAL)  # a role that may not submit
    person("nhonmy", "31552")  # Xã Nhơn Mỹ: a draft, not sent
    factories.report(factories.unit("31552"), QUARTER, status=ReportStatus.DRAFT)
    person("kethanh", "31555")  # Xã Kế Thành: sent this morning
    factories.report(factories.unit("31555"), QUARTER, status=ReportStatus.SUBMITTED,
                     submitted_at=at("2024-12-13 08:00"))
    person("huyen", "943", role=Role.REVIEWER)  # Huyện Kế Sách: its own report approved
    factories.report(factories.unit("943"), QUARTER, submitted_at=at("2024-12-02 10:00"))
    person("tinh", "94", role=Role.PROVINCIAL_OFFICE)  # Tỉnh Sóc Trăng: nothing of its own
    person("quyloc", "15412")  # Thị trấn Quý Lộc, Thanh Hóa: nothing entered

    send(SEVEN_DAYS_BEFORE)

    # Each reminder goes to the staff of the unit it is about, and to no one else: the
    # provincial office hears about its own province's report, not about the communes'.
    assert received(mailoutbox) == [
        ("nhonmy@example.gov.vn", soon("Xã Nhơn Mỹ")),
        ("quyloc@example.gov.vn", soon("Thị trấn Quý Lộc")),
        ("tinh@example.gov.vn", soon("Tỉnh Sóc Trăng")),
        ("xa@example.gov.vn", soon("Xã An Mỹ")),
    ]
    by_address = {message.to[0]: message for message in mailoutbox}
    an_my = by_address["xa@example.gov.vn"].body
    assert "Báo cáo số liệu hồ sơ thủ tục hành chính (biểu II.06a) Quý IV/2024 của Xã An Mỹ " \
           "chưa được gửi." in an_my
    assert "Trạng thái: chưa nhập số liệu." in an_my
    assert "Hạn nộp: 20/12/2024 – còn 7 ngày." in an_my
    assert f"Nhập và gửi báo cáo tại: {SITE}/bao-cao/2008/31564/2024-Q4/" in an_my
    assert f"{SITE}/nhac-han/" in an_my
    assert "Trạng thái: bản nháp, chưa gửi." in by_address["nhonmy@example.gov.vn"].body
    assert by_address["xa@example.gov.vn"].from_email == "Báo cáo CCHC <cchc@example.gov.vn>"


def test_nothing_is_sent_on_a_day_outside_the_schedule(mailoutbox):
    factories.period(QUARTER)
    person("xa", "31564")
    for day in ("2024-12-12", "2024-12-14", "2024-12-20", "2024-12-22", "2025-01-04"):
        out = send(day)
        assert "Sắp đến hạn nộp báo cáo: 0 thư đã gửi" in out, day
    assert mailoutbox == []


def test_a_locked_quarter_sends_no_reminders(mailoutbox):
    quarter = factories.period(QUARTER)
    quarter.is_locked = True
    quarter.save()
    person("xa", "31564")
    send("2024-12-27")
    assert mailoutbox == []


def test_after_the_deadline_the_reminder_says_how_many_days_late(mailoutbox):
    factories.period(QUARTER)
    person("xa", "31564")  # nothing entered
    person("nhonmy", "31552")  # returned by the district, not sent again
    returned = factories.report(factories.unit("31552"), QUARTER, status=ReportStatus.RETURNED,
                                submitted_at=at("2024-12-18 09:00"))
    DossierReport.objects.filter(pk=returned.pk).update(review_comment="Cột (6) chưa khớp.")
    person("kethanh", "31555")  # sent late, but sent
    factories.report(factories.unit("31555"), QUARTER, status=ReportStatus.SUBMITTED,
                     submitted_at=at("2024-12-23 09:00"))

    send("2024-12-27")

    late = "[Báo cáo CCHC] Báo cáo Quý IV/2024 của {} đã quá hạn 7 ngày"
    assert received(mailoutbox) == [
        ("nhonmy@example.gov.vn", late.format("Xã Nhơn Mỹ")),
        ("xa@example.gov.vn", late.format("Xã An Mỹ")),
    ]
    body = {m.to[0]: m.body for m in mailoutbox}
    assert "Hạn nộp: 20/12/2024 – đã quá hạn 7 ngày." in body["xa@example.gov.vn"]
    assert "Trạng thái: bị trả lại, chưa gửi lại." in body["nhonmy@example.gov.vn"]
    assert "Ý kiến khi trả lại: Cột (6) chưa khớp." in body["nhonmy@example.gov.vn"]
    assert Reminder.objects.get(recipient__username="xa").kind == ReminderKind.AFTER_DEADLINE


def test_the_list_in_force_at_the_quarter_decides_who_owes_it(mailoutbox):
    """Quý III/2025 (due 20/09/2025) is owed by the 2025 list's units: the old Xã An Mỹ
    ended on 30/6/2025; the new Xã Nhơn Mỹ of Cần Thơ took it in."""
    factories.period("2025-Q3")
    person("xa", "31564")
    person("nhonmy", "31552", unit_list=factories.AFTER)
    send("2025-09-13")
    assert received(mailoutbox) == [
        ("nhonmy@example.gov.vn",
         "[Báo cáo CCHC] Còn 7 ngày đến hạn nộp báo cáo Quý III/2025 – Xã Nhơn Mỹ")]
    assert f"{SITE}/bao-cao/2025/31552/2025-Q3/" in mailoutbox[0].body


def test_a_rerun_the_same_day_sends_nothing_twice(mailoutbox, caplog):
    caplog.set_level(logging.INFO, logger="cchc.reminders")
    factories.period(QUARTER)
    person("xa", "31564")

    first = send(SEVEN_DAYS_BEFORE)
    second = send(SEVEN_DAYS_BEFORE)

    assert len(mailoutbox) == 1
    assert "Sắp đến hạn nộp báo cáo: 1 thư đã gửi, 0 thư đã gửi từ trước, 0 thư lỗi" in first
    assert "Sắp đến hạn nộp báo cáo: 0 thư đã gửi, 1 thư đã gửi từ trước, 0 thư lỗi" in second
    logged = Reminder.objects.get()
    assert (logged.address, logged.outcome, logged.day, logged.unit.code, logged.period.code) == \
        ("xa@example.gov.vn", Outcome.SENT, datetime.date(2024, 12, 13), "31564", QUARTER)
    assert logged.subject == soon("Xã An Mỹ") and "còn 7 ngày" in logged.body
    assert [r.getMessage() for r in caplog.records if "reminder sent" in r.getMessage()] == [
        f"reminder sent kind=before to=xa@example.gov.vn user=xa unit={logged.unit_id} "
        f"period={logged.period_id} day=2024-12-13"]

    send("2024-12-17")  # the next day of the schedule: reminded again
    assert [m.subject for m in mailoutbox][1] == \
        "[Báo cáo CCHC] Còn 3 ngày đến hạn nộp báo cáo Quý IV/2024 – Xã An Mỹ"
    assert Reminder.objects.count() == 2


def test_a_dry_run_counts_without_sending_or_writing(mailoutbox):
    factories.period(QUARTER)
    person("xa", "31564")
    out = send(SEVEN_DAYS_BEFORE, "--dry-run")
    assert "Sắp đến hạn nộp báo cáo: 1 thư sẽ gửi" in out and "--dry-run" in out
    assert mailoutbox == [] and not Reminder.objects.exists()


def test_a_reminder_another_run_is_sending_is_not_sent_again(monkeypatch, mailoutbox):
    """Two runs at once: the other one inserted the day's row between this run's reading and
    its insert. The database's unique index makes this run skip it."""
    quarter = factories.period(QUARTER)
    xa = person("xa", "31564")
    planned = services._planned

    def planned_while_another_run_inserts(today):
        rows = planned(today)
        Reminder.objects.create(recipient=xa, address=xa.email, kind=ReminderKind.BEFORE_DEADLINE,
                                period=quarter, unit=factories.unit("31564"), day=today,
                                subject="…", body="…")
        return rows

    monkeypatch.setattr(services, "_planned", planned_while_another_run_inserts)
    out = send(SEVEN_DAYS_BEFORE)
    assert mailoutbox == []
    assert "0 thư đã gửi, 1 thư đã gửi từ trước" in out
    assert Reminder.objects.get().outcome == Outcome.PENDING  # still the other run's


def test_the_database_refuses_a_second_reminder_for_the_same_day():
    quarter = factories.period(QUARTER)
    xa = person("xa", "31564")
    day = datetime.date(2024, 12, 13)
    deadline = {"recipient": xa, "address": xa.email, "kind": ReminderKind.BEFORE_DEADLINE,
                "period": quarter, "unit": factories.unit("31564"), "subject": "s", "body": "b"}
    digest = {"recipient": xa, "address": xa.email, "kind": ReminderKind.AWAITING_REVIEW,
              "subject": "s", "body": "b"}
    for fields in (deadline, digest):  # a digest names no unit: NULL must not make it unique
        Reminder.objects.create(day=day, **fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            Reminder.objects.create(day=day, **fields)
        Reminder.objects.create(day=day + datetime.timedelta(days=1), **fields)
    assert Reminder.objects.count() == 4
