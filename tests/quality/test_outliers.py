"""The outlier rule on constructed histories and peers (no database)."""

import math

from cchc.quality.outliers import (
    HISTORY,
    PEERS,
    history_outliers,
    modified_z,
    peer_outliers,
    peer_references,
)
from tests import factories

COLUMNS = ("received_total", "received_online", "resolved_total", "resolved_late",
           "pending_total", "pending_overdue")


def line(received: int) -> dict[str, int]:
    """A consistent line with ``received`` dossiers of the period, every one resolved on time:
    so (3), (4) and (7) move together, the other checked columns stay 0."""
    return factories.figures(
        received_total=received, received_online=received, received_in_person=0,
        received_postal=0, received_carried_over=0, resolved_total=received, resolved_early=0,
        resolved_on_time=received, resolved_late=0, pending_total=0, pending_in_time=0,
        pending_overdue=0)


def flagged(outliers) -> set[str]:
    return {o.column for o in outliers}


def test_modified_z_follows_iglewicz_hoaglin():
    sample = [10, 12, 11, 13, 12, 11, 10, 14]
    # median 11.5, absolute deviations 1.5 .5 .5 1.5 .5 .5 1.5 2.5 -> MAD 1.0
    assert math.isclose(modified_z(21.5, sample), 0.6745 * 10 / 1.0)
    assert modified_z(11.5, sample) == 0


def test_modified_z_of_a_constant_sample():
    assert modified_z(50, [50] * 6) == 0
    assert modified_z(80, [50] * 6) == math.inf
    # MAD 0 but not constant: the mean absolute deviation takes over
    assert math.isclose(modified_z(60, [50, 50, 50, 50, 50, 58]),
                        10 / (1.253314 * (8 / 6)), rel_tol=1e-6)


def test_a_typing_error_with_an_extra_zero_is_flagged():
    history = [line(n) for n in (120, 130, 125, 118, 122, 128, 131, 119)]
    found = history_outliers(7, line(1250), history, same_period_last_year=line(118))
    assert flagged(found) == {"received_total", "received_online", "resolved_total"}
    outlier = next(o for o in found if o.column == "received_total")
    assert outlier.basis == HISTORY and outlier.is_high and outlier.sample_size == 8
    assert outlier.median == 123.5
    assert "Cao bất thường so với các kỳ trước của đơn vị: trung vị 124 (8 kỳ)" in \
        outlier.explanation


def test_a_figure_far_too_low_is_flagged_as_low():
    history = [line(n) for n in (1010, 990, 1005, 1020, 980, 1000, 995, 1015)]
    found = history_outliers(7, line(10), history, same_period_last_year=None)
    assert "received_total" in flagged(found)
    assert all(not o.is_high for o in found)
    assert found[0].explanation.startswith("Thấp bất thường")


def test_a_normal_seasonal_peak_is_not_flagged():
    # Two years of quarters, the fourth quarter busy each year (land dossiers before Tết).
    history = [line(n) for n in (100, 105, 110, 180, 102, 108, 112, 185)]
    # Against the eight quarters alone this Q4 stands out (median 109) ...
    assert abs(modified_z(190, [100, 105, 110, 180, 102, 108, 112, 185])) > 3.5
    # ... but last year's fourth quarter was the same: a season, not an error.
    assert history_outliers(7, line(190), history, same_period_last_year=line(185)) == []
    # The same peak in a quarter whose last year was quiet is flagged.
    assert "received_total" in flagged(
        history_outliers(7, line(190), history, same_period_last_year=line(102)))


def test_an_ordinary_change_is_not_flagged():
    history = [line(n) for n in (120, 130, 125, 118, 122, 128, 131, 119)]
    assert history_outliers(7, line(140), history, same_period_last_year=None) == []


def test_small_numbers_are_not_outliers():
    # A quiet commune: 0 or 1 marriage registrations, then 6: |z| is huge, the change is not.
    history = [line(n) for n in (0, 1, 0, 0, 1, 0, 0, 1)]
    assert history_outliers(7, line(6), history, same_period_last_year=None) == []
    assert "received_total" in flagged(
        history_outliers(7, line(60), history, same_period_last_year=None))


def test_too_short_a_history_says_nothing():
    history = [line(n) for n in (120, 130, 125)]
    assert history_outliers(7, line(5000), history, same_period_last_year=None) == []


def among(peers, value):
    """``value``'s line checked against the peers' lines and itself."""
    return peer_outliers(7, line(value), peer_references([*peers, line(value)]))


def test_peers_flag_a_figure_orders_of_magnitude_away():
    peers = [line(n) for n in (150, 220, 400, 90, 310, 180, 260, 130, 500, 205)]
    found = among(peers, 40_000)
    assert {o.basis for o in found} == {PEERS}
    assert "received_total" in flagged(found)
    assert found[0].sample_size == 10 and found[0].median == 220  # the 11 values
    assert "so với các đơn vị cùng cấp trong tỉnh" in found[0].explanation
    # A big commune among small ones is not an error: sizes differ.
    assert among(peers, 900) == []


def test_too_few_peers_say_nothing():
    peers = [line(n) for n in (150, 220, 400, 90, 310, 180, 260)]  # 7 others
    assert among(peers, 40_000) == []
    assert among([*peers, line(300)], 40_000) != []  # 8 others: enough
