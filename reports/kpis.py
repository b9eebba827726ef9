"""The one definition of every dossier KPI (docs/domain.md §4).

Each KPI says how it is computed from the counts of form II.06a, with the formula in the
column numbers users know, and where it appears (``shown_in``): the dashboard and the API show
every KPI; the rankings, the workbook, the per-unit CSV and the public page each a part of them,
listed here and nowhere else. Rates are computed from summed counts — never by averaging
percentages — and rounded (half up) only when written, each channel in its own way
(``cchc.formatting``: ``PAGE``, ``WORKBOOK``, ``SUMMARY_CSV``, ``PUBLIC_CSV``, ``API_*``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cchc.formatting import PAGE, Output

RECEIVED_IN_PERIOD = ("received_online", "received_in_person", "received_postal")

#: Where a KPI appears besides the dashboard and the API (which show them all):
#: the ranking pages' columns, the KPIs a ranking may be ordered by, and the workbook's per-unit
#: and ranking sheets;
RANKING = "ranking"
#: the per-unit CSV (three rates: its columns are read by position and never change);
SUMMARY_CSV = "summary_csv"
#: the public results page and its CSV (every rate).
PUBLIC = "public"


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    formula: str  # shown next to the number
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()  # empty: a count, not a rate
    higher_is_better: bool = True
    shown_in: frozenset[str] = frozenset()

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

    def writer(self, output: Output) -> Callable:
        """The function writing this KPI's values in ``output``'s encoding (chosen once per
        column, then called for each cell)."""
        return output.writer(self.is_rate)

    def display(self, value) -> str:
        """96,86 % for a rate, 20.593 for a count, – for no value (``PAGE``)."""
        return PAGE.write(value, self.is_rate)


KPIS: dict[str, Kpi] = {kpi.key: kpi for kpi in (
    Kpi("received", _("Hồ sơ nhận giải quyết"), _("(3) = (4) + (5) + (6)"),
        ("received_total",), shown_in=frozenset({RANKING})),
    Kpi("resolved", _("Hồ sơ đã giải quyết"), _("(7) = (8) + (9) + (10)"), ("resolved_total",),
        shown_in=frozenset({RANKING})),
    Kpi("on_time_rate", _("Giải quyết đúng hạn"), _("((8) + (9)) / (7): trước hạn và đúng hạn "
                                                     "trên số đã giải quyết"),
        ("resolved_early", "resolved_on_time"), ("resolved_total",),
        shown_in=frozenset({RANKING, SUMMARY_CSV, PUBLIC})),
    Kpi("early_rate", _("Giải quyết trước hạn"), _("(8) / (7)"), ("resolved_early",),
        ("resolved_total",), shown_in=frozenset({RANKING, SUMMARY_CSV, PUBLIC})),
    Kpi("late_rate", _("Giải quyết quá hạn"), _("(10) / (7)"), ("resolved_late",),
        ("resolved_total",), higher_is_better=False, shown_in=frozenset({RANKING, PUBLIC})),
    Kpi("online_rate", _("Tiếp nhận trực tuyến"), _("(4) / ((4) + (5)): trên số nhận trong kỳ"),
        ("received_online",), RECEIVED_IN_PERIOD,
        shown_in=frozenset({RANKING, SUMMARY_CSV, PUBLIC})),
    Kpi("postal_rate", _("Tiếp nhận qua bưu chính"), _("(5b) / ((4) + (5)): trên số nhận "
                                                        "trong kỳ"),
        ("received_postal",), RECEIVED_IN_PERIOD, shown_in=frozenset({RANKING, PUBLIC})),
    Kpi("progress_rate", _("Tiến độ giải quyết"), _("((8) + (9) + (12)) / ((7) + (11)): "
                                                    "đúng hạn và còn trong hạn trên số đã và "
                                                    "đang giải quyết"),
        ("resolved_early", "resolved_on_time", "pending_in_time"),
        ("resolved_total", "pending_total"), shown_in=frozenset({PUBLIC})),
    Kpi("overdue_pending_rate", _("Đang giải quyết quá hạn"), _("(13) / (11)"),
        ("pending_overdue",), ("pending_total",), higher_is_better=False,
        shown_in=frozenset({RANKING, PUBLIC})),
)}

#: The KPI a ranking is ordered by unless the user chooses another (pages, CSV, public page, API).
DEFAULT_KPI = "on_time_rate"


def kpis_in(channel: str) -> tuple[Kpi, ...]:
    """The KPIs shown in ``channel``, in the order of ``KPIS``."""
    return tuple(kpi for kpi in KPIS.values() if channel in kpi.shown_in)


#: The ranking's columns: the counts, then the rates.
RANKING_KPIS = kpis_in(RANKING)
#: The rates among them (the workbook's rate columns).
RANKING_RATES = tuple(kpi for kpi in RANKING_KPIS if kpi.is_rate)
#: What a ranking may be ordered by: its rates first, then its counts (which rank size, not
#: performance); the order of every choice list.
RANKABLE = tuple(kpi.key for kpi in RANKING_RATES) + tuple(
    kpi.key for kpi in RANKING_KPIS if not kpi.is_rate)


def kpi_values(totals: Mapping[str, int]) -> dict[str, Decimal | int | None]:
    return {key: kpi.value(totals) for key, kpi in KPIS.items()}
