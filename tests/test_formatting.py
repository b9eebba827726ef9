from decimal import Decimal

import pytest

from cchc.formatting import (
    csv_decimal,
    format_count,
    format_percent,
    format_points,
    round_half_up,
)
from cchc.scores.tables import _points


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [
        (Decimal(17_635) / Decimal(18_207), "96,86 %"),  # Đắk R'Lấp 2023, district level
        (Decimal(18_061) / Decimal(18_088), "99,85 %"),  # its communes
        (Decimal("0.123450"), "12,35 %"),  # half up, not to even
        (Decimal("0.123449"), "12,34 %"),
        (Decimal(1), "100,00 %"),
        (Decimal(0), "0,00 %"),
        (None, "–"),
    ],
)
def test_percent_is_rounded_half_up_with_a_decimal_comma(ratio, shown):
    assert format_percent(ratio) == shown


def test_counts_use_dots_for_thousands():
    assert format_count(20_593) == "20.593"
    assert format_count(3_517) == "3.517"
    assert format_count(12) == "12"


def test_points_drop_trailing_zeros():
    assert format_points(Decimal("85.40")) == "85,4"
    assert format_points(Decimal("90.92")) == "90,92"
    assert format_points(Decimal("10.00")) == "10"


def test_shown_points_round_half_up_everywhere():
    assert round_half_up(Decimal("90.925")) == Decimal("90.93")  # not banker's 90.92
    assert csv_decimal(Decimal("90.925")) == "90.93" and _points(Decimal("90.925")) == "90,93"


def test_measured_numbers_round_half_up_with_a_comma():
    from cchc.formatting import format_decimal

    assert format_decimal(168.84) == "168,8"
    assert format_decimal(3.5) == "3,5"
    assert format_decimal(2.25) == "2,3"  # half up, not to even
    assert format_decimal(48.0) == "48"
