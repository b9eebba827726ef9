"""Who may see and do what, in one place.

Scope is a subtree of the administrative hierarchy: unit staff work on their own unit; a
reviewer (district staff until 30/6/2025) and the provincial office see their unit and every
unit below it; national bodies read everything and change nothing; administrators see
everything. Every view fetches through these helpers, and anything outside the user's scope
answers 404, so the existence of other units' reports is not revealed.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Profile, Role
from cchc.units.models import REFORM_DATE, AdministrativeUnit, Level


class CommandLineOperator:
    """Whoever runs a management command on the server: an administrator, but no account.

    Events it causes are recorded without a user and with the command in their comment.
    """

    is_authenticated = True
    is_superuser = True
    pk = None
    username = "manage.py"

    def get_full_name(self) -> str:
        return "manage.py"

    def has_perm(self, permission: str) -> bool:
        return True


SUBMIT = "dossiers.submit_dossierreport"
REVIEW = "dossiers.review_dossierreport"
CHANGE_LOCKED = "dossiers.change_locked_dossierreport"


def can_change_locked(user) -> bool:
    """Whether ``user`` may change a locked period's reports (always with a reason)."""
    return user.has_perm(CHANGE_LOCKED)


def profile_of(user) -> Profile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except (Profile.DoesNotExist, AttributeError):
        return None


def is_administrator(user) -> bool:
    profile = profile_of(user)
    return bool(user.is_authenticated and (
        user.is_superuser or (profile and profile.role == Role.ADMINISTRATOR)))


def sees_every_unit(user) -> bool:
    """Administrators, and national bodies (ministries), who read every unit's figures."""
    if is_administrator(user):
        return True
    profile = profile_of(user)
    return profile is not None and profile.role == Role.NATIONAL


def _profile_with_unit(user) -> Profile | None:
    """The user's profile if it names a unit (a role without a unit sees nothing)."""
    profile = profile_of(user)
    return profile if profile is not None and profile.unit_id is not None else None


def units_in_scope(user) -> QuerySet[AdministrativeUnit]:
    """Units whose reports ``user`` may read (one query when evaluated)."""
    if sees_every_unit(user):
        return AdministrativeUnit.objects.all()
    profile = _profile_with_unit(user)
    if profile is None:
        return AdministrativeUnit.objects.none()
    if profile.role == Role.UNIT_STAFF:
        return AdministrativeUnit.objects.filter(pk=profile.unit_id)
    return AdministrativeUnit.objects.subtree_of(profile.unit)


def can_view(user, unit: AdministrativeUnit) -> bool:
    """The Python twin of ``units_in_scope`` for one unit."""
    if sees_every_unit(user):
        return True
    profile = _profile_with_unit(user)
    if profile is None:
        return False
    if profile.role == Role.UNIT_STAFF:
        return unit.pk == profile.unit_id
    return unit.is_within(profile.unit)


def can_enter(user, unit: AdministrativeUnit) -> bool:
    """Whether ``user`` may enter and submit ``unit``'s figures: the unit's own staff (any
    role); the provincial office for any unit of its province, since it also receives units'
    files and uploads them; administrators everywhere."""
    if not user.has_perm(SUBMIT):
        return False
    if is_administrator(user):
        return True
    profile = _profile_with_unit(user)
    if profile is None:
        return False
    if profile.unit_id == unit.pk:
        return True
    return profile.role == Role.PROVINCIAL_OFFICE and unit.province_id == profile.unit_id


def approver_unit(unit: AdministrativeUnit, period_end) -> AdministrativeUnit:
    """The unit whose reviewers approve ``unit``'s report for a period ending on ``period_end``.

    Communes are approved by their district until 30/6/2025 and by their province after;
    districts by their province; a province checks its own figures.
    """
    if unit.level == Level.COMMUNE and period_end < REFORM_DATE and unit.parent.level == \
            Level.DISTRICT:
        return unit.parent
    return unit.province or unit


def receiving_unit_name(unit: AdministrativeUnit, period_end) -> str:
    """Who receives ``unit``'s report, as printed on the form: its approver, or the Government
    Office (Văn phòng Chính phủ) for a province, which checks its own figures."""
    approver = approver_unit(unit, period_end)
    return approver.name if approver.pk != unit.pk else str(_("Văn phòng Chính phủ"))


#: The roles whose accounts at the approving unit approve its reports (``approver_unit``).
APPROVER_ROLES = (Role.REVIEWER, Role.PROVINCIAL_OFFICE)


def can_review(user, unit: AdministrativeUnit, period_end) -> bool:
    if not user.has_perm(REVIEW):
        return False
    if is_administrator(user):
        return True
    profile = profile_of(user)
    if profile is None or profile.role not in APPROVER_ROLES:
        return False
    return profile.unit_id == approver_unit(unit, period_end).pk


def can_change_approved(user) -> bool:
    """Whether ``user`` may change an approved report's figures without having it reopened:
    administrators only, always with a reason (the change sends the report back for approval).
    Unit staff ask the approver to reopen it (``can_request_reopen``)."""
    return is_administrator(user)


