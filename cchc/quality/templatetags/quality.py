from django import template

from cchc.quality import outliers

register = template.Library()


@register.inclusion_tag("quality/method.html")
def outlier_method():
    """How flags are raised, with the thresholds in force: shown wherever flags are."""
    return {"history": outliers.HISTORY_PERIODS, "min_history": outliers.MIN_HISTORY,
            "min_peers": outliers.MIN_PEERS,
            "threshold": f"{outliers.Z_THRESHOLD}".replace(".", ","),
            "min_difference": outliers.MIN_DIFFERENCE,
            "columns": outliers.checked_column_numbers()}
