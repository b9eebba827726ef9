"""A province's workbook of many sheets: read with python-calamine (formulas from the sheet XML),
previewed and imported at a cost that does not grow with its sheets (set-based reads and
writes), with the same checks, audit and totals as one sheet. Real files, real PostgreSQL."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers import excel, services
from cchc.dossiers.columns import COLUMNS
from cchc.dossiers.models import DossierReport, DossierRollup, ReportAction, ReportEvent
from cchc.dossiers.rollups import rollups_verify
from cchc.dossiers.selectors import report_lines
from cchc.periods.services import period_ensure
from cchc.sheets import SheetUnreadable, first_sheet
from cchc.units.models import AdministrativeUnit, Level, UnitList
from tests import factories

pytestmark = pytest.mark.django_db
QUARTER = "2025-Q2"
SOC_TRANG = "94"


@pytest.fixture(autouse=True)
def catalogue_and_period():
    call_command("loaddata", "procedure_fields", verbosity=0)
    return period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(30))


@pytest.fixture
def province():
    return factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code=SOC_TRANG)


def communes(count: int) -> list[AdministrativeUnit]:
    period = factories.period(QUARTER)
    return list(AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, level=Level.COMMUNE, province__code=SOC_TRANG)
        .as_of(period.end).order_by("code")[:count])


def workbook_of(units, times: int = 1) -> bytes:
    """The template of each of ``units``, every field row filled with ``figures() × times``."""
    workbook = None
    period = factories.period(QUARTER)
    for unit in units:
        if workbook is None:
            workbook = excel.template_workbook(unit, period)
            workbook.worksheets[0].title = unit.code
        else:
            excel.add_template_sheet(workbook, unit, period)
    figures = {name: value * times for name, value in factories.figures().items()}
    for sheet in workbook.worksheets:
        row = excel.FIRST_DATA_ROW
        while sheet.cell(row, 2).value:
            for column in COLUMNS:
                sheet[f"{excel.COUNT_LETTERS[column.field]}{row}"] = figures[column.field]
            row += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def read_and_plan(data: bytes, user):
    return services.import_plan(sheets=excel.read_workbook(io.BytesIO(data),
                                                           allowed=lambda unit: True),
                                user=user)


# --- the cost does not grow with the sheets ---------------------------------------------------


def test_previewing_forty_sheets_costs_the_queries_of_twenty(province):
    small, large = workbook_of(communes(20)), workbook_of(communes(40))
    read_and_plan(small, province)  # warm-up: the field catalogue, the user's profile
    assert queries(lambda: read_and_plan(large, province)) == \
        queries(lambda: read_and_plan(small, province))


@pytest.mark.parametrize("stored_before", [False, True], ids=["new reports", "changed reports"])
def test_importing_forty_sheets_costs_the_queries_of_twenty(province, stored_before):
    units = communes(40)
    if stored_before:  # every report exists: each of its lines changes
        services.reports_import(user=province, plans=read_and_plan(workbook_of(units), province))
    counts = []
    for count in (20, 40):
        plans = read_and_plan(workbook_of(units[:count], times=2), province)
        with transaction.atomic():
            counts.append(queries(lambda plans=plans: services.reports_import(
                user=province, plans=plans)))
            assert DossierReport.objects.filter(version=2 if stored_before else 1).count() \
                == count
            transaction.set_rollback(True)
    assert counts[0] == counts[1], counts


def test_a_large_import_stores_every_line_one_audit_event_per_report_and_the_totals(province):
    units = communes(25)
    plans = read_and_plan(workbook_of(units), province)
    services.reports_import(user=province, plans=plans, reason="tỉnh nhập hộ")
    figures = factories.figures()
    for unit in units:
        report = DossierReport.objects.get(unit=unit, period__code=QUARTER)
        assert set(map(tuple, (sorted(v.items()) for v in report_lines(report).values()))) == {
            tuple(sorted(figures.items()))}
        [event] = report.events.all()
        assert (event.action, event.version, event.comment) == (
            ReportAction.IMPORTED, 1, "tỉnh nhập hộ")
        assert {change["new"] for change in event.changes} == set(figures.values())
    # Changed again and sent: only the changed cells are recorded, in a second event; the
    # totals now count the sent reports.
    plans = services.import_plan(sheets=excel.read_workbook(io.BytesIO(workbook_of(
        units, times=2))), user=province, submit=True)
    services.reports_import(user=province, plans=plans, submit=True)
    assert ReportEvent.objects.filter(report__unit__in=units).count() == 50
    report = DossierReport.objects.get(unit=units[0], period__code=QUARTER)
    assert report.version == 2
    last = report.events.order_by("pk").last()
    assert last.action == ReportAction.SUBMITTED
    assert {(c["old"], c["new"]) for c in last.changes} == {
        (value, value * 2) for value in figures.values() if value}
    assert rollups_verify() == [] and DossierRollup.objects.exists()


def test_a_report_changed_meanwhile_cancels_the_whole_large_import(province):
    units = communes(25)
    plans = read_and_plan(workbook_of(units), province)
    services.report_save(user=province, unit=units[7], period=factories.period(QUARTER),
                         lines={factories.field(): factories.figures()}, expected_version=0)
    with pytest.raises(services.ImportRefused) as refused:
        services.reports_import(user=province, plans=plans)
    assert refused.value.messages == [refused.value.messages[0]]
    assert refused.value.messages[0].startswith(f"Trang «{units[7].code}»: Báo cáo này vừa")
    assert DossierReport.objects.count() == 1  # only the one saved meanwhile


# --- formulas, read from the sheet XML --------------------------------------------------------


def with_sheet_xml(data: bytes, change) -> bytes:
    """``data`` with its first sheet's XML passed through ``change(xml) -> xml``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode()).encode()
            target.writestr(item.filename, body)
    return out.getvalue()


