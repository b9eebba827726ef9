"""The one notation for reporting periods, used in URLs, commands and files.

``2023-Q4`` quarter, ``2024-H1`` six months, ``2024-9M`` nine months, ``2024`` year,
``2024-M03`` month. Dates follow docs/domain.md §3 (Nghị định 09/2019/NĐ-CP, điều 12): a period
covers its calendar months, and its data cut-off window (thời gian chốt số liệu) runs from the
15th of the month before it starts to the 14th of its last month.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

PATTERN = r"\d{4}(?:-(?:Q[1-4]|H1|9M|M(?:0[1-9]|1[0-2])))?"
_FULL = re.compile(rf"^{PATTERN}$")

MONTH, QUARTER, YEAR = "month", "quarter", "year"
HALF_YEAR, NINE_MONTHS = "half-year", "nine-months"


#: The years a period can name: every date a period derives (the cut-off starts in the year
#: before, the previous period too) must exist.
FIRST_YEAR, LAST_YEAR = 1900, 9998


class InvalidPeriodCode(ValueError):
    pass


@dataclass(frozen=True)
class PeriodSpec:
    """A period named by its code, with every date derived from the rules of docs/domain.md §3."""

    kind: str
    year: int
    number: int  # month 1-12, quarter 1-4; 1 for the single half-year, nine months and year

    @classmethod
    def parse(cls, code: str) -> PeriodSpec:
        text = (code or "").strip().upper()
        if not _FULL.match(text):
            raise InvalidPeriodCode(
                _(
                    "Kỳ báo cáo «%(code)s» không hợp lệ. Dùng dạng 2023-Q4 (quý), 2024-H1 "
                    "(6 tháng), 2024-9M (9 tháng), 2024 (năm) hoặc 2024-M03 (tháng)."
                )
                % {"code": code}
            )
        year = int(text[:4])
        if not FIRST_YEAR <= year <= LAST_YEAR:  # 0000-Q1 has no dates (nor a code to link to)
            raise InvalidPeriodCode(
                _("Kỳ báo cáo «%(code)s» không hợp lệ: năm phải từ %(first)s đến %(last)s.")
                % {"code": code, "first": FIRST_YEAR, "last": LAST_YEAR})
        suffix = text[5:]
        if not suffix:
            return cls(YEAR, year, 1)
        if suffix.startswith("Q"):
            return cls(QUARTER, year, int(suffix[1]))
        if suffix == "H1":
            return cls(HALF_YEAR, year, 1)
        if suffix == "9M":
            return cls(NINE_MONTHS, year, 1)
        return cls(MONTH, year, int(suffix[1:]))

    @property
    def code(self) -> str:
        return {
            YEAR: f"{self.year}",
            QUARTER: f"{self.year}-Q{self.number}",
            HALF_YEAR: f"{self.year}-H1",
            NINE_MONTHS: f"{self.year}-9M",
            MONTH: f"{self.year}-M{self.number:02d}",
        }[self.kind]

    @property
    def first_month(self) -> int:
        if self.kind == MONTH:
            return self.number
        if self.kind == QUARTER:
            return 3 * self.number - 2
        return 1

    @property
    def last_month(self) -> int:
        return {
            MONTH: self.number,
            QUARTER: 3 * self.number,
            HALF_YEAR: 6,
            NINE_MONTHS: 9,
            YEAR: 12,
        }[self.kind]

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        last_day = calendar.monthrange(self.year, self.last_month)[1]
        return datetime.date(self.year, self.last_month, last_day)

    @property
    def cutoff_start(self) -> datetime.date:
        """The 15th of the month before the period (15/12 of the previous year for H1, 9M, year)."""
        if self.first_month == 1:
            return datetime.date(self.year - 1, 12, 15)
        return datetime.date(self.year, self.first_month - 1, 15)

    @property
    def cutoff_end(self) -> datetime.date:
        """The 14th of the period's last month."""
        return datetime.date(self.year, self.last_month, 14)

    def quarters(self) -> list[PeriodSpec]:
        """The quarters a half-year, nine months or year is made of (empty for a month)."""
        if self.kind == MONTH:
            return []
        if self.kind == QUARTER:
            return [self]
        return [PeriodSpec(QUARTER, self.year, q) for q in range(1, self.last_month // 3 + 1)]

    def previous(self) -> PeriodSpec:
        """The period of the same kind just before this one."""
        if self.kind == MONTH:
            if self.number == 1:
                return PeriodSpec(MONTH, self.year - 1, 12)
            return PeriodSpec(MONTH, self.year, self.number - 1)
        if self.kind == QUARTER:
            if self.number == 1:
                return PeriodSpec(QUARTER, self.year - 1, 4)
            return PeriodSpec(QUARTER, self.year, self.number - 1)
        return PeriodSpec(self.kind, self.year - 1, 1)


class PeriodCodeConverter:
    """URL converter: ``path("<period:period>/", ...)`` passes the code string through."""

    regex = PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return getattr(value, "code", value)
