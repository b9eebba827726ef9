"""Reading the simple upload sheets (survey points, 766 indicators, SIPAS): a header row, then
one row per record. The file gets the same checks as the form II.06a upload (size, type, zip
bombs) before it is opened."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _

from cchc.dossiers.excel import SheetLimits, WorkbookInvalid, open_checked_workbook


class SheetUnreadable(Exception):
    """The file is not a readable workbook, or its first row is not the expected header."""


#: One row per unit and indicator (or criterion): a province of 500 communes with 11 indicators
#: is 5,500; the limit only stops sheets that would hold the server for minutes.
MAX_LIST_ROWS = 50_000
#: Columns a list may use past its header's: a clerk's notes, say. Further right, the sheet was
#: not made for this upload (and reading it would pad every row to that width).
EXTRA_COLUMNS = 10


def list_limits(header: tuple[str, ...], max_rows: int | None = None) -> SheetLimits:
    """What a sheet of one record per row under ``header`` may hold: ``max_rows`` rows
    (``MAX_LIST_ROWS`` unless the kind says less), ``EXTRA_COLUMNS`` columns past the header,
    and as many cells as those rows filled to the header's width plus one note."""
    rows = max_rows or MAX_LIST_ROWS
    return SheetLimits(
        rows=rows, columns=len(header) + EXTRA_COLUMNS, cells=rows * (len(header) + 1),
        too_many_rows=_(
            "Trang có hơn %(limit)s dòng. Hãy chia số liệu thành nhiều tệp, "
            "mỗi tệp không quá %(limit)s dòng (giữ dòng tiêu đề ở mỗi tệp), rồi tải lên lần "
            "lượt."))


def first_sheet(source, header: tuple[str, ...], *,
                max_rows: int | None = None) -> tuple[str, list[tuple]]:
    """(title, data rows padded to the header's width) of the first sheet of ``source``, after
    the checks of every upload with the limits of a list (``list_limits``)."""
    width = len(header)
    try:
        workbook = open_checked_workbook(source, limits=list_limits(header, max_rows))
        sheet = next(workbook.sheets(), None)
        # Read with python-calamine: a formula shows as its text ("=B2*100"), as openpyxl
        # showed it, so that it is refused as not a value rather than taken as its last result.
        rows = list(sheet.rows(width)) if sheet is not None else []
    except WorkbookInvalid as invalid:
        raise SheetUnreadable(" ".join(str(error) for error in invalid.errors)) from invalid
    title = sheet.title if sheet is not None else ""
    if not rows or tuple(str(v or "").strip() for v in rows[0]) != tuple(header):
        raise SheetUnreadable(_("Trang «%(sheet)s», dòng 1 phải là tiêu đề: %(header)s.")
                              % {"sheet": title, "header": " | ".join(header)})
    return title, rows[1:]


def upload_handle(request, run, *, refused: type[Exception], done: str,
                  missing: str | None = None) -> None:
    """What every simple upload does with the posted file: none chosen → say so; otherwise
    ``run(file)`` imports it and returns how many rows it stored, or raises ``refused`` (with
    ``.messages``), which are all shown; success → ``done`` with ``%(count)s`` filled in."""
    source = request.FILES.get("file")
    if source is None:
        messages.error(request, missing or _("Hãy chọn tệp Excel."))
        return
    try:
        count = run(source)
    except refused as refusal:
        show_refusal(request, refusal.messages)
    else:
        messages.success(request, done % {"count": count})


def show_refusal(request, problems: list[str]) -> None:
    """An upload that was refused: say that nothing was imported, then each problem on its own
    line (sheet, row, cell), so a clerk can correct them one by one."""
    messages.error(request, _("Không nhập gì. Hãy sửa tệp rồi tải lên lại:"))
    for problem in problems:
        messages.error(request, problem)
