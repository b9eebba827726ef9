"""Builders shared by the reminder tests."""

import io

from django.core.management import call_command

from cchc.accounts.models import Role
from tests import factories


def person(username: str, unit_code: str | None = None, *, role: str = Role.UNIT_STAFF,
           unit_list: str = factories.BEFORE, email: bool = True, active: bool = True):
    """An account of ``role`` at the unit, with the e-mail address username@example.gov.vn."""
    account = factories.user(username, role=role, unit_code=unit_code, unit_list=unit_list)
    account.email = f"{username}@example.gov.vn" if email else ""
    account.is_active = active
    account.save()
    return account


def send(day: str, *options: str) -> str:
    """``manage.py send_reminders --date day``; what it printed."""
    out = io.StringIO()
    call_command("send_reminders", "--date", day, *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def received(outbox) -> list[tuple[str, str]]:
    """(address, subject) of every e-mail sent, sorted."""
    return sorted((message.to[0], message.subject) for message in outbox)
