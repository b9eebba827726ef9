"""Reading the simple upload sheets (survey points, 766 indicators, SIPAS): a header row, then
one row per record. The file gets the same checks as the form II.06a upload (size, type, zip
bombs) before it is opened.

Each of those uploads is a job (cchc/jobs): ``upload_handle`` stores the posted file and starts
the upload's kind (declared with ``list_upload_kind`` in the app's ``jobs`` module), run in the
request when the file is small, else by a worker, the job's page then showing its progress and
result."""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.dossiers.excel import (
    SheetLimits,
    WorkbookInvalid,
    max_upload_bytes,
    open_checked_workbook,
)
from cchc.jobs.models import JobStatus
from cchc.jobs.services import JobFailed, job_start, kind, progress


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


def list_upload_kind(name: str, label, *, refused: type[Exception], done):
    """Register the decorated ``import_(job, source) -> rows stored`` as the job kind ``name``
    of a simple upload: the job opens its stored file, runs the import (all or nothing: the
    imports are one transaction each) and keeps ``done`` (with ``%(count)s``) as its result; a
    ``refused`` import (with ``.messages``) fails the job with each problem as it was shown in
    the page (sheet, row, cell). The job's page shows either, with a link back to the page the
    upload came from (``back`` in the job's parameters)."""

    def register(import_):
        def run(job) -> dict:
            progress(job, 0, 1, _("Đang đọc, kiểm tra và nhập tệp «%(name)s»…") % {
                "name": job.input_name}, force=True)
            try:
                with job.input_file.open("rb") as source:
                    count = import_(job, source)
            except refused as refusal:
                raise JobFailed(str(REFUSED), errors=[
                    {"message": message} for message in refusal.messages]) from None
            return {"count": count, "done": str(done) % {"count": count}}

        kind(name, label, template="sheets/job_upload.html", context=_job_context)(run)
        return import_

    return register


REFUSED = gettext_lazy("Không nhập gì. Hãy sửa tệp rồi tải lên lại:")


def _job_context(job, request) -> dict:
    back = job.params.get("back", "")
    return {"back": back if back.startswith("/") and not back.startswith("//") else ""}


def answers_at_once(upload) -> bool:
    """Whether importing ``upload`` takes well under a second, so the request does it: a
    workbook whose sheets and shared strings unpack to at most ``CCHC_JOB_INLINE_LIST_BYTES``
    (read from the zip's directory, nothing unpacked), or a file refused before it is opened
    (not a zip, too large)."""
    if upload.size > max_upload_bytes():
        return True
    try:
        with zipfile.ZipFile(upload) as package:
            unpacked = sum(info.file_size for info in package.infolist()
                           if info.filename.startswith(("xl/worksheets/", "xl/sharedStrings")))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True
    finally:
        upload.seek(0)
    return unpacked <= settings.CCHC_JOB_INLINE_LIST_BYTES


def upload_handle(request, kind_name: str, *, back: str, params: dict | None = None,
                  unit=None, period=None, missing: str | None = None) -> HttpResponse:
    """What every simple upload does with the posted file: none chosen → say so and go
    ``back``; otherwise the job ``kind_name`` (see ``list_upload_kind``) stores the file and
    imports it. A small file is imported in the request (the same job, run at once): its
    result (``done``, or every problem of a refused file) is shown back on the page; a larger
    one goes to a worker and the answer is the job's page, with its progress and then the
    same result and a link back."""
    source = request.FILES.get("file")
    if source is None:
        messages.error(request, missing or _("Hãy chọn tệp Excel."))
        return redirect(back)
    inline = answers_at_once(source)
    job = job_start(kind_name, user=request.user, unit=unit, period=period, file=source,
                    params={**(params or {}), "back": back}, inline=inline)
    if not inline:
        return redirect("jobs:detail", job.pk)
    if job.status == JobStatus.DONE:
        messages.success(request, job.result["done"])
    else:
        show_refusal(request, [error["message"] for error in job.errors], job.message)
    return redirect(back)


def show_refusal(request, problems: list[str], summary: str = "") -> None:
    """An upload that was refused: say that nothing was imported (``summary``, by default
    ``REFUSED``), then each problem on its own line (sheet, row, cell), so a clerk can correct
    them one by one."""
    messages.error(request, summary or str(REFUSED))
    for problem in problems:
        messages.error(request, problem)
