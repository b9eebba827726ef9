import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count, Sum

from cchc.demo.loader import load_demo
from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.models import DataSource, DossierLine, DossierReport
from cchc.dossiers.selectors import derived_totals
from cchc.formatting import format_percent
from cchc.periods.models import ReportingPeriod
from cchc.satisfaction.models import SipasResult
from cchc.scores import selectors
from cchc.scores.models import ParAssessment, ParScheme
from cchc.service_index.models import IndicatorValue, ServiceIndicator
from cchc.units.models import AdministrativeUnit
from tests.conftest import DEMO_TODAY

TODAY = DEMO_TODAY


pytestmark = pytest.mark.django_db


def old(code):
    return AdministrativeUnit.objects.get(unit_list="2008", code=code)


def on_time_rate(totals):
    return (totals["resolved_early"] + totals["resolved_on_time"]) / totals["resolved_total"]


def test_dak_rlap_2023_district_figures_are_the_published_ones(demo):
    totals = derived_totals([old("666").pk], ReportingPeriod.objects.get(code="2023"))
    assert totals["received_total"] == 20_593
    assert totals["resolved_total"] == 18_207
    assert totals["resolved_early"] + totals["resolved_on_time"] == 17_635
    assert format_percent(on_time_rate(totals)) == "96,86 %"


def test_dak_rlap_2023_commune_level_figures_sum_to_the_published_ones(demo):
    communes = old("666").children.values_list("pk", flat=True)
    assert len(communes) == 11
    totals = derived_totals(communes, ReportingPeriod.objects.get(code="2023"))
    assert (totals["received_total"], totals["resolved_total"]) == (18_094, 18_088)
    assert totals["resolved_early"] + totals["resolved_on_time"] == 18_061
    assert format_percent(on_time_rate(totals)) == "99,85 %"


def test_an_my_2022_figures_are_the_published_ones(demo):
    totals = derived_totals([old("31564").pk], ReportingPeriod.objects.get(code="2022"))
    assert totals["received_total"] == totals["resolved_total"] == 3_517
    assert (totals["resolved_early"], totals["resolved_on_time"]) == (3_494, 23)
    assert totals["resolved_late"] == totals["pending_total"] == 0


def test_published_figures_are_labelled_with_their_source_and_the_rest_as_synthetic(demo):
    published = DossierReport.objects.filter(source=DataSource.PUBLISHED)
    assert published.filter(unit=old("31564"), period__year=2022).count() == 4
    assert all(r.source_note for r in published)
    sources = set(DossierReport.objects.values_list("source", flat=True))
    assert sources == {DataSource.PUBLISHED, DataSource.SYNTHETIC}


def test_every_page_has_figures_in_both_lists_and_at_every_level(demo):
    by_list_level = {
        (row["unit__unit_list"], row["unit__level"]): row["n"]
        for row in DossierReport.objects.values("unit__unit_list", "unit__level")
        .annotate(n=Count("pk"))
    }
    assert set(by_list_level) == {("2008", 1), ("2008", 2), ("2008", 3), ("2025", 1), ("2025", 3)}
    assert not DossierReport.objects.filter(unit__unit_list="2008",
                                            period__end__gte=datetime.date(2025, 7, 1)).exists()
    assert not DossierReport.objects.filter(unit__unit_list="2025",
                                            period__end__lt=datetime.date(2025, 7, 1)).exists()


def test_carried_over_always_equals_the_previous_quarters_pending(demo):
    rows = (DossierLine.objects.filter(report__unit__province__code="94")
            .order_by("report__unit_id", "field_id", "report__period__start")
            .values_list("report__unit_id", "field_id", "received_carried_over",
                         "pending_total"))
    previous = {}
    mismatches = 0
    for unit_id, field_id, carried, pending in rows:
        key = (unit_id, field_id)
        if key in previous and previous[key] != carried:
            mismatches += 1
        previous[key] = pending
    assert len(previous) > 1000
    assert mismatches == 0


def test_the_latest_closed_quarter_is_still_in_progress(demo):
    statuses = defaultdict(int)
    for status in DossierReport.objects.filter(period__code="2026-Q3").values_list("status",
                                                                                    flat=True):
        statuses[status] += 1
    assert statuses["approved"] and statuses["submitted"]
    due = AdministrativeUnit.objects.filter(dossier_reports__period__code="2026-Q2").count()
    assert sum(statuses.values()) < due  # some units have not reported yet
    assert not DossierReport.objects.filter(period__code="2026-Q4").exists()


def test_periods_run_from_2019_to_the_current_quarter_and_old_ones_are_locked(demo):
    codes = set(ReportingPeriod.objects.values_list("code", flat=True))
    assert {"2019-Q1", "2019-M01", "2019-H1", "2019-9M", "2019", "2026-Q4"} <= codes
    assert "2027-Q1" not in codes
    assert ReportingPeriod.objects.get(code="2024-Q4").is_locked
    assert not ReportingPeriod.objects.get(code="2026-Q3").is_locked


