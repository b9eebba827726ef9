"""Numbers of the public page, formatted as every other page formats them."""

from django import template

from cchc.formatting import format_change, format_fixed

register = template.Library()


@register.filter
def published(row, kpi) -> str:
    """``{{ row|published:kpi }}``: a published row's KPI, 96,86 % or 20.593, – if none."""
    return kpi.display(row.values[kpi.key])


@register.filter
def par_number(value) -> str:
    """PAR points or an index rounded half up to two decimals: 80,00 · 90,92 · –."""
    return format_fixed(value)


@register.filter
def par_change(value) -> str:
    """A change of PAR points or of an index: +7,67 · −2,11 (U+2212) · –."""
    return format_change(value)
