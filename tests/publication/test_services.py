"""Publishing: who may, when it is refused (and what it says), what a publication holds, that
publishing again replaces it, withdrawing, and the page switch hiding everything."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.models import DossierLine, ReportStatus
from cchc.dossiers.rollups import rollups_refresh
from cchc.publication import selectors
from cchc.publication.models import PublicPage, RankingPublication
from cchc.publication.services import (
    PublicationRefused,
    may_publish,
    public_page_set,
    ranking_publish,
    ranking_withdraw,
)
from cchc.scores.models import AssessmentStatus, ParAssessment
from cchc.scores.services import results_publish
from cchc.units.models import AdministrativeUnit, Level, UnitList
from tests import factories
from tests.publication.conftest import DISTRICT, PROVINCE, QUARTER, file, in_time
from tests.scores.test_results import assess, scheme

pytestmark = pytest.mark.django_db


def refusal(**kwargs) -> list[str]:
    with pytest.raises(PublicationRefused) as refused:
        ranking_publish(**kwargs)
    return refused.value.messages


# --- who may ---------------------------------------------------------------------------------


def test_the_provinces_own_office_and_administrators_may_publish(province, office, admin_user):
    assert may_publish(office, province)
    assert may_publish(admin_user, province)
    others = [
        factories.user("xa", unit_code="31564"),
        factories.user("huyen", role=Role.REVIEWER, unit_code=DISTRICT),
        factories.user("bo", role=Role.NATIONAL),
        factories.user("thanhhoa", role=Role.PROVINCIAL_OFFICE, unit_code="38"),
    ]
    assert not any(may_publish(user, province) for user in others)
    # The office's own province only, and only the province.
    assert not may_publish(office, factories.unit(DISTRICT))


def test_another_role_is_refused_with_a_message(province):
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code=DISTRICT)
    assert refusal(user=reviewer, province=province, period=factories.period(QUARTER)) == [
        "Chỉ văn phòng của tỉnh (hoặc quản trị) được công khai kết quả của tỉnh."]
    with pytest.raises(PublicationRefused):
        public_page_set(user=reviewer, province=province, enabled=True)
    assert not PublicPage.objects.exists()


def test_only_a_province_publishes(admin_user):
    assert refusal(user=admin_user, province=factories.unit(DISTRICT),
                   period=factories.period(QUARTER)) == ["Chỉ cấp tỉnh công khai kết quả."]


def test_only_a_quarter_is_published(office, province):
    messages = refusal(user=office, province=province, period=factories.period("2024"))
    assert messages == ["Chỉ công bố xếp hạng theo quý; kỳ dài hơn được tính từ các quý đã "
                        "công bố."]


def test_a_quarter_is_published_only_after_its_deadline(office, province):
    period = factories.period(QUARTER)
    period.deadline = timezone.localdate() + datetime.timedelta(days=3)
    period.save()
    (message,) = refusal(user=office, province=province, period=period)
    assert message.startswith("Chưa hết hạn nộp báo cáo Quý IV/2024 (")
    assert period.deadline.strftime("%d/%m/%Y") in message
    assert not RankingPublication.objects.exists()


def test_a_province_of_the_old_list_does_not_publish_a_quarter_after_the_reform(admin_user,
                                                                                 province):
    (message,) = refusal(user=admin_user, province=province, period=factories.period("2025-Q3"))
    assert "không có trong danh mục đơn vị hành chính ngày 30/09/2025" in message


def test_a_report_waiting_for_approval_stops_publication_and_is_named(office, province):
    file("31564")
    file("31552", status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    (message,) = refusal(user=office, province=province, period=factories.period(QUARTER))
    name = factories.unit("31552").name
    assert message == (f"1 báo cáo đang chờ duyệt ({name}): chỉ công bố số liệu đã duyệt. "
                       "Hãy duyệt hoặc trả lại các báo cáo này trước.")
    assert not RankingPublication.objects.exists()


def test_more_than_ten_waiting_reports_are_counted_not_all_named(office, province):
    communes = AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, province=province, level=Level.COMMUNE
    ).order_by("code")[:12]
    for commune in communes:
        file(commune.code, status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    (message,) = refusal(user=office, province=province, period=factories.period(QUARTER))
    assert message.startswith("12 báo cáo đang chờ duyệt (") and " và 2 đơn vị khác)" in message


def test_returned_and_draft_reports_do_not_stop_publication_and_do_not_count(office, province):
    file("31564")
    file("31552", status=ReportStatus.RETURNED)
    file("31555", status=ReportStatus.DRAFT)
    publication = ranking_publish(user=office, province=province,
                                  period=factories.period(QUARTER))
    counts = {entry["code"]: entry["counts"] for entry in publication.units}
    assert counts["31564"] is not None
    assert counts["31552"] is None and counts["31555"] is None


# --- what a publication holds ----------------------------------------------------------------


def test_a_publication_holds_every_unit_of_the_province_with_its_own_counts(office, province):
    file("31564")
    file(DISTRICT, **in_time(10, 20, 0))
    publication = ranking_publish(user=office, province=province,
                                  period=factories.period(QUARTER))
    period = publication.period
    subtree = AdministrativeUnit.objects.subtree_of(province).as_of(period.end)
    assert sorted(entry["code"] for entry in publication.units) == \
        sorted(subtree.values_list("code", flat=True))
    by_code = {entry["code"]: entry for entry in publication.units}
    commune = factories.unit("31564")
    assert by_code["31564"] == {
        "code": "31564", "name": commune.name, "level": Level.COMMUNE,
        "parent_code": DISTRICT,
        "counts": [factories.figures()[name] for name in FIELD_NAMES]}
    assert by_code[DISTRICT]["counts"] == [in_time(10, 20, 0)[name] for name in FIELD_NAMES]
    assert by_code[PROVINCE]["parent_code"] is None and by_code[PROVINCE]["counts"] is None
    assert by_code["31552"]["counts"] is None  # filed nothing
    assert publication.published_by == office and publication.published_at is not None
    assert selectors.published_levels(publication) == [Level.DISTRICT, Level.COMMUNE]


def test_publishing_again_replaces_the_published_figures(office, province):
    report = file("31564")
    period = factories.period(QUARTER)
    first = ranking_publish(user=office, province=province, period=period)
    DossierLine.objects.filter(report=report).update(resolved_early=40, resolved_on_time=45)
    rollups_refresh(unit=report.unit, period=period)
    first.refresh_from_db()
    entry = next(e for e in first.units if e["code"] == "31564")
    assert entry["counts"][FIELD_NAMES.index("resolved_early")] == 50  # frozen until…
    second = ranking_publish(user=office, province=province, period=period)
    assert RankingPublication.objects.count() == 1 and second.pk == first.pk
    entry = next(e for e in second.units if e["code"] == "31564")
    assert entry["counts"][FIELD_NAMES.index("resolved_early")] == 40  # …published again
    assert second.published_at >= first.published_at


def test_withdrawing_removes_the_quarter_and_says_whether_there_was_one(office, province,
                                                                       public_page):
    period = factories.period(QUARTER)
    ranking_publish(user=office, province=province, period=period)
    assert selectors.publication_or_404(province, period)
    assert ranking_withdraw(user=office, province=province, period=period) is True
    assert ranking_withdraw(user=office, province=province, period=period) is False
    with pytest.raises(Http404):
        selectors.publication_or_404(province, period)
    assert selectors.publications(province) == []


def test_only_the_office_withdraws(office, province):
    period = factories.period(QUARTER)
    ranking_publish(user=office, province=province, period=period)
    with pytest.raises(PublicationRefused):
        ranking_withdraw(user=factories.user("bo", role=Role.NATIONAL), province=province,
                         period=period)
    assert RankingPublication.objects.count() == 1


# --- the page switch -------------------------------------------------------------------------


def test_the_page_off_hides_everything_published(office, province):
    period = factories.period(QUARTER)
    ranking_publish(user=office, province=province, period=period)
    made = scheme()
    assess(made, "31564", {"1.1": (30, 28), "1.2": (25, 25), "2": (None, 30)})
    results_publish(user=office, scheme=made, parent=factories.unit(DISTRICT))

    def everything():
        return (list(selectors.public_provinces()), selectors.is_public(province),
                selectors.publications(province), selectors.published_par_years(province),
                selectors.published_par_results(province))

    assert everything() == ([], False, [], [], [])  # never switched on
    with pytest.raises(Http404):
        selectors.public_province_or_404(province.unit_list, province.code)
    with pytest.raises(Http404):
        selectors.publication_or_404(province, period)

    page = public_page_set(user=office, province=province, enabled=True)
    assert page.is_enabled and page.changed_by == office
    shown = everything()
    assert shown[0] == [province] and shown[1] is True and len(shown[2]) == 1
    assert shown[3] == [2024] and len(shown[4]) == 1
    assert selectors.public_province_or_404("2008", PROVINCE) == province

    public_page_set(user=office, province=province, enabled=False)
    assert everything() == ([], False, [], [], [])
    with pytest.raises(Http404):
        selectors.publication_or_404(province, period)
    assert RankingPublication.objects.count() == 1  # kept, only hidden


def test_a_publication_of_another_province_is_not_this_ones(office, province, public_page):
    admin = factories.user("quantri", role=Role.ADMINISTRATOR)
    other = factories.unit("38")  # Thanh Hóa, page off
    period = factories.period(QUARTER)
    ranking_publish(user=admin, province=other, period=period)
    with pytest.raises(Http404):
        selectors.publication_or_404(province, period)
    with pytest.raises(Http404):
        selectors.publication_or_404(other, period)


# --- published rows --------------------------------------------------------------------------


def test_published_rows_rank_with_ties_and_put_units_without_figures_last(office, province):
    for code, late in (("31552", 0), ("31555", 10), ("31558", 10), ("31564", 20)):
        file(code, **in_time(50, 50 - late, late))
    publication = ranking_publish(user=office, province=province,
                                  period=factories.period(QUARTER))
    rows = selectors.published_rows(publication, Level.COMMUNE)
    assert [(row.code, row.rank) for row in rows[:4]] == [
        ("31552", 1), ("31555", 2), ("31558", 2), ("31564", 4)]
    assert all(row.rank is None and not row.has_figures for row in rows[4:])
    assert rows[0].values["on_time_rate"] == Decimal(1)
    late = selectors.published_rows(publication, Level.COMMUNE, "late_rate")
    assert [(row.code, row.rank) for row in late[:4]] == [
        ("31552", 1), ("31555", 2), ("31558", 2), ("31564", 4)]  # lower is better
    assert late[3].values["late_rate"] == Decimal("0.2")


def test_an_unknown_kpi_falls_back_to_the_default():
    assert selectors.ranking_kpi_key("late_rate") == "late_rate"
    for made_up in (None, "", "progress_rate", "__class__", "on_time_rate'"):
        assert selectors.ranking_kpi_key(made_up) == "on_time_rate"


# --- PAR results -----------------------------------------------------------------------------


def test_published_par_results_are_the_stored_ones_and_only_published(office, province,
                                                                      public_page):
    made = scheme()
    assess(made, "31564", {"1.1": (30, 28), "1.2": (25, 25), "2": (None, 30)})  # 83
    assess(made, "31552", {"1.1": (30, 30), "1.2": (30, 30), "2": (None, 35)})  # 95
    results_publish(user=office, scheme=made, parent=factories.unit(DISTRICT))
    # Another district's communes: appraised, submitted, still self-assessing — not published.
    elsewhere = AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, province=province, level=Level.COMMUNE
    ).exclude(parent__code=DISTRICT).order_by("code")[:3]
    for commune, status in zip(elsewhere, (AssessmentStatus.APPRAISED, AssessmentStatus.SUBMITTED,
                                           AssessmentStatus.SELF_ASSESSING), strict=True):
        assess(made, commune.code, {"1.1": (30, 30)}, status=status)
    # A published assessment keeps what was published, whatever its scores say later.
    ParAssessment.objects.get(unit__code="31564").scores.update(appraised_score=0)

    (group,) = selectors.published_par_results(province)
    assert (group.year, group.scheme_name, group.parent_code) == (2024, made.name, DISTRICT)
    assert [(row.code, row.points, row.rank, row.rank_of, row.band) for row in group.rows] == [
        ("31552", Decimal("95.00"), 1, 2, "Xuất sắc"), ("31564", Decimal("83.00"), 2, 2, "Tốt")]
    assert group.rows[1].index_percent == Decimal(83)
    assert group.bands[0] == ("Xuất sắc", Decimal("90.00"))
    assert selectors.published_par_years(province) == [2024]
    assert selectors.published_par_results(province, 2023) == []