def can_request_reopen(user, report) -> bool:
    """Whether ``user`` may ask the approver to reopen ``report``: who may enter its figures,
    while it is approved."""
    from cchc.dossiers.models import ReportStatus

    return report.status == ReportStatus.APPROVED and can_enter(user, report.unit)


def can_reopen(user, report) -> bool:
    """Whether ``user`` may reopen ``report`` (approved) or decline a request to: its approver,
    or an administrator."""
    from cchc.dossiers.models import ReportStatus

    return report.status == ReportStatus.APPROVED and can_review(user, report.unit,
                                                                 report.period.end)


def report_authors(report) -> set[int]:
    """Ids of the accounts that entered, changed or submitted ``report``'s figures since its
    last approval (from its events, so a reviewer who only returned it is not one)."""
    from cchc.dossiers.models import AUTHORING_ACTIONS, ReportAction

    authors: set[int] = set()
    for event in sorted(report.events.all(), key=lambda e: (e.at, e.pk), reverse=True):
        if event.action == ReportAction.APPROVED:
            break
        if event.action in AUTHORING_ACTIONS and event.user_id is not None:
            authors.add(event.user_id)
    return authors


def approval_refusal(user, report) -> str:
    """Why ``user`` may not approve ``report`` now, or "" when they may: the one approval rule
    for the page, the inbox and the service.

    Only the approving level (``can_review``) approves a submitted report, and never someone
    who entered, changed or submitted it since its last approval (four-eyes), unless
    ``CCHC_ALLOW_SELF_APPROVAL`` is set.
    """
    from cchc.dossiers.models import ReportStatus

    if not can_review(user, report.unit, report.period.end):
        return str(_("Bạn không có quyền phê duyệt báo cáo của %(unit)s: chỉ người phê duyệt "
                     "của %(approver)s duyệt báo cáo này.") % {
            "unit": report.unit.name,
            "approver": approver_unit(report.unit, report.period.end).name})
    if report.status != ReportStatus.SUBMITTED:
        return str(_("Chỉ phê duyệt được báo cáo ở trạng thái «Đã gửi»; báo cáo này đang ở "
                     "trạng thái «%(status)s».") % {"status": report.get_status_display()})
    if not settings.CCHC_ALLOW_SELF_APPROVAL and getattr(user, "pk", None) in \
            report_authors(report):
        return str(_("Bạn đã nhập, sửa hoặc gửi số liệu của báo cáo này nên không tự phê duyệt "
                     "được (nguyên tắc bốn mắt): một người phê duyệt khác của đơn vị phải duyệt. "
                     "Bạn vẫn có thể trả lại báo cáo kèm ý kiến."))
    return ""


def entering_bars_approval(user, unit: AdministrativeUnit, period_end) -> bool:
    """Whether entering or changing ``unit``'s figures would bar ``user`` from approving them
    afterwards (the four-eyes rule of ``approval_refusal``): said before an approver imports or
    edits a unit's figures."""
    return not settings.CCHC_ALLOW_SELF_APPROVAL and can_review(user, unit, period_end)


def can_send_reminders(user, unit: AdministrativeUnit) -> bool:
    """Whether ``user`` may remind, from ``unit``'s completeness list, the units below it that
    have not sent their report: an approving office (a reviewer or the provincial office, with
    the review permission) whose scope holds ``unit``, or an administrator. Unit staff and
    national bodies may not."""
    if not user.has_perm(REVIEW):
        return False
    if is_administrator(user):
        return True
    profile = _profile_with_unit(user)
    return (profile is not None and profile.role in APPROVER_ROLES
            and unit.is_within(profile.unit))


def can_approve(user, report) -> bool:
    return not approval_refusal(user, report)


def get_unit_for_user(user, unit_list: str, code: str) -> AdministrativeUnit:
    """The unit, with its parents loaded, if ``user`` may see it; 404 otherwise (also when it
    exists but is outside the user's scope, so its existence is not revealed)."""
    unit = (AdministrativeUnit.objects.select_related("parent", "parent__parent", "province")
            .filter(unit_list=unit_list, code=code).first())
    if unit is None or not can_view(user, unit):
        raise Http404
    return unit


# --- background jobs (cchc/jobs) ------------------------------------------------------------


def jobs_visible(user) -> QuerySet:
    """The jobs ``user`` may open: their own; every job for staff (``is_staff``) and
    administrators, who look into a user's problem. Anyone else's job answers 404."""
    from cchc.jobs.models import Job

    if not user.is_authenticated:
        return Job.objects.none()
    if user.is_staff or is_administrator(user):
        return Job.objects.all()
    return Job.objects.filter(user=user)


def can_follow_up_job(user, job) -> bool:
    """Only who started a job carries it on (confirms the preview it made, runs it again):
    the preview was checked against that user's scope and rights."""
    return user.is_authenticated and job.user_id == user.pk
