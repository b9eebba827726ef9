"""The national data set, on one province: every unit in force files every closed quarter,
the figures chain from quarter to quarter, and a rerun writes nothing."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cchc.demo.loader import _scheme
from cchc.demo.national import load_national, load_national_par
from cchc.dossiers.models import (
    DataSource,
    DossierLine,
    DossierReport,
    DossierRollup,
    ProcedureField,
)
from cchc.dossiers.rollups import rollups_verify
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.periods.services import periods_ensure_years
from cchc.scores.models import AssessmentStatus, ParAssessment, SchemeLevel
from cchc.units.models import REFORM_DATE, AdministrativeUnit, Level, UnitList
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.django_db
LAI_CHAU = "12"  # the same code in both lists


@pytest.fixture
def lai_chau():
    call_command("loaddata", "procedure_fields", verbosity=0)
    periods_ensure_years(first_year=2019, last_quarter="2026-Q4")
    return load_national(today=DEMO_TODAY, provinces=[LAI_CHAU])


def closed_quarters():
    return list(ReportingPeriod.objects.filter(kind=PeriodKind.QUARTER,
                                               cutoff_end__lte=DEMO_TODAY).order_by("start"))


def test_every_unit_in_force_files_every_closed_quarter(lai_chau):
    quarters = closed_quarters()
    assert (quarters[0].code, quarters[-1].code) == ("2019-Q1", "2026-Q3")
    units = AdministrativeUnit.objects.filter(province__code=LAI_CHAU) | \
        AdministrativeUnit.objects.filter(code=LAI_CHAU, level=Level.PROVINCE)
    filed = set(DossierReport.objects.values_list("unit_id", "period_id"))
    for quarter in quarters[:-1]:  # the latest quarter is still being reported
        in_list = UnitList.BEFORE_2025 if quarter.end < REFORM_DATE else UnitList.FROM_2025
        expected = {u.pk for u in units.filter(unit_list=in_list).as_of(quarter.end)}
        assert expected and {u for u, p in filed if p == quarter.pk} == expected, quarter.code
    assert lai_chau.reports == len(filed) and not DossierReport.objects.exclude(
        source=DataSource.SYNTHETIC).exists()


def test_each_report_has_its_levels_fields_and_the_figures_chain(lai_chau):
    commune = DossierReport.objects.filter(unit__level=Level.COMMUNE).first()
    assert commune.lines.count() == ProcedureField.objects.for_level(Level.COMMUNE).count()
    assert DossierLine.objects.count() == lai_chau.lines
    pending = {}
    lines = DossierLine.objects.filter(report__unit__unit_list=UnitList.BEFORE_2025).order_by(
        "report__period__start").values_list("report__unit_id", "field_id",
                                              "received_carried_over", "pending_total")
    for unit, field, carried, pending_total in lines:
        if (unit, field) in pending:
            assert carried == pending[unit, field]
        pending[unit, field] = pending_total


def test_figures_are_realistic_online_rises_and_most_are_in_time(lai_chau):
    by_year = defaultdict(dict)
    for year in (2019, 2024):
        sums = DossierLine.objects.filter(report__period__year=year).aggregate(
            online=Sum("received_online"), received=Sum("received_total"),
            carried=Sum("received_carried_over"), resolved=Sum("resolved_total"),
            late=Sum("resolved_late"))
        by_year[year] = sums
        assert 0.9 <= 1 - sums["late"] / sums["resolved"] <= 1
    share = {y: s["online"] / (s["received"] - s["carried"]) for y, s in by_year.items()}
    assert share[2019] < 0.1 < 0.4 < share[2024]
    province = DossierLine.objects.filter(report__unit__level=Level.PROVINCE).aggregate(
        n=Sum("received_total"))["n"]
    commune = DossierLine.objects.filter(report__unit__level=Level.COMMUNE).aggregate(
        n=Sum("received_total"))["n"]
    communes = DossierReport.objects.filter(unit__level=Level.COMMUNE).count()
    provinces = DossierReport.objects.filter(unit__level=Level.PROVINCE).count()
    assert province / provinces > 5 * commune / communes  # a province handles far more


def test_a_rerun_writes_nothing(lai_chau):
    again = load_national(today=DEMO_TODAY, provinces=[LAI_CHAU])
    assert (again.units, again.reports, again.lines) == (0, 0, 0)
    assert DossierReport.objects.count() == lai_chau.reports


def test_the_rollups_match_the_loaded_lines(lai_chau):
    assert DossierRollup.objects.filter(unit__code=LAI_CHAU, scope="subtree").count() == \
        len(closed_quarters())
    assert rollups_verify() == []


def test_every_province_gets_published_par_results_consistent_with_a_stored_one():
    soc_trang = ParAssessment.objects.create(
        scheme=_scheme(2020, SchemeLevel.PROVINCE, None),
        unit=AdministrativeUnit.objects.get(unit_list=UnitList.BEFORE_2025, code="94"),
        status=AssessmentStatus.PUBLISHED, points=Decimal("85.19"), max_points=100, rank=19,
        rank_of=63, band="Nhóm B")
    written = load_national_par(last_year=2025)
    assert written == 6 * 63 + 34 - 1
    in_2020 = ParAssessment.objects.filter(scheme__year=2020)
    assert in_2020.count() == 63 and in_2020.filter(points__gt=soc_trang.points).count() == 18
    assert set(ParAssessment.objects.filter(scheme__year=2025).values_list(
        "unit__unit_list", flat=True)) == {UnitList.FROM_2025}
    assert {a.band for a in in_2020} <= {"Nhóm A", "Nhóm B", "Nhóm C"}
    assert load_national_par(last_year=2025) == 0
