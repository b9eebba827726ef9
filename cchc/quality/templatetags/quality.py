from django import template

from cchc.formatting import format_decimal
from cchc.quality import outliers

register = template.Library()


@register.inclusion_tag("quality/method.html")
def outlier_method():
    """How flags are raised, with the thresholds in force: shown wherever flags are."""
    return {"history": outliers.HISTORY_PERIODS, "min_history": outliers.MIN_HISTORY,
            "min_peers": outliers.MIN_PEERS,
            "threshold": format_decimal(outliers.Z_THRESHOLD),
            "min_difference": outliers.MIN_DIFFERENCE,
            "columns": outliers.checked_column_numbers()}