def cell_xml(xml: str, ref: str, inner: str) -> str:
    """``xml`` with the content of cell ``ref`` replaced by ``inner`` (its style kept)."""
    match = re.search(rf'<c r="{ref}"([^>]*?)(/>|>.*?</c>)', xml)
    attributes = re.sub(r'\s+t="\w+"', "", match.group(1))
    return xml[:match.start()] + f'<c r="{ref}"{attributes}>{inner}</c>' + xml[match.end():]


def one_sheet() -> bytes:
    return workbook_of([factories.unit("31564")])


def test_totals_filled_down_by_excel_as_a_shared_formula_are_computed():
    """Excel stores a formula filled down a column once, shared by the cells below."""
    figures = factories.figures()

    def fill_down(xml):
        xml = cell_xml(xml, "C17", f'<f t="shared" ref="C17:C19" si="0">D17+E17+F17+G17</f>'
                                   f'<v>{figures["received_total"]}</v>')
        for row in (18, 19):
            xml = cell_xml(xml, f"C{row}", f'<f t="shared" si="0"/>'
                                           f'<v>{figures["received_total"]}</v>')
        return xml
    [report] = excel.read_workbook(io.BytesIO(with_sheet_xml(one_sheet(), fill_down)))
    assert all(values == figures for values in report.lines.values())


def test_a_shared_formula_stored_wrong_is_refused_at_its_cell():
    total = factories.figures()["received_total"]

    def stale(xml):
        xml = cell_xml(xml, "C17", '<f t="shared" ref="C17:C18" si="0">D17+E17+F17+G17</f>'
                                   f"<v>{total}</v>")
        return cell_xml(xml, "C18", '<f t="shared" si="0"/><v>999</v>')
    error = pytest.raises(excel.WorkbookInvalid, excel.read_workbook,
                          io.BytesIO(with_sheet_xml(one_sheet(), stale))).value.errors
    assert [(e.cell, "tệp ghi tổng 999" in e.message) for e in error] == [("C18", True)]


