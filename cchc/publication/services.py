"""Making results public: a province's opt-in and its quarterly rankings.

Only the province's office (or an administrator) decides. A ranking is published as it stands,
and only once every report counted in it is approved: the public never sees a figure a reviewer
has not accepted. Publishing again replaces the published figures; withdrawing removes them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.accounts.access import is_administrator, profile_of
from cchc.accounts.models import Role
from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.models import DossierReport, ReportStatus
from cchc.dossiers.selectors import totals_series, units_due
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.publication.models import PublicPage, RankingPublication
from cchc.units.models import AdministrativeUnit, Level


class PublicationRefused(Exception):
    """Why a publication was refused, as messages for the user."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def may_publish(user, province: AdministrativeUnit) -> bool:
    """The province's own office, or an administrator."""
    if is_administrator(user):
        return True
    profile = profile_of(user)
    return (profile is not None and profile.role == Role.PROVINCIAL_OFFICE
            and province.level == Level.PROVINCE and profile.unit_id == province.pk)


NOT_THE_OFFICE = gettext_lazy("Chỉ văn phòng của tỉnh (hoặc quản trị) được công khai kết quả "
                              "của tỉnh.")


def _check(user, province: AdministrativeUnit) -> None:
    if province.level != Level.PROVINCE:
        raise PublicationRefused([_("Chỉ cấp tỉnh công khai kết quả.")])
    if not may_publish(user, province):
        raise PublicationRefused([str(NOT_THE_OFFICE)])


def public_page_set(*, user, province: AdministrativeUnit, enabled: bool) -> PublicPage:
    """Switch the province's public results page on or off (what was published stays stored,
    hidden while the page is off)."""
    _check(user, province)
    page, _created = PublicPage.objects.get_or_create(province=province)
    page.is_enabled = enabled
    page.changed_by = user if getattr(user, "pk", None) else None
    page.save()
    return page


def _names(reports) -> str:
    """The first ten units' names, a report changed after its approval marked so."""
    return ", ".join(
        _("%(name)s (sửa sau khi đã duyệt)") % {"name": r.unit.name}
        if r.status == ReportStatus.SUBMITTED and r.approved_at else r.unit.name
        for r in reports[:10])


def _more(reports) -> str:
    more = len(reports) - 10
    return _(" và %(n)s đơn vị khác") % {"n": more} if more > 0 else ""


@transaction.atomic
def ranking_publish(*, user, province: AdministrativeUnit,
                    period: ReportingPeriod) -> RankingPublication:
    """Publish ``period``'s figures of ``province`` and its units as they stand now."""
    _check(user, province)
    if period.kind != PeriodKind.QUARTER:
        raise PublicationRefused([_("Chỉ công bố xếp hạng theo quý; kỳ dài hơn được tính từ "
                                    "các quý đã công bố.")])
    if not province.is_in_force(period.end):
        raise PublicationRefused([_("%(province)s (%(list)s) không có trong danh mục đơn vị "
                                    "hành chính ngày %(end)s: hãy công bố từ tỉnh của danh "
                                    "mục đang có hiệu lực trong kỳ.") % {
            "province": province.name, "list": province.get_unit_list_display(),
            "end": period.end.strftime("%d/%m/%Y")}])
    if not period.is_past_deadline():
        raise PublicationRefused([_("Chưa hết hạn nộp báo cáo %(period)s (%(deadline)s): chờ "
                                    "đến sau hạn rồi công bố.") % {
            "period": period.label, "deadline": period.deadline.strftime("%d/%m/%Y")}])
    units = list(units_due(province, period))  # the province and every unit that reports
    waiting = list(DossierReport.objects.filter(unit__in=units, period=period,
                                                status=ReportStatus.SUBMITTED)
                   .select_related("unit").order_by("unit__level", "unit__code"))
    # The unit asks to correct these approved figures: settle that before publishing them.
    reopen = list(DossierReport.objects.filter(unit__in=units, period=period,
                                               status=ReportStatus.APPROVED,
                                               reopen_requested_at__isnull=False)
                  .select_related("unit").order_by("unit__level", "unit__code"))
    problems = []
    if waiting:
        problems.append(
            _("%(count)s báo cáo đang chờ duyệt (%(names)s%(more)s): chỉ công bố số liệu đã "
              "duyệt. Hãy duyệt hoặc trả lại các báo cáo này trước.") % {
                "count": len(waiting), "names": _names(waiting), "more": _more(waiting)})
    if reopen:
        problems.append(
            _("%(count)s báo cáo đã duyệt có đề nghị mở lại chưa xử lý (%(names)s%(more)s): "
              "đơn vị cho biết số liệu cần sửa. Hãy mở lại hoặc từ chối trong «Việc cần làm» "
              "trước khi công bố.") % {
                "count": len(reopen), "names": _names(reopen), "more": _more(reopen)})
    if problems:
        raise PublicationRefused(problems)
    own = totals_series([unit.pk for unit in units], [period], key="report__unit_id")
    entries = []
    for unit in units:
        totals = own.get((period.code, unit.pk))
        entries.append({
            "code": unit.code, "name": unit.name, "level": unit.level,
            "parent_code": unit.parent.code if unit.parent_id else None,
            "counts": [totals[name] for name in FIELD_NAMES] if totals else None,
        })
    publication, _created = RankingPublication.objects.update_or_create(
        province=province, period=period,
        defaults={"published_at": timezone.now(), "units": entries,
                  "published_by": user if getattr(user, "pk", None) else None},
    )
    return publication


def ranking_withdraw(*, user, province: AdministrativeUnit, period: ReportingPeriod) -> bool:
    """Remove a published quarter from the public page; False if it was not published."""
    _check(user, province)
    deleted, _detail = RankingPublication.objects.filter(province=province,
                                                         period=period).delete()
    return bool(deleted)
