"""PAR results as CSV and Excel, from ``cchc.scores.selectors`` (the pages' numbers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from cchc.exports import Table, Workbook, csv_text
from cchc.formatting import csv_decimal
from cchc.scores.selectors import ParResult

CSV_COLUMNS = ("unit_code", "unit_name", "year", "points", "max_points", "index_percent", "rank",
               "rank_of", "band")


def csv_rows(results: Iterable[ParResult]) -> Iterator[list]:
    """Header, then one row per unit: points and index with two decimals (``90.92``)."""
    yield list(CSV_COLUMNS)
    for result in results:
        yield [result.unit.code, result.unit.name, result.assessment.scheme.year,
               csv_decimal(result.points), csv_decimal(result.max_points),
               csv_decimal(result.index_percent), result.rank or "", result.rank_of or "",
               result.band]


def iter_csv(results: Iterable[ParResult]) -> Iterator[str]:
    """The results as CSV (UTF-8 with a byte-order mark), as the dossier summaries are."""
    return csv_text(csv_rows(results))


def write_workbook(results: list[ParResult], title: str, stream) -> None:
    """One row per unit, one column per area (the scheme's top-level criteria), then the total,
    the index, the rank and the band. Always in Vietnamese (forwarded and printed)."""
    with translation.override("vi"):
        areas = results[0].areas if results else []
        workbook = Workbook(stream)
        workbook.table(Table(
            name=_("Chỉ số CCHC"), title=title,
            headings=[_("Mã"), _("Đơn vị")]
            + [f"{a.criterion.code}. {a.criterion.title} ({a.criterion.max_points})"
               for a in areas]
            + [_("Tổng điểm"), _("Điểm tối đa"), _("Chỉ số (%)"), _("Xếp hạng"), _("Xếp loại")],
            widths=[9, 30] + [12] * (len(areas) + 2) + [11, 12, 12],
            formats=[None, None] + ["points_column"] * (len(areas) + 3) + [None, None],
            freeze_column=2, heading_height=60, title_style="title_left",
            head_style="head_left", rows=_rows(results, areas)))
        workbook.close()


def _rows(results: list[ParResult], areas) -> Iterator[list]:
    for result in results:
        by_code = {a.criterion.code: a.points for a in result.areas}
        yield [result.unit.code, result.unit.name,
               *(_number(by_code.get(a.criterion.code)) for a in areas),
               _number(result.points), _number(result.max_points),
               _number(result.index_percent), result.rank_display, result.band]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
