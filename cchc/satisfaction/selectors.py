"""SIPAS results read by the SIPAS page and shown beside the PAR index."""

from __future__ import annotations

from cchc.satisfaction.models import SipasResult


def sipas_for(units, year: int) -> dict[int, SipasResult]:
    """Unit id → its SIPAS result of ``year`` (units without one are absent). One query."""
    return {r.unit_id: r for r in SipasResult.objects.filter(unit__in=list(units), year=year)}