def test_demo_accounts_log_in_with_their_role_and_unit(demo):
    expected = {"admin": ("admin", None), "tinh": ("province", "Tỉnh Sóc Trăng"),
                "huyen": ("reviewer", "Huyện Kế Sách"), "xa": ("unit-staff", "Xã An Mỹ"),
                "bonoivu": ("national", None)}
    for username, (role, unit_name) in expected.items():
        user = authenticate(username=username, password="demo1234")
        assert user is not None, username
        assert user.profile.role == role
        assert (user.profile.unit.name if user.profile.unit else None) == unit_name
    assert authenticate(username="admin", password="demo1234").is_superuser


def test_published_par_results_keep_their_rank_and_set_size(demo):
    def result(code, year):
        return ParAssessment.objects.get(unit=old(code), scheme__year=year)

    dak_rlap = result("666", 2023)
    assert (dak_rlap.points, dak_rlap.rank_display) == (Decimal("85.4"), "2/8")
    assert dak_rlap.points - result("666", 2022).points == Decimal("12.51")
    an_my = result("31564", 2022)
    assert (an_my.index_percent, an_my.rank_display, an_my.band) == (
        Decimal("90.92"), "1/13", "Rất tốt")
    assert an_my.points - result("31564", 2021).points == Decimal("7.67")
    soc_trang = result("94", 2020)
    assert (soc_trang.rank_display, soc_trang.band) == ("19/63", "Nhóm B")
    assert result("24751", 2023).points == Decimal("89.07")


def test_dak_rlap_communes_2023_are_rated_as_published(demo):
    bands = ParAssessment.objects.filter(unit__parent=old("666"), scheme__year=2023).values(
        "band").annotate(n=Count("pk"))
    assert {row["band"]: row["n"] for row in bands} == {"Tốt": 1, "Khá": 6, "Trung bình": 4}


def test_area_scores_add_up_to_the_published_points(demo):
    an_my = ParAssessment.objects.get(unit=old("31564"), scheme__year=2022)
    assert an_my.scores.aggregate(total=Sum("appraised_score"))["total"] == an_my.points


def test_a_second_run_writes_exactly_the_same_data(demo):
    def fingerprint():
        sums = DossierLine.objects.aggregate(**{name: Sum(name) for name in FIELD_NAMES})
        return (DossierReport.objects.count(), DossierLine.objects.count(), sums,
                ParAssessment.objects.count(),
                ParAssessment.objects.aggregate(Sum("points"))["points__sum"])

    before = fingerprint()
    load_demo(today=TODAY)
    assert fingerprint() == before


def test_demo_schemes_have_areas_criteria_and_sub_criteria_that_add_up(demo):
    commune = ParScheme.objects.get(year=2022, level="commune", issuer__code="94")
    depths = [c.depth for c in commune.criteria.all()]
    assert (depths.count(1), depths.count(2)) == (8, 38) and depths.count(3) >= 30
    for criterion in commune.criteria.all():
        children = list(criterion.children.all())
        if children:
            assert sum(c.max_points for c in children) == criterion.max_points, criterion.code
    an_my = ParAssessment.objects.get(unit=old("31564"), scheme=commune)
    result = selectors.unit_result(an_my)
    assert (result.index_percent, result.rank_display, result.band) == (
        Decimal("90.92"), "1/13", "Rất tốt")
    assert sum(area.points for area in result.areas) == Decimal("90.92")  # leaves add up


def test_demo_service_index_and_sipas_figures(demo):
    entered = ServiceIndicator.objects.filter(source="entered").count()
    assert IndicatorValue.objects.filter(unit=old("31564")).count() == 4 * entered
    assert SipasResult.objects.get(unit=old("31564"), year=2022).overall > 70
    assert demo.service_values > 0 and demo.sipas == SipasResult.objects.count()


def test_the_demo_shows_flags_to_check_and_a_public_results_page(demo, client):
    from django.urls import reverse

    from cchc.quality.models import OutlierFlag

    assert demo.open_flags == OutlierFlag.objects.filter(status="open").count() > 0
    assert demo.publications == 4  # Sóc Trăng and Đắk Nông 2025-Q2; Cần Thơ and Lâm Đồng
    page = client.get(reverse("public:ranking", args=["2008", "94", "2025-Q2"]))
    assert page.status_code == 200  # without logging in
    assert "Xã An Mỹ" in page.content.decode()
    # The latest quarter, still under review, is not public.
    latest = ReportingPeriod.objects.filter(kind="quarter", cutoff_end__lte=TODAY).order_by(
        "-end").first()
    assert client.get(reverse("public:ranking", args=["2025", "92", latest.code])
                      ).status_code == 404
