"""Small builders for test data. Units are never built: the real lists are loaded."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from cchc.accounts.models import Role
from cchc.accounts.services import account_assign
from cchc.dossiers.models import DossierLine, DossierReport, ProcedureField, ReportStatus
from cchc.dossiers.rollups import rollups_refresh
from cchc.periods.models import ReportingPeriod
from cchc.periods.services import period_ensure
from cchc.units.models import AdministrativeUnit, UnitList

BEFORE, AFTER = UnitList.BEFORE_2025, UnitList.FROM_2025


def unit(code: str, unit_list: str = BEFORE) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(unit_list=unit_list, code=code)


def period(code: str) -> ReportingPeriod:
    return period_ensure(code=code)


def user(username: str = "staff", *, role: str = Role.UNIT_STAFF, unit_code: str | None = None,
         unit_list: str = BEFORE, password: str = "pass-for-tests-1"):
    account = get_user_model().objects.create_user(username=username, password=password)
    account_assign(user=account, role=role, unit=unit(unit_code, unit_list) if unit_code else None)
    return get_user_model().objects.get(pk=account.pk)  # fresh permission cache


def field(code: str = "ho-tich", name: str = "Hộ tịch") -> ProcedureField:
    found, _ = ProcedureField.objects.get_or_create(
        code=code, defaults={"name": name, "applies_to_commune": True,
                             "applies_to_district": True}
    )
    return found


def figures(**overrides: int) -> dict[str, int]:
    """A valid row of form II.06a: 100 received (60 online, 25 in person, 5 by post, 10 carried
    over), 90 resolved (50 early, 35 on time, 5 late), 10 pending (8 in time, 2 overdue)."""
    values = {
        "received_total": 100, "received_online": 60, "received_in_person": 25,
        "received_postal": 5, "received_carried_over": 10,
        "resolved_total": 90, "resolved_early": 50, "resolved_on_time": 35, "resolved_late": 5,
        "pending_total": 10, "pending_in_time": 8, "pending_overdue": 2,
    }
    values.update(overrides)
    return values


def report(unit_obj: AdministrativeUnit, period_code: str, *, lines=None,
           submitted_at: datetime.datetime | None = None,
           status: str = ReportStatus.APPROVED) -> DossierReport:
    """A stored report, approved unless said otherwise (the usual state of past quarters)."""
    created = DossierReport.objects.create(unit=unit_obj, period=period(period_code),
                                           submitted_at=submitted_at, status=status)
    for field_obj, values in (lines or {field(): figures()}).items():
        DossierLine.objects.create(report=created, field=field_obj, **values)
    rollups_refresh(unit=unit_obj, period=created.period)  # as the services do after a write
    return created


def confirm_upload(client, **kwargs):
    """Press "Xác nhận và lưu" on the latest upload preview (its check job)."""
    from django.urls import reverse

    from cchc.jobs.models import Job

    preview = Job.objects.filter(kind="dossiers.check").latest("pk")
    return client.post(reverse("dossiers:upload_confirm"), {"job": preview.pk}, **kwargs)
