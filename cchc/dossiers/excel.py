"""Form II.06a as an Excel workbook: the template a unit fills in, and reading it back.

One sheet per (unit, period) in the official layout (docs/excel-template.md has the picture):

* rows 1-2: title and form code; rows 4-11: labels in column A, values in column C —
  C4 unit name, C5 unit code, C6 unit list (2008 / 2025), C7 receiving unit, C8 period code
  (2023-Q4), C9 / C10 cut-off from / to (dd/mm/yyyy), C11 unit of measure;
* rows 13-15: the table header (groups, "Trong kỳ" / "Trong đó", column labels), row 16 the column
  numbers (1) … (13) with (5a) and (5b);
* from row 17: one row per field of the unit's level — A STT, B field name, C…N the 12 counts in
  the order of ``columns.COLUMNS``.

Only the count cells are unlocked; the sheet is protected without a password (it prevents
accidents, not tampering: the reader checks everything again). ``read_workbook`` reads such a
workbook back, one sheet or many, and raises ``WorkbookInvalid`` with every problem it finds. This
module never writes to the database.

Templates are written with openpyxl; uploads are read with python-calamine (``UploadedWorkbook``:
the values, a formula's stored result included) beside what the package check saw streaming each
sheet's XML before anything is parsed (``SheetScan``: the used range, and which cells hold which
formula), so the rules on formulas and used ranges are those of the file itself.
"""

from __future__ import annotations

import datetime
import functools
import io
import itertools
import math
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import BinaryIO
from xml.parsers import expat

import python_calamine
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.formula.translate import Translator
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cchc.accounts.access import receiving_unit_name
from cchc.dossiers.columns import COLUMN_BY_FIELD, COLUMNS, IDENTITIES, figure_errors
from cchc.dossiers.models import DossierReport, ProcedureField
from cchc.dossiers.selectors import previous_pending, report_lines
from cchc.formatting import format_count
from cchc.periods.codes import InvalidPeriodCode
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.units.models import AdministrativeUnit, Level, UnitList
from cchc.units.text import fold as _fold_text

_fold_cached = functools.lru_cache(maxsize=4096)(_fold_text)


def fold(text: str) -> str:
    """``cchc.units.text.fold``; field names and labels repeat on every sheet of a workbook,
    so a short text is folded once (a long one, typed over a label, is not kept)."""
    return _fold_cached(text) if len(text) <= 200 else _fold_text(text)


# --- The layout -------------------------------------------------------------------------------

SHEET_TITLE = "Biểu II.06a"
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
FORM_CODE = "Biểu II.06a/VPCP/KSTT"
CREATOR = "Báo cáo CCHC"
UNIT_OF_MEASURE = "số hồ sơ TTHC"

TITLE_CELL = "A1"
FORM_CODE_CELL = "A2"
UNIT_NAME_CELL = "C4"
UNIT_CODE_CELL = "C5"
UNIT_LIST_CELL = "C6"
RECEIVER_CELL = "C7"
PERIOD_CELL = "C8"
CUTOFF_START_CELL = "C9"
CUTOFF_END_CELL = "C10"
MEASURE_CELL = "C11"

#: Label cell → label text, checked when reading (compared folded: accents and case ignored).
HEADER_LABELS = {
    "A4": "Đơn vị báo cáo:",
    "A5": "Mã đơn vị:",
    "A6": "Danh mục:",
    "A7": "Đơn vị nhận báo cáo:",
    "A8": "Kỳ báo cáo:",
    "A9": "Số liệu tính từ ngày:",
    "A10": "Đến ngày:",
    "A11": "Đơn vị tính:",
}

GROUP_ROW, SUBHEADING_ROW, LABEL_ROW = 13, 14, 15
NUMBER_ROW = 16
FIRST_DATA_ROW = 17
#: More rows than any level has fields; a sheet used further down is refused, not scanned.
MAX_DATA_ROWS = 500

FIRST_COUNT_COLUMN = 3  # C
COUNT_LETTERS = {
    column.field: get_column_letter(FIRST_COUNT_COLUMN + i) for i, column in enumerate(COLUMNS)
}
COLUMN_NUMBERS = ("(1)", "(2)", *(column.number for column in COLUMNS))
LAST_COLUMN = len(COLUMN_NUMBERS)  # N
LAST_LETTER = get_column_letter(LAST_COLUMN)

#: Sub-headings of the second header row, over the columns they group. Every other count column
#: (the totals and (6) "từ kỳ trước") has its label across the second and third header rows.
SUBHEADINGS = (
    ("Trong kỳ", ("received_online", "received_in_person", "received_postal")),
    ("Trong đó", ("resolved_early", "resolved_on_time", "resolved_late")),
    ("Trong đó", ("pending_in_time", "pending_overdue")),
)

#: The totals (3), (7), (11) and the columns they add up: written as formulas in the template
#: (=D17+E17+F17+G17), so they follow what is typed in Excel or LibreOffice.
TOTAL_PARTS = {identity.total: identity.parts for identity in IDENTITIES
               if identity.name in ("received", "resolved", "pending")}

DATE_FORMAT = "%d/%m/%Y"

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


def max_upload_bytes() -> int:
    return getattr(settings, "CCHC_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)


def max_unpacked_bytes() -> int:
    """Bound on the unpacked size of a workbook: a small .xlsx must not unpack into gigabytes."""
    return max(50 * 1024 * 1024, 20 * max_upload_bytes())


# --- Writing ----------------------------------------------------------------------------------


def template_filename(unit: AdministrativeUnit, period: ReportingPeriod) -> str:
    """``bieu-II06a-31564-2023-Q4.xlsx``"""
    return f"bieu-II06a-{unit.code}-{period.code}.xlsx"


def template_workbook(unit: AdministrativeUnit, period: ReportingPeriod) -> Workbook:
    """A workbook holding the template of ``unit`` for ``period``, on a sheet titled
    ``Biểu II.06a``, prefilled with the stored figures (or (6) from the previous quarter)."""
    workbook = Workbook()
    sheet = add_template_sheet(workbook, unit, period)
    sheet.title = SHEET_TITLE
    return workbook


def add_template_sheet(
    workbook: Workbook, unit: AdministrativeUnit, period: ReportingPeriod
) -> Worksheet:
    """Add the template of ``unit`` for ``period`` to ``workbook``, on a sheet titled with the
    unit's code (a multi-unit workbook); the blank sheet of a new ``Workbook()`` is reused."""
    if period.kind != PeriodKind.QUARTER:
        raise ValueError(f"Biểu II.06a chỉ lập theo quý, không lập cho kỳ {period.code}.")
    with translation.override("vi"):
        sheet = _new_sheet(workbook, unit.code)
        fields = list(ProcedureField.objects.for_level(unit.level))
        _write_heading(sheet, unit, period)
        _write_table_header(sheet)
        _write_rows(sheet, fields, _prefill(unit, period, fields))
        _protect(sheet, len(fields))
        _set_properties(workbook, unit, period)
    text_only(sheet)
    _write_total_formulas(sheet, len(fields))  # after text_only: the form's only formulas
    return sheet


def total_formula(field_name: str, row: int) -> str:
    """The formula of total ``field_name`` in ``row``: ``=D17+E17+F17+G17`` for (3)."""
    return "=" + "+".join(f"{COUNT_LETTERS[part]}{row}" for part in TOTAL_PARTS[field_name])


def _write_total_formulas(sheet: Worksheet, field_count: int) -> None:
    """Each row's totals as formulas, locked (computed, not typed) and shaded as headers."""
    for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + field_count):
        for name in TOTAL_PARTS:
            cell = sheet[f"{COUNT_LETTERS[name]}{row}"]
            cell.value = total_formula(name, row)
            cell.protection = Protection(locked=True)
            cell.fill = _HEADER_FILL
            cell.font = _BOLD


