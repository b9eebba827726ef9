import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from cchc.units.models import AdministrativeUnit, Level, Succession, UnitList, UnitSuccession

pytestmark = pytest.mark.django_db

BEFORE, AFTER = UnitList.BEFORE_2025, UnitList.FROM_2025


def count(unit_list, level):
    return AdministrativeUnit.objects.filter(unit_list=unit_list, level=level).count()


def test_both_official_lists_are_loaded_with_their_official_sizes():
    assert count(BEFORE, Level.PROVINCE) == 63
    assert count(BEFORE, Level.DISTRICT) == 696
    # The package lists 10,035 communes; other sources quote "about 10,051" for mid-2025
    # (docs/domain.md §2).
    assert 10_000 <= count(BEFORE, Level.COMMUNE) <= 10_100
    assert count(AFTER, Level.PROVINCE) == 34
    assert count(AFTER, Level.DISTRICT) == 0
    assert count(AFTER, Level.COMMUNE) == 3_321


def test_second_load_changes_nothing_and_says_so():
    before = list(AdministrativeUnit.objects.order_by("pk").values_list(
        "pk", "unit_list", "code", "name", "parent_id", "valid_from", "valid_to"))
    links_before = UnitSuccession.objects.count()
    out = io.StringIO()
    call_command("load_units", stdout=out)
    assert "Không có thay đổi" in out.getvalue()
    assert "(thêm mới 0, cập nhật 0)" in out.getvalue()
    assert "(thêm mới 0, cập nhật 0, xoá 0)" in out.getvalue()
    after = list(AdministrativeUnit.objects.order_by("pk").values_list(
        "pk", "unit_list", "code", "name", "parent_id", "valid_from", "valid_to"))
    assert after == before
    assert UnitSuccession.objects.count() == links_before


def test_load_repairs_a_unit_changed_by_hand():
    an_my = AdministrativeUnit.objects.get(unit_list=BEFORE, code="31564")
    an_my.name = "Xã Sai Tên"
    an_my.save()
    out = io.StringIO()
    call_command("load_units", stdout=out)
    an_my.refresh_from_db()
    assert an_my.name == "Xã An Mỹ"
    assert "Đã cập nhật dữ liệu" in out.getvalue()


def test_load_prints_counts_per_list_and_level():
    out = io.StringIO()
    call_command("load_units", stdout=out)
    text = out.getvalue()
    assert "Cấp huyện: 696 đơn vị" in text
    assert "Cấp xã: 3.321 đơn vị" in text
    assert "Cấp tỉnh: 63 đơn vị" in text and "Cấp tỉnh: 34 đơn vị" in text


def test_every_old_commune_has_a_successor_and_every_new_commune_a_predecessor():
    old_without = AdministrativeUnit.objects.filter(
        unit_list=BEFORE, level=Level.COMMUNE, successor_links__isnull=True
    )
    new_without = AdministrativeUnit.objects.filter(
        unit_list=AFTER, predecessor_links__isnull=True
    )
    assert not old_without.exists()
    assert not new_without.exists()


def test_divided_communes_link_to_several_new_units_with_one_principal():
    divided = (
        AdministrativeUnit.objects.filter(successor_links__kind=Succession.DIVIDED)
        .annotate(parts=Count("successor_links"))
        .distinct()
    )
    assert divided.count() > 400
    for unit in divided[:50]:
        links = list(unit.successor_links.all())
        assert len(links) >= 2
        assert sum(link.is_principal for link in links) == 1


def test_provinces_link_to_the_province_they_merged_into():
    soc_trang = AdministrativeUnit.objects.get(unit_list=BEFORE, code="94")
    link = soc_trang.successor_links.get()
    assert link.successor.name == "Thành phố Cần Thơ"
    assert link.kind == Succession.MERGED


def test_island_districts_without_communes_became_special_zones():
    con_co = AdministrativeUnit.objects.get(unit_list=BEFORE, name="Huyện Cồn Cỏ")
    assert con_co.successor_links.get().successor.name == "Đặc khu Cồn Cỏ"


def test_every_stored_name_is_unicode_nfc():
    import unicodedata

    names = AdministrativeUnit.objects.values_list("name", flat=True)
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
