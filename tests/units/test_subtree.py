import pytest

from cchc.units.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db


def test_descendants_of_a_province_in_one_query(django_assert_num_queries):
    soc_trang = AdministrativeUnit.objects.get(unit_list="2008", code="94")
    with django_assert_num_queries(1):
        below = list(AdministrativeUnit.objects.descendants_of(soc_trang))
    levels = [unit.level for unit in below]
    assert levels.count(Level.DISTRICT) == 11
    assert levels.count(Level.COMMUNE) == 108


def test_subtree_of_a_district_holds_itself_and_its_communes(django_assert_num_queries):
    ke_sach = AdministrativeUnit.objects.get(unit_list="2008", code="943")
    with django_assert_num_queries(1):
        subtree = list(AdministrativeUnit.objects.subtree_of(ke_sach))
    assert ke_sach in subtree
    assert len(subtree) == 1 + 13


def test_a_new_province_has_only_communes_below_it():
    can_tho = AdministrativeUnit.objects.get(unit_list="2025", code="92")
    below = AdministrativeUnit.objects.descendants_of(can_tho)
    assert below.count() == 103
    assert set(below.values_list("level", flat=True)) == {Level.COMMUNE}


def test_every_unit_knows_its_province():
    assert not AdministrativeUnit.objects.filter(level__gt=Level.PROVINCE,
                                                 province__isnull=True).exists()
    an_my = AdministrativeUnit.objects.get(unit_list="2008", code="31564")
    assert an_my.province.name == "Tỉnh Sóc Trăng"


def test_the_python_and_sql_subtree_rules_agree():
    soc_trang = AdministrativeUnit.objects.get(unit_list="2008", code="94")
    in_sql = set(AdministrativeUnit.objects.subtree_of(soc_trang).values_list("pk", flat=True))
    units = AdministrativeUnit.objects.filter(unit_list="2008").select_related("parent")
    in_python = {unit.pk for unit in units if unit.is_within(soc_trang)}
    assert in_python == in_sql and len(in_sql) == 120
