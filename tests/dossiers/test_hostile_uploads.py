"""Hostile uploads: generated malformed and adversarial workbooks never cause a server error,
never write part of a file, and stay within bounded memory; XML attacks are refused.

The property test starts from the real template of Xã An Mỹ, filled with valid figures, and
applies up to six random changes a clerk, a broken tool or an attacker could make: any value in
any cell (huge and negative numbers, floats, NaN, booleans, dates, formulas, long and odd text),
merged cells, hidden and extra sheets, rows inserted or deleted, renamed sheets. Each file goes
through the whole upload path — read and check, plan, import, all in one transaction — and
must either be imported exactly as typed or refused with messages that name where, with
nothing written.
"""

import datetime
import io
import math
import signal
import time
import tracemalloc
import warnings
import zipfile
from functools import cache

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from cchc.dossiers import excel, services
from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.models import DossierLine, DossierReport, ReportEvent
from cchc.dossiers.selectors import report_lines
from cchc.periods.services import period_ensure
from cchc.satisfaction.services import HEADER as sipas_header
from cchc.satisfaction.services import sipas_import
from cchc.scores import schemes, survey
from cchc.service_index import services as service_index_services
from cchc.sheets import SheetUnreadable, first_sheet
from tests import factories

pytestmark = pytest.mark.django_db
QUARTER = "2025-Q2"
MEMORY_LIMIT = 64 * 1024 * 1024  # Python allocations while reading one generated file
LETTERS = [excel.COUNT_LETTERS[column.field] for column in COLUMNS]


@pytest.fixture
def upload_world():
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code=QUARTER, deadline=datetime.date.today() + datetime.timedelta(days=30))
    return factories.user("xa", unit_code="31564")


@cache
def filled_template() -> bytes:
    """The real template of Xã An Mỹ for 2025-Q2 with valid figures on every field row."""
    workbook = excel.template_workbook(factories.unit("31564"), factories.period(QUARTER))
    sheet = workbook.worksheets[0]
    row = excel.FIRST_DATA_ROW
    while sheet.cell(row, 2).value:
        for column in COLUMNS:
            sheet[f"{excel.COUNT_LETTERS[column.field]}{row}"] = factories.figures()[column.field]
        row += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- what can happen to a workbook ------------------------------------------------------------

values = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=0, max_value=200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.text(max_size=60),
    st.builds(lambda c, n: c * n, st.sampled_from("x9ờ"), st.integers(30_000, 32_767)),
    st.sampled_from(["=1+1", "=SUM(C17:C40)*10^300", '=HYPERLINK("http://evil.example","x")',
                     "=cmd|' /C calc'!A0", "=A1", "=1/0", "'=2+2", "1e400", "-0", "٣٤",
                     "١٢٣", "12 345", "12.345", "12,5", "\u200b7", " 7 ", "NaN", "Infinity"]),
)
cells = st.tuples(st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=18))
changes = st.one_of(
    st.tuples(st.just("set"), cells, values),
    st.tuples(st.just("merge"), cells, st.tuples(st.integers(0, 3), st.integers(0, 3))),
    st.tuples(st.just("hide"), st.booleans()),
    st.tuples(st.just("extra_sheet"), st.text(max_size=31), st.booleans(), values),
    st.tuples(st.just("insert_rows"), st.integers(1, 60), st.integers(1, 5)),
    st.tuples(st.just("delete_rows"), st.integers(1, 60), st.integers(1, 5)),
    st.tuples(st.just("rename"), st.text(min_size=1, max_size=31)),
    st.tuples(st.just("fill_figures"), st.integers(0, 40), st.integers(0, 1000)),
)


