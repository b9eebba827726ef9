import datetime

import pytest

from cchc.units.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db

UNITS = AdministrativeUnit.objects
LAST_OLD_DAY, FIRST_NEW_DAY = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)


def test_code_82_is_tien_giang_before_the_reform_and_dong_thap_after():
    assert UNITS.resolve("82", on=LAST_OLD_DAY).name == "Tỉnh Tiền Giang"
    assert UNITS.resolve("82", on=FIRST_NEW_DAY).name == "Tỉnh Đồng Tháp"


def test_code_15_is_yen_bai_before_the_reform_and_lao_cai_after():
    assert UNITS.resolve("15", on=datetime.date(2023, 12, 31)).name == "Tỉnh Yên Bái"
    assert UNITS.resolve("15", on=datetime.date(2026, 3, 31)).name == "Tỉnh Lào Cai"


def test_a_commune_code_reused_by_another_commune_resolves_by_date():
    before = UNITS.resolve("31552", on=LAST_OLD_DAY)
    after = UNITS.resolve("31552", on=FIRST_NEW_DAY)
    assert before.pk != after.pk
    assert before.parent.name == "Huyện Kế Sách"
    assert after.parent.name == "Thành phố Cần Thơ"


def test_a_district_code_resolves_to_nothing_after_districts_were_abolished():
    assert UNITS.resolve("943", on=LAST_OLD_DAY).name == "Huyện Kế Sách"
    with pytest.raises(AdministrativeUnit.DoesNotExist):
        UNITS.resolve("943", on=FIRST_NEW_DAY)


def test_units_in_force_on_a_date_come_from_one_list_only():
    assert UNITS.as_of(LAST_OLD_DAY).filter(level=Level.PROVINCE).count() == 63
    assert UNITS.as_of(FIRST_NEW_DAY).filter(level=Level.PROVINCE).count() == 34


def test_codes_shared_by_both_lists_mostly_name_different_communes():
    """docs/domain.md §2: a code does not identify a unit across the reform."""
    old = dict(UNITS.filter(unit_list="2008", level=Level.COMMUNE).values_list("code", "name"))
    new = dict(UNITS.filter(unit_list="2025", level=Level.COMMUNE).values_list("code", "name"))
    shared = old.keys() & new.keys()
    renamed = [code for code in shared if old[code] != new[code]]
    assert len(shared) > 3_000
    assert len(renamed) > 2_000
