"""Summary workbook and CSV: the official layout, and the same numbers as the pages."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc import exports as writer
from cchc.dossiers.columns import COLUMNS
from cchc.units.models import AdministrativeUnit, Level, UnitList
from reports import exports, selectors
from reports.kpis import KPIS
from tests import factories

pytestmark = pytest.mark.django_db
PERIOD = "2024-Q4"


@pytest.fixture
def ke_sach_filed():
    """Kế Sách's own report and those of four of its communes."""
    factories.period("2024-Q3")
    ke_sach = factories.unit("943")
    factories.report(ke_sach, PERIOD, lines={
        factories.field(): factories.figures(),
        factories.field("chung-thuc", "Chứng thực"): factories.figures(
            received_online=1560, received_total=1600, resolved_early=1000, resolved_total=1500,
            resolved_on_time=495, pending_total=100, pending_in_time=98)})
    for code, late in (("31552", 0), ("31564", 5), ("31555", 5), ("31558", 1)):
        factories.report(factories.unit(code), PERIOD, lines={
            factories.field(): factories.figures(resolved_late=late,
                                                 resolved_on_time=40 - late)})
    return ke_sach


def workbook_for(client, code="943", **params):
    response = client.get(reverse("reports:summary_xlsx", args=["2008", code, PERIOD]), params)
    assert response.status_code == 200 and response.streaming
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_three_sheets_in_the_official_layout(admin_client, ke_sach_filed):
    book = workbook_for(admin_client)
    assert book.sheetnames == ["Biểu II.06a", "Theo đơn vị", "Xếp hạng"]
    form = book["Biểu II.06a"]
    assert form["A1"].value == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert "Huyện Kế Sách" in form["A3"].value and "Tỉnh Sóc Trăng" in form["A3"].value
    assert "15/09/2024" in form["A4"].value and "14/12/2024" in form["A4"].value
    merged = {str(r) for r in form.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:G6", "H6:K6", "L6:N6"} <= merged
    assert [form.cell(8, c).value for c in range(1, 15)] == [
        "(1)", "(2)", "(3)", "(4)", "(5a)", "(5b)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)",
        "(12)", "(13)"]
    assert form["C9"].number_format == "#,##0"
    assert form.freeze_panes == "C9" and form.print_title_rows == "$6:$8"
    assert form.page_setup.orientation == "landscape" and form.page_setup.paperSize == 9
    total_row = next(r for r in range(9, form.max_row + 1) if form.cell(r, 2).value == "Tổng cộng")
    # The signature block sits below the table, each side in its own merged cells.
    assert form.cell(total_row + 2, 10).value.startswith("Sóc Trăng, ngày")
    assert form.cell(total_row + 3, 1).value == "NGƯỜI LẬP BIỂU"
    assert form.cell(total_row + 3, 10).value == "THỦ TRƯỞNG ĐƠN VỊ"
    assert f"A{total_row + 3}:D{total_row + 3}" in merged
    assert f"J{total_row + 3}:N{total_row + 3}" in merged
    units = book["Theo đơn vị"]
    assert units.auto_filter.ref.startswith("A3:") and units.freeze_panes == "C4"
    an_my = next(r for r in units.iter_rows(min_row=4) if r[0].value == "31564")
    assert [c.number_format for c in an_my[4:7]] == ["#,##0"] * 3
    assert an_my[16].value == pytest.approx(0.9444, abs=1e-4) and \
        an_my[16].number_format == "0.00%"
    assert book.properties.creator == "Báo cáo CCHC" and "Huyện Kế Sách" in book.properties.title


def test_every_number_in_the_workbook_is_the_number_on_the_pages(admin_client, ke_sach_filed):
    book = workbook_for(admin_client)
    board = admin_client.get(reverse("reports:dashboard", args=["2008", "943", PERIOD]))
    totals = board.context["board"].totals
    form = book["Biểu II.06a"]
    total_row = next(r for r in range(9, form.max_row + 1) if form.cell(r, 2).value == "Tổng cộng")
    assert [form.cell(total_row, 3 + i).value for i in range(len(COLUMNS))] == [
        totals[c.field] for c in COLUMNS]
    by_field = dict(board.context["board"].by_field)
    for row in range(9, total_row):
        name = form.cell(row, 2).value
        assert [form.cell(row, 3 + i).value for i in range(len(COLUMNS))] == [
            by_field[name][c.field] for c in COLUMNS]

    page = admin_client.get(reverse("reports:ranking", args=["2008", "943", PERIOD]))
    shown = {row.unit.code: row for row in page.context["ranking"].rows}
    ranking_sheet = book["Xếp hạng"]
    for row in ranking_sheet.iter_rows(min_row=4, values_only=True):
        page_row = shown[row[2]]
        expected_rank = f"{page_row.rank}/{page.context['ranking'].size}" if page_row.rank \
            else "–"
        assert row[0] == expected_rank
        for offset, key in enumerate(exports.RATE_KEYS, start=6):
            value = page_row.values[key]
            assert (row[offset] is None) if value is None else \
                abs(Decimal(str(row[offset])) - value) < Decimal("1e-12")
    per_unit = book["Theo đơn vị"]
    for row in per_unit.iter_rows(min_row=4, values_only=True):
        assert list(row[4:4 + len(COLUMNS)]) == [shown[row[0]].totals[c.field] for c in COLUMNS]


def test_csv_has_exactly_the_agreed_columns_and_four_decimal_rates(admin_client, ke_sach_filed):
    response = admin_client.get(reverse("reports:summary_csv", args=["2008", "943", PERIOD]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert list(rows[0]) == [
        "unit_code", "unit_name", "unit_level", "parent_code", "period", "received_total",
        "received_online", "received_in_person", "received_postal", "received_carried_over",
        "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
        "pending_total", "pending_in_time", "pending_overdue", "on_time_rate", "early_rate",
        "online_rate", "scope"]
    an_my = next(r for r in rows if r["unit_code"] == "31564")
    assert (an_my["unit_name"], an_my["unit_level"], an_my["parent_code"], an_my["scope"]) == (
        "Xã An Mỹ", "commune", "943", "own")
    assert an_my["on_time_rate"] == "0.9444" and an_my["early_rate"] == "0.5556"
    silent = next(r for r in rows if r["unit_code"] == "31561")  # filed nothing
    assert silent["on_time_rate"] == "" and silent["received_total"] == "0"


def test_vietnamese_text_survives_writing_and_reading_back(admin_client, ke_sach_filed):
    book = workbook_for(admin_client)
    names = [row[1] for row in book["Theo đơn vị"].iter_rows(min_row=4, values_only=True)]
    assert "Xã Nhơn Mỹ" in names and "Thị trấn Kế Sách" in names
    assert book["Biểu II.06a"]["B9"].value in {"Chứng thực", "Hộ tịch"}


def test_an_empty_period_and_a_unit_without_children_still_export(admin_client):
    factories.period(PERIOD)
    book = workbook_for(admin_client, code="31564")  # Xã An Mỹ: no children, no figures
    form = book["Biểu II.06a"]
    total_row = next(r for r in range(9, form.max_row + 1) if form.cell(r, 2).value == "Tổng cộng")
    assert total_row == 9
    assert all(form.cell(9, c).value == 0 for c in range(3, 15))
    assert book["Theo đơn vị"].max_row <= 4


def test_the_download_keeps_the_pages_filters(admin_client, ke_sach_filed):
    book = workbook_for(admin_client, code="94", level="3", parent=str(ke_sach_filed.pk),
                        kpi="late_rate")
    codes = [row[0] for row in book["Theo đơn vị"].iter_rows(min_row=4, values_only=True)]
    assert len(codes) == 13 and "31564" in codes
    assert "Giải quyết quá hạn" in book["Xếp hạng"]["A1"].value


def test_a_unit_name_that_looks_like_a_formula_stays_text(admin_client, ke_sach_filed):
    AdministrativeUnit.objects.filter(code="31564", unit_list=UnitList.BEFORE_2025).update(
        name='=HYPERLINK("http://example.invalid","An Mỹ")')
    response = admin_client.get(reverse("reports:summary_xlsx", args=["2008", "943", PERIOD]))
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(name) for name in archive.namelist()
                  if name.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in sheet for sheet in sheets)
    assert not any(name.startswith("xl/worksheets/_rels") for name in archive.namelist())
    names = [row[1] for row in load_workbook(io.BytesIO(content))["Theo đơn vị"].iter_rows(
        min_row=4, values_only=True)]
    assert '=HYPERLINK("http://example.invalid","An Mỹ")' in names


def test_export_command_writes_xlsx_and_csv_and_lists_a_level(tmp_path, ke_sach_filed):
    call_command("export_summary", "--unit", "943", "--period", PERIOD, "--out",
                 str(tmp_path / "s.xlsx"), stdout=io.StringIO())
    assert load_workbook(tmp_path / "s.xlsx").sheetnames[0] == "Biểu II.06a"
    call_command("export_summary", "--unit", "943", "--period", PERIOD, "--out",
                 str(tmp_path / "self.csv"), stdout=io.StringIO())
    rows = list(csv.reader((tmp_path / "self.csv").open(encoding="utf-8-sig")))
    assert [r[0] for r in rows[1:]] == ["943"]
    call_command("export_summary", "--unit", "94", "--period", PERIOD, "--level", "commune",
                 "--out", str(tmp_path / "communes.csv"), stdout=io.StringIO())
    rows = list(csv.reader((tmp_path / "communes.csv").open(encoding="utf-8-sig")))
    assert len(rows) == 1 + 108


@pytest.mark.parametrize(("unit", "period", "message"), [
    ("99999", PERIOD, "Không có đơn vị mã 99999"),
    ("943", "2026-Q1", "Không có đơn vị mã 943"),  # districts ended on 30/6/2025
    ("943", "2024-Q9", "không hợp lệ"),
    ("943", "2031-Q1", "Chưa có kỳ báo cáo"),
])
def test_export_command_fails_clearly_on_a_bad_unit_or_period(tmp_path, unit, period, message):
    factories.period(PERIOD)
    factories.period("2026-Q1")
    with pytest.raises(CommandError, match=message):
        call_command("export_summary", "--unit", unit, "--period", period, "--out",
                     str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_codes_are_resolved_as_of_the_periods_end(tmp_path):
    factories.period("2025-Q2")
    factories.period("2025-Q3")
    out = io.StringIO()
    call_command("export_summary", "--unit", "82", "--period", "2025-Q2", "--out",
                 str(tmp_path / "a.csv"), stdout=out)
    assert "Tỉnh Tiền Giang" in out.getvalue()
    call_command("export_summary", "--unit", "82", "--period", "2025-Q3", "--out",
                 str(tmp_path / "b.csv"), stdout=out)
    assert "Tỉnh Đồng Tháp" in out.getvalue()


def test_the_national_list_of_communes_exports(tmp_path):
    period = factories.period(PERIOD)
    communes = AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                                 level=Level.COMMUNE).select_related("parent")
    root = factories.unit("94")
    summary = exports.summary_for(root, period, communes)
    with (tmp_path / "national.xlsx").open("wb") as file:
        exports.write_workbook(summary, file)
    book = load_workbook(tmp_path / "national.xlsx", read_only=True)
    written = sum(1 for _row in book["Theo đơn vị"].iter_rows(min_row=4, values_only=True))
    assert written == communes.count()


def test_the_download_is_streamed_in_pieces(admin_client, ke_sach_filed):
    response = admin_client.get(reverse("reports:summary_xlsx", args=["2008", "94", PERIOD]),
                                {"level": "3"})
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert chunks[0].startswith(b"PK")  # the zip container begins before it is finished


def test_kpi_values_in_the_csv_come_from_the_one_definition(ke_sach_filed):
    rows = selectors.unit_rows([factories.unit("31564")], factories.period(PERIOD))
    line = list(exports.csv_rows(rows, factories.period(PERIOD)))[1]
    expected = KPIS["on_time_rate"].value(rows[0].totals)
    assert line[exports.CSV_COLUMNS.index("on_time_rate")] == f"{expected:.4f}"


def test_the_official_workbook_stays_vietnamese_in_the_english_interface(admin_client,
                                                                         ke_sach_filed):
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = admin_client.get(reverse("reports:ranking", args=["2008", "943", PERIOD]))
    assert "Download Excel" in page.content.decode()
    book = workbook_for(admin_client)
    assert book.sheetnames == ["Biểu II.06a", "Theo đơn vị", "Xếp hạng"]


def test_stream_hands_over_bytes_before_the_writer_has_finished():
    import threading

    release = threading.Event()

    def write(file):
        file.write(b"PK\x03\x04 first part")
        assert release.wait(5)  # blocks until the reader has the first part
        file.write(b" rest")

    chunks = writer.stream(write)
    assert next(chunks) == b"PK\x03\x04 first part"
    release.set()
    assert b"".join(chunks) == b" rest"


def test_a_failing_writer_fails_the_download_instead_of_truncating_it_silently():
    def write(file):
        file.write(b"PK")
        raise RuntimeError("disk full")

    chunks = writer.stream(write)
    with pytest.raises(RuntimeError, match="disk full"):
        list(chunks)


def test_a_province_reports_to_the_government_office_in_both_files(admin_client, tmp_path):
    factories.period(PERIOD)
    admin_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    book = workbook_for(admin_client, code="94")
    assert "Đơn vị nhận báo cáo: Văn phòng Chính phủ" in book["Biểu II.06a"]["A3"].value
    template = admin_client.get(reverse("dossiers:template", args=["2008", "94", PERIOD]))
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert sheet["C7"].value == "Văn phòng Chính phủ"