def apply(workbook, change) -> None:
    sheet = workbook.worksheets[0]
    kind = change[0]
    if kind == "set":
        (row, column), value = change[1], change[2]
        sheet.cell(row, column).value = value
    elif kind == "merge":
        (row, column), (down, right) = change[1], change[2]
        if down or right:
            sheet.merge_cells(start_row=row, start_column=column, end_row=row + down,
                              end_column=column + right)
    elif kind == "hide":
        extra = workbook.create_sheet("an")
        extra["A1"] = "dữ liệu ẩn"
        (sheet if change[1] else extra).sheet_state = "hidden"
    elif kind == "extra_sheet":
        extra = workbook.create_sheet()
        if change[1]:
            extra.title = change[1]
        extra["C17"] = change[3]
        if change[2]:
            extra.sheet_state = "veryHidden"
    elif kind == "insert_rows":
        sheet.insert_rows(change[1], change[2])
    elif kind == "delete_rows":
        sheet.delete_rows(change[1], change[2])
    elif kind == "rename":
        sheet.title = change[1]
    elif kind == "fill_figures":  # a whole consistent row, other numbers
        row = excel.FIRST_DATA_ROW + change[1]
        figures = {name: value * (change[2] + 1)
                   for name, value in factories.figures().items()}
        for column in COLUMNS:
            sheet[f"{excel.COUNT_LETTERS[column.field]}{row}"] = figures[column.field]


def build(change_list) -> bytes | None:
    """The template with the changes, or None when openpyxl itself cannot write them (an
    illegal character or sheet title: such a file cannot come from Excel either)."""
    workbook = load_workbook(io.BytesIO(filled_template()))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of odd titles; odd is the point
            for change in change_list:
                apply(workbook, change)
            out = io.BytesIO()
            workbook.save(out)
    except (IllegalCharacterError, ValueError, TypeError, OverflowError, KeyError, IndexError,
            AttributeError):  # e.g. writing into a merged cell, which Excel refuses too
        return None
    return out.getvalue()


class PeakMemory:
    """Python's allocations at their highest inside the ``with`` block (tracemalloc may already
    be tracing for pytest: the peak is reset rather than the tracing restarted)."""

    def __enter__(self):
        self.started_here = not tracemalloc.is_tracing()
        if self.started_here:
            tracemalloc.start()
        tracemalloc.reset_peak()
        self.base = tracemalloc.get_traced_memory()[0]
        self.seconds = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.peak = tracemalloc.get_traced_memory()[1] - self.base
        self.seconds = time.monotonic() - self.seconds
        if self.started_here:
            tracemalloc.stop()


def stored_state() -> tuple[int, int, int]:
    return (DossierReport.objects.count(), DossierLine.objects.count(),
            ReportEvent.objects.count())


def is_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@settings(max_examples=1000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(change_list=st.lists(changes, min_size=1, max_size=6))
def test_no_generated_workbook_breaks_the_upload(upload_world, change_list):
    data = build(change_list)
    assume(data is not None)  # only files that could exist count towards the 1,000
    before = stored_state()
    try:
        with PeakMemory() as memory:
            sheets = excel.read_workbook(io.BytesIO(data), size=len(data),
                                         allowed=lambda unit: True)
    except excel.WorkbookInvalid as refused:
        assert refused.errors, "a refusal must say what is wrong"
        for error in refused.errors:
            assert error.message and not error.message.startswith("Traceback")
        assert stored_state() == before
        event("refused with messages")
        return
    finally:
        assert memory.peak < MEMORY_LIMIT, f"reading took {memory.peak / 2**20:.0f} MiB"

    # Accepted: import it, check every stored number is what the sheet says, then undo.
    with transaction.atomic():
        try:
            services.reports_import(user=upload_world, plans=services.import_plan(sheets=sheets),
                                    reason="hypothesis")
        except services.ImportRefused as refused:
            assert refused.messages
            assert stored_state() == before
            event("read, then refused by the import")
        else:
            event("imported exactly as typed")
            for sheet in sheets:
                report = DossierReport.objects.get(unit=sheet.unit, period=sheet.period)
                stored = report_lines(report)
                for field, figures in sheet.lines.items():
                    assert stored[field.pk] == figures
                    assert all(is_number(v) and 0 <= v < 10**10 for v in figures.values())
        transaction.set_rollback(True)
    assert stored_state() == before


# --- crafted attacks ----------------------------------------------------------------------------


def replaced(data: bytes, **parts: bytes) -> bytes:
    """The package with some of its parts replaced (``xl__sharedStrings_xml`` style names)."""
    names = {name.replace("__", "/").replace("_xml", ".xml"): body for name, body in parts.items()}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, names.pop(item.filename, source.read(item.filename)))
        for name, body in names.items():
            target.writestr(name, body)
    return out.getvalue()


