from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.accounts.access import get_unit_for_user
from cchc.dossiers.selectors import quarters_for
from cchc.periods.models import ReportingPeriod
from cchc.quality import selectors
from cchc.quality.models import FlagStatus


def data_quality(request: HttpRequest, unit_list: str, code: str,
                 period: str | None = None) -> HttpResponse:
    """For a unit (a province, typically) and a quarter: open outlier flags, (6) ≠ previous
    (11), and longer periods of the year whose filed figures disagree with their quarters."""
    unit = get_unit_for_user(request.user, unit_list, code)
    quarters = quarters_for(unit, timezone.localdate())
    chosen = ReportingPeriod.objects.get_by_code_or_404(period) if period else (
        quarters[0] if quarters else None)
    if chosen is None:
        raise Http404
    return render(request, "quality/data_quality.html", {
        "unit": unit, "period": chosen, "quarters": quarters,
        "open_flags": selectors.flags_in(unit, chosen),
        "checked_flags": selectors.flags_in(unit, chosen, FlagStatus.CHECKED),
        "carried_over": selectors.carried_over_mismatches(unit, chosen),
        "long_periods": selectors.long_period_mismatches(unit, chosen.year),
    })
