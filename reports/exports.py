"""Excel and CSV summaries in the official layout, from the same selectors as the pages.

One writer per sheet over rows the selectors return; workbooks are write-only (openpyxl keeps
one row at a time, so memory does not grow with the number of rows) and can be streamed to the
browser while they are written (``stream``).
"""

from __future__ import annotations

import csv
import datetime
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from cchc.accounts.access import receiving_unit_name
from cchc.dossiers.columns import COLUMNS, PENDING, RECEIVED, RESOLVED
from cchc.units.models import AdministrativeUnit, Level
from reports import selectors
from reports.kpis import KPIS

COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
RATE_KEYS = ("on_time_rate", "early_rate", "late_rate", "online_rate", "postal_rate",
             "overdue_pending_rate")
CSV_COLUMNS = (
    "unit_code", "unit_name", "unit_level", "parent_code", "period",
    *(column.field for column in COLUMNS),
    "on_time_rate", "early_rate", "online_rate",
)
LEVEL_NAMES = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: "commune"}

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


@dataclass
class Summary:
    """Everything a summary of (unit, period) shows, read once from the selectors."""

    root: AdministrativeUnit
    period: object
    by_field: list[tuple[str, dict]]
    totals: dict
    rows: list[selectors.UnitRow]
    ranking: selectors.Ranking
    receiver: str


def summary_for(root, period, units=None, *, kpi_key: str = "on_time_rate") -> Summary:
    """The dashboard's figures by field for ``root`` itself, and ``units`` (by default its
    children) as the ranking page shows them."""
    board = selectors.unit_dashboard(root, period)
    units = list(selectors.ranking_units(root, period) if units is None else units)
    with translation.override("vi"):  # printed on the official form, always in Vietnamese
        receiver = receiving_unit_name(root, period.end)
    return Summary(root, period, board.by_field, board.totals,
                   selectors.unit_rows(units, period), selectors.ranking(units, period, kpi_key),
                   receiver)


# --- workbook -------------------------------------------------------------------------------


