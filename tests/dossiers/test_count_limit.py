"""One limit on a count, in one place (``columns.MAX_COUNT``), on every path: the web form, the
Excel import, the services behind the API and the demo loader. A count the database column
cannot hold (2,147,483,648) is refused like any other, never a server error."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers import excel, services
from cchc.dossiers.columns import COLUMNS, MAX_COUNT
from cchc.dossiers.models import DataSource, DossierLine, DossierReport, ProcedureField
from cchc.periods.services import period_ensure
from tests import factories

pytestmark = pytest.mark.django_db
QUARTER = "2025-Q2"
AN_MY = "31564"
TWO_BILLION, PAST_INT32 = 2_000_000_000, 2_147_483_648


@pytest.fixture(autouse=True)
def world():
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(days=30))
    return factories.user("xa", unit_code=AN_MY)


def huge(count: int) -> dict[str, int]:
    """A consistent row whose online receipts are ``count``: only the size is wrong."""
    return factories.figures(received_online=count, received_total=count + 40,
                             pending_in_time=count - 52, pending_total=count - 50)


def template_with(count: int) -> bytes:
    workbook = excel.template_workbook(factories.unit(AN_MY), factories.period(QUARTER))
    sheet = workbook.worksheets[0]
    row = excel.FIRST_DATA_ROW
    while sheet.cell(row, 2).value:
        figures = huge(count) if row == excel.FIRST_DATA_ROW else factories.figures()
        for column in COLUMNS:
            sheet[f"{excel.COUNT_LETTERS[column.field]}{row}"] = figures[column.field]
        row += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stored() -> tuple[int, int]:
    return DossierReport.objects.count(), DossierLine.objects.count()


@pytest.mark.parametrize("count", [TWO_BILLION, PAST_INT32])
def test_the_import_refuses_a_count_past_the_limit_naming_the_cell(count):
    data = template_with(count)
    with pytest.raises(excel.WorkbookInvalid) as refused:
        excel.read_workbook(io.BytesIO(data), size=len(data))
    texts = [str(error) for error in refused.value.errors]
    cell = f"{excel.COUNT_LETTERS['received_online']}{excel.FIRST_DATA_ROW}"
    assert any(f"Trang «{excel.SHEET_TITLE}», ô {cell}:" in text and "vượt giới hạn 10.000.000"
               in text for text in texts), texts


@pytest.mark.parametrize("count", [TWO_BILLION, PAST_INT32])
def test_the_web_upload_answers_a_page_naming_the_cell_and_stores_nothing(client, world,
                                                                          count):
    client.force_login(world)
    file = io.BytesIO(template_with(count))
    file.name = "huge.xlsx"
    response = client.post("/bao-cao/tai-len/", {"file": file})
    assert response.status_code == 200
    page = response.content.decode()
    cell = f"{excel.COUNT_LETTERS['received_online']}{excel.FIRST_DATA_ROW}"
    assert f"<td>{excel.SHEET_TITLE}</td><td>{cell}</td>" in page
    assert "10.000.000" in page and stored() == (0, 0)


@pytest.mark.parametrize("count", [TWO_BILLION, PAST_INT32])
def test_report_save_refuses_a_count_past_the_limit(world, count):
    field = ProcedureField.objects.for_level(3).first()
    with pytest.raises(ValidationError) as refused:
        services.report_save(user=world, unit=factories.unit(AN_MY),
                             period=factories.period(QUARTER), lines={field: huge(count)},
                             expected_version=0, submit=True)
    assert any(field.name in message and "(4)" in message and "10.000.000" in message
               for message in refused.value.messages), refused.value.messages
    assert stored() == (0, 0)


def test_dossier_reports_replace_refuses_a_count_past_the_limit():
    field = ProcedureField.objects.for_level(3).first()
    report = services.ReportData(unit=factories.unit(AN_MY), period=factories.period(QUARTER),
                                 lines={field: huge(PAST_INT32)}, status="draft",
                                 source=DataSource.IMPORTED)
    with pytest.raises(ValidationError, match="10.000.000"):
        services.dossier_reports_replace(reports=[report])
    assert stored() == (0, 0)


def test_the_limit_itself_is_accepted():
    field = ProcedureField.objects.for_level(3).first()
    report = services.ReportData(unit=factories.unit(AN_MY), period=factories.period(QUARTER),
                                 lines={field: huge(MAX_COUNT - 40)}, status="draft",
                                 source=DataSource.IMPORTED)
    assert services.dossier_reports_replace(reports=[report]) == 1


def entry_url() -> str:
    return reverse("dossiers:report", args=["2008", AN_MY, QUARTER])


def entry_data(version="0", **overrides) -> dict:
    data = {"version": version, "save": ""}
    for field in ProcedureField.objects.for_level(3):
        for name, value in factories.figures(**overrides).items():
            if not name.endswith("_total"):
                data[f"f{field.pk}-{name}"] = value
    return data


def test_the_web_form_names_the_row_and_column_of_a_count_past_the_limit(client, world):
    client.force_login(world)
    response = client.post(entry_url(), entry_data(received_online=TWO_BILLION))
    assert response.status_code == 200
    assert "cột (4): số quá lớn (tối đa 10.000.000 hồ sơ một ô)" in response.content.decode()
    assert stored() == (0, 0)


@pytest.mark.parametrize("version", ["abc", "-1", "1e3", str(PAST_INT32)])
def test_a_broken_version_field_answers_400_with_a_message_and_saves_nothing(client, world,
                                                                              version):
    client.force_login(world)
    response = client.post(entry_url(), entry_data(version=version))
    assert response.status_code == 400
    assert "phiên bản báo cáo không hợp lệ" in response.content.decode()
    assert stored() == (0, 0)
