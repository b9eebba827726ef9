"""Creating reporting periods from their code; marking their figures as changed."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from cchc.periods.codes import QUARTER, PeriodSpec
from cchc.periods.models import ReportingPeriod


def default_deadline(spec: PeriodSpec) -> datetime.date:
    """The province's usual deadline: a set number of days after the cut-off window closes."""
    return spec.cutoff_end + datetime.timedelta(days=settings.CCHC_DEADLINE_DAYS_AFTER_CUTOFF)


def period_ensure(*, code: str, deadline: datetime.date | None = None) -> ReportingPeriod:
    """The period named ``code``, created with the dates of docs/domain.md §3 if it does not
    exist."""
    spec = PeriodSpec.parse(code)
    period, _created = ReportingPeriod.objects.get_or_create(
        code=spec.code,
        defaults={
            "kind": spec.kind,
            "year": spec.year,
            "number": spec.number,
            "start": spec.start,
            "end": spec.end,
            "cutoff_start": spec.cutoff_start,
            "cutoff_end": spec.cutoff_end,
            "deadline": deadline or default_deadline(spec),
        },
    )
    return period


@transaction.atomic
def periods_ensure_years(*, first_year: int, last_quarter: str) -> list[ReportingPeriod]:
    """Every month, quarter, half-year, nine months and year from ``first_year`` up to and
    including ``last_quarter`` (a longer period only once all its quarters are in range)."""
    last = PeriodSpec.parse(last_quarter)
    if last.kind != QUARTER:
        raise ValueError("last_quarter must name a quarter, e.g. 2026-Q3")
    created = []
    for year in range(first_year, last.year + 1):
        for quarter in range(1, 5):
            if (year, quarter) > (last.year, last.number):
                break
            created.append(period_ensure(code=f"{year}-Q{quarter}"))
            for month in range(3 * quarter - 2, 3 * quarter + 1):
                created.append(period_ensure(code=f"{year}-M{month:02d}"))
            if quarter == 2:
                created.append(period_ensure(code=f"{year}-H1"))
            if quarter == 3:
                created.append(period_ensure(code=f"{year}-9M"))
            if quarter == 4:
                created.append(period_ensure(code=f"{year}"))
    return created


def figures_changed(*, periods: Iterable[ReportingPeriod] | None = None) -> None:
    """Give a new ``figures_version`` to every period whose figures include one of ``periods``
    (the quarter itself, its half-year, nine months and year; ``None``: every period).

    Called in the same transaction as every change of the precomputed totals, and when the unit
    lists change: cached rankings are keyed by these versions, so a cached page can never
    outlive the figures it shows (``reports.caching``).
    """
    containing = ReportingPeriod.objects.all()
    if periods is not None:
        condition = Q()
        for period in periods:
            condition |= Q(start__lte=period.start, end__gte=period.end)
        if not condition:
            return
        containing = containing.filter(condition)
    containing.update(figures_version=uuid.uuid4())
