"""PAR results as CSV and Excel, from ``cchc.scores.selectors`` (the pages' numbers)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from cchc.formatting import csv_decimal
from cchc.scores.selectors import ParResult
from reports.exports import csv_text

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
        workbook = xlsxwriter.Workbook(stream, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        head = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "pattern": 1,
                                    "text_wrap": True, "valign": "vcenter", "border": 1})
        points = workbook.add_format({"num_format": "0.00"})
        percent = workbook.add_format({"num_format": "0.00"})
        sheet = workbook.add_worksheet(_("Chỉ số CCHC"))
        headings = [_("Mã"), _("Đơn vị")] + [f"{a.criterion.code}. {a.criterion.title} "
                                              f"({a.criterion.max_points})" for a in areas]
        headings += [_("Tổng điểm"), _("Điểm tối đa"), _("Chỉ số (%)"), _("Xếp hạng"),
                     _("Xếp loại")]
        sheet.set_column(0, 0, 9)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 3 + len(areas), 12, points)
        sheet.set_column(4 + len(areas), 4 + len(areas), 11, percent)
        sheet.set_column(5 + len(areas), 6 + len(areas), 12)
        sheet.merge_range(0, 0, 0, len(headings) - 1, title,
                          workbook.add_format({"bold": True, "font_size": 13}))
        sheet.set_row(2, 60)
        sheet.write_row(2, 0, headings, head)
        sheet.freeze_panes(3, 2)
        sheet.repeat_rows(2, 2)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        row = 2
        for row, result in enumerate(results, start=3):
            by_code = {a.criterion.code: a.points for a in result.areas}
            sheet.write_row(row, 0, [
                result.unit.code, result.unit.name,
                *(_number(by_code.get(a.criterion.code)) for a in areas),
                _number(result.points), _number(result.max_points),
                _number(result.index_percent), result.rank_display, result.band])
        sheet.autofilter(2, 0, max(row, 3), len(headings) - 1)
        workbook.close()


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
