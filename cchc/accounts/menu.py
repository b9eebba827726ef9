"""What the navigation menu and a unit's page offer a user: only pages the user may open.

Every link is checked with ``cchc.accounts.access`` (the views answer 404 outside the user's
scope, so a link outside it would be a dead end) and points at a period or year that exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import can_view, profile_of, sees_every_unit
from cchc.units.models import AdministrativeUnit, Level


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    url: str


def _latest_par_year(unit: AdministrativeUnit, *, own: bool) -> int | None:
    """The latest year with a PAR assessment of ``unit`` (own) or of a unit below it."""
    from cchc.scores.models import ParAssessment

    found = ParAssessment.objects.filter(
        Q(unit=unit) if own else Q(unit__parent=unit) | Q(unit__parent__parent=unit))
    return found.order_by("-scheme__year").values_list("scheme__year", flat=True).first()


def unit_links(user, unit: AdministrativeUnit) -> list[Link]:
    """The pages about ``unit`` that ``user`` may open: its dashboard and ranking for the latest
    quarter with figures, its PAR and QĐ 766 results, the completeness of the units below it and
    every quarter's report. Empty when the user may not see the unit."""
    from cchc.dossiers.selectors import has_due_quarters
    from reports.selectors import latest_quarter_with_figures

    if not user.is_authenticated or not can_view(user, unit):
        return []
    args = [unit.unit_list, unit.code]
    has_children = unit.level != Level.COMMUNE
    links = []
    period = latest_quarter_with_figures(unit)
    if period is not None:
        links.append(Link("dashboard", _("Tổng hợp"),
                          reverse("reports:dashboard", args=[*args, period.code])))
        if has_children:
            links.append(Link("ranking", _("Xếp hạng"),
                              reverse("reports:ranking", args=[*args, period.code])))
    year = _latest_par_year(unit, own=not has_children)
    if year is not None:
        name = "scores:ranking" if has_children else "scores:result"
        links.append(Link("par", _("Chỉ số CCHC"), reverse(name, args=[*args, year])))
    if period is not None:
        name = "service_index:ranking" if has_children else "service_index:unit"
        links.append(Link("766", _("Chỉ số 766"), reverse(name, args=[*args, period.code])))
    if has_children and has_due_quarters(unit, timezone.localdate()):
        links.append(Link("completeness", _("Tình hình nộp"),
                          reverse("dossiers:completeness", args=args)))
    links.append(Link("reports", _("Báo cáo các kỳ"), reverse("units:reports", args=args)))
    return links


def menu_links(user) -> list[Link]:
    """The menu's links for ``user`` after the always-present ones (inbox, units, reminders):
    the pages of the user's own unit, the national rankings for who sees every unit, and the
    public results."""
    links = []
    profile = profile_of(user)
    if profile is not None and profile.unit_id is not None:
        links += unit_links(user, profile.unit)
    if sees_every_unit(user):
        links.append(Link("national", _("Toàn quốc"), reverse("reports:national_home")))
    links.append(Link("public", _("Công khai"), reverse("public:index")))
    if user.is_authenticated:  # the long work they started (checks and imports of uploads)
        links.append(Link("jobs", _("Công việc của tôi"), reverse("jobs:list")))
    return links

