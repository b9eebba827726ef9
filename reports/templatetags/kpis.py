from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from cchc.formatting import format_change
from reports.kpis import KPIS

register = template.Library()


@register.filter
def kpi_display(kpi, value) -> str:
    """``{{ kpi|kpi_display:value }}``: 96,86 % for a rate, 20.593 for a count."""
    return kpi.display(value)


@register.filter
def kpi_change(kpi, change) -> str:
    """A change in percentage points for a rate (+1,25 điểm %), or in units for a count."""
    if change is None:
        return "–"
    if kpi.is_rate:  # a change of ratios, shown in percentage points
        return _("%(change)s điểm %%") % {"change": format_change(Decimal(str(change)) * 100)}
    return format_change(change, places=0)


@register.filter
def trend_rows(board):
    return zip(board.trend_periods, board.trend["on_time_rate"], board.trend["online_rate"],
               strict=True)


@register.filter
def scope_rows(board):
    """``(kpi, [value in each of board.scopes])`` for every KPI: the side-by-side table of a
    unit's whole area and its own report."""
    return [(kpi, [figures.values[key] for figures in board.scopes])
            for key, kpi in KPIS.items()]
