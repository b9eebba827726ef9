import pytest

from cchc.units.models import AdministrativeUnit
from cchc.units.text import fold

pytestmark = pytest.mark.django_db


def found(query):
    return set(AdministrativeUnit.objects.search(query).values_list("unit_list", "code"))


def test_tone_mark_placement_and_accents_do_not_matter():
    expected = {("2008", "31729")}  # Xã Hòa Tú 2, huyện Mỹ Xuyên, Sóc Trăng
    assert found("Hoà Tú 2") == expected
    assert found("Hòa Tú 2") == expected
    assert found("hoa tu 2") == expected
    assert found("HOA TU 2") == expected


def test_decomposed_unicode_input_finds_the_same_unit():
    import unicodedata

    assert found(unicodedata.normalize("NFD", "Hòa Tú 2")) == {("2008", "31729")}


def test_spelling_variants_of_dak_find_dak_rlap():
    for query in ("Đắk R'Lấp", "Đăk R'Lấp", "dak rlap", "Dak R’Lap"):
        assert ("2008", "666") in found(query), query


def test_every_word_must_match():
    assert found("hoa tu xyz") == set()
    assert found("   ") == set()


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Hoà Tú 2", "hoa tu 2"), ("Thủy", "thuy"), ("Thuỷ", "thuy"), ("Đắk R'Lấp", "dak rlap"),
     ("Bà Rịa - Vũng Tàu", "ba ria vung tau")],
)
def test_fold(text, folded):
    assert fold(text) == folded