def test_a_formula_filled_down_a_count_column_is_refused_at_each_cell_with_its_text():
    def fill_down(xml):
        xml = cell_xml(xml, "E17", '<f t="shared" ref="E17:E18" si="3">C17-D17</f><v>6</v>')
        return cell_xml(xml, "E18", '<f t="shared" si="3"/><v>6</v>')
    errors = pytest.raises(excel.WorkbookInvalid, excel.read_workbook,
                           io.BytesIO(with_sheet_xml(one_sheet(), fill_down))).value.errors
    assert [(e.cell, re.search(r"công thức «(.*?)»", e.message)[1]) for e in errors] == [
        ("E17", "=C17-D17"), ("E18", "=C18-D18")]


def test_a_formula_whose_result_excel_stored_is_refused_not_taken_as_its_value():
    """Calamine reads the stored result (6): the cell is still a formula, and refused."""
    def computed(xml):
        return cell_xml(xml, "E17", "<f>3*2</f><v>6</v>")
    error, = pytest.raises(excel.WorkbookInvalid, excel.read_workbook,
                           io.BytesIO(with_sheet_xml(one_sheet(), computed))).value.errors
    assert error.cell == "E17" and "công thức «=3*2»" in error.message


def test_the_list_of_a_validation_is_not_mistaken_for_a_formula_in_a_cell():
    """Excel keeps a validation's list in the sheet's extensions as <xm:f>…</xm:f>."""
    extension = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.'
        'microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
        'type="list"><x14:formula1><xm:f>$A$1:$A$3</xm:f></x14:formula1><xm:sqref>N30'
        "</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>")

    def validated(xml):
        return xml.replace("</worksheet>", extension + "</worksheet>")
    [report] = excel.read_workbook(io.BytesIO(with_sheet_xml(one_sheet(), validated)))
    assert all(values == factories.figures() for values in report.lines.values())


def test_an_error_value_in_a_count_cell_is_refused_as_it_shows():
    """A cell holding #N/A as a value (pasted from a sheet where a formula failed): calamine
    reads an error as blank, which would count 0; it is refused, as the text it shows."""
    def pasted(xml):
        xml = cell_xml(xml, "E17", "<v>#N/A</v>").replace('<c r="E17"', '<c r="E17" t="e"', 1)
        return cell_xml(xml, "F17", "<v>#DIV/0!</v>").replace('<c r="F17"', '<c r="F17" t="e"', 1)
    errors = pytest.raises(excel.WorkbookInvalid, excel.read_workbook,
                           io.BytesIO(with_sheet_xml(one_sheet(), pasted))).value.errors
    assert [(e.cell, re.search(r"chữ «(.*?)»", e.message)[1]) for e in errors] == [
        ("E17", "#N/A"), ("F17", "#DIV/0!")]


def test_a_workbook_whose_index_of_sheets_passes_a_megabyte_is_read():
    """5,091 sheets make an index (xl/workbook.xml) of 1.2 MB: streamed, not refused."""
    source = zipfile.ZipFile(io.BytesIO(one_sheet()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/workbook.xml":  # as long as 5,091 sheets' names
                body = body.replace(b"<sheets>", b"<!--" + b" " * (1200 * 1024) + b"--><sheets>")
            target.writestr(item.filename, body)
    assert zipfile.ZipFile(out).getinfo("xl/workbook.xml").file_size > 1024 * 1024
    [report] = excel.read_workbook(io.BytesIO(out.getvalue()))
    assert report.unit.code == "31564"


def test_a_formula_in_a_list_upload_is_refused_as_it_shows_not_as_its_result():
    from openpyxl import Workbook

    from cchc.satisfaction.services import HEADER

    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["94", 90, 91, 92, 93, 94, 95])
    out = io.BytesIO()
    workbook.save(out)
    data = with_sheet_xml(out.getvalue(),
                          lambda xml: cell_xml(xml, "B2", "<f>C2-1</f><v>90</v>"))
    title, rows = first_sheet(io.BytesIO(data), HEADER)
    assert rows == [("94", "=C2-1", 91, 92, 93, 94, 95)]
    with pytest.raises(SheetUnreadable):
        first_sheet(io.BytesIO(b"PK\x03\x04" + b"\0" * 40), HEADER)
