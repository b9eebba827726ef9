"""Who is to be reminded of what on a given day (read-only; docs/reminders.md).

Deadline reminders: on each day of the schedule (``CCHC_REMINDER_DAYS_BEFORE`` days before a
quarter's deadline, ``CCHC_REMINDER_DAYS_AFTER`` days after it), every unit in force at the
quarter's end whose report is not sent (none, a draft, or returned and not sent again), through
its own staff: active accounts with an e-mail address whose profile names that unit and whose
role may submit. Digests: every reviewer (or provincial office) who is the approver of reports
sent before that day and still waiting.

A handful of queries per scheduled quarter plus two for the digests, whatever the number of
units or accounts in the country.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from cchc.accounts.access import APPROVER_ROLES, REVIEW, SUBMIT, approver_unit
from cchc.accounts.models import Profile
from cchc.dossiers.models import DossierReport, ReportStatus
from cchc.dossiers.selectors import COUNTED_STATUSES
from cchc.periods.models import ReportingPeriod
from cchc.reminders.models import Reminder, ReminderKind
from cchc.units.models import AdministrativeUnit


@dataclass(frozen=True)
class DeadlineDue:
    """A unit's report not sent for a quarter, to remind one of the unit's staff about."""

    kind: str
    user: object
    unit: AdministrativeUnit
    period: ReportingPeriod
    days: int  # before the deadline (0: the deadline is today) or after it
    report: DossierReport | None  # its draft or returned report, if any


@dataclass(frozen=True)
class ReviewDue:
    """Reports waiting for one reviewer, oldest first."""

    user: object
    reports: list[DossierReport]


def scheduled_quarters(today: datetime.date) -> list[tuple[ReportingPeriod, str, int]]:
    """Open quarters whose deadline is one of the schedule's days away from ``today``, with the
    kind of reminder and the number of days. Locked quarters take no more reports: none."""
    offsets = {today + datetime.timedelta(days=n): (ReminderKind.BEFORE_DEADLINE, n)
               for n in settings.CCHC_REMINDER_DAYS_BEFORE}
    offsets.update({today - datetime.timedelta(days=n): (ReminderKind.AFTER_DEADLINE, n)
                    for n in settings.CCHC_REMINDER_DAYS_AFTER})
    periods = (ReportingPeriod.objects.quarters()
               .filter(deadline__in=list(offsets), is_locked=False).order_by("deadline", "code"))
    return [(period, *offsets[period.deadline]) for period in periods]


def _holders_of(permission: str) -> QuerySet:
    """Active accounts holding ``permission`` as Django's ModelBackend grants it (superuser,
    the account's own permissions or its groups'), as a subquery of primary keys."""
    app_label, codename = permission.split(".")
    through_groups = Q(groups__permissions__codename=codename,
                       groups__permissions__content_type__app_label=app_label)
    own = Q(user_permissions__codename=codename,
            user_permissions__content_type__app_label=app_label)
    return (get_user_model().objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | through_groups | own).values("pk"))


def _reachable_profiles() -> QuerySet[Profile]:
    """Profiles of active accounts with an e-mail address."""
    return (Profile.objects.filter(user__is_active=True).exclude(user__email="")
            .select_related("user", "unit"))


def deadline_reminders_due(today: datetime.date) -> list[DeadlineDue]:
    """Every deadline reminder due on ``today``, by deadline, unit code and account."""
    due = []
    for period, kind, days in scheduled_quarters(today):
        sent = DossierReport.objects.filter(period=period, status__in=COUNTED_STATUSES)
        profiles = (_reachable_profiles()
                    .filter(unit__in=AdministrativeUnit.objects.as_of(period.end),
                            user__in=_holders_of(SUBMIT))
                    .exclude(unit__in=sent.values("unit_id"))
                    .order_by("unit__code", "user__username"))
        profiles = list(profiles)
        unsent = {r.unit_id: r for r in DossierReport.objects.filter(
            period=period, unit_id__in=[p.unit_id for p in profiles])}
        due.extend(DeadlineDue(kind, p.user, p.unit, period, days, unsent.get(p.unit_id))
                   for p in profiles)
    return due


def unsent_reminders_due(root: AdministrativeUnit, period: ReportingPeriod,
                         today: datetime.date) -> tuple[list[DeadlineDue], int]:
    """The deadline reminders to the staff of every unit of ``root``'s completeness list
    (``dossiers.selectors.units_due``) that has not sent ``period``'s report, sent on request
    from that list; and how many such units have nobody to send to. Kind and days as the
    schedule would say on ``today`` (before the deadline, or after it). Three queries."""
    from cchc.dossiers.selectors import units_due

    units = units_due(root, period)
    sent = DossierReport.objects.filter(period=period, status__in=COUNTED_STATUSES)
    unsent_units = set(units.exclude(pk__in=sent.values("unit_id")).values_list("pk", flat=True))
    profiles = list(_reachable_profiles()
                    .filter(unit_id__in=unsent_units, user__in=_holders_of(SUBMIT))
                    .order_by("unit__code", "user__username"))
    reports = {r.unit_id: r for r in DossierReport.objects.filter(
        period=period, unit_id__in=[p.unit_id for p in profiles])}
    days = (period.deadline - today).days
    kind = ReminderKind.BEFORE_DEADLINE if days >= 0 else ReminderKind.AFTER_DEADLINE
    due = [DeadlineDue(kind, p.user, p.unit, period, abs(days), reports.get(p.unit_id))
           for p in profiles]
    return due, len(unsent_units - {p.unit_id for p in profiles})


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day``, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def review_reminders_due(today: datetime.date) -> list[ReviewDue]:
    """One digest per reviewer who is the approver (``access.can_review``: the reviewer or
    provincial office of the approving unit) of reports sent before ``today`` and still waiting.

    Administrators, who may approve anything, are not the approver of anything in particular
    and get no digest.
    """
    waiting = (DossierReport.objects
               .filter(status=ReportStatus.SUBMITTED,
                       submitted_at__lt=start_of(today))
               .select_related("unit", "unit__parent", "unit__province", "period")
               .order_by("submitted_at", "unit__code"))
    by_approver: dict[int, list[DossierReport]] = defaultdict(list)
    for report in waiting:
        by_approver[approver_unit(report.unit, report.period.end).pk].append(report)
    if not by_approver:
        return []
    reviewers = (_reachable_profiles()
                 .filter(unit_id__in=list(by_approver),
                         role__in=APPROVER_ROLES,
                         user__in=_holders_of(REVIEW))
                 .order_by("unit__code", "user__username"))
    return [ReviewDue(p.user, by_approver[p.unit_id]) for p in reviewers]


def reminders_of(user) -> QuerySet[Reminder]:
    """The reminders sent (or attempted) to ``user``, newest first."""
    return (Reminder.objects.filter(recipient=user).select_related("period", "unit")
            .order_by("-day", "-pk"))