def text_only(sheet: Worksheet) -> Worksheet:
    """Every text cell of ``sheet`` stored as text: openpyxl stores a string that begins with
    ``=`` as a formula, so a unit or field named ``=HYPERLINK(…)`` would be run by whoever opens
    the file. The only formulas the app writes are the template's totals, written after this
    (``_write_total_formulas``)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    return sheet


def _new_sheet(workbook: Workbook, title: str) -> Worksheet:
    sheets = workbook.worksheets
    if len(sheets) == 1 and sheets[0].title == "Sheet" and sheets[0].max_row == 1 \
            and sheets[0].max_column == 1 and sheets[0]["A1"].value is None:
        sheet = sheets[0]
        sheet.title = title
        return sheet
    return workbook.create_sheet(title)


def _prefill(unit, period, fields) -> dict[int, dict[str, int]]:
    """Field id → the counts to write: the stored report's, else (6) from the previous quarter."""
    stored = report_lines(DossierReport.objects.filter(unit=unit, period=period).first())
    values = {field.pk: stored[field.pk] for field in fields if field.pk in stored}
    if len(values) < len(fields):
        carried = previous_pending(unit, period)
        for field in fields:
            if field.pk not in values and field.pk in carried:
                values[field.pk] = {"received_carried_over": carried[field.pk]}
    return values


def _unit_full_name(unit) -> str:
    return ", ".join(u.name for u in [unit, *reversed(unit.ancestors())])


def _merge(sheet: Worksheet, cells: str, value, *, font=None, alignment=None) -> None:
    first = cells.split(":")[0]
    sheet[first] = value
    if font is not None:
        sheet[first].font = font
    if alignment is not None:
        sheet[first].alignment = alignment
    if ":" in cells:
        sheet.merge_cells(cells)


def _write_heading(sheet: Worksheet, unit, period) -> None:
    _merge(sheet, f"A1:{LAST_LETTER}1", TITLE, font=Font(bold=True, size=13),
           alignment=Alignment(horizontal="center"))
    _merge(sheet, f"A2:{LAST_LETTER}2", FORM_CODE, font=Font(italic=True),
           alignment=Alignment(horizontal="center"))
    for cell, label in HEADER_LABELS.items():
        row = cell[1:]
        _merge(sheet, f"A{row}:B{row}", label, font=_BOLD)
    unit_list = UnitList(unit.unit_list)
    _merge(sheet, f"C4:{LAST_LETTER}4", _unit_full_name(unit), font=_BOLD)
    sheet[UNIT_CODE_CELL] = unit.code
    sheet[UNIT_LIST_CELL] = unit_list.value
    _merge(sheet, f"D6:{LAST_LETTER}6", str(unit_list.label))
    _merge(sheet, f"C7:{LAST_LETTER}7", receiving_unit_name(unit, period.end))
    sheet[PERIOD_CELL] = period.code
    _merge(sheet, f"D8:{LAST_LETTER}8", str(period.label))
    sheet[CUTOFF_START_CELL] = period.cutoff_start.strftime(DATE_FORMAT)
    sheet[CUTOFF_END_CELL] = period.cutoff_end.strftime(DATE_FORMAT)
    _merge(sheet, "C11:E11", UNIT_OF_MEASURE)
    for cell in (UNIT_CODE_CELL, UNIT_LIST_CELL, PERIOD_CELL, CUTOFF_START_CELL,
                 CUTOFF_END_CELL):
        sheet[cell].number_format = "@"  # text: codes keep their leading zeros
        sheet[cell].font = _BOLD
        sheet[cell].alignment = Alignment(horizontal="left")


def _write_table_header(sheet: Worksheet) -> None:
    for row in range(GROUP_ROW, NUMBER_ROW + 1):
        for column in range(1, LAST_COLUMN + 1):
            cell = sheet.cell(row, column)
            cell.border = _BORDER
            cell.font = _BOLD
            cell.alignment = _CENTER
            cell.fill = _HEADER_FILL
    _merge(sheet, f"A{GROUP_ROW}:A{LABEL_ROW}", "STT")
    _merge(sheet, f"B{GROUP_ROW}:B{LABEL_ROW}", "Lĩnh vực")
    for group, columns in itertools.groupby(COLUMNS, key=lambda c: str(c.group)):
        columns = list(columns)
        first, last = COUNT_LETTERS[columns[0].field], COUNT_LETTERS[columns[-1].field]
        _merge(sheet, f"{first}{GROUP_ROW}:{last}{GROUP_ROW}", group)
    under = {name: (heading, names) for heading, names in SUBHEADINGS for name in names}
    for column in COLUMNS:
        letter = COUNT_LETTERS[column.field]
        if column.field in under:
            heading, names = under[column.field]
            if names[0] == column.field:
                last = COUNT_LETTERS[names[-1]]
                _merge(sheet, f"{letter}{SUBHEADING_ROW}:{last}{SUBHEADING_ROW}", heading)
            sheet[f"{letter}{LABEL_ROW}"] = str(column.label)
        else:
            _merge(sheet, f"{letter}{SUBHEADING_ROW}:{letter}{LABEL_ROW}", str(column.label))
    for index, number in enumerate(COLUMN_NUMBERS, start=1):
        sheet.cell(NUMBER_ROW, index, number).font = Font(bold=True, italic=True)
    sheet.row_dimensions[GROUP_ROW].height = 30
    sheet.row_dimensions[SUBHEADING_ROW].height = 30
    sheet.row_dimensions[LABEL_ROW].height = 45


def _write_rows(sheet: Worksheet, fields, values: dict[int, dict[str, int]]) -> None:
    for index, field in enumerate(fields):
        row = FIRST_DATA_ROW + index
        sheet.cell(row, 1, index + 1).alignment = Alignment(horizontal="center")
        sheet.cell(row, 2, field.name).alignment = Alignment(wrap_text=True, vertical="center")
        counts = values.get(field.pk, {})
        for column in COLUMNS:
            cell = sheet[f"{COUNT_LETTERS[column.field]}{row}"]
            cell.value = counts.get(column.field)
            cell.number_format = "#,##0"
            cell.protection = Protection(locked=False)
            cell.fill = _INPUT_FILL
        for column in range(1, LAST_COLUMN + 1):
            sheet.cell(row, column).border = _BORDER
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 42
    for letter in COUNT_LETTERS.values():
        sheet.column_dimensions[letter].width = 12
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{GROUP_ROW}:{NUMBER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _protect(sheet: Worksheet, field_count: int) -> None:
    if field_count:
        first = f"{COUNT_LETTERS[COLUMNS[0].field]}{FIRST_DATA_ROW}"
        last = f"{COUNT_LETTERS[COLUMNS[-1].field]}{FIRST_DATA_ROW + field_count - 1}"
        validation = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, errorStyle="stop", errorTitle="Số liệu không hợp lệ",
            error="Chỉ nhập số nguyên không âm (0, 1, 2, …): không nhập chữ, số âm, số thập "
                  "phân hay ngày tháng. Để trống nghĩa là 0.",
            showInputMessage=True, promptTitle="Số hồ sơ TTHC",
            prompt="Nhập số nguyên ≥ 0; để trống nghĩa là 0.",
        )
        validation.add(f"{first}:{last}")
        sheet.add_data_validation(validation)
    # No password: protection guards against slips (typing over a label, moving a column);
    # the reader checks every cell again anyway. Resizing rows and columns stays allowed.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _set_properties(workbook: Workbook, unit, period) -> None:
    properties = workbook.properties
    properties.creator = CREATOR
    properties.lastModifiedBy = CREATOR
    properties.subject = FORM_CODE
    if len(workbook.worksheets) == 1:
        properties.title = f"{FORM_CODE} – {unit.name} ({unit.code}) – {period.label}"
    else:
        properties.title = f"{FORM_CODE} – {period.label} – {len(workbook.worksheets)} đơn vị"


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """A problem found in a workbook: ``sheet`` and ``cell`` ("E12") are empty for a problem of
    the whole file, ``cell`` alone for a problem of the whole sheet."""

    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return _("Trang «%(sheet)s», ô %(cell)s: %(message)s") % {
                "sheet": self.sheet, "cell": self.cell, "message": self.message}
        if self.sheet:
            return _("Trang «%(sheet)s»: %(message)s") % {
                "sheet": self.sheet, "message": self.message}
        return self.message


