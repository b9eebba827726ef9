"""PAR schemes imported from an Excel sheet, exported back, copied to a new year."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cchc.scores.models import ParBand, ParCriterion, ParScheme, SchemeLevel
from cchc.scores.schemes import SchemeInvalid, scheme_copy, scheme_import, scheme_workbook
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", 10, "kết quả"),
    ("1.1", "Kế hoạch CCHC năm", 4, "kết quả"),
    ("1.2", "Báo cáo CCHC", 6, "kết quả"),
    ("1.2.1", "Báo cáo đúng hạn", 3.5, "kết quả"),
    ("1.2.2", "Báo cáo đầy đủ nội dung", 2.5, "kết quả"),
    ("2", "Tác động của CCHC", 30, "điều tra"),
]


def sheet(rows, header=("Mã", "Nội dung", "Điểm tối đa", "Phần")) -> io.BytesIO:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


def imported(rows=GOOD, year=2024):
    return scheme_import(source=sheet(rows), year=year, level=SchemeLevel.COMMUNE,
                         name=f"Bộ chỉ số xã năm {year}", issuer=factories.unit("94"))


def test_a_well_formed_sheet_becomes_a_tree():
    scheme = imported()
    report = {c.code: (c.parent.code if c.parent else None, c.max_points, c.part)
              for c in scheme.criteria.select_related("parent")}
    assert report["1.2.1"] == ("1.2", Decimal("3.5"), "results")
    assert report["2"] == (None, Decimal("30"), "survey")
    assert len(report) == 6


@pytest.mark.parametrize(("rows", "message"), [
    ([("1", "A", 10, "kết quả"), ("1.1", "B", 4, "kết quả"), ("1.2", "C", 5, "kết quả")],
     "Dòng 2, ô C2: các tiêu chí con của 1 cộng lại được 9 điểm, khác điểm tối đa 10"),
    ([("1", "A", 10, "kết quả"), ("1", "B", 10, "kết quả")], "Dòng 3, ô A3: mã 1 bị trùng"),
    ([("1.1", "B", 4, "kết quả")], "Dòng 2, ô A2: mã 1.1 phải đứng sau tiêu chí cha 1"),
    ([("1a", "A", 10, "kết quả")], "Dòng 2, ô A2: mã «1a» không đúng dạng"),
    ([("1", "A", -1, "kết quả")], "Dòng 2, ô C2: điểm tối đa phải là số dương"),
    ([("1", "A", 1.234, "kết quả")], "tối đa 2 chữ số thập phân"),
    ([("1", "A", "=5+5", "kết quả")], "Dòng 2, ô C2"),
    ([("1", "A", 10, "khác")], "Dòng 2, ô D2: phần «khác» không hợp lệ"),
    ([("1", "", 10, "kết quả")], "Dòng 2, ô B2: thiếu nội dung"),
])
def test_a_broken_sheet_is_refused_with_the_cell_and_nothing_is_created(rows, message):
    with pytest.raises(SchemeInvalid) as caught:
        imported(rows)
    assert any(message in error for error in caught.value.errors), caught.value.errors
    assert not ParScheme.objects.exists() and not ParCriterion.objects.exists()


def test_a_renamed_header_or_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(SchemeInvalid, match="Trang «Sheet», dòng 1 phải là tiêu đề"):
        scheme_import(source=sheet(GOOD, header=("Code", "Title", "Max", "Part")), year=2024,
                      level=SchemeLevel.COMMUNE, name="x")
    with pytest.raises(SchemeInvalid, match="tệp PDF .*không phải bảng tính Excel"):
        scheme_import(source=io.BytesIO(b"%PDF-1.7"), year=2024, level=SchemeLevel.COMMUNE,
                      name="x")


def test_export_reads_back_into_the_same_tree():
    scheme = imported()
    stream = io.BytesIO()
    scheme_workbook(scheme).save(stream)
    stream.seek(0)
    again = scheme_import(source=stream, year=2025, level=SchemeLevel.COMMUNE, name="again",
                          issuer=factories.unit("94"))
    fields = ("code", "title", "max_points", "part", "parent__code")
    assert list(again.criteria.order_by("position").values_list(*fields)) == list(
        scheme.criteria.order_by("position").values_list(*fields))


def test_a_new_year_starts_as_a_copy_of_the_last():
    scheme = imported()
    ParBand.objects.create(scheme=scheme, label="Tốt", min_percent=80)
    new = scheme_copy(scheme=scheme, year=2025)
    assert new.name == "Bộ chỉ số xã năm 2025"
    assert new.criteria.count() == 6 and new.criteria.get(code="1.2.2").parent.code == "1.2"
    assert list(new.bands.values_list("label", "min_percent")) == [("Tốt", Decimal("80.00"))]
    with pytest.raises(SchemeInvalid, match="Đã có bộ chỉ số năm 2025"):
        scheme_copy(scheme=scheme, year=2025)


def test_the_par_scheme_command_imports_exports_and_copies(tmp_path):
    source = imported()
    scheme_workbook(source).save(tmp_path / "scheme.xlsx")
    out = io.StringIO()
    call_command("par_scheme", "import", str(tmp_path / "scheme.xlsx"), "--year", "2031",
                 "--level", "district", "--name", "Bộ chỉ số huyện 2031", "--issuer", "94",
                 stdout=out)
    assert "Đã tạo" in out.getvalue()
    made = ParScheme.objects.get(year=2031, level="district")
    assert made.criteria.count() == source.criteria.count()
    call_command("par_scheme", "copy", "--year", "2031", "--level", "district", "--issuer",
                 "94", "--to-year", "2032", stdout=out)
    assert ParScheme.objects.get(year=2032, level="district").criteria.count() == \
        source.criteria.count()
    call_command("par_scheme", "export", "--year", "2032", "--level", "district",
                 "--issuer", "94", "--out", str(tmp_path / "back.xlsx"), stdout=out)
    assert (tmp_path / "back.xlsx").exists()
    with pytest.raises(CommandError, match="Không có bộ chỉ số cấp huyện năm 2040"):
        call_command("par_scheme", "copy", "--year", "2040", "--level", "district",
                     "--to-year", "2041")


@pytest.mark.parametrize(("row", "message"), [
    (("1", "A", 20_000, "kết quả"), "Dòng 2, ô C2: điểm tối đa 20000 vượt giới hạn 9.999,99"),
    (("1", "A", "1e400", "kết quả"), "Dòng 2, ô C2: điểm tối đa 1e400 vượt giới hạn"),
    (("1", "A", "NaN", "kết quả"), "Dòng 2, ô C2: điểm tối đa phải là số dương"),
    (("1", "A", "Infinity", "kết quả"), "Dòng 2, ô C2: điểm tối đa phải là số dương"),
    (("1." * 15 + "1", "A", 10, "kết quả"), "Dòng 2, ô A2: mã dài quá 20 ký tự"),
    (("1", "x" * 501, 10, "kết quả"), "Dòng 2, ô B2: nội dung dài quá 500 ký tự"),
])
def test_what_the_database_cannot_hold_is_refused_naming_the_cell(row, message):
    """These were server errors (a numeric overflow, NaN compared, a value too long)."""
    with pytest.raises(SchemeInvalid) as caught:
        imported([row])
    assert any(message in error for error in caught.value.errors), caught.value.errors
    assert not ParScheme.objects.exists()