LAUGHS = (b'<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
    for i in range(1, 10)), b"&lol9;")  # a billion "lol"s from a few hundred bytes
EXTERNAL = (b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', b"&xxe;")


def with_entity(xml: bytes, declarations: bytes, reference: bytes) -> bytes:
    """``xml`` (a part of the package) with a DTD declaring entities, one used in a cell."""
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    root = body[1:].split(b" ", 1)[0]
    body = body.replace(b"<is><t>", b"<is><t>" + reference, 1)
    return b'<?xml version="1.0"?><!DOCTYPE ' + root + b" [" + declarations + b"]>" + body


def attacked(payload) -> bytes:
    data = filled_template()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    return replaced(data, xl__worksheets__sheet1_xml=with_entity(sheet, *payload))


@pytest.mark.parametrize("payload", [LAUGHS, EXTERNAL], ids=["entity-expansion", "external"])
def test_xml_entity_attacks_are_refused_quickly_and_read_nothing(upload_world, payload):
    data = attacked(payload)
    with pytest.raises(excel.WorkbookInvalid) as refused, PeakMemory() as memory:
        excel.read_workbook(io.BytesIO(data), size=len(data))
    assert memory.seconds < 5 and memory.peak < MEMORY_LIMIT
    message = refused.value.errors[0].message
    assert "bị hỏng" in message and "root:" not in message and "lol" not in message


def test_a_million_row_sheet_is_refused_before_it_is_parsed(upload_world):
    rows = b"".join(b'<row r="%d"><c r="C%d"><v>1</v></c></row>' % (i, i)
                    for i in range(1, 1_000_001))
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    data = replaced(filled_template(), xl__worksheets__sheet1_xml=sheet)
    assert len(data) < 5 * 1024 * 1024  # small enough to pass the upload limit
    with pytest.raises(excel.WorkbookInvalid) as refused, PeakMemory() as memory:
        excel.read_workbook(io.BytesIO(data), size=len(data))
    assert memory.seconds < 10 and memory.peak < MEMORY_LIMIT
    assert "hơn 2.000 dòng" in refused.value.errors[0].message


def test_a_prefixed_row_tag_is_counted_too(upload_world):
    rows = b"".join(b'<x:row r="%d"/>' % i for i in range(1, 3000))
    sheet = (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><x:sheetData>' + rows + b"</x:sheetData></x:worksheet>")
    data = replaced(filled_template(), xl__worksheets__sheet1_xml=sheet)
    with pytest.raises(excel.WorkbookInvalid) as refused:
        excel.read_workbook(io.BytesIO(data), size=len(data))
    assert "hơn 2.000 dòng" in refused.value.errors[0].message


def test_hostile_files_through_the_web_upload_answer_a_page_not_an_error(client, upload_world):
    client.force_login(upload_world)
    attacks = {
        "entity-expansion": attacked(LAUGHS),
        "formula-in-a-count": build([("set", (excel.FIRST_DATA_ROW, 3), "=1+1")]),
        "not-a-number": build([("set", (excel.FIRST_DATA_ROW, 4), math.inf)]),
    }
    for name, data in attacks.items():
        file = io.BytesIO(data)
        file.name = f"{name}.xlsx"
        before = stored_state()
        response = client.post("/bao-cao/tai-len/", {"file": file})
        assert response.status_code == 200, name
        assert "chưa lưu gì" in response.content.decode(), name
        assert stored_state() == before


# --- sheets that hold more than the form: refused while counting, before openpyxl parses --------


class Deadline:
    """Stop the block after ``seconds`` (SIGALRM): a reader that parses an endless sheet fails
    the test at once instead of holding the suite for minutes."""

    def __init__(self, seconds: int):
        self.seconds = seconds

    def _expired(self, *args):
        raise TimeoutError(f"still reading after {self.seconds} s")

    def __enter__(self):
        self.previous = signal.signal(signal.SIGALRM, self._expired)
        signal.alarm(self.seconds)

    def __exit__(self, *exc):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.previous)


def worksheet(body: bytes, head: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main">' + head + b"<sheetData>" + body
            + b"</sheetData></worksheet>")


#: The file of the report: 2,000 rows of 6,422 empty styled cells, 49 MiB of XML in 56 KB.
EMPTY_CELLS = worksheet(b"".join(b'<row r="%d">' % row + b'<c/>' * 6422 + b"</row>"
                                 for row in range(1, 2001)))


def list_workbook(header) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_as(kind: str, data: bytes):
    """Read ``data`` the way the upload of ``kind`` does."""
    source = io.BytesIO(data)
    if kind == "II.06a":
        return excel.read_workbook(source, size=len(data))
    if kind == "766":
        return service_index_services.values_import(user=None, period=None, source=source,
                                                    units=[])
    if kind == "SIPAS":
        return sipas_import(user=None, year=2025, source=source, units=[])
    if kind == "survey":
        return first_sheet(source, survey.HEADER)
    return schemes.read_scheme_rows(source)


KINDS = {"II.06a": None, "766": service_index_services.HEADER, "SIPAS": sipas_header,
         "survey": survey.HEADER, "scheme": schemes.HEADER}
REFUSALS = (excel.WorkbookInvalid, service_index_services.ValuesRefused, SheetUnreadable,
            schemes.SchemeInvalid)


def refusal_text(refused) -> str:
    value = refused.value
    for name in ("errors", "messages"):
        if hasattr(value, name):
            return " ".join(str(error) for error in getattr(value, name))
    return str(value)


def hostile(kind: str, sheet: bytes) -> bytes:
    base = filled_template() if kind == "II.06a" else list_workbook(KINDS[kind])
    return replaced(base, xl__worksheets__sheet1_xml=sheet)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_small_file_of_millions_of_empty_cells_is_refused_at_once_naming_the_sheet(
        upload_world, kind):
    data = hostile(kind, EMPTY_CELLS)
    assert len(data) < 200 * 1024 and len(EMPTY_CELLS) > 45 * 2**20
    with Deadline(20), pytest.raises(REFUSALS) as refused, PeakMemory() as memory:
        read_as(kind, data)
    assert memory.seconds < 5 and memory.peak < MEMORY_LIMIT
    title = excel.SHEET_TITLE if kind == "II.06a" else "Sheet"
    text = refusal_text(refused)
    assert f"Trang «{title}»" in text and "đến cột" in text, text


RANGES = {
    # Each claims or makes, from a few bytes, a used range openpyxl would fill cell by cell.
    "a far cell": worksheet(b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c>'
                            b"</row>"),
    "a lying dimension": worksheet(b'<row r="1"><c r="A1"><v>1</v></c></row>',
                                   head=b'<dimension ref="A1:XFD1048576"/>'),
    "one cell a million times": worksheet(b'<row r="1">' + b'<c r="B2"/>' * 1_000_000
                                          + b"</row>"),
    "a huge merged range": worksheet(b'<row r="1"><c r="A1"><v>1</v></c></row>')
    .replace(b"</worksheet>", b'<mergeCells count="1"><mergeCell ref="A1:CV5000"/></mergeCells>'
             b"</worksheet>"),
}


@pytest.mark.parametrize("shape", list(RANGES))
@pytest.mark.parametrize("kind", ["II.06a", "766"])
def test_a_used_range_the_form_cannot_hold_is_refused_before_parsing(upload_world, kind, shape):
    data = hostile(kind, RANGES[shape])
    with Deadline(20), pytest.raises(REFUSALS) as refused, PeakMemory() as memory:
        read_as(kind, data)
    assert memory.seconds < 5 and memory.peak < MEMORY_LIMIT
    text = refusal_text(refused)
    assert "Trang «" in text and ("dòng" in text or "cột" in text or " ô " in text), text


def test_a_sheet_moved_out_of_the_worksheets_folder_is_counted_too(upload_world):
    data = filled_template()
    package = zipfile.ZipFile(io.BytesIO(data))
    rels = package.read("xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml",
                                                                b"elsewhere.xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in package.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                body = rels if item.filename == "xl/_rels/workbook.xml.rels" else \
                    package.read(item.filename)
                target.writestr(item.filename, body)
        target.writestr("xl/elsewhere.xml", EMPTY_CELLS)
    with Deadline(20), pytest.raises(excel.WorkbookInvalid) as refused:
        excel.read_workbook(io.BytesIO(out.getvalue()))
    assert f"Trang «{excel.SHEET_TITLE}»" in str(refused.value)


def bad_crc(data: bytes, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    """``data`` with one byte of ``name``'s stored bytes changed: its CRC no longer matches."""
    package = zipfile.ZipFile(io.BytesIO(data))
    info = package.getinfo(name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for item in package.infolist():
            target.writestr(item.filename, package.read(item.filename))
    raw = bytearray(out.getvalue())
    stored = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(name)
    start = stored.header_offset + 30 + len(stored.filename.encode())
    body = raw[start:start + info.file_size]
    at = start + body.index(b"<sheetData>") + 2  # a letter inside a tag name: still XML-like
    raw[at] = ord("X")
    return bytes(raw)


@pytest.mark.parametrize("kind", ["II.06a", "766"])
def test_a_zip_entry_with_a_bad_crc_is_refused_with_a_message(upload_world, kind):
    data = bad_crc(hostile(kind, worksheet(b'<row r="1"><c r="A1"><v>1</v></c></row>')))
    with pytest.raises(REFUSALS) as refused:
        read_as(kind, data)
    assert "bị hỏng" in refusal_text(refused)


def test_a_bad_crc_through_the_web_upload_answers_a_page(client, upload_world):
    client.force_login(upload_world)
    file = io.BytesIO(bad_crc(filled_template()))
    file.name = "crc.xlsx"
    response = client.post("/bao-cao/tai-len/", {"file": file})
    assert response.status_code == 200
    assert "bị hỏng" in response.content.decode()


def test_a_shared_string_table_of_millions_of_strings_is_refused_before_parsing(upload_world):
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
               b'org/spreadsheetml/2006/main">' + b"<si><t/></si>" * 5_000_000 + b"</sst>")
    template = filled_template()
    types = zipfile.ZipFile(io.BytesIO(template)).read("[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    data = replaced(template, xl__sharedStrings_xml=strings, **{"[Content_Types]_xml": types})
    assert len(data) < 1024 * 1024
    with Deadline(20), pytest.raises(excel.WorkbookInvalid) as refused, PeakMemory() as memory:
        excel.read_workbook(io.BytesIO(data), size=len(data))
    assert memory.seconds < 5 and memory.peak < MEMORY_LIMIT
    assert "đoạn chữ" in str(refused.value)


def test_a_sheet_under_a_name_without_xml_is_counted_and_an_image_is_not_mistaken_for_one(
        upload_world):
    data = filled_template()
    package = zipfile.ZipFile(io.BytesIO(data))
    rels = package.read("xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml",
                                                                b"worksheets/data")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in package.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                body = rels if item.filename == "xl/_rels/workbook.xml.rels" else \
                    package.read(item.filename)
                target.writestr(item.filename, body)
        target.writestr("xl/worksheets/data", EMPTY_CELLS)
    with Deadline(20), pytest.raises(excel.WorkbookInvalid) as refused:
        excel.read_workbook(io.BytesIO(out.getvalue()))
    assert f"Trang «{excel.SHEET_TITLE}»" in str(refused.value)
    # A picture in the package is not XML: skipped, the file is read as usual.
    with_image = replaced(data, xl__media__image1_png=b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    sheets = excel.read_workbook(io.BytesIO(with_image), allowed=lambda unit: True)
    assert [sheet.unit.code for sheet in sheets] == ["31564"]