class WorkbookInvalid(Exception):
    """The workbook cannot be taken; ``errors`` lists every problem found."""

    def __init__(self, errors: list[CellError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class SheetReport:
    sheet: str
    unit: AdministrativeUnit
    period: ReportingPeriod
    lines: dict[ProcedureField, dict[str, int]]  # field -> the 12 counts keyed by model field
    rows: dict[int, int] = dataclass_field(default_factory=dict)  # field id -> its sheet row

    def cell(self, field_id: int, column: str) -> str:
        """Where a count of the sheet is: "F18"."""
        return f"{COUNT_LETTERS[column]}{self.rows[field_id]}" if field_id in self.rows else ""


def read_workbook(
    source: str | os.PathLike | BinaryIO,
    *,
    size: int | None = None,
    allowed: Callable[[AdministrativeUnit], bool] | None = None,
    balance: bool = True,
) -> list[SheetReport]:
    """The reports in a filled template workbook (a path or a binary file), one per sheet.

    ``balance=False`` reads the sheets as drafts: (3) = (7) + (11) is left to the moment the
    report is sent, as on the entry form; every other rule of the form is checked.

    Raises ``WorkbookInvalid`` listing every problem (size, file type, layout, header codes,
    scope through ``allowed(unit)``, count cells, missing or extra rows, identities, a unit and
    period on two sheets). Nothing is written to the database.
    """
    data = _read_bytes(source, size)
    workbook = UploadedWorkbook(data, _check_package(data, FORM_LIMITS))
    context = _Context(allowed, balance=balance, titles=tuple(workbook.titles))
    reports = []
    for sheet in workbook.sheets():
        if _is_empty(sheet):
            continue
        context.sheets += 1
        report = _read_sheet(sheet, context)
        if report is not None:
            reports.append(report)
    if context.sheets > 1 and len(context.unrecognised) == context.sheets:
        context.errors = [CellError("", "", _(
            "Đây không phải biểu mẫu nhập số liệu II.06a: không trang nào (%(sheets)s) có tiêu "
            "đề, các nhãn (ô A4 đến A11) và hàng số thứ tự cột (1) đến (13) của biểu mẫu. Có "
            "thể đây là tệp tổng hợp hay xếp hạng tải từ hệ thống. Hãy tải biểu mẫu nhập liệu "
            "của đơn vị và kỳ (trang «Nhập từ Excel» có đường dẫn), điền số liệu rồi tải lên "
            "tệp đó.") % {"sheets": ", ".join(f"«{t}»" for t in context.unrecognised)})]
    if not context.sheets:
        context.errors.append(CellError("", "", _(
            "Tệp không có trang nào có số liệu. Hãy tải biểu mẫu từ hệ thống, điền số liệu rồi "
            "tải lên lại.")))
    if context.errors:
        raise WorkbookInvalid(context.errors)
    return reports


def open_checked_workbook(source: str | os.PathLike | BinaryIO, *, size: int | None = None,
                          limits: SheetLimits | None = None) -> UploadedWorkbook:
    """An uploaded workbook, opened only after the checks every upload gets: its size
    (``CCHC_MAX_UPLOAD_BYTES``), that it is an .xlsx package and not something else, its
    unpacked size (zip bombs), every part readable (CRC, compression) and each sheet's rows,
    columns and cells, counted while unpacking, before parsing (``limits``: the form's,
    ``FORM_LIMITS``, unless the caller reads another kind of sheet). ``WorkbookInvalid`` says
    what is wrong, in Vietnamese, naming the sheet. Read with python-calamine
    (``UploadedWorkbook``): a cell holding a formula shows the formula, as openpyxl did."""
    data = _read_bytes(source, size)
    return UploadedWorkbook(data, _check_package(data, limits or FORM_LIMITS))


def _file_error(message: str) -> WorkbookInvalid:
    return WorkbookInvalid([CellError("", "", message)])


def _format_bytes(count: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if count >= scale:
            text = f"{count / scale:.1f}".replace(".", ",").removesuffix(",0")
            return f"{text} {unit}"
    return f"{count} byte"


def _too_large(size: int | None, limit: int) -> WorkbookInvalid:
    if size is None:
        weight = _("lớn hơn %(limit)s") % {"limit": _format_bytes(limit)}
    else:
        weight = _("nặng %(size)s") % {"size": _format_bytes(size)}
    return _file_error(_(
        "Tệp %(weight)s, vượt giới hạn %(limit)s cho một lần tải lên. Hãy xoá các trang, hình "
        "ảnh không cần thiết hoặc chia thành nhiều tệp nhỏ hơn.")
        % {"weight": weight, "limit": _format_bytes(limit)})


def _source_size(source) -> int | None:
    if isinstance(source, (str, os.PathLike)):
        try:
            return os.path.getsize(source)
        except OSError:
            return None
    declared = getattr(source, "size", None)
    if isinstance(declared, int):
        return declared
    try:
        if source.seekable():
            position = source.tell()
            end = source.seek(0, io.SEEK_END)
            source.seek(position)
            return end
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _read_bytes(source, size: int | None) -> bytes:
    """The file's bytes, refusing a file over the limit before reading or parsing it."""
    limit = max_upload_bytes()
    if size is None:
        size = _source_size(source)
    if size is not None and size > limit:
        raise _too_large(size, limit)
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as handle:
                data = handle.read(limit + 1)
        else:
            if getattr(source, "seekable", lambda: False)():
                source.seek(0)
            data = source.read(limit + 1)
    except (OSError, ValueError) as error:
        raise _file_error(_("Không đọc được tệp (%(reason)s). Hãy chọn lại tệp.")
                          % {"reason": getattr(error, "strerror", None) or error}) from error
    if not isinstance(data, bytes):
        raise _file_error(_("Không đọc được tệp: cần mở tệp ở chế độ nhị phân."))
    if len(data) > limit:
        raise _too_large(None, limit)
    return data


def _not_xlsx_hint() -> str:
    return _("Hãy tải lên tệp Excel (.xlsx) lập từ biểu mẫu của hệ thống.")


def _check_package(data: bytes, limits: SheetLimits) -> dict[str, SheetScan]:
    """Refuse, with a message saying what the file is, anything but an .xlsx package; each
    worksheet's ``SheetScan`` by its title."""
    if not data:
        raise _file_error(_("Tệp rỗng (0 byte). Hãy chọn lại tệp Excel (.xlsx) đã điền số liệu."))
    if data.startswith(b"%PDF"):
        raise _file_error(_(
            "Tệp này là tệp PDF (dù tên có đuôi gì), không phải bảng tính Excel. Hãy tải lên "
            "chính tệp .xlsx đã điền, không phải bản in hay bản quét."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_(
            "Tệp này là bảng tính Excel 97-2003 (.xls) hoặc tệp Excel có đặt mật khẩu mở. Hãy mở "
            "bằng Excel, bỏ mật khẩu nếu có, rồi chọn Lưu thành (Save As) «Excel Workbook "
            "(*.xlsx)»."))
    if not data.startswith(b"PK"):
        raise _file_error(_("Tệp này không phải bảng tính Excel (.xlsx). ") + _not_xlsx_hint())
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise _file_error(_(
            "Tệp Excel bị hỏng hoặc chưa tải lên hết, không mở được. Hãy mở tệp bằng Excel, lưu "
            "lại dạng .xlsx rồi tải lên lại.")) from error
    names = {entry.filename for entry in entries}
    if "mimetype" in names and "content.xml" in names:
        raise _file_error(_(
            "Tệp này là bảng tính OpenDocument (.ods), không phải Excel (.xlsx). Hãy chọn Lưu "
            "thành (Save As) «Excel 2007-365 (.xlsx)» rồi tải lên lại."))
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _file_error(_("Tệp này là tệp nén (zip) nhưng không phải bảng tính Excel (.xlsx). ")
                          + _not_xlsx_hint())
    if sum(entry.file_size for entry in entries) > max_unpacked_bytes():
        raise _file_error(_(
            "Tệp Excel khi giải nén lớn bất thường (hơn %(limit)s). Hãy lập lại tệp từ biểu mẫu "
            "của hệ thống.") % {"limit": _format_bytes(max_unpacked_bytes())})
    return _check_sheets(data, entries, limits)


# --- Counting before parsing ------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLimits:
    """What one sheet of an upload may hold, checked while its XML is unpacked, before
    python-calamine reads a cell: ``rows`` and ``columns`` bound its used range (the
    ``<dimension>`` it declares and the cells, merged ranges and hyperlinks it has), ``cells``
    the cells it stores, empty ones included. ``too_many_rows`` is the message past ``rows`` (with
    ``%(limit)s``)."""

    rows: int
    columns: int
    cells: int
    too_many_rows: str = ""


#: Rows a sheet of the template may have: the form has about 40; a sheet with more was not
#: made from it, and reading a million-row sheet would hold the server for minutes.
MAX_SHEET_ROWS = 2000
#: Columns: the form uses A to N; a sheet used past Z was not made from it.
MAX_SHEET_COLUMNS = 26
#: Cells, empty ones included: the form holds at most 516 rows × 14 columns (about 7,200).
MAX_SHEET_CELLS = 20_000
_FORM_TOO_MANY_ROWS = gettext_lazy(
    "Trang có hơn %(limit)s dòng, trong khi biểu mẫu chỉ có khoảng 40 dòng. "
    "Hãy tải lên chính tệp biểu mẫu đã điền, không dán thêm dữ liệu khác vào.")
FORM_LIMITS = SheetLimits(rows=MAX_SHEET_ROWS, columns=MAX_SHEET_COLUMNS, cells=MAX_SHEET_CELLS,
                          too_many_rows=_FORM_TOO_MANY_ROWS)
_CHUNK = 1 << 16
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
#: A cell reference → (row, column): the same references recur on every sheet of a workbook.
_PLACES: dict[str, tuple[int, int]] = {}


@dataclass
class SheetScan:
    """What the package check saw of one worksheet: the last row and column it uses (1 and 1
    for a sheet with no cell, as openpyxl says) and its formulas, (row, column) → ``=…``."""

    max_row: int = 1
    max_column: int = 1
    formulas: dict[tuple[int, int], str] = dataclass_field(default_factory=dict)
    #: Cells holding an error value (``t="e"``: ``#N/A``, ``#DIV/0!``), which python-calamine
    #: reads as blank: (row, column) → the error as Excel shows it.
    errors: dict[tuple[int, int], str] = dataclass_field(default_factory=dict)

    def extend(self, row: int, column: int) -> None:
        if row > self.max_row:
            self.max_row = row
        if column > self.max_column:
            self.max_column = column


class _Exceeded(Exception):
    def __init__(self, what: str, found: int, limit: int):
        self.what, self.found, self.limit = what, found, limit
        super().__init__(what)


class _Done(Exception):
    """The part is not a worksheet: nothing more to count."""


class _NotXml(Exception):
    """A part declares a DTD or entities: no part of an Excel package does."""


@functools.lru_cache(maxsize=4096)  # merged ranges recur on every sheet of a workbook
def _bounds(ref: str) -> tuple[int, int, int] | None:
    """``"B3:D10"`` → (last row, last column, number of cells); None when unreadable."""
    corners = []
    for part in ref.split(":")[:2]:
        match = _CELL_REF.fullmatch(part.strip())
        if match is None:
            return None
        corners.append((int(match[2]), column_index_from_string(match[1].upper())))
    (top, left), (bottom, right) = corners[0], corners[-1]
    rows, columns = abs(bottom - top) + 1, abs(right - left) + 1
    return max(top, bottom), max(left, right), rows * columns


class _SheetCounter:
    """Counts what a reader would build from a worksheet's XML while it streams through expat:
    rows, cells (coordinates given or implied), merged ranges and hyperlinks (a spreadsheet
    holds a cell for each of their cells) and the declared used range; in the shared string
    table, its strings (no more than the sheets have cells). Raises ``_Exceeded`` the moment a
    limit is passed, so an endless sheet costs no more than a legal one.

    On the way it keeps what python-calamine does not give: the ``scan`` of a worksheet — the
    last row and column it uses (values, formatting, merged ranges, hyperlinks, as openpyxl
    counts them) and the text of every formula (``<c><f>``), a shared formula translated to
    each cell it fills as Excel shows it."""

    RANGES = frozenset({"mergeCell", "hyperlink"})

    def __init__(self, limits: SheetLimits, most_strings: int):
        self.limits, self.most_strings = limits, most_strings
        self.rows = self.cells = self.row = self.column = self.strings = 0
        self.root: str | None = None
        self.scan = SheetScan()
        self.parser = None
        self._formula: list[str] | None = None
        self._formula_attrs: dict = {}
        self._shared: dict[str, tuple[str, str]] = {}
        self._previous = ""  # the element started last: a cell's <f> is its first child
        self._error: list[str] | None = None

    def start(self, name: str, attrs: dict) -> None:
        if name == "v":  # the commonest element, a cell's value: nothing to count
            self._previous = name
            return
        name = name.rpartition(":")[2]
        previous, self._previous = self._previous, name
        if self.root is None:
            self.root = name
            if name not in ("worksheet", "dialogsheet", "sst"):
                raise _Done
            return
        if self.root == "sst":
            if name == "si":
                self.strings += 1
                if self.strings > self.most_strings:
                    raise _Exceeded("strings", self.strings, self.most_strings)
        elif name == "c":
            given = attrs.get("r", "")
            place = _PLACES.get(given)
            if place is None:
                ref = _CELL_REF.fullmatch(given)
                if ref is not None:
                    place = (int(ref[2]), column_index_from_string(ref[1].upper()))
                    if len(_PLACES) < 100_000:
                        _PLACES[given] = place
            if place is None:
                self.column += 1
            else:
                self.row, self.column = place
            self.cells += 1
            limits, scan = self.limits, self.scan
            if self.row > limits.rows or self.column > limits.columns \
                    or self.cells > limits.cells:
                self._check(self.row, self.column, self.cells)
            if self.row > scan.max_row:
                scan.max_row = self.row
            if self.column > scan.max_column:
                scan.max_column = self.column
            if attrs.get("t") == "e":  # an error value: its text, from the <v> to come
                self._error = []
                self.parser.CharacterDataHandler = self._error.append
                self.parser.EndElementHandler = self.end_error
        elif name == "f" and previous == "c":  # not the <xm:f> of a validation's list
            self._formula, self._formula_attrs = [], attrs
            self.parser.CharacterDataHandler = self._formula.append
            self.parser.EndElementHandler = self.end_formula
        elif name == "row":
            given = attrs.get("r", "")
            self.row = int(given) if given.isdigit() and len(given) < 9 else self.row + 1
            self.column = 0
            self.rows += 1
            if self.rows > self.limits.rows:
                raise _Exceeded("rows", self.rows, self.limits.rows)
            self._check(self.row, 0, self.cells)
        elif name in self.RANGES or name == "dimension":
            bounds = _bounds(attrs.get("ref", ""))
            if bounds is not None:
                last_row, last_column, area = bounds
                if name != "dimension":
                    self.cells += area
                    self.scan.extend(last_row, last_column)
                self._check(last_row, last_column, self.cells)

    def end_error(self, name: str) -> None:
        """The end of an error cell's ``<v>`` (or of the cell, when it has none)."""
        local = name.rpartition(":")[2]
        if local in ("v", "c"):
            self.parser.CharacterDataHandler = None
            self.parser.EndElementHandler = None
            text = "".join(self._error or ()).strip()
            if local == "v" and text:
                self.scan.errors[(self.row, self.column)] = text
            self._error = None

    def end_formula(self, name: str) -> None:
        """The end of ``<f>``: its text, as openpyxl reads it (``=`` and the formula; a cell of
        a shared formula gets the first cell's formula moved to it, as Excel shows it)."""
        self.parser.CharacterDataHandler = None
        self.parser.EndElementHandler = None
        text = "".join(self._formula or ())
        attrs, self._formula = self._formula_attrs, None
        coordinate = f"{get_column_letter(max(self.column, 1))}{max(self.row, 1)}"
        if attrs.get("t") == "shared":
            index = attrs.get("si", "")
            if index in self._shared:
                formula, origin = self._shared[index]
                try:
                    text = Translator("=" + formula, origin).translate_formula(coordinate)[1:]
                except Exception:  # a formula openpyxl's tokenizer cannot move: as written
                    text = formula
            elif text:
                self._shared[index] = (text, coordinate)
        self.scan.formulas[(self.row, self.column)] = "=" + text

    def _check(self, row: int, column: int, cells: int) -> None:
        limits = self.limits
        if row > limits.rows:
            raise _Exceeded("rows", row, limits.rows)
        if column > limits.columns:
            raise _Exceeded("last_column", column, limits.columns)
        if cells > limits.cells:
            raise _Exceeded("cells", cells, limits.cells)


def _refuse_dtd(*args) -> None:
    raise _NotXml


def _scan_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: SheetLimits,
               most_strings: int) -> SheetScan | None:
    """Stream one part of the package through a counting parser; stops at its root element
    unless it is a worksheet or the shared string table. A worksheet's ``SheetScan``, else
    None."""
    counter = _SheetCounter(limits, most_strings)
    parser = counter.parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = counter.start
    with archive.open(entry) as stream:
        try:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Done:
            return None
        except expat.ExpatError:
            if counter.root is None:
                return None  # not XML at all (an image…): no sheet; the reader says if needed
            raise
    return counter.scan if counter.root == "worksheet" else None


def _elements(archive: zipfile.ZipFile, name: str, local: str) -> list[dict] | None:
    """The attributes of every ``local`` element of part ``name``, streamed through expat (a
    workbook of 5,000 sheets has an index of a megabyte or more: no tree is built); None when
    the part is missing, damaged or declares a DTD."""
    found: list[dict] = []

    def start(tag, attrs):
        if tag.rpartition(":")[2] == local:
            found.append(attrs)

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except Exception:  # a damaged index: the sheets are then named by their part
        return None
    return found


def _sheet_names(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Part name → the sheet's title in the workbook, as far as the package says it."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    sheets = _elements(archive, "xl/workbook.xml", "sheet")
    rels = _elements(archive, "xl/_rels/workbook.xml.rels", "Relationship")
    if sheets is None or rels is None:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        targets[rel.get("Id")] = part
    titles = {}
    for sheet in sheets:
        rel_id = next((v for k, v in sheet.items() if k.endswith(":id")), None)
        if rel_id in targets:
            titles[targets[rel_id]] = sheet.get("name", "")
    return titles


def _limit_error(sheet: str, exceeded: _Exceeded, limits: SheetLimits) -> CellError:
    values = {"found": format_count(exceeded.found), "limit": format_count(exceeded.limit)}
    if exceeded.what == "rows":  # more rows, or one used (even formatted) further down
        message = str(limits.too_many_rows or _FORM_TOO_MANY_ROWS) % values
    elif exceeded.what == "last_column":
        values["letter"] = get_column_letter(min(exceeded.found, 16384))
        values["last"] = get_column_letter(exceeded.limit)
        message = _(
            "Trang có dữ liệu, định dạng hoặc vùng sử dụng đến cột %(letter)s, trong khi loại "
            "bảng này chỉ dùng đến cột %(last)s. Hãy xoá các cột thừa bên phải (chọn cả cột → "
            "Xoá), lưu lại rồi tải lên lại.") % values
    elif exceeded.what == "strings":
        message = _(
            "Tệp chứa hơn %(limit)s đoạn chữ, nhiều hơn các trang của nó chứa được: tệp không "
            "được lập từ biểu mẫu. Hãy chép số liệu sang một tệp mới (chỉ dán giá trị), lưu lại "
            "rồi tải lên lại.") % values
    else:
        message = _(
            "Trang có hơn %(limit)s ô (kể cả ô trống đã định dạng), nhiều hơn loại bảng này "
            "chứa được. Hãy xoá các dòng, cột thừa hoặc chép số liệu sang một trang mới "
            "(chỉ dán giá trị), lưu lại rồi tải lên lại.") % values
    return CellError(sheet, "", message)


def _check_sheets(data: bytes, entries: list[zipfile.ZipInfo],
                  limits: SheetLimits) -> dict[str, SheetScan]:
    """Refuse a sheet holding more than ``limits``, and a part that is damaged (a bad CRC, a
    broken deflate stream, not well-formed, a DTD), before python-calamine parses anything.
    Returns each worksheet's ``SheetScan`` by its title."""
    names = {entry.filename for entry in entries}
    scans: dict[str, SheetScan] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            titles = _sheet_names(archive, names)
            for entry in entries:
                # A sheet is found by its content, not its name: the package's relationships
                # may place it, and the string table, anywhere under any name.
                if entry.is_dir():
                    continue
                try:
                    scan = _scan_part(archive, entry, limits,
                                      limits.cells * max(1, len(titles)))
                except _Exceeded as exceeded:
                    sheet = "" if exceeded.what == "strings" else \
                        titles.get(entry.filename) or posixpath.basename(entry.filename)
                    raise WorkbookInvalid([_limit_error(sheet, exceeded, limits)]) from None
                if scan is not None and entry.filename in titles:
                    scans[titles[entry.filename]] = scan
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError,
            NotImplementedError, expat.ExpatError, _NotXml) as error:
        raise _damaged() from error
    return scans


def _damaged() -> WorkbookInvalid:
    return _file_error(_(
        "Tệp Excel bị hỏng, không đọc được nội dung. Hãy mở tệp bằng Excel, lưu lại dạng "
        ".xlsx rồi tải lên lại."))


class UploadedSheet:
    """One worksheet of an upload as read: python-calamine's values (what the spreadsheet
    stored, a formula's last computed result included) beside what the package check saw of its
    XML (``SheetScan``: its used range and its formulas). Rows and columns count from 1."""

    __slots__ = ("title", "formulas", "errors", "max_row", "max_column", "_rows")

    def __init__(self, title: str, rows: list[list], scan: SheetScan):
        self.title = title
        self._rows = rows
        self.formulas = scan.formulas
        self.errors = scan.errors
        self.max_row = max(scan.max_row, len(rows), 1)
        self.max_column = max(scan.max_column, max(map(len, rows), default=0), 1)

    def stored(self, row: int, column: int):
        """The value the file stores in the cell, None when blank; for a formula, the result
        the spreadsheet computed when saving (None in a file never opened in one). A whole
        number is an int, as Excel shows it."""
        try:
            value = self._rows[row - 1][column - 1]
        except IndexError:
            return None
        if type(value) is float and value.is_integer():
            return int(value)
        if isinstance(value, str) and not value:
            return self.errors.get((row, column)) if self.errors else None
        return value

    def formula(self, row: int, column: int) -> str | None:
        """The cell's formula as Excel shows it (``=D17+E17+F17+G17``), None when it has none."""
        return self.formulas.get((row, column))

    def value(self, row: int, column: int):
        """What the cell holds as its user typed it: its formula if it has one, else its
        value."""
        formula = self.formulas.get((row, column))
        return self.stored(row, column) if formula is None else formula

    def row_values(self, row: int, first: int, last: int) -> list:
        """``value`` of the cells of ``row`` from column ``first`` to ``last``."""
        cells = self._rows[row - 1][first - 1:last] if row <= len(self._rows) else []
        values = [None if isinstance(v, str) and not v else
                  int(v) if type(v) is float and v.is_integer() else v for v in cells]
        values += [None] * (last - first + 1 - len(values))
        if self.errors:
            for column in range(first, last + 1):
                if (row, column) in self.errors and values[column - first] is None:
                    values[column - first] = self.errors[(row, column)]
        formulas = self.formulas
        if formulas:
            for column in range(first, last + 1):
                formula = formulas.get((row, column))
                if formula is not None:
                    values[column - first] = formula
        return values

    def at(self, coordinate: str):
        """``value`` of the cell named ``"C5"``."""
        return self.value(*coordinate_to_tuple(coordinate))

    def rows(self, width: int | None = None):
        """Every row from the first to ``max_row``: tuples of ``width`` values (the sheet's used
        width unless given)."""
        columns = range(1, (width or self.max_column) + 1)
        for row in range(1, self.max_row + 1):
            yield tuple(self.value(row, column) for column in columns)


class UploadedWorkbook:
    """An upload that passed the package checks, read with python-calamine: ``titles`` of its
    worksheets in order (chart and macro sheets left out), and ``sheets()``, read one by one."""

    def __init__(self, data: bytes, scans: dict[str, SheetScan]):
        self._scans = scans
        try:
            self._workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.titles = [sheet.name for sheet in self._workbook.sheets_metadata
                           if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet]
        except Exception as error:  # calamine raises several kinds on a damaged file
            raise _damaged() from error

    def sheets(self):
        for title in self.titles:
            scan = self._scans.get(title)
            if scan is None:  # a sheet the package check did not see: not a sound package
                raise _damaged()
            try:
                rows = self._workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
            except Exception as error:
                raise _damaged() from error
            yield UploadedSheet(title, rows, scan)


def _is_empty(sheet: UploadedSheet) -> bool:
    return sheet.max_row == 1 and sheet.max_column == 1 and _blank(sheet.value(1, 1))


#: From this many sheets on, the units named by the sheets' titles are loaded in one query when
#: the first sheet needs one, instead of one query per sheet.
BULK_UNITS_FROM = 20


class _Context:
    def __init__(self, allowed, balance=True, titles: tuple[str, ...] = ()):
        self.allowed = allowed
        self.balance = balance  # False for drafts: (3) = (7) + (11) is checked on sending
        self.bulk = len(titles) >= BULK_UNITS_FROM
        #: A sheet of a multi-unit workbook is titled with its unit's code: the candidates.
        self.codes = {title.split()[0] for title in titles if title.split()}
        self.periods: dict[str, ReportingPeriod | str] = {}
        self.units: dict[tuple[str, int], dict[str, AdministrativeUnit]] = {}
        self.unrecognised: list[str] = []
        self.errors: list[CellError] = []
        self.sheets = 0
        self.seen: dict[tuple[int, int], str] = {}
        self.fields: dict[int, list[ProcedureField]] = {}

    def period(self, text: str) -> ReportingPeriod | str:
        """``_read_period``, once per code in a workbook."""
        if text not in self.periods:
            self.periods[text] = _read_period(text)
        return self.periods[text]

    def unit(self, code: str, unit_list: str, period: ReportingPeriod) -> AdministrativeUnit:
        """``resolve_unit``; for a workbook of many sheets, the units its sheets' titles name
        in ``unit_list`` at the end of ``period`` are loaded in one query, and any other code is
        resolved on its own."""
        if not self.bulk:
            return resolve_unit(code, unit_list, period)
        key = (unit_list, period.pk)
        if key not in self.units:
            units = self.units[key] = {}
            for unit in (AdministrativeUnit.objects.filter(unit_list=unit_list,
                                                           code__in=self.codes)
                         .as_of(period.end).select_related("parent", "province")):
                if unit.code in units:  # never in the official lists: let the query decide
                    self.bulk = False
                    return resolve_unit(code, unit_list, period)
                units[unit.code] = unit
        found = self.units[key].get(code.strip())
        return found if found is not None else resolve_unit(code, unit_list, period)

    def fields_for(self, level: int) -> list[ProcedureField]:
        if level not in self.fields:
            self.fields[level] = list(ProcedureField.objects.for_level(level))
        return self.fields[level]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """A header cell as text: 31564 typed as a number reads as "31564"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shown(value) -> str:
    text = _text(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _layout_hint() -> str:
    return _(
        "Có thể đã chèn, xoá hoặc di chuyển dòng, cột của biểu mẫu. Hãy dùng lại biểu mẫu tải "
        "từ hệ thống và chỉ nhập vào các ô số liệu."
    )


def _layout_errors(sheet: UploadedSheet) -> list[CellError]:
    title = sheet.title
    expected_text = {TITLE_CELL: TITLE, FORM_CODE_CELL: FORM_CODE, **HEADER_LABELS}
    wrong = []
    for cell, text in expected_text.items():
        value = sheet.at(cell)
        if fold(_text(value)) != fold(text):
            wrong.append(CellError(title, cell, _(
                "Ô này phải là «%(expected)s» của biểu mẫu nhưng đang là «%(found)s». ")
                % {"expected": text, "found": _shown(value)} + _layout_hint()))
    for index, number in enumerate(COLUMN_NUMBERS, start=1):
        value = sheet.value(NUMBER_ROW, index)
        if not (isinstance(value, str) and value.strip() == number):
            wrong.append(CellError(title, f"{get_column_letter(index)}{NUMBER_ROW}", _(
                "Hàng số thứ tự cột (dòng %(row)s) phải ghi «%(expected)s» ở ô này nhưng đang là "
                "«%(found)s»: các cột phải đúng thứ tự (1) đến (13) của biểu mẫu. ")
                % {"row": NUMBER_ROW, "expected": number, "found": _shown(value)}
                + _layout_hint()))
    if len(wrong) * 2 > len(expected_text) + len(COLUMN_NUMBERS):  # mostly not the form
        return [CellError(title, "", _(
            "Trang này không theo mẫu biểu II.06a của hệ thống: không thấy tiêu đề, các nhãn "
            "(ô A4 đến A11) và hàng số thứ tự cột (1) đến (13) (dòng %(row)s) ở đúng vị trí. "
            "Hãy tải biểu mẫu từ hệ thống, nhập số liệu vào đó, không chèn hay xoá dòng, cột; "
            "xoá các trang không phải biểu mẫu.") % {"row": NUMBER_ROW})]
    return wrong


def _validity(unit: AdministrativeUnit) -> str:
    if unit.valid_from and unit.valid_to:
        return _("từ %(start)s đến %(end)s") % {
            "start": unit.valid_from.strftime(DATE_FORMAT),
            "end": unit.valid_to.strftime(DATE_FORMAT)}
    if unit.valid_from:
        return _("từ %(start)s") % {"start": unit.valid_from.strftime(DATE_FORMAT)}
    if unit.valid_to:
        return _("đến %(end)s") % {"end": unit.valid_to.strftime(DATE_FORMAT)}
    return _("không thời hạn")


def resolve_unit(code: str, unit_list: str, period: ReportingPeriod) -> AdministrativeUnit:
    """The unit ``code`` names in ``unit_list`` on the last day of ``period``."""
    return AdministrativeUnit.objects.filter(unit_list=unit_list).as_of(period.end).get(
        code=code.strip())


def unit_not_found_message(code: str, unit_list: str, period: ReportingPeriod) -> str:
    """Why ``code`` names no unit of ``unit_list`` at the end of ``period``, and what to do —
    saying when the code exists only in the other list or at another date."""
    code = code.strip()
    end = period.end.strftime(DATE_FORMAT)
    known = list(AdministrativeUnit.objects.filter(code=code).order_by("unit_list"))
    if not known:
        return _(
            "Không có đơn vị hành chính nào mang mã «%(code)s» trong cả hai danh mục. Kiểm tra "
            "lại mã đơn vị (mã của Tổng cục Thống kê: tỉnh 2 chữ số, huyện 3, xã 5)."
        ) % {"code": code}
    values = {"code": code, "list": unit_list, "period": period.code, "end": end}
    same = [u for u in known if u.unit_list == unit_list]
    if same:
        unit = same[0]
        parts = [_(
            "Mã «%(code)s» trong danh mục %(list)s là %(name)s, có hiệu lực %(validity)s, nên "
            "không dùng được cho kỳ %(period)s (kết thúc ngày %(end)s)."
        ) % {**values, "name": unit.name, "validity": _validity(unit)}]
    else:
        label = UnitList(unit_list).label if unit_list in UnitList.values else unit_list
        parts = [_("Mã «%(code)s» không có trong danh mục %(list)s – %(label)s.")
                 % {**values, "label": label}]
    others = [u for u in known if u.unit_list != unit_list]
    in_force = [u for u in others if u.is_in_force(period.end)]
    if in_force:
        unit = in_force[0]
        parts.append(_(
            "Vào ngày %(end)s, mã này là %(name)s trong danh mục %(other)s: hãy tải biểu mẫu "
            "của kỳ %(period)s theo danh mục %(other)s."
        ) % {**values, "name": unit.name, "other": unit.unit_list})
    elif others:
        unit = others[0]
        parts.append(_(
            "Mã này chỉ có trong danh mục %(other)s (%(name)s, hiệu lực %(validity)s). Kiểm tra "
            "lại mã đơn vị và kỳ báo cáo."
        ) % {"other": unit.unit_list, "name": unit.name, "validity": _validity(unit)})
    else:
        parts.append(_("Kiểm tra lại mã đơn vị và kỳ báo cáo."))
    return " ".join(parts)


def _read_period(text: str) -> ReportingPeriod | str:
    """The period named in the header, or the message saying why it cannot be used."""
    if not text:
        return _("Ô «Kỳ báo cáo» để trống. Hãy dùng biểu mẫu tải từ hệ thống cho đúng kỳ.")
    try:
        period = ReportingPeriod.objects.get_by_code(text)
    except InvalidPeriodCode as error:
        return str(error)
    except ReportingPeriod.DoesNotExist:
        return _(
            "Kỳ báo cáo «%(code)s» chưa được mở trong hệ thống. Kiểm tra lại kỳ, hoặc liên hệ văn "
            "phòng cấp tỉnh."
        ) % {"code": text}
    if period.kind != PeriodKind.QUARTER:
        return _(
            "Kỳ báo cáo «%(code)s» (%(label)s) không nhập được: đơn vị chỉ báo cáo theo quý (ví "
            "dụ %(year)s-Q4); số liệu 6 tháng, 9 tháng và năm được hệ thống tổng hợp từ các quý."
        ) % {"code": period.code, "label": period.label, "year": period.year}
    return period


def _read_sheet(sheet: UploadedSheet, context: _Context) -> SheetReport | None:
    title = sheet.title
    errors: list[CellError] = _layout_errors(sheet)
    if errors:
        if len(errors) == 1 and not errors[0].cell:
            context.unrecognised.append(title)
        context.errors.extend(errors)
        return None

    def error(cell: str, message: str) -> None:
        errors.append(CellError(title, cell, message))

    code = _text(sheet.at(UNIT_CODE_CELL))
    unit_list = _text(sheet.at(UNIT_LIST_CELL))
    period = context.period(_text(sheet.at(PERIOD_CELL)))
    if isinstance(period, str):
        error(PERIOD_CELL, period)
        period = None
    if unit_list not in UnitList.values:
        error(UNIT_LIST_CELL, _(
            "Danh mục «%(found)s» không hợp lệ: phải là 2008 (63 tỉnh, 3 cấp, đến 30/6/2025) "
            "hoặc 2025 (34 tỉnh, 2 cấp, từ 1/7/2025). Hãy dùng biểu mẫu tải từ hệ thống."
        ) % {"found": _shown(unit_list)})
    unit = None
    if not code:
        error(UNIT_CODE_CELL, _("Ô «Mã đơn vị» để trống. Hãy dùng biểu mẫu tải từ hệ thống."))
    elif period is not None and unit_list in UnitList.values:
        try:
            unit = context.unit(code, unit_list, period)
        except AdministrativeUnit.DoesNotExist:
            error(UNIT_CODE_CELL, unit_not_found_message(code, unit_list, period))
    if code and not (title.startswith(SHEET_TITLE) or title.split()[:1] == [code]):
        error("", _(
            "Tên trang đã bị đổi. Tên trang phải là «%(title)s» hoặc bắt đầu bằng mã đơn vị ghi "
            "ở ô %(cell)s («%(code)s»): hãy đổi lại tên trang để tránh nhầm đơn vị."
        ) % {"title": SHEET_TITLE, "cell": UNIT_CODE_CELL, "code": code})
    if unit is not None and context.allowed is not None and not context.allowed(unit):
        error(UNIT_CODE_CELL, _(
            "Đơn vị %(name)s (mã %(code)s) ngoài phạm vi của bạn: bạn chỉ nhập được số liệu của "
            "đơn vị mình phụ trách. Kiểm tra lại tệp, hoặc nhờ người có quyền tải lên."
        ) % {"name": unit.name, "code": unit.code})
    if unit is not None and period is not None:
        key = (unit.pk, period.pk)
        if key in context.seen:
            error(UNIT_CODE_CELL, _(
                "%(name)s (mã %(code)s), kỳ %(period)s đã có ở trang «%(other)s». Mỗi đơn vị chỉ "
                "có một trang cho một kỳ: hãy xoá một trong hai trang."
            ) % {"name": unit.name, "code": unit.code, "period": period.code,
                 "other": context.seen[key]})
        else:
            context.seen[key] = title

    fields = context.fields_for(unit.level) if unit is not None else None
    rows: dict[int, int] = {}
    lines = _read_rows(sheet, unit, fields, error, rows, balance=context.balance)
    context.errors.extend(errors)
    if errors or unit is None or period is None:
        return None
    return SheetReport(sheet=title, unit=unit, period=period, lines=lines, rows=rows)


def _column_title(field_name: str) -> str:
    column = COLUMN_BY_FIELD[field_name]
    return f"{column.number} «{column.group} – {column.label}»"


def _shown_moment(value) -> str:
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, datetime.datetime):
        return value.strftime(f"{DATE_FORMAT} %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def _count(value, formula: bool = False) -> tuple[int | None, str | None]:
    """A count cell's number (blank is 0), or the reason it is not one; ``value`` as the cell
    shows it (``UploadedSheet.value``: a formula's text), ``formula`` when it is one."""
    if formula or (isinstance(value, str) and value.startswith("=")):
        return None, _(
            "ô đang chứa công thức «%(formula)s». Hãy gõ trực tiếp con số (hoặc Sao chép → Dán "
            "đặc biệt → Giá trị), không dùng công thức.") % {"formula": _shown(value)}
    if _blank(value):
        return 0, None
    if isinstance(value, bool):
        return None, _(
            "ô đang chứa giá trị đúng/sai (%(value)s), không phải số. Hãy nhập số hồ sơ, là "
            "số nguyên ≥ 0.") % {"value": "TRUE" if value else "FALSE"}
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return None, _(
            "ô đang chứa ngày giờ «%(value)s», không phải số hồ sơ. Hãy đổi định dạng ô về số "
            "và nhập số nguyên ≥ 0.") % {"value": _shown_moment(value)}
    if isinstance(value, float):
        if not value.is_integer():
            shown = f"{value:g}".replace(".", ",")
            return None, _(
                "số hồ sơ phải là số nguyên, nhưng đang là %(value)s. Hãy nhập số nguyên, không "
                "có phần thập phân.") % {"value": shown}
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            return None, _(
                "số hồ sơ không được âm (đang là %(value)s). Hãy nhập số nguyên ≥ 0."
            ) % {"value": value}
        return value, None
    return None, _(
        "ô đang chứa chữ «%(value)s», không phải số. Hãy nhập số nguyên ≥ 0, không kèm chữ, "
        "dấu cách hay dấu chấm phân cách hàng nghìn.") % {"value": _shown(value)}


def _is_total_formula(formula: str | None, field_name: str, row: int) -> bool:
    """Whether ``formula`` is exactly the template's formula for total ``field_name`` in
    ``row`` (=D17+E17+F17+G17), spaces, ``$`` and case aside."""
    return (field_name in TOTAL_PARTS and formula is not None
            and formula.replace(" ", "").replace("$", "").upper()
            == total_formula(field_name, row))


def _stale_total(sheet: UploadedSheet, row: int, column: int, computed: int) -> int | None:
    """The value a spreadsheet stored for a total formula if it differs from ``computed``
    (none is stored in a file saved by openpyxl: nothing to compare then)."""
    stored = sheet.stored(row, column)
    if isinstance(stored, bool) or not isinstance(stored, (int, float)) \
            or not math.isfinite(stored):
        return None
    return None if stored == computed else int(stored)


def _read_rows(sheet: UploadedSheet, unit, fields, error, seen: dict[int, int], *,
               balance: bool = True) -> dict[ProcedureField, dict[str, int]]:
    """Every field row of the table; ``fields`` is None when the unit is unknown (counts and
    identities are still checked, names are not). ``seen`` receives each field's row.

    A total (3), (7), (11) holding the template's formula or left blank is computed from its
    columns; one holding a number is checked against them (``figure_errors``), and so is a
    formula's value stored by the spreadsheet when it is there and differs."""
    by_name = {fold(field.name): field for field in fields} if fields is not None else None
    lines: dict[ProcedureField, dict[str, int]] = {}
    last_row = sheet.max_row
    cap = FIRST_DATA_ROW + MAX_DATA_ROWS - 1
    if last_row > cap:
        error(f"A{cap + 1}", _(
            "Trang có dữ liệu hoặc định dạng đến dòng %(last)s, quá xa bảng số liệu (tối đa "
            "%(max)s dòng lĩnh vực). Hãy xoá các dòng từ dòng %(first)s trở xuống."
        ) % {"last": last_row, "max": MAX_DATA_ROWS, "first": cap + 1})
        last_row = cap
    level = Level(unit.level).label.lower() if unit is not None else ""
    for row in range(FIRST_DATA_ROW, last_row + 1):
        cells = sheet.row_values(row, 2, LAST_COLUMN)
        if all(_blank(value) for value in cells):
            continue  # an empty row (a stray STT alone included)
        name_value, count_values = cells[0], cells[1:]
        name_cell = f"B{row}"
        name = _text(name_value)
        field = None
        if not name:
            where = _("dòng %(row)s") % {"row": row}
            error(name_cell, _(
                "Dòng %(row)s có số liệu nhưng ô (2) «Lĩnh vực» để trống. Hãy ghi lại tên lĩnh "
                "vực như trong biểu mẫu, hoặc xoá cả dòng.") % {"row": row})
        else:
            where = _("lĩnh vực «%(name)s» (dòng %(row)s)") % {"name": _shown(name), "row": row}
            if by_name is not None:
                field = by_name.get(fold(name))
                if field is None:
                    error(name_cell, _(
                        "Lĩnh vực «%(name)s» không thuộc các lĩnh vực báo cáo của %(level)s. "
                        "Hãy ghi đúng tên lĩnh vực như trong biểu mẫu tải từ hệ thống, hoặc xoá "
                        "dòng này.") % {"name": _shown(name), "level": level})
                elif field.pk in seen:
                    error(name_cell, _(
                        "Lĩnh vực «%(name)s» có hai dòng (dòng %(first)s và dòng %(row)s). Mỗi "
                        "lĩnh vực chỉ có một dòng: hãy gộp số liệu vào một dòng và xoá dòng kia."
                    ) % {"name": field.name, "first": seen[field.pk], "row": row})
                    field = None
                else:
                    seen[field.pk] = row
        values: dict[str, int] = {}
        computed = {}  # total → its column, for the totals this row leaves to the formulas
        complete = True
        for index, (column, value) in enumerate(zip(COLUMNS, count_values, strict=True)):
            number = FIRST_COUNT_COLUMN + index
            formula = sheet.formula(row, number)
            if column.field in TOTAL_PARTS and (_is_total_formula(formula, column.field, row)
                                                or _blank(value)):
                computed[column.field] = (number, formula is not None)
                continue
            count, problem = _count(value, formula is not None)
            if problem is None:
                values[column.field] = count
                continue
            complete = False
            error(f"{COUNT_LETTERS[column.field]}{row}", _(
                "%(where)s, cột %(column)s: %(problem)s") % {
                "where": where[:1].upper() + where[1:], "column": _column_title(column.field),
                "problem": problem})
        if not complete:
            continue
        for name, (number, is_formula) in computed.items():
            values[name] = sum(values[part] for part in TOTAL_PARTS[name])
            stale = _stale_total(sheet, row, number, values[name]) if is_formula else None
            if stale is not None:
                complete = False
                parts = " + ".join(COLUMN_BY_FIELD[p].number for p in TOTAL_PARTS[name])
                error(f"{COUNT_LETTERS[name]}{row}", _(
                    "%(where)s, cột %(column)s: tệp ghi tổng %(stored)s nhưng %(parts)s cộng lại "
                    "là %(sum)s, tức bảng tính chưa được tính lại trước khi lưu. Hãy mở tệp, bấm "
                    "F9 (hoặc Dữ liệu → Tính lại) rồi lưu và tải lên lại.") % {
                    "where": where[:1].upper() + where[1:], "column": _column_title(name),
                    "stored": format_count(stale), "parts": parts,
                    "sum": format_count(values[name])})
        if not complete:
            continue
        values = {column.field: values[column.field] for column in COLUMNS}
        broken = figure_errors(values, balance=balance)
        for problem in broken:
            error(f"{COUNT_LETTERS[problem.field]}{row}", _("%(where)s: %(problem)s") % {
                "where": where[:1].upper() + where[1:], "problem": problem.message})
        if field is not None and not broken:
            lines[field] = values
    if fields is not None:
        for field in fields:
            if field.pk not in seen:
                error("", _(
                    "Thiếu dòng lĩnh vực «%(name)s». Mỗi lĩnh vực của biểu mẫu phải có đúng một "
                    "dòng (để trống các ô nếu không có hồ sơ); đừng xoá dòng.")
                    % {"name": field.name})
        lines = {field: lines[field] for field in fields if field in lines}
    return lines
