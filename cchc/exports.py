"""The one writer of every download (pretix's exporter pattern): a report yields rows, and they
are written here — as CSV text, or as the sheets of an XLSX workbook — and handed to the browser
while they are written.

* CSV: UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly; a text cell a
  spreadsheet would run as a formula is escaped (``cchc.formatting.spreadsheet_text``).
* XLSX: XlsxWriter in constant-memory mode: rows go to disk as they are written, so memory does
  not grow with the number of rows, and a data cell costs no more than a plain value because its
  number format is the column's (XlsxWriter stamps a column's format on every cell written in it
  without one of its own). docs/performance.md has the measurements behind this choice; openpyxl
  stays the reader (uploads, tests). Rows must be written top to bottom.
"""

from __future__ import annotations

import csv
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import xlsxwriter
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from cchc.formatting import spreadsheet_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


# --- CSV ------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_text(rows: Iterable[list]) -> Iterator[str]:
    """Rows as CSV text, a byte-order mark first; yielded line by line, for streaming responses
    and files alike. Every CSV of the app is written here."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([spreadsheet_text(value) for value in row])


def csv_response(rows: Iterable[list], filename: str, *, streaming: bool = True
                 ) -> HttpResponse:
    """The download of ``rows`` as ``filename``: streamed while the rows are read, or (for a
    file small enough to be answered at once, as the public ones) in one piece."""
    if streaming:
        response = StreamingHttpResponse(csv_text(rows), content_type=CSV)
    else:
        response = HttpResponse("".join(csv_text(rows)), content_type=CSV)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- XLSX -----------------------------------------------------------------------------------

COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
POINTS_FORMAT = "0.00"

_BASE = {"font_name": "Calibri", "font_size": 11}
#: Every cell style of the workbooks, by name.
STYLES = {
    "title": {"bold": True, "font_size": 13, "align": "center", "valign": "vcenter",
              "text_wrap": True},
    "subtitle": {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True},
    "head": {"bold": True, "bg_color": "#E8EEF7", "pattern": 1, "align": "center",
             "valign": "vcenter", "text_wrap": True, "border": 1},
    # The PAR results' title and headings, as they have always been: left-aligned.
    "title_left": {"bold": True, "font_size": 13},
    "head_left": {"bold": True, "bg_color": "#E8EEF7", "pattern": 1, "text_wrap": True,
                  "valign": "vcenter", "border": 1},
    "cell": {"border": 1},
    "centred": {"border": 1, "align": "center", "valign": "vcenter"},
    "bold": {"border": 1, "bold": True},
    "count": {"border": 1, "num_format": COUNT_FORMAT},
    "count_bold": {"border": 1, "bold": True, "num_format": COUNT_FORMAT},
    "count_column": {"num_format": COUNT_FORMAT},
    "percent_column": {"num_format": PERCENT_FORMAT},
    "points_column": {"num_format": POINTS_FORMAT},
    "sign": {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True},
    "sign_note": {"italic": True, "align": "center", "valign": "vcenter", "text_wrap": True},
}


@dataclass
class Table:
    """A sheet of one row per unit: a title, a blank row, a row of ``headings`` (row 3,
    repeated on every printed page, with an autofilter), then ``rows``. Each column has its
    width and its number format (a name of ``STYLES``, or None), set once for the column."""

    name: str
    title: str
    headings: list[str]
    widths: list[int]
    formats: list[str | None]
    rows: Iterable[list]
    freeze_column: int
    heading_height: int
    title_style: str = "title"
    head_style: str = "head"


class Workbook:
    """An XLSX file being written to ``stream`` (a path or a binary file object, which need not
    be seekable), with every style of ``STYLES`` and the document's ``properties``."""

    def __init__(self, stream, properties: dict | None = None):
        # Text is text: a unit name never becomes a formula or a link.
        self.book = xlsxwriter.Workbook(stream, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self.styles = {name: self.book.add_format({**_BASE, **style})
                       for name, style in STYLES.items()}
        if properties:
            self.book.set_properties(properties)

    def sheet(self, name: str, *, header_rows: tuple[int, int], freeze: tuple[int, int]):
        """A new sheet with the page set-up of every sheet: A4 landscape, fit to width, header
        rows on every page. Rows and columns are counted from 0, as XlsxWriter does."""
        sheet = self.book.add_worksheet(name)
        sheet.freeze_panes(*freeze)
        sheet.repeat_rows(*header_rows)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        return sheet

    def title_rows(self, sheet, lines: list[str], width: int, style: str = "title") -> None:
        """``lines`` merged across ``width`` columns from the top, the first in ``style``."""
        for row, line in enumerate(lines):
            sheet.merge_range(row, 0, row, width - 1, line,
                              self.styles[style] if row == 0 else self.styles["subtitle"])

    def table(self, table: Table) -> None:
        sheet = self.sheet(table.name, header_rows=(2, 2), freeze=(3, table.freeze_column))
        width = len(table.headings)
        for column, (column_width, style) in enumerate(zip(table.widths, table.formats,
                                                           strict=True)):
            sheet.set_column(column, column, column_width,
                             self.styles[style] if style else None)
        self.title_rows(sheet, [table.title], width, table.title_style)
        sheet.set_row(2, table.heading_height)  # the long headings wrap
        sheet.write_row(2, 0, table.headings, self.styles[table.head_style])
        last = 2
        for last, values in enumerate(table.rows, start=3):
            sheet.write_row(last, 0, values)
        sheet.autofilter(2, 0, max(last, 3), width - 1)

    def close(self) -> None:
        self.book.close()


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


def xlsx_response(write: Callable[[object], None], filename: str) -> StreamingHttpResponse:
    """The download of the workbook ``write(file)`` writes, streamed while it is written."""
    response = StreamingHttpResponse(stream(write), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
