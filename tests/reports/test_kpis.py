"""Every KPI against figures computed by hand."""

from decimal import Decimal

import pytest

from reports.kpis import KPIS, kpi_values
from tests import factories

# 100 received (60 online, 25 in person, 5 by post, 10 carried over); 90 resolved (50 early,
# 35 on time, 5 late); 10 pending (8 in time, 2 overdue).
ROW = factories.figures()


@pytest.mark.parametrize(("key", "expected", "shown"), [
    ("received", 100, "100"),
    ("resolved", 90, "90"),
    ("on_time_rate", Decimal(85) / Decimal(90), "94,44 %"),
    ("early_rate", Decimal(50) / Decimal(90), "55,56 %"),
    ("late_rate", Decimal(5) / Decimal(90), "5,56 %"),
    ("online_rate", Decimal(60) / Decimal(90), "66,67 %"),  # of the 90 received in the period
    ("postal_rate", Decimal(5) / Decimal(90), "5,56 %"),
    ("overdue_pending_rate", Decimal(2) / Decimal(10), "20,00 %"),
])
def test_each_kpi_on_a_hand_computed_row(key, expected, shown):
    value = KPIS[key].value(ROW)
    assert value == expected
    assert KPIS[key].display(value) == shown


def test_rates_without_a_denominator_are_empty_not_zero():
    zero = dict.fromkeys(ROW, 0)
    values = kpi_values(zero)
    assert values["on_time_rate"] is None and values["online_rate"] is None
    assert values["received"] == 0
    assert KPIS["on_time_rate"].display(None) == "–"


def test_rates_come_from_summed_counts_not_averaged_percentages():
    small = factories.figures()  # 85/90 in time
    big = factories.figures(received_total=1010, received_online=970, resolved_total=1000,
                            resolved_early=500, resolved_on_time=0, resolved_late=500)
    summed = {name: small[name] + big[name] for name in small}
    assert KPIS["on_time_rate"].value(summed) == Decimal(585) / Decimal(1090)
    average = (Decimal(85) / 90 + Decimal(500) / 1000) / 2
    assert KPIS["on_time_rate"].value(summed) != average


def test_dak_rlap_2023_rounds_half_up_to_96_86_where_the_article_truncates_to_96_85():
    totals = factories.figures(resolved_total=18_207, resolved_early=17_000,
                               resolved_on_time=635, resolved_late=572)
    assert KPIS["on_time_rate"].display(KPIS["on_time_rate"].value(totals)) == "96,86 %"


def test_every_kpi_shows_its_formula():
    for kpi in KPIS.values():
        assert "(" in str(kpi.formula) and kpi.label
