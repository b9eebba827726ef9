import pytest
from django.core.exceptions import ValidationError

from cchc.dossiers.columns import figure_errors
from cchc.dossiers.models import DataSource, DossierReport, ReportStatus
from cchc.dossiers.selectors import combine_quarters, derived_totals
from cchc.dossiers.services import ReportData, dossier_reports_replace
from tests import factories

pytestmark = pytest.mark.django_db


def quarter(carried, online, in_person, postal, early, on_time, late, overdue):
    received = carried + online + in_person + postal
    resolved = early + on_time + late
    pending = received - resolved
    return factories.figures(
        received_total=received, received_online=online, received_in_person=in_person,
        received_postal=postal, received_carried_over=carried, resolved_total=resolved,
        resolved_early=early, resolved_on_time=on_time, resolved_late=late,
        pending_total=pending, pending_in_time=pending - overdue, pending_overdue=overdue)


Q1 = quarter(10, 50, 30, 5, 40, 35, 5, 3)  # pending 15
Q2 = quarter(15, 60, 20, 4, 50, 30, 4, 1)  # pending 15
Q3 = quarter(15, 70, 10, 2, 60, 20, 2, 0)  # pending 15


def test_longer_period_sums_flows_and_takes_opening_and_closing_stocks():
    combined = combine_quarters([Q1, Q2, Q3])
    assert combined["received_carried_over"] == 10  # first quarter's
    assert combined["pending_total"] == Q3["pending_total"]  # last quarter's
    assert combined["received_online"] == 180
    assert combined["resolved_total"] == Q1["resolved_total"] + Q2["resolved_total"] \
        + Q3["resolved_total"]
    assert combined["received_total"] == 10 + 180 + 60 + 11
    assert figure_errors(combined) == []


def test_year_is_derived_from_quarterly_reports_in_one_query(django_assert_num_queries):
    commune = factories.unit("31564")
    for code, figures in (("2023-Q1", Q1), ("2023-Q2", Q2), ("2023-Q3", Q3)):
        factories.report(commune, code, lines={factories.field(): figures})
    nine_months = factories.period("2023-9M")
    with django_assert_num_queries(1):
        totals = derived_totals([commune.pk], nine_months)
    assert totals == combine_quarters([Q1, Q2, Q3])


def test_replace_writes_all_reports_or_nothing():
    commune, other = factories.unit("31564"), factories.unit("31552")
    period = factories.period("2023-Q4")
    good = ReportData(commune, period, {factories.field(): factories.figures()},
                      ReportStatus.APPROVED, DataSource.SYNTHETIC)
    bad = ReportData(other, period, {factories.field(): factories.figures(pending_in_time=9)},
                     ReportStatus.APPROVED, DataSource.SYNTHETIC)
    with pytest.raises(ValidationError) as caught:
        dossier_reports_replace(reports=[good, bad])
    assert "31552 2023-Q4 «Hộ tịch»: Cột (11)" in caught.value.messages[0]
    assert not DossierReport.objects.exists()
    assert dossier_reports_replace(reports=[good]) == 1
    assert dossier_reports_replace(reports=[good]) == 1  # replaced, not duplicated
    assert DossierReport.objects.count() == 1


def test_drafts_and_returned_reports_do_not_count_in_totals():
    commune, other = factories.unit("31564"), factories.unit("31552")
    factories.report(commune, "2023-Q1", lines={factories.field(): Q1})
    factories.report(other, "2023-Q1", lines={factories.field(): Q2}, status=ReportStatus.DRAFT)
    third = factories.unit("31567")
    factories.report(third, "2023-Q1", lines={factories.field(): Q3},
                     status=ReportStatus.RETURNED)
    totals = derived_totals([commune.pk, other.pk, third.pk], factories.period("2023-Q1"))
    assert totals == Q1


def test_totals_per_unit_and_period_come_from_one_query(django_assert_num_queries):
    from cchc.dossiers.selectors import totals_series

    commune, other = factories.unit("31564"), factories.unit("31552")
    for code, figures in (("2023-Q1", Q1), ("2023-Q2", Q2)):
        factories.report(commune, code, lines={factories.field(): figures})
    factories.report(other, "2023-Q2", lines={factories.field(): Q3})
    periods = [factories.period("2023-Q1"), factories.period("2023-Q2"),
               factories.period("2023-H1")]
    with django_assert_num_queries(1):
        series = totals_series([commune.pk, other.pk], periods, key="report__unit_id")
    assert series[("2023-H1", commune.pk)] == combine_quarters([Q1, Q2])
    assert series[("2023-Q2", other.pk)] == Q3
    assert ("2023-Q1", other.pk) not in series
