"""The database ranks (``reports.selectors.ranked_counts``, RANK() over the rollups) exactly as
``reports.kpis`` and ``cchc.ranking.competition_ranks`` do in Python: the same counts, the same
ranks, ties shared, units without a value unranked, for quarters and for longer periods
derived from them, in both scopes."""

import random

import pytest

from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.scopes import OWN, SUBTREE
from cchc.dossiers.selectors import totals_series
from cchc.ranking import competition_ranks
from cchc.units.models import AdministrativeUnit, Level, UnitList
from reports.kpis import KPIS, RANKABLE
from reports.selectors import ranked_counts, ranking, ranking_units
from tests import factories

pytestmark = pytest.mark.django_db

QUARTERS = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")


def row(rng: random.Random) -> dict:
    """A valid line with small numbers, so that rates tie often (1/2 = 2/4 = 3/6), and now
    and then nothing resolved or received (a rate over 0: unranked)."""
    early, on_time, late = (rng.choice((0, 0, 1, 2, 3)) for _ in range(3))
    in_time, overdue = rng.choice((0, 1, 2)), rng.choice((0, 1))
    resolved, pending = early + on_time + late, in_time + overdue
    total = resolved + pending
    online = rng.randint(0, total)
    in_person = rng.randint(0, total - online)
    postal = rng.randint(0, total - online - in_person)
    carried = total - online - in_person - postal
    return factories.figures(
        received_total=total, received_online=online,
        received_in_person=in_person, received_postal=postal, received_carried_over=carried,
        resolved_total=resolved, resolved_early=early, resolved_on_time=on_time,
        resolved_late=late, pending_total=pending, pending_in_time=in_time,
        pending_overdue=overdue)


@pytest.fixture
def filed():
    """Kế Sách (a district of 13 communes) and its communes, random figures in most quarters."""
    rng = random.Random(16)
    ke_sach = factories.unit("943")
    units = [ke_sach, *AdministrativeUnit.objects.filter(parent=ke_sach)]
    for unit in units:
        for code in QUARTERS:
            if rng.random() < 0.85:
                factories.report(unit, code, lines={factories.field(): row(rng)})
    return ke_sach, units


def python_figures(unit_ids, period, kpi_key, scope):
    """What the page computed before the database ranked: totals and competition ranks."""
    kpi = KPIS[kpi_key]
    totals = {pk: t for (_c, pk), t in totals_series(unit_ids, [period], key="report__unit_id",
                                                     scope=scope).items()}
    ranks = competition_ranks({pk: kpi.value(t) for pk, t in totals.items()},
                              descending=kpi.higher_is_better)
    return {pk: (tuple(t[name] for name in FIELD_NAMES), ranks.get(pk))
            for pk, t in totals.items()}


@pytest.mark.parametrize("code", [*QUARTERS, "2024-H1", "2024-9M", "2024"])
def test_the_database_ranks_as_python_does_for_every_kpi(filed, code):
    ke_sach, units = filed
    period = factories.period(code)
    ids = [unit.pk for unit in units]
    for scope in (OWN, SUBTREE):
        for kpi_key in RANKABLE:
            expected = python_figures(ids, period, kpi_key, scope)
            assert ranked_counts(ids, period, kpi_key, scope) == expected, (kpi_key, scope)
            ranks = [rank for _counts, rank in expected.values()]
            assert ranks.count(None) < len(ranks)


def test_ties_and_units_without_a_value_are_there_to_be_compared(filed):
    """The random figures do make ties and rates over 0 (else the test above proves little)."""
    _ke_sach, units = filed
    ranks = [rank for code in QUARTERS for _c, rank in ranked_counts(
        [u.pk for u in units], factories.period(code), "on_time_rate").values()]
    assert None in ranks
    assert ranks.count(1) > len(QUARTERS)  # somewhere a tie for the first place


def test_the_ratios_shown_are_those_of_reports_kpis(filed):
    ke_sach, _units = filed
    period = factories.period("2024-Q4")
    communes = ranking_units(ke_sach, period)
    result = ranking(communes, period, "on_time_rate")
    totals = totals_series([u.pk for u in communes], [period], key="report__unit_id")
    for shown in result.rows:
        if shown.has_figures:
            assert shown.values == {key: kpi.value(totals[(period.code, shown.unit.pk)])
                                    for key, kpi in KPIS.items()}


def test_a_national_level_is_ranked_in_the_database_too():
    """The national ranking's set (every district of the old list) goes through the same
    query: one unit with figures, ranked 1 of 1."""
    district = AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                                 level=Level.DISTRICT).first()
    factories.report(district, "2024-Q4")
    found = ranked_counts([district.pk], factories.period("2024-Q4"), "late_rate")
    assert found[district.pk][1] == 1