def _cell(sheet, value, *, font=None, fill=None, number_format=None, alignment=None,
          border=True):
    cell = WriteOnlyCell(sheet, value=value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if alignment:
        cell.alignment = alignment
    if border:
        cell.border = _BORDER
    return cell


def _number(sheet, value, number_format):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _rate(value):
    return None if value is None else float(value)


def _prepare(sheet, *, widths, header_rows: str, freeze: str) -> None:
    """Page set-up of every sheet: A4 landscape, fit to width, header rows on every page."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.print_title_rows = header_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _title_rows(sheet, lines: list[str], width: int) -> None:
    for number, line in enumerate(lines, start=1):
        sheet.merged_cells.add(f"A{number}:{get_column_letter(width)}{number}")
        sheet.append([_cell(sheet, line, font=_TITLE if number == 1 else _BOLD,
                            alignment=_CENTER, border=False)])


def _signature(sheet, summary: Summary, width: int, first_row: int) -> None:
    """Người lập biểu on the left; place, date and thủ trưởng đơn vị on the right, below the
    table whose last row is ``first_row``."""
    today = timezone.localdate()
    place = summary.root.province.short_name if summary.root.province else \
        summary.root.short_name
    right = get_column_letter(width)
    middle = get_column_letter(width - 4)
    lines = [
        ("", _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s") % {
            "place": place, "d": today.day, "m": today.month, "y": today.year}),
        (_("NGƯỜI LẬP BIỂU"), _("THỦ TRƯỞNG ĐƠN VỊ")),
        (_("(Ký, ghi rõ họ tên)"), _("(Ký tên, đóng dấu)")),
    ]
    sheet.append([])  # a blank row after the table, then the lines below it
    for offset, (left_text, right_text) in enumerate(lines, start=2):
        row = first_row + offset
        sheet.merged_cells.add(f"A{row}:D{row}")
        sheet.merged_cells.add(f"{middle}{row}:{right}{row}")
        font = _BOLD if offset == 3 else Font(italic=offset != 3)
        cells = [_cell(sheet, left_text, font=font, alignment=_CENTER, border=False)]
        cells += [None] * (width - 5 - len(cells))
        cells.append(_cell(sheet, right_text, font=font, alignment=_CENTER, border=False))
        sheet.append(cells)


def _form_sheet(workbook, summary: Summary) -> None:
    sheet = workbook.create_sheet(_("Biểu II.06a"))
    width = 2 + len(COLUMNS)
    _prepare(sheet, widths=[6, 34] + [11] * len(COLUMNS), header_rows="6:8", freeze="C9")
    period = summary.period
    _title_rows(sheet, [
        _("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
        _("Biểu II.06a/VPCP/KSTT"),
        _("Đơn vị báo cáo: %(unit)s – Đơn vị nhận báo cáo: %(receiver)s") % {
            "unit": summary.root.name, "receiver": summary.receiver},
        _("Kỳ báo cáo: %(period)s (số liệu từ ngày %(start)s đến ngày %(end)s)") % {
            "period": period.label, "start": f"{period.cutoff_start:%d/%m/%Y}",
            "end": f"{period.cutoff_end:%d/%m/%Y}"},
        _("Đơn vị tính: số hồ sơ TTHC"),
    ], width)
    # Two-row header: the three groups over their columns, STT and Lĩnh vực merged down.
    for cells in ("A6:A7", "B6:B7", "C6:G6", "H6:K6", "L6:N6"):
        sheet.merged_cells.add(cells)
    sheet.row_dimensions[7].height = 32  # two lines for the longest label
    header = {"received_total": RECEIVED, "resolved_total": RESOLVED, "pending_total": PENDING}

    def head(value):
        return _cell(sheet, str(value), font=_BOLD, fill=_HEADER_FILL, alignment=_CENTER)

    sheet.append([head(_("STT")), head(_("Lĩnh vực"))] + [
        head(header.get(column.field, "")) for column in COLUMNS])
    sheet.append([head(""), head("")] + [head(column.label) for column in COLUMNS])
    sheet.append([head("(1)"), head("(2)")] + [head(column.number) for column in COLUMNS])
    for number, (name, totals) in enumerate(summary.by_field, start=1):
        sheet.append([_cell(sheet, number, alignment=_CENTER), _cell(sheet, name)] + [
            _cell(sheet, totals[c.field], number_format=COUNT_FORMAT) for c in COLUMNS])
    sheet.append([_cell(sheet, ""), _cell(sheet, _("Tổng cộng"), font=_BOLD)] + [
        _cell(sheet, summary.totals[c.field], font=_BOLD, number_format=COUNT_FORMAT)
        for c in COLUMNS])
    _signature(sheet, summary, width, first_row=9 + len(summary.by_field))


def _units_sheet(workbook, summary: Summary) -> None:
    sheet = workbook.create_sheet(_("Theo đơn vị"))
    rates = [KPIS[key] for key in RATE_KEYS]
    width = 4 + len(COLUMNS) + len(rates)
    _prepare(sheet, widths=[9, 30, 12, 24] + [11] * len(COLUMNS) + [12] * len(rates),
             header_rows="3:3", freeze="C4")
    sheet.auto_filter.ref = f"A3:{get_column_letter(width)}{3 + max(len(summary.rows), 1)}"
    sheet.row_dimensions[3].height = 80  # the long column headings wrap
    _title_rows(sheet, [_("Số liệu theo đơn vị – %(unit)s – %(period)s") % {
        "unit": summary.root.name, "period": summary.period.label}], width)
    sheet.append([])

    def head(value):
        return _cell(sheet, str(value), font=_BOLD, fill=_HEADER_FILL, alignment=_CENTER)

    sheet.append([head(_("Mã")), head(_("Đơn vị")), head(_("Cấp")), head(_("Thuộc"))]
                 + [head(f"{c.number} {c.group} – {c.label}") for c in COLUMNS]
                 + [head(f"{kpi.label} {kpi.formula}") for kpi in rates])
    # Data rows carry only the number formats they need (no borders): styling every cell of a
    # 10,000-row sheet would cost more than writing it.
    level_names = {level.value: str(level.label) for level in Level}  # once, not per row
    for row in summary.rows:
        unit = row.unit
        sheet.append(
            [unit.code, unit.name, level_names[unit.level],
             unit.parent.name if unit.parent else ""]
            + [_number(sheet, row.totals[c.field], COUNT_FORMAT) for c in COLUMNS]
            + [_number(sheet, _rate(row.values[kpi.key]), PERCENT_FORMAT) for kpi in rates])


def _ranking_sheet(workbook, summary: Summary) -> None:
    sheet = workbook.create_sheet(_("Xếp hạng"))
    ranking = summary.ranking
    rates = [KPIS[key] for key in RATE_KEYS]
    width = 4 + 2 + len(rates)
    _prepare(sheet, widths=[9, 10, 9, 30, 12, 12] + [12] * len(rates), header_rows="3:3",
             freeze="E4")
    sheet.auto_filter.ref = f"A3:{get_column_letter(width)}{3 + max(len(ranking.rows), 1)}"
    sheet.row_dimensions[3].height = 45
    _title_rows(sheet, [_("Xếp hạng theo %(kpi)s – %(unit)s – %(period)s") % {
        "kpi": ranking.kpi.label, "unit": summary.root.name, "period": summary.period.label}],
        width)
    sheet.append([])

    def head(value):
        return _cell(sheet, str(value), font=_BOLD, fill=_HEADER_FILL, alignment=_CENTER)

    sheet.append([head(_("Hạng")), head(_("So với kỳ trước")), head(_("Mã")), head(_("Đơn vị")),
                  head(KPIS["received"].label), head(KPIS["resolved"].label)]
                 + [head(kpi.label) for kpi in rates])
    size = ranking.size
    for row in ranking.rows:
        change = row.rank_change
        arrow = "–" if not change else (f"↑ {change}" if change > 0 else f"↓ {-change}")
        sheet.append(
            [f"{row.rank}/{size}" if row.rank else "–", arrow, row.unit.code, row.unit.name,
             _number(sheet, row.values["received"], COUNT_FORMAT),
             _number(sheet, row.values["resolved"], COUNT_FORMAT)]
            + [_number(sheet, _rate(row.values[kpi.key]), PERCENT_FORMAT) for kpi in rates])


def write_workbook(summary: Summary, stream) -> None:
    """The summary workbook — Biểu II.06a, Theo đơn vị, Xếp hạng — written to ``stream``.

    Always in Vietnamese, whatever the interface language: it is the official form that is
    forwarded upward and printed.
    """
    with translation.override("vi"):
        _write_workbook(summary, stream)


def _write_workbook(summary: Summary, stream) -> None:
    workbook = Workbook(write_only=True)
    workbook.properties.title = _("Tình hình, kết quả giải quyết TTHC – %(unit)s – %(period)s") \
        % {"unit": summary.root.name, "period": summary.period.label}
    workbook.properties.subject = _("Biểu II.06a/VPCP/KSTT")
    workbook.properties.creator = "Báo cáo CCHC"
    workbook.properties.created = datetime.datetime.now()
    _form_sheet(workbook, summary)
    _units_sheet(workbook, summary)
    _ranking_sheet(workbook, summary)
    workbook.save(stream)


# --- CSV ------------------------------------------------------------------------------------


def csv_rows(rows: Iterable[selectors.UnitRow], period) -> Iterator[list]:
    """The per-unit sheet as CSV rows, header first: rates as decimals with 4 places, empty
    when their denominator is 0."""
    yield list(CSV_COLUMNS)
    for row in rows:
        unit = row.unit
        yield [unit.code, unit.name, LEVEL_NAMES[unit.level],
               unit.parent.code if unit.parent else "", period.code,
               *(row.totals[c.field] for c in COLUMNS),
               *("" if row.values[key] is None else f"{row.values[key]:.4f}"
                 for key in ("on_time_rate", "early_rate", "online_rate"))]


class _Echo:
    def write(self, value):
        return value


def iter_csv(rows, period) -> Iterator[str]:
    """UTF-8 text with a byte-order mark, so Excel shows Vietnamese correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in csv_rows(rows, period):
        yield writer.writerow(row)


# --- streaming ------------------------------------------------------------------------------


class _QueueWriter:
    """A write-only file whose writes are handed over to the response as they happen."""

    def __init__(self, chunks: queue.Queue):
        self.chunks = chunks

    def write(self, data) -> int:
        if data:
            self.chunks.put(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def stream(write: Callable[[object], None]) -> Iterator[bytes]:
    """Run ``write(file)`` in a thread and yield what it writes as it writes it, so a download
    starts before the file is complete. ``write`` must not touch the database."""
    chunks: queue.Queue = queue.Queue(maxsize=64)
    failure: list[BaseException] = []
    done = object()

    def run():
        try:
            write(_QueueWriter(chunks))
        except BaseException as exc:  # reported to the response below
            failure.append(exc)
        finally:
            chunks.put(done)

    threading.Thread(target=run, daemon=True).start()
    while (chunk := chunks.get()) is not done:
        yield chunk
    if failure:
        raise failure[0]
