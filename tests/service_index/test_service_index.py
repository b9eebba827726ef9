"""The 766 service index: threshold scoring, computed indicators equal to the KPIs, totals and
bands, ties, entry and import rules, access, query counts."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from cchc.accounts.models import Role
from cchc.service_index.models import IndicatorValue, ServiceIndicator
from cchc.service_index.selectors import band_for, indicator_score, service_index, service_indexes
from cchc.service_index.services import ValuesRefused, values_import, values_save
from reports.kpis import KPIS
from reports.selectors import ranking_units, unit_rows
from tests import factories

pytestmark = pytest.mark.django_db
PERIOD = "2024-Q4"


@pytest.mark.parametrize(("rate", "earned"), [
    (Decimal(60), Decimal(4)),  # above the 50 % threshold: full points
    (Decimal(50), Decimal(4)),  # exactly at it: full points
    (Decimal(25), Decimal(2)),  # half the threshold: half the points
    (Decimal(0), Decimal(0)),
    (None, None),
])
def test_an_indicator_earns_full_points_at_its_threshold_and_a_share_below(rate, earned):
    assert indicator_score(rate, Decimal(50), Decimal(4)) == earned


@pytest.mark.parametrize(("total", "band"), [
    (Decimal(90), "Xuất sắc"), (Decimal("89.99"), "Tốt"), (Decimal(80), "Tốt"),
    (Decimal(70), "Khá"), (Decimal(50), "Trung bình"), (Decimal("49.99"), "Yếu")])
def test_bands_start_exactly_at_their_threshold(total, band):
    assert band_for(total) == band


def test_the_six_groups_add_up_to_100():
    assert sum(i.points for i in ServiceIndicator.objects.all()) == 100
    assert ServiceIndicator.objects.values("group").distinct().count() == 6


@pytest.fixture
def filed():
    period = factories.period(PERIOD)
    an_my = factories.unit("31564")
    factories.report(an_my, PERIOD)
    return an_my, period


def test_computed_indicators_are_the_dossier_kpis(filed):
    an_my, period = filed
    index = service_index(an_my, period)
    by_code = {i.indicator.code: i for g in index.groups for i in g.indicators}
    totals = unit_rows([an_my], period)[0].totals
    assert by_code["2.1"].rate_percent == KPIS["progress_rate"].value(totals) * 100
    assert by_code["3.3"].rate_percent == KPIS["online_rate"].value(totals) * 100
    # 60 online of 90 received in the quarter: 66.67 % ≥ 50 % earns the 4 points;
    # progress (50 + 35 + 8) / (90 + 10) = 93 % earns 93 % of 20.
    assert by_code["3.3"].earned == 4 and by_code["2.1"].earned == Decimal("18.6")
    assert "(8) + (9) + (12)" in by_code["2.1"].formula


def test_totals_bands_and_ties(filed):
    an_my, period = filed
    office = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    entered = ServiceIndicator.objects.filter(source="entered")
    for code in ("31564", "31552"):
        unit = factories.unit(code)
        if code == "31552":
            factories.report(unit, PERIOD)
        values_save(user=office, unit=unit, period=period,
                    typed={i: "100" for i in entered})
    indexes = {i.unit.code: i for i in service_indexes(ranking_units(an_my.parent, period),
                                                       period)}
    assert indexes["31564"].total == Decimal("98.6") and indexes["31564"].band == "Xuất sắc"
    assert indexes["31564"].rank_display == indexes["31552"].rank_display == "1/2"
    assert indexes["31561"].rank is None and not indexes["31561"].complete


def test_a_rate_outside_0_to_100_or_not_a_number_saves_nothing(filed):
    an_my, period = filed
    office = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    one, two = ServiceIndicator.objects.filter(source="entered")[:2]
    with pytest.raises(ValuesRefused) as refused:
        values_save(user=office, unit=an_my, period=period, typed={one: "101", two: "abc"})
    assert refused.value.messages == [
        f"Chỉ tiêu {one.code}: tỷ lệ phải từ 0 đến 100 % (đang là 101).",
        f"Chỉ tiêu {two.code}: «abc» không phải là tỷ lệ (ví dụ 87,5)."]
    assert not IndicatorValue.objects.exists()


def test_only_the_provincial_office_enters(filed):
    an_my, period = filed
    clerk = factories.user("xa", unit_code="31564")
    with pytest.raises(ValuesRefused, match="Chỉ văn phòng cấp tỉnh"):
        values_save(user=clerk, unit=an_my, period=period,
                    typed={ServiceIndicator.objects.filter(source="entered").first(): "50"})


def sheet(rows):
    book = Workbook()
    book.active.append(("Mã đơn vị", "Mã chỉ tiêu", "Tỷ lệ (%)"))
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def test_an_import_lists_every_bad_cell_and_stores_nothing(filed):
    an_my, period = filed
    office = factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    units = list(ranking_units(an_my.parent, period))
    with pytest.raises(ValuesRefused) as refused:
        values_import(user=office, period=period, units=units, source=sheet([
            ("31564", "1.1", 95), ("99999", "1.2", 50), ("31564", "2.1", 50),
            ("31564", "1.3", 120), ("31564", "1.1", 90)]))
    assert refused.value.messages == [
        "Trang «Sheet», dòng 3, ô A3: đơn vị «99999» không thuộc danh sách này.",
        "Trang «Sheet», dòng 4, ô B4: «2.1» không phải chỉ tiêu nhập tay của QĐ 766.",
        "Trang «Sheet», dòng 5, ô C5: tỷ lệ phải từ 0 đến 100 % (đang là 120).",
        "Trang «Sheet», dòng 6: đơn vị 31564, chỉ tiêu 1.1 đã có ở dòng trên."]
    assert not IndicatorValue.objects.exists()
    assert values_import(user=office, period=period, units=units,
                         source=sheet([("31564", "1.1", "95,5")])) == 1


def test_pages_answer_inside_the_scope_only_and_cost_the_same_queries(client, filed):
    an_my, period = filed
    factories.user("xa", unit_code="31564")
    client.login(username="xa", password="pass-for-tests-1")
    page = client.get(reverse("service_index:unit", args=["2008", "31564", PERIOD]))
    assert page.status_code == 200 and "2.1. Tiến độ giải quyết" in page.content.decode()
    assert 'name="rate-' not in page.content.decode()  # a clerk reads, does not enter
    assert client.get(reverse("service_index:unit", args=["2008", "31552", PERIOD])
                      ).status_code == 404
    client.logout()
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    client.login(username="tinh", password="pass-for-tests-1")
    counts = []
    for code in ("943", "94"):  # 13 communes, then 11 districts
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("service_index:ranking", args=["2008", code, PERIOD])
                              ).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_long_indicator_sheet_is_read_and_an_endless_one_refused_with_what_to_do(monkeypatch):
    from cchc import sheets

    # 2,500 rows: a province of a few hundred communes with its 11 indicators. The form II.06a's
    # row limit (2,000, "the form has about 40 rows") does not apply to this kind of sheet.
    header = ("Mã đơn vị", "Mã chỉ tiêu", "Tỷ lệ (%)")
    title, rows = sheets.first_sheet(sheet([("31564", "1.1", 90)] * 2500), header)
    assert len(rows) == 2500
    monkeypatch.setattr(sheets, "MAX_LIST_ROWS", 1000)
    with pytest.raises(sheets.SheetUnreadable) as refused:
        sheets.first_sheet(sheet([("31564", "1.1", 90)] * 2500), header)
    assert str(refused.value) == (
        "Trang «Sheet»: Trang có hơn 1.000 dòng. Hãy chia số liệu thành nhiều tệp, mỗi tệp "
        "không quá 1.000 dòng (giữ dòng tiêu đề ở mỗi tệp), rồi tải lên lần lượt.")


def test_the_unit_page_writes_each_calculation_as_a_sentence_with_the_numbers(client, filed):
    """"Cách tính" reads (8) + (9) + (12) = 93 trên (7) + (11) = 100 — the unit's own
    figures — and promises no upload the page does not have."""
    an_my, _period = filed
    factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    client.login(username="tinh", password="pass-for-tests-1")
    html = client.get(reverse("service_index:unit", args=["2008", "31564", PERIOD])
                      ).content.decode()
    assert ("(8) + (9) + (12) = 93 trên (7) + (11) = 100, tức 93,00 %") in html
    assert "(4) = 60 trên (4) + (5a) + (5b) = 90, tức 66,67 %" in html
    assert "tải lên" not in html
    assert "gõ tỷ lệ (%) vào ô của dòng này" in html
    ranking = reverse("service_index:ranking", args=["2008", "943", PERIOD])
    assert f'<a href="{ranking}">Nhập cho nhiều đơn vị từ Excel ở trang xếp hạng</a>' in html
    assert 'type="file"' in client.get(ranking).content.decode()  # where that import is


def test_a_reader_is_told_who_enters_the_entered_indicators(client, filed):
    factories.user("xa", unit_code="31564")
    client.login(username="xa", password="pass-for-tests-1")
    html = client.get(reverse("service_index:unit", args=["2008", "31564", PERIOD])
                      ).content.decode()
    assert "Nhập tay bởi văn phòng cấp tỉnh." in html and "tải lên" not in html
