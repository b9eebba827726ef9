"""The one definition of every dossier KPI (docs/domain.md §4).

Each KPI says how it is computed from the counts of form II.06a, with the formula in the
column numbers users know. Rates are computed from summed counts — never by averaging
percentages — and rounded (half up, two decimals) only when displayed. Pages, charts, Excel and
CSV exports all read ``Kpi.value``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cchc.formatting import format_count, format_percent

RECEIVED_IN_PERIOD = ("received_online", "received_in_person", "received_postal")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    formula: str  # shown next to the number
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()  # empty: a count, not a rate
    higher_is_better: bool = True

    @property
    def is_rate(self) -> bool:
        return bool(self.denominator)

    def value(self, totals: Mapping[str, int]) -> Decimal | int | None:
        """The count, or the rate as a ratio in [0, 1]; ``None`` when the denominator is 0."""
        numerator = sum(totals[name] for name in self.numerator)
        if not self.is_rate:
            return numerator
        denominator = sum(totals[name] for name in self.denominator)
        if denominator == 0:
            return None
        return Decimal(numerator) / Decimal(denominator)

    def display(self, value) -> str:
        """96,86 % for a rate, 20.593 for a count, – for no value."""
        if value is None:
            return "–"
        return format_percent(value) if self.is_rate else format_count(value)


KPIS: dict[str, Kpi] = {kpi.key: kpi for kpi in (
    Kpi("received", _("Hồ sơ nhận giải quyết"), _("(3) = (4) + (5) + (6)"),
        ("received_total",)),
    Kpi("resolved", _("Hồ sơ đã giải quyết"), _("(7) = (8) + (9) + (10)"), ("resolved_total",)),
    Kpi("on_time_rate", _("Giải quyết đúng hạn"), _("((8) + (9)) / (7): trước hạn và đúng hạn "
                                                     "trên số đã giải quyết"),
        ("resolved_early", "resolved_on_time"), ("resolved_total",)),
    Kpi("early_rate", _("Giải quyết trước hạn"), _("(8) / (7)"), ("resolved_early",),
        ("resolved_total",)),
    Kpi("late_rate", _("Giải quyết quá hạn"), _("(10) / (7)"), ("resolved_late",),
        ("resolved_total",), higher_is_better=False),
    Kpi("online_rate", _("Tiếp nhận trực tuyến"), _("(4) / ((4) + (5)): trên số nhận trong kỳ"),
        ("received_online",), RECEIVED_IN_PERIOD),
    Kpi("postal_rate", _("Tiếp nhận qua bưu chính"), _("(5b) / ((4) + (5)): trên số nhận "
                                                        "trong kỳ"),
        ("received_postal",), RECEIVED_IN_PERIOD),
    Kpi("progress_rate", _("Tiến độ giải quyết"), _("((8) + (9) + (12)) / ((7) + (11)): "
                                                    "đúng hạn và còn trong hạn trên số đã và "
                                                    "đang giải quyết"),
        ("resolved_early", "resolved_on_time", "pending_in_time"),
        ("resolved_total", "pending_total")),
    Kpi("overdue_pending_rate", _("Đang giải quyết quá hạn"), _("(13) / (11)"),
        ("pending_overdue",), ("pending_total",), higher_is_better=False),
)}

#: The KPI a ranking is ordered by unless the user chooses another (pages, CSV, public page, API).
DEFAULT_KPI = "on_time_rate"

#: Rates a ranking may be ordered by (counts rank size, not performance).
RANKABLE = ("on_time_rate", "early_rate", "late_rate", "online_rate", "postal_rate",
            "overdue_pending_rate", "received", "resolved")


def kpi_values(totals: Mapping[str, int]) -> dict[str, Decimal | int | None]:
    return {key: kpi.value(totals) for key, kpi in KPIS.items()}
