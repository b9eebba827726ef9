"""A reminder the mail server refused is recorded as failed, makes the command fail, and goes
out on the next run of the day; the user can read it in the app meanwhile."""

import logging

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management.base import CommandError
from django.urls import reverse

from cchc.reminders.models import Outcome, Reminder
from tests import factories
from tests.reminders.helpers import person, send

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


def test_a_failed_send_is_logged_fails_the_command_and_is_retried(settings, mailoutbox, caplog,
                                                                  client):
    caplog.set_level(logging.INFO, logger="cchc.reminders")
    factories.period("2024-Q4")
    xa = person("xa", "31564")
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with pytest.raises(CommandError, match="1 thư gửi không thành công"):
        send("2024-12-13")

    failed = Reminder.objects.get()
    assert failed.outcome == Outcome.FAILED and failed.sent_at is None
    assert failed.error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert any(r.levelno == logging.ERROR and "reminder failed kind=before to=xa@example.gov.vn"
               in r.getMessage() for r in caplog.records)
    client.force_login(xa)  # not in the mailbox, but readable in the app
    page = client.get(reverse("reminders:mine")).content.decode()
    assert "Còn 7 ngày đến hạn nộp báo cáo Quý IV/2024 – Xã An Mỹ" in page
    assert "E-mail chưa gửi được" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # server back
    out = send("2024-12-13")
    assert "Sắp đến hạn nộp báo cáo: 1 thư đã gửi, 0 thư đã gửi từ trước, 0 thư lỗi" in out
    assert [m.to for m in mailoutbox] == [["xa@example.gov.vn"]]
    retried = Reminder.objects.get()
    assert (retried.outcome, retried.attempts, retried.error) == (Outcome.SENT, 2, "")

    send("2024-12-13")
    assert len(mailoutbox) == 1


class UnreachableBackend(BaseEmailBackend):
    """A mail server that does not answer: opening a session fails."""

    attempts = 0

    def open(self):
        UnreachableBackend.attempts += 1
        raise TimeoutError("timed out")

    def send_messages(self, email_messages):  # pragma: no cover - never reached
        raise AssertionError("sent without a session")


def test_an_unreachable_server_fails_the_whole_run_at_once(settings):
    factories.period("2024-Q4")
    person("xa", "31564")
    person("nhonmy", "31552")
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableBackend"
    with pytest.raises(CommandError, match="2 thư gửi không thành công"):
        send("2024-12-13")
    assert UnreachableBackend.attempts == 1  # not one time-out per e-mail
    assert set(Reminder.objects.values_list("outcome", "error")) == {
        (Outcome.FAILED, "TimeoutError: timed out")}
