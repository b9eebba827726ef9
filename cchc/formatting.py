"""Numbers the Vietnamese way: 20.593 hồ sơ, 96,86 %.

Rates are rounded half up to two decimals for display only; stored and computed values keep
their full precision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def format_count(value: int | None) -> str:
    """20593 → "20.593"; None → "–"."""
    if value is None:
        return "–"
    return f"{value:,}".replace(",", ".")


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """The one rounding of shown figures: half up (96,855 → 96,86), ``places`` decimals."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_of(ratio: Decimal | float, places: int = 2) -> Decimal:
    """A ratio as the percentage every page, CSV and API shows: 0.968571 → 96.86 (half up)."""
    return round_half_up(Decimal(str(ratio)) * 100, places)


def format_percent(ratio: Decimal | float | None, places: int = 2) -> str:
    """A ratio (0.96857…) as a Vietnamese percentage, rounded half up: "96,86 %"."""
    if ratio is None:
        return "–"
    percent = percent_of(ratio, places)
    whole, _, fraction = f"{percent:f}".partition(".")
    whole = format_count(int(whole)) if whole.lstrip("-").isdigit() else whole
    return f"{whole},{fraction} %" if fraction else f"{whole} %"


def csv_decimal(value: Decimal | None, places: int = 2) -> str:
    """A number as CSV files write it (a dot, half up): 90.925 → "90.93"; None → ""."""
    return "" if value is None else str(round_half_up(value, places))


def format_decimal(value: Decimal | float, places: int = 1) -> str:
    """A measured number, rounded half up: 168.84 → "168,8", 3.5 → "3,5", 48.0 → "48"."""
    return format_points(round_half_up(Decimal(str(value)), places))


def format_points(value: Decimal) -> str:
    """PAR points: 85.40 → "85,4", 10 → "10", 1234.5 → "1.234,5"."""
    whole, _, fraction = f"{Decimal(value).normalize():f}".partition(".")
    whole = format_count(int(whole))
    return f"{whole},{fraction}" if fraction else whole


#: The minus sign of shown changes (U+2212), as the dashboards write "−2,11".
MINUS = "\u2212"


def format_fixed(value: Decimal | float | None, places: int = 2) -> str:
    """A shown score with exactly ``places`` decimals, rounded half up: PAR points and
    indexes, 766 scores. 80 → "80,00", 90.925 → "90,93", 1234.5 → "1.234,50", −2.11 →
    "−2,11" (the real minus sign); None → "–"."""
    if value is None:
        return "–"
    rounded = round_half_up(Decimal(str(value)), places)
    sign = MINUS if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    whole = format_count(int(whole))
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


def format_change(value: Decimal | float | int | None, places: int = 2) -> str:
    """A change with its sign, as the dashboards show it: "+7,67", "−2,11" (U+2212),
    "±0,00"; ``places=0`` for counts ("+1.250"); None → "–"."""
    if value is None:
        return "–"
    rounded = round_half_up(Decimal(str(value)), places)
    sign = "+" if rounded > 0 else (MINUS if rounded < 0 else "±")
    return sign + format_fixed(abs(rounded), places)


def _same(value):
    return value


@dataclass(frozen=True)
class Output:
    """How one channel writes a KPI's value: a rate (a ratio in [0, 1]) by ``rate``, a count
    by ``count``, no value (a rate whose denominator is 0) as ``missing``. Every channel's
    rounding is ``round_half_up``."""

    rate: Callable
    count: Callable = _same
    missing: object = None

    def write(self, value, is_rate: bool):
        if value is None:
            return self.missing
        return self.rate(value) if is_rate else self.count(value)

    def writer(self, is_rate: bool) -> Callable:
        """``write`` for one kind of value, chosen once for a column of cells."""
        encode, missing = (self.rate if is_rate else self.count), self.missing
        if encode is _same and missing is None:
            return _same  # written as it is, no value too (one call a cell)
        return lambda value: missing if value is None else encode(value)


def _ratio_text(places: int) -> Callable:
    return lambda ratio: f"{round_half_up(ratio, places):f}"


def _percent_text(ratio) -> str:
    return f"{percent_of(ratio):f}"


#: The pages: "96,86 %", "20.593", "–".
PAGE = Output(rate=format_percent, count=format_count, missing="–")
#: Workbook cells: the ratio as a number, shown by its column's format ("0.00%"); no value is
#: an empty cell.
WORKBOOK = Output(rate=float)
#: The per-unit CSV: the ratio with 4 decimals ("0.9686"), empty for no value.
SUMMARY_CSV = Output(rate=_ratio_text(4), missing="")
#: The public CSV: the percentage with 2 decimals, as its page shows it ("96.86"), or empty.
PUBLIC_CSV = Output(rate=_percent_text, missing="")
#: The API's ``value``: the ratio with 6 decimals ("0.968571"), a count as text ("90"), null;
API_VALUE = Output(rate=_ratio_text(6), count=str)
#: and its ``percent``: the rate in % with 2 decimals ("96.86"), null for a count.
API_PERCENT = Output(rate=_percent_text, count=lambda _count: None)


#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection"): a text cell that
#: begins with one of these is run by Excel or LibreOffice, not shown.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def spreadsheet_text(value):
    """A cell for a CSV file, made safe to open in a spreadsheet: text that begins with
    ``FORMULA_STARTS`` gets a leading apostrophe, so it is shown as typed and never run
    (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``). Numbers, and text that is only a number
    (``-1.50``, as ``csv_decimal`` writes it), are left alone; so is every other value."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
