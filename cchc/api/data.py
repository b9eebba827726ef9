"""What the API answers, read through the same selectors as the pages and exports.

* Who sees what: ``cchc.accounts.access`` (a token sees what its user sees on the web); a unit
  outside the user's scope is still answered from what its province published, if its public
  page is on (``cchc.publication.selectors``, never live figures); otherwise 404 for a signed-in
  user, 401 for an anonymous one.
* Figures of (unit, period): the dashboard's totals (``reports.selectors.unit_totals``: the
  unit's own reports, a new unit before 1/7/2025 summed from its predecessors, a longer period
  derived from its quarters); the units below: ``unit_rows`` of
  ``ranking_units``, as the summary CSV; rankings: ``reports.selectors.ranking``, or a
  publication's (``published_ranking``); every rate: ``reports.kpis``.
* PAR results: ``cchc.scores.selectors`` (``unit_result``, ``par_ranking``), as the results
  pages, or as published (``published_par_result``, ``published_par_below``).

Parameters are parsed in ``cchc.api.params``, bodies shaped in ``cchc.api.serializers``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from cchc.accounts.access import get_unit_for_user
from cchc.api.errors import NotPublished, TokenRequired
from cchc.api.params import unit_list_param
from cchc.api.serializers import par_body, published_par_body, scheme_body, unit_ref
from cchc.dossiers.scopes import OWN
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.publication import selectors as public
from cchc.publication.models import RankingPublication
from cchc.scores import selectors as par
from cchc.scores.models import ParAssessment
from cchc.units.models import AdministrativeUnit, Level
from reports import selectors

LIVE, PUBLISHED = "live", "published"


# --- who sees what ---------------------------------------------------------------------------


def unit_query():
    return AdministrativeUnit.objects.select_related("parent", "parent__parent", "province")


def unit_get(unit_list: str, code: str) -> AdministrativeUnit:
    """Reference data: any unit, for everyone (units carry no reported figure)."""
    unit_list_param(unit_list)
    unit = unit_query().filter(unit_list=unit_list, code=code).first()
    if unit is None:
        raise NotFound(_("Không có đơn vị mã %(code)s trong danh mục %(list)s.")
                       % {"code": code[:40], "list": unit_list})
    return unit


def unit_for_data(request, unit_list: str, code: str) -> tuple[AdministrativeUnit, str]:
    """The unit and how its data may be read: ``LIVE`` inside the user's scope (the web's
    ``get_unit_for_user``), ``PUBLISHED`` outside it where the province's public page is on.
    Otherwise 401 for an anonymous request, 404 for a signed-in user (as on the web)."""
    unit_list_param(unit_list)
    user = request.user
    if user.is_authenticated:
        try:
            return get_unit_for_user(user, unit_list, code), LIVE
        except Http404:
            pass
    unit = unit_query().filter(unit_list=unit_list, code=code).first()
    if unit is not None and public.is_public(public.province_of(unit)):
        return unit, PUBLISHED
    if not user.is_authenticated:
        if unit is None:
            raise NotFound(_("Không có đơn vị mã %(code)s trong danh mục %(list)s.")
                           % {"code": code[:40], "list": unit_list})
        raise TokenRequired()
    # The same answer whether the unit exists outside the user's scope or not at all.
    raise NotFound(_("Không tìm thấy đơn vị này, hoặc đơn vị nằm ngoài phạm vi tài khoản của "
                     "bạn."))


def publication_for(unit: AdministrativeUnit, period: ReportingPeriod) -> RankingPublication:
    """The publication holding ``unit``'s figures for ``period`` (a quarter), or 404."""
    if period.kind != PeriodKind.QUARTER:
        raise NotPublished(_("Chỉ số liệu theo quý được công bố; %(period)s chưa có số liệu "
                             "công bố.") % {"period": period.code})
    try:
        return public.publication_or_404(public.province_of(unit), period)
    except Http404 as exc:
        raise NotPublished(_("Tỉnh chưa công bố số liệu %(period)s.")
                           % {"period": period.code}) from exc


# --- figures of (unit, period) ---------------------------------------------------------------


@dataclass
class Figures:
    totals: dict[str, int] | None
    source: str
    published_at: datetime.datetime | None = None
    reconstructed_from: list | None = None
    divided: list | None = None


def live_figures(unit: AdministrativeUnit, period: ReportingPeriod,
                 scope: str = OWN) -> Figures:
    """The unit's totals in ``scope`` as its dashboard shows them
    (``reports.selectors.unit_totals``); ``None`` without any."""
    totals, found = selectors.unit_totals(unit, period, scope)
    return Figures(totals, LIVE, reconstructed_from=[unit_ref(u) for u in found.predecessors],
                   divided=[unit_ref(u) for u in found.divided])


def published_figures(unit: AdministrativeUnit, period: ReportingPeriod,
                      scope: str = OWN) -> Figures:
    publication = publication_for(unit, period)
    totals = public.published_totals(publication, scope)
    if unit.code not in totals:
        raise NotPublished(_("Đơn vị không có trong số liệu %(period)s đã công bố.")
                           % {"period": period.code})
    return Figures(totals[unit.code], PUBLISHED, publication.published_at, [], [])


# --- rankings from a publication -------------------------------------------------------------


def published_ranking(publication: RankingPublication, root: AdministrativeUnit,
                      level: int | None, kpi_key: str, scope: str = OWN):
    """The province's published ranking of a level, with the previous quarter's ranks
    (``cchc.publication.selectors.published_ranking``). Only a province's rankings are
    published."""
    if root.level != Level.PROVINCE:
        raise NotPublished(_("Chỉ bảng xếp hạng của tỉnh được công bố: xem xếp hạng của tỉnh "
                             "với ?level=."))
    return public.published_ranking(publication, root, level, kpi_key, scope)


# --- PAR -------------------------------------------------------------------------------------


def par_own(unit: AdministrativeUnit, year: int, access: str) -> dict:
    """The unit's result for ``year``: as its results page shows it (``unit_result``), or from
    a publication only its published result (``published_par_result``)."""
    missing = NotPublished(_("%(unit)s chưa có kết quả Chỉ số CCHC năm %(year)s%(public)s.")
                           % {"unit": unit.name, "year": year,
                              "public": _(" được công bố") if access == PUBLISHED else ""})
    if access == PUBLISHED:
        found = public.published_par_result(unit, year)
        if found is None:
            raise missing
        return published_par_body(unit_ref(unit), *found)
    assessment = (ParAssessment.objects.select_related("scheme", "unit__parent")
                  .filter(unit=unit, scheme__year=year).first())
    if assessment is None:
        raise missing
    return par_body(par.unit_result(assessment))


def par_below(unit: AdministrativeUnit, year: int, access: str) -> tuple[dict | None, list]:
    """The scheme and the results of ``unit``'s children for ``year``: the ranking page's
    (``par_ranking``), or from a publication the published ones (``published_par_below``:
    the peers under ``unit`` scored at its children's level)."""
    if access == LIVE:
        scheme, results = par.par_ranking(unit, year)
        return scheme_body(scheme), [par_body(result) for result in results]
    group = public.published_par_below(unit, year, par.children_level(unit))
    if group is None:
        return None, []
    units = {u.code: u for u in unit_query().filter(
        unit_list=unit.unit_list, code__in=[row.code for row in group.rows])}
    bodies = [published_par_body(unit_ref(units[row.code]), group, row) for row in group.rows]
    return bodies[0]["scheme"], bodies
