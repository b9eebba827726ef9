"""The life of a report: draft, submit, return, correct, approve, change after approval."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierReport, ReportAction, ReportEvent, ReportStatus
from cchc.dossiers.selectors import changes_since_approval, report_lines
from cchc.periods.services import period_ensure
from tests import factories

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def people():
    return {
        "xa": factories.user("xa", unit_code="31564"),  # Xã An Mỹ
        "huyen": factories.user("huyen", role=Role.REVIEWER, unit_code="943"),  # Kế Sách
        "huyen_khac": factories.user("my_xuyen", role=Role.REVIEWER, unit_code="946"),
        "tinh": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"),
        "admin": factories.user("quantri", role=Role.ADMINISTRATOR),
    }


@pytest.fixture
def an_my():
    return factories.unit("31564")


@pytest.fixture
def quarter():
    """A quarter before the reform whose deadline is still ahead."""
    return period_ensure(code="2025-Q2", deadline=FUTURE)


def lines(**overrides):
    return {factories.field(): factories.figures(**overrides)}


def save(user, unit, period, version, submit=False, **overrides):
    return services.report_save(user=user, unit=unit, period=period, lines=lines(**overrides),
                                expected_version=version, submit=submit)


def test_draft_is_saved_with_every_cell_recorded(people, an_my, quarter):
    report = save(people["xa"], an_my, quarter, 0)
    assert (report.status, report.version, report.submitted_at) == (ReportStatus.DRAFT, 1, None)
    event = report.events.get()
    assert event.action == ReportAction.SAVED and event.user == people["xa"]
    assert len(event.changes) == 12
    assert {"field": "ho-tich", "field_name": "Hộ tịch", "column": "received_total",
            "old": None, "new": 100} in event.changes


def test_full_cycle_submit_return_correct_approve(people, an_my, quarter):
    report = save(people["xa"], an_my, quarter, 0, submit=True)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    assert not report.is_late

    with pytest.raises(services.ReportRefused, match="ghi ý kiến"):
        services.report_return(user=people["huyen"], report=report, expected_version=1,
                               comment="  ")
    report = services.report_return(user=people["huyen"], report=report, expected_version=1,
                                    comment="Cột (8) lĩnh vực hộ tịch chưa đúng")
    assert report.status == ReportStatus.RETURNED
    assert report.review_comment == "Cột (8) lĩnh vực hộ tịch chưa đúng"

    report = save(people["xa"], an_my, quarter, 2, submit=True, resolved_early=49,
                  resolved_on_time=36)
    assert report.status == ReportStatus.SUBMITTED
    report = services.report_approve(user=people["huyen"], report=report, expected_version=3)
    assert report.status == ReportStatus.APPROVED and report.approved_at is not None

    actions = list(report.events.order_by("at", "pk").values_list("action", "user__username"))
    assert actions == [("submitted", "xa"), ("returned", "huyen"), ("submitted", "xa"),
                       ("approved", "huyen")]


def test_an_approved_report_is_refused_to_its_unit_and_changed_only_by_an_administrator(
        people, an_my, quarter):
    report = save(people["xa"], an_my, quarter, 0, submit=True)
    report = services.report_approve(user=people["huyen"], report=report, expected_version=1)
    for submit in (False, True):
        with pytest.raises(services.ReportRefused, match="đã được duyệt") as refused:
            save(people["xa"], an_my, quarter, 2, submit=submit, resolved_late=4,
                 resolved_on_time=36)
        assert "Xã An Mỹ, kỳ Quý II/2025" in str(refused.value)
        assert "đề nghị người phê duyệt của Huyện Kế Sách mở lại" in str(refused.value)
    assert DossierReport.objects.get().status == ReportStatus.APPROVED
    with pytest.raises(services.ReportRefused, match="ghi lý do"):
        save(people["admin"], an_my, quarter, 2, resolved_late=4, resolved_on_time=36)
    report = services.report_save(
        user=people["admin"], unit=an_my, period=quarter, expected_version=2,
        lines=lines(resolved_late=4, resolved_on_time=36), reason="Huyện báo nhầm cột (9)")
    assert report.status == ReportStatus.SUBMITTED  # the override goes back for approval
    event = report.events.first()
    assert (event.status_before, event.comment) == ("approved", "Huyện báo nhầm cột (9)")
    changed = {(c["column"].field, c["old"], c["new"]) for c in changes_since_approval(report)}
    assert changed == {("resolved_late", 5, 4), ("resolved_on_time", 35, 36)}


def test_only_the_approving_level_may_approve(people, an_my, quarter):
    report = save(people["xa"], an_my, quarter, 0, submit=True)
    for who in ("xa", "huyen_khac", "tinh"):
        with pytest.raises(services.ReportRefused, match="không có quyền"):
            services.report_approve(user=people[who], report=report, expected_version=1)
    assert DossierReport.objects.get().status == ReportStatus.SUBMITTED


def test_districts_are_approved_by_their_province(people, quarter):
    ke_sach = factories.unit("943")
    report = save(people["huyen"], ke_sach, quarter, 0, submit=True)
    with pytest.raises(services.ReportRefused):
        services.report_approve(user=people["huyen"], report=report, expected_version=1)
    approved = services.report_approve(user=people["tinh"], report=report, expected_version=1)
    assert approved.status == ReportStatus.APPROVED


def test_after_the_reform_communes_are_approved_by_the_province():
    nhon_my = factories.unit("31552", factories.AFTER)
    staff = factories.user("nhonmy", unit_code="31552", unit_list=factories.AFTER)
    can_tho = factories.user("cantho", role=Role.PROVINCIAL_OFFICE, unit_code="92",
                             unit_list=factories.AFTER)
    period = period_ensure(code="2026-Q3", deadline=FUTURE)
    report = save(staff, nhon_my, period, 0, submit=True)
    assert services.report_approve(user=can_tho, report=report,
                                   expected_version=1).status == ReportStatus.APPROVED


def test_the_second_of_two_concurrent_saves_is_refused_and_loses_nothing(people, an_my,
                                                                         quarter):
    first = save(people["xa"], an_my, quarter, 0)
    colleague = factories.user("xa2", unit_code="31564")
    save(colleague, an_my, quarter, 1, resolved_early=45, resolved_on_time=40)  # saved: v2
    with pytest.raises(services.ReportConflict) as conflict:
        save(people["xa"], an_my, quarter, 1, resolved_early=10, resolved_on_time=75)
    assert "xa2" in str(conflict.value) and "vẫn còn trên trang" in str(conflict.value)
    stored = report_lines(DossierReport.objects.get(pk=first.pk))
    assert stored[factories.field().pk]["resolved_early"] == 45


def test_two_people_creating_the_same_report_conflict_too(people, an_my, quarter):
    save(people["xa"], an_my, quarter, 0)
    with pytest.raises(services.ReportConflict):
        save(factories.user("xa2", unit_code="31564"), an_my, quarter, 0)


def test_a_locked_period_takes_changes_only_from_an_administrator_with_a_reason(people, an_my,
                                                                                quarter):
    quarter.is_locked = True
    quarter.save()
    with pytest.raises(services.ReportRefused, match="đã khoá"):
        save(people["xa"], an_my, quarter, 0)
    with pytest.raises(services.ReportRefused, match="ghi lý do"):
        save(people["admin"], an_my, quarter, 0)
    report = services.report_save(user=people["admin"], unit=an_my, period=quarter,
                                  lines=lines(), expected_version=0,
                                  reason="Xã báo cáo sai, Sở Nội vụ đồng ý sửa")
    assert report.events.get().comment == "Xã báo cáo sai, Sở Nội vụ đồng ý sửa"


def test_lateness_is_shown_whether_or_not_the_period_is_locked(people, an_my):
    period = period_ensure(code="2025-Q1")  # deadline 2025-03-20, long past
    report = save(people["xa"], an_my, period, 0, submit=True)
    assert report.is_late
    period.is_locked = True
    period.save()
    assert DossierReport.objects.get(pk=report.pk).is_late


def test_broken_figures_are_refused_with_row_and_column_and_nothing_is_saved(people, an_my,
                                                                            quarter):
    with pytest.raises(ValidationError) as caught:
        save(people["xa"], an_my, quarter, 0, pending_in_time=9)
    assert caught.value.messages[0].startswith("Dòng «Hộ tịch»: Cột (11)")
    assert not DossierReport.objects.exists() and not ReportEvent.objects.exists()


def test_a_unit_cannot_report_outside_its_lifetime_or_for_a_longer_period(people, an_my):
    with pytest.raises(services.ReportRefused, match="không còn"):
        save(people["xa"], an_my, period_ensure(code="2025-Q3"), 0)
    with pytest.raises(services.ReportRefused, match="theo quý"):
        save(people["xa"], an_my, period_ensure(code="2024"), 0)


def test_staff_cannot_enter_another_units_figures(people, quarter):
    with pytest.raises(services.ReportRefused, match="không có quyền"):
        save(people["xa"], factories.unit("31552"), quarter, 0)
    with pytest.raises(services.ReportRefused):
        save(people["huyen"], factories.unit("31564"), quarter, 0)
    with pytest.raises(services.ReportRefused):  # the province, outside its province
        save(people["tinh"], factories.unit("32002"), quarter, 0)


def test_the_provincial_office_may_enter_figures_for_a_unit_of_its_province(people, quarter):
    report = save(people["tinh"], factories.unit("31564"), quarter, 0)
    assert report.updated_by == people["tinh"]
