"""PAR points, indexes and their changes as every page shows them (``cchc.formatting``)."""

from django import template

from cchc.formatting import format_change, format_fixed

register = template.Library()


@register.filter
def par_number(value) -> str:
    """Points, a maximum or an index (%), two decimals half up: 80,00 · 90,92 · – (also for
    nothing to show: a missing score renders as "" in templates)."""
    return format_fixed(None if value == "" else value)


@register.filter
def par_change(value) -> str:
    """A change of points or of an index: +7,67 · −2,11 (the real minus sign) · –."""
    return format_change(None if value == "" else value)
