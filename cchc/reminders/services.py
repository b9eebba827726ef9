"""Sending the reminders due on a day, each at most once (docs/reminders.md).

For every reminder due, a log row is inserted first (``INSERT … ON CONFLICT DO NOTHING``): the
unique indexes of ``Reminder`` let exactly one run own a (recipient, kind, period, unit, day),
however many run at once. A row whose send failed is taken up again by the next run of the same
day through an ``UPDATE … WHERE outcome = 'failed'``, which again only one run can win. The run
then sends the rows it owns, one e-mail each, and records sent or failed with the error.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone, translation

from cchc.reminders import emails
from cchc.reminders.models import Outcome, Reminder, ReminderKind
from cchc.reminders.selectors import (
    deadline_reminders_due,
    review_reminders_due,
    unsent_reminders_due,
)

logger = logging.getLogger("cchc.reminders")


@dataclass
class ReminderSummary:
    """What a run did, per kind: e-mails sent (or, in a dry run, to be sent), found already sent
    (or being sent by another run) for the day, and failed."""

    day: datetime.date
    dry_run: bool = False
    sent: Counter = field(default_factory=Counter)
    already: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)

    @property
    def total_failed(self) -> int:
        return sum(self.failed.values())


def _deadline_rows(dues, today: datetime.date) -> list[Reminder]:
    return [
        Reminder(recipient=due.user, address=due.user.email, kind=due.kind,
                 period=due.period, unit=due.unit, day=today,
                 subject=emails.deadline_subject(due), body=emails.deadline_body(due))
        for due in dues
    ]


def _planned(today: datetime.date) -> list[Reminder]:
    """The log rows of every reminder due on ``today``, not saved, with their text."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = _deadline_rows(deadline_reminders_due(today), today)
        rows += [
            Reminder(recipient=due.user, address=due.user.email,
                     kind=ReminderKind.AWAITING_REVIEW, day=today,
                     subject=emails.review_subject(due), body=emails.review_body(due))
            for due in review_reminders_due(today)
        ]
    return rows


def _key(row: Reminder) -> tuple:
    return (row.recipient_id, row.kind, row.period_id, row.unit_id)


def reminders_send(*, today: datetime.date, dry_run: bool = False) -> ReminderSummary:
    """Send every reminder due on ``today`` that has not been sent for that day yet."""
    return _send(_planned(today), ReminderSummary(day=today, dry_run=dry_run))


@dataclass
class UnsentSummary:
    """What a reminder from the completeness list did: e-mails sent, skipped (already sent to
    that person for that unit and quarter today, by the schedule or an earlier click), failed,
    and units without any account to send to."""

    sent: int
    already: int
    failed: int
    unreachable_units: int


def reminders_send_unsent(*, root, period, today: datetime.date) -> UnsentSummary:
    """Remind the staff of every unit of ``root``'s completeness list that has not sent
    ``period``'s report, now: the schedule's e-mail (before or after the deadline), through
    the same log, so nobody gets the same reminder twice on a day (``_send``). Who may ask is
    the view's to check (``access.can_send_reminders``)."""
    dues, unreachable = unsent_reminders_due(root, period, today)
    with translation.override(settings.LANGUAGE_CODE):
        planned = _deadline_rows(dues, today)
    summary = _send(planned, ReminderSummary(day=today))
    return UnsentSummary(sum(summary.sent.values()), sum(summary.already.values()),
                         summary.total_failed, unreachable)


def _send(planned: list[Reminder], summary: ReminderSummary) -> ReminderSummary:
    """Send the planned rows not logged for their day yet (or failed earlier that day)."""
    today, dry_run = summary.day, summary.dry_run
    logged = {_key(row): row for row in Reminder.objects.filter(day=today)}
    if dry_run:
        for row in planned:
            found = logged.get(_key(row))
            counter = summary.sent if found is None or found.outcome == Outcome.FAILED \
                else summary.already
            counter[row.kind] += 1
        return summary

    run = uuid.uuid4()
    for row in planned:
        row.run = run
    Reminder.objects.bulk_create(planned, batch_size=500, ignore_conflicts=True)
    for row in planned:  # failed earlier today: taken up again, by one run only
        found = logged.get(_key(row))
        if found is not None and found.outcome == Outcome.FAILED:
            Reminder.objects.filter(pk=found.pk, outcome=Outcome.FAILED).update(
                run=run, outcome=Outcome.PENDING, error="", address=row.address,
                subject=row.subject, body=row.body, attempts=F("attempts") + 1,
                attempted_at=timezone.now())
    owned = {_key(row): row for row in Reminder.objects.filter(
        day=today, run=run, outcome=Outcome.PENDING).select_related("recipient")}
    for row in planned:
        if _key(row) not in owned:
            summary.already[row.kind] += 1
    _deliver(list(owned.values()), summary)
    return summary


def _deliver(rows: list[Reminder], summary: ReminderSummary) -> None:
    """Send each owned row's e-mail, in one SMTP session, and record how it went.

    An e-mail the server refuses is recorded as failed and the run goes on with a fresh
    session. A server that cannot be reached at all fails the rest of the run at once with the
    same error, instead of making each e-mail wait for its own time-out.
    """
    if not rows:
        return
    connection = get_connection()
    unreachable: Exception | None = None
    try:
        for row in sorted(rows, key=lambda r: r.pk):
            error = unreachable
            if error is None:
                try:
                    connection.open()  # no-op while a session is open
                except Exception as cannot_open:
                    error = unreachable = cannot_open
            if error is None:
                message = EmailMessage(subject=row.subject, body=row.body, to=[row.address],
                                       connection=connection,
                                       headers={"Auto-Submitted": "auto-generated"})
                try:
                    if not message.send():
                        raise RuntimeError("the e-mail backend sent nothing")
                except Exception as refused:  # SMTP, network, backend: recorded, run goes on
                    error = refused
                    _close(connection)  # the next e-mail opens a fresh session
            if error is None:
                row.outcome, row.sent_at = Outcome.SENT, timezone.now()
                summary.sent[row.kind] += 1
                logger.info("reminder sent kind=%s to=%s user=%s unit=%s period=%s day=%s",
                            row.kind, row.address, row.recipient.username, row.unit_id,
                            row.period_id, row.day)
            else:
                row.outcome, row.error = Outcome.FAILED, f"{type(error).__name__}: {error}"
                summary.failed[row.kind] += 1
                logger.error("reminder failed kind=%s to=%s user=%s unit=%s period=%s day=%s: "
                             "%s", row.kind, row.address, row.recipient.username, row.unit_id,
                             row.period_id, row.day, row.error)
            row.save(update_fields=["outcome", "error", "sent_at"])
    finally:
        _close(connection)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # closing a broken SMTP session must not hide the outcomes
        logger.warning("closing the e-mail connection failed", exc_info=True)
