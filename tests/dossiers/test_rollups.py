"""Precomputed totals: kept in step by every write, equal to a rebuild, checked by verify."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierLine, DossierRollup, RollupScope
from cchc.dossiers.rollups import rollups_rebuild, rollups_refresh, rollups_verify
from cchc.units.models import AdministrativeUnit, Level, UnitList
from reports import selectors
from tests import factories
from tests.dossiers.test_workflow import FUTURE

pytestmark = pytest.mark.django_db
QUARTER = "2025-Q2"


def rows():
    return {(r.unit.code, r.period.code, r.scope): (r.reports, r.figures())
            for r in DossierRollup.objects.select_related("unit", "period")}


@pytest.fixture
def quarter():
    return factories.period(QUARTER)


def test_each_workflow_step_keeps_the_units_and_its_ancestors_rows_in_step(quarter):
    quarter.deadline = FUTURE
    quarter.save()
    an_my = factories.unit("31564")
    clerk = factories.user("xa", unit_code="31564")
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    lines = {factories.field(): factories.figures()}

    report = services.report_save(user=clerk, unit=an_my, period=quarter, lines=lines,
                                  expected_version=0)
    assert rows() == {} and rollups_verify() == []  # a draft does not count

    report = services.report_submit(user=clerk, report=report, expected_version=1)
    counted = rows()
    assert set(counted) == {("31564", QUARTER, "own"), ("31564", QUARTER, "subtree"),
                            ("943", QUARTER, "subtree"), ("94", QUARTER, "subtree")}
    assert counted["94", QUARTER, "subtree"] == (1, factories.figures())
    assert rollups_verify() == []

    report = services.report_return(user=reviewer, report=report, expected_version=2,
                                    comment="Sửa cột (8)")
    assert rows() == {} and rollups_verify() == []

    report = services.report_save(user=clerk, unit=an_my, period=quarter, submit=True,
                                  lines={factories.field(): factories.figures(
                                      resolved_early=40, resolved_on_time=45)},
                                  expected_version=3)
    services.report_approve(user=reviewer, report=report, expected_version=4)
    assert rows()["943", QUARTER, "subtree"][1]["resolved_early"] == 40
    assert rollups_verify() == []


def test_a_district_subtree_adds_its_own_report_and_its_communes(quarter):
    factories.report(factories.unit("943"), QUARTER)
    for code in ("31564", "31552"):
        factories.report(factories.unit(code), QUARTER)
    reports, figures = rows()["943", QUARTER, "subtree"]
    assert reports == 3 and figures["received_total"] == 300
    assert rows()["943", QUARTER, "own"][1]["received_total"] == 100
    assert rows()["94", QUARTER, "subtree"] == (reports, figures)


def test_a_rebuild_writes_exactly_what_the_incremental_refreshes_wrote(quarter):
    factories.report(factories.unit("943"), QUARTER)
    factories.report(factories.unit("31564"), QUARTER)
    factories.report(factories.unit("31552"), "2025-Q1")
    incremental = rows()
    assert rollups_rebuild() == len(incremental) == 9  # 2 + 3 own/subtree in Q2, 4 in Q1
    assert rows() == incremental


def test_a_rebuild_of_some_units_leaves_the_other_rows_alone(quarter):
    kế_sách, an_my, my_xuyen = (factories.unit(c) for c in ("943", "31564", "946"))
    for unit in (kế_sách, an_my, my_xuyen):
        factories.report(unit, QUARTER)
    before = rows()
    # Mỹ Xuyên's subtree row is not fed by An Mỹ: a rebuild for An Mỹ must not rewrite it.
    DossierRollup.objects.filter(unit=my_xuyen, scope=RollupScope.SUBTREE).update(
        resolved_late=99)
    DossierLine.objects.filter(report__unit=an_my).update(resolved_late=0, resolved_on_time=40)
    written = rollups_rebuild(periods=[quarter], units=[an_my])
    after = rows()
    assert written == 4  # An Mỹ's own row, its subtree and those of Kế Sách and Sóc Trăng
    assert after["31564", QUARTER, "own"][1]["resolved_late"] == 0
    assert after["94", QUARTER, "subtree"][1]["resolved_late"] == \
        before["94", QUARTER, "subtree"][1]["resolved_late"] - 5
    assert after["946", QUARTER, "subtree"][1]["resolved_late"] == 99
    assert after["943", QUARTER, "own"] == before["943", QUARTER, "own"]


def test_verify_finds_a_figure_changed_behind_the_apps_back_and_rebuild_repairs_it(quarter):
    report = factories.report(factories.unit("31564"), QUARTER)
    DossierLine.objects.filter(report=report).update(resolved_late=F("resolved_late") + 1,
                                                     resolved_on_time=F("resolved_on_time") - 1)
    found = rollups_verify()
    assert {(m.unit_id, m.scope) for m in found} == {
        (report.unit_id, RollupScope.OWN), (report.unit_id, RollupScope.SUBTREE),
        (report.unit.parent_id, RollupScope.SUBTREE),
        (report.unit.province_id, RollupScope.SUBTREE)}
    assert "resolved_late 5 ≠ 6" in found[0].describe()
    assert "đơn vị 31564 (2008), kỳ 2025-Q2" in found[0].describe()
    assert "(10) resolved_late 5 ≠ 6" in found[0].describe()  # the form's column number
    err = io.StringIO()
    with pytest.raises(CommandError, match="4 dòng tổng hợp lệch"):
        call_command("verify_rollups", stderr=err)
    assert "resolved_late 5 ≠ 6" in err.getvalue()
    call_command("rebuild_rollups", "--period", QUARTER, stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_rollups", stdout=out)
    assert "khớp" in out.getvalue()


def test_rebuild_refuses_an_unknown_period():
    with pytest.raises(CommandError, match="Không có kỳ báo cáo 2031-Q1"):
        call_command("rebuild_rollups", "--period", "2031-Q1")


def test_pages_read_the_rollups(quarter):
    """The ranking's numbers come from the rollup rows: change one and the page follows."""
    an_my = factories.unit("31564")
    factories.report(an_my, QUARTER)
    DossierRollup.objects.filter(unit=an_my, scope=RollupScope.OWN).update(resolved_late=7)
    row = selectors.unit_rows([an_my], quarter)[0]
    assert row.totals["resolved_late"] == 7
    rollups_refresh(unit=an_my, period=quarter)
    assert selectors.unit_rows([an_my], quarter)[0].totals["resolved_late"] == 5


def test_a_refresh_costs_the_same_number_of_queries_in_a_small_and_a_big_district(
        quarter, django_assert_num_queries):
    biggest = (AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                                 level=Level.DISTRICT)
               .annotate(communes=Count("children")).order_by("-communes").first())
    small, big = factories.unit("31564"), biggest.children.first()
    assert biggest.communes > 3 * AdministrativeUnit.objects.filter(parent=small.parent).count()
    for commune in (small, big):
        factories.report(commune, QUARTER)
        # savepoint and release, own row 2, the unit chain 1, three subtree rows 2 each, and
        # the new figures version of the periods holding the quarter 1
        with django_assert_num_queries(12):
            rollups_refresh(unit=commune, period=quarter)
