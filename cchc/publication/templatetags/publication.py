"""Numbers of the public page, formatted as every other page formats them."""

from django import template

from cchc.formatting import format_points, round_half_up

register = template.Library()


@register.filter
def published(row, kpi) -> str:
    """``{{ row|published:kpi }}``: a published row's KPI, 96,86 % or 20.593, – if none."""
    return kpi.display(row.values[kpi.key])


@register.filter
def par_number(value) -> str:
    """PAR points or an index rounded half up to two decimals: 85,4 · 90,92 · –."""
    return "–" if value is None else format_points(round_half_up(value))
