"""Writing dossier figures. Every write validates first and is all-or-nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.dossiers.columns import FIELD_NAMES, figure_errors
from cchc.dossiers.models import DossierLine, DossierReport, ProcedureField
from cchc.periods.models import ReportingPeriod
from cchc.units.models import AdministrativeUnit


@dataclass
class ReportData:
    """A whole report to write: unit, period, and per field its 12 counts."""

    unit: AdministrativeUnit
    period: ReportingPeriod
    lines: Mapping[ProcedureField, Mapping[str, int]]
    status: str
    source: str
    source_note: str = ""
    submitted_at: datetime.datetime | None = None
    approved_at: datetime.datetime | None = None


@transaction.atomic
def dossier_reports_replace(*, reports: Iterable[ReportData], batch_size: int = 2000) -> int:
    """Store ``reports``, replacing any report of the same unit and period; return lines written.

    Every line is checked against the rules of the form before anything is written; one broken
    line raises ``ValidationError`` naming unit, period, field and column, and nothing is saved.
    """
    reports = list(reports)
    problems = []
    for data in reports:
        for field, values in data.lines.items():
            for error in figure_errors(values):
                where = f"{data.unit.code} {data.period.code} «{field.name}»"
                problems.append(f"{where}: {error.message}")
    if problems:
        raise ValidationError(problems)

    keys = {(d.unit.pk, d.period.pk) for d in reports}
    unit_ids = {u for u, _ in keys}
    stale = [
        r.pk
        for r in DossierReport.objects.filter(unit_id__in=unit_ids).only("unit_id", "period_id")
        if (r.unit_id, r.period_id) in keys
    ]
    for start in range(0, len(stale), batch_size):
        DossierReport.objects.filter(pk__in=stale[start : start + batch_size]).delete()
    created = DossierReport.objects.bulk_create(
        [
            DossierReport(unit=d.unit, period=d.period, status=d.status, source=d.source,
                          source_note=d.source_note, submitted_at=d.submitted_at,
                          approved_at=d.approved_at)
            for d in reports
        ],
        batch_size=batch_size,
    )
    lines = [
        DossierLine(report=report, field=field, **{name: values[name] for name in FIELD_NAMES})
        for report, data in zip(created, reports, strict=True)
        for field, values in data.lines.items()
    ]
    DossierLine.objects.bulk_create(lines, batch_size=batch_size)
    return len(lines)
