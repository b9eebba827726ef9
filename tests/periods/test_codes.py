import datetime

import pytest
from django.http import HttpResponse
from django.urls import Resolver404, path, resolve, reverse

import cchc.urls  # noqa: F401  (registers the <period:> converter)
from cchc.periods.codes import InvalidPeriodCode, PeriodSpec

D = datetime.date


@pytest.mark.parametrize(
    ("code", "kind", "start", "end", "cutoff_start", "cutoff_end"),
    [
        ("2023-Q4", "quarter", D(2023, 10, 1), D(2023, 12, 31), D(2023, 9, 15), D(2023, 12, 14)),
        ("2024-Q1", "quarter", D(2024, 1, 1), D(2024, 3, 31), D(2023, 12, 15), D(2024, 3, 14)),
        ("2024-H1", "half-year", D(2024, 1, 1), D(2024, 6, 30), D(2023, 12, 15), D(2024, 6, 14)),
        ("2024-9M", "nine-months", D(2024, 1, 1), D(2024, 9, 30), D(2023, 12, 15),
         D(2024, 9, 14)),
        ("2024", "year", D(2024, 1, 1), D(2024, 12, 31), D(2023, 12, 15), D(2024, 12, 14)),
        ("2024-M03", "month", D(2024, 3, 1), D(2024, 3, 31), D(2024, 2, 15), D(2024, 3, 14)),
        ("2024-M01", "month", D(2024, 1, 1), D(2024, 1, 31), D(2023, 12, 15), D(2024, 1, 14)),
    ],
)
def test_dates_and_cutoff_window_follow_decree_09_2019(code, kind, start, end, cutoff_start,
                                                        cutoff_end):
    spec = PeriodSpec.parse(code)
    assert spec.kind == kind
    assert (spec.start, spec.end) == (start, end)
    assert (spec.cutoff_start, spec.cutoff_end) == (cutoff_start, cutoff_end)
    assert spec.code == code


@pytest.mark.parametrize("code", ["2024-Q5", "2024-H2", "24-Q1", "2024-M13", "2024-M3", "Q1-2024",
                                  "", "2024-q1-x"])
def test_bad_notation_is_refused_with_a_vietnamese_hint(code):
    with pytest.raises(InvalidPeriodCode, match="Dùng dạng 2023-Q4"):
        PeriodSpec.parse(code)


def test_lower_case_and_spaces_are_accepted():
    assert PeriodSpec.parse(" 2023-q4 ").code == "2023-Q4"


def test_longer_periods_are_made_of_their_quarters():
    assert [q.code for q in PeriodSpec.parse("2024").quarters()] == [
        "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert [q.code for q in PeriodSpec.parse("2024-9M").quarters()] == [
        "2024-Q1", "2024-Q2", "2024-Q3"]
    assert [q.code for q in PeriodSpec.parse("2024-H1").quarters()] == ["2024-Q1", "2024-Q2"]
    assert PeriodSpec.parse("2024-M02").quarters() == []


def test_previous_period_of_the_same_kind():
    assert PeriodSpec.parse("2024-Q1").previous().code == "2023-Q4"
    assert PeriodSpec.parse("2024-Q3").previous().code == "2024-Q2"
    assert PeriodSpec.parse("2024-M01").previous().code == "2023-M12"
    assert PeriodSpec.parse("2024-H1").previous().code == "2023-H1"


urlpatterns = [
    path("ky/<period:code>/", lambda request, code: HttpResponse(code), name="period-probe")
]


@pytest.mark.urls(__name__)
def test_period_converter_routes_every_notation_and_nothing_else():
    for code in ("2023-Q4", "2024-H1", "2024-9M", "2024", "2024-M03"):
        url = reverse("period-probe", args=[code])
        assert url == f"/ky/{code}/"
        assert resolve(url).kwargs == {"code": code}
    with pytest.raises(Resolver404):
        resolve("/ky/2024-Q7/")


@pytest.mark.parametrize("code", ["0000-Q1", "0000", "0999-H1", "1899-Q4", "9999-Q4"])
def test_a_year_whose_dates_do_not_exist_is_refused_like_bad_notation(code):
    """0000-Q1 passed the notation, then had no dates and a code ("0-Q1") no URL takes."""
    with pytest.raises(InvalidPeriodCode, match="năm phải từ 1900 đến 9998"):
        PeriodSpec.parse(code)
    assert PeriodSpec.parse("1900-Q1").previous().code == "1899-Q4"
