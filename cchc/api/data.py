"""What the API answers, read through the same selectors as the pages and exports.

* Who sees what: ``cchc.accounts.access`` (a token sees what its user sees on the web); a unit
  outside the user's scope is still answered from what its province published, if its public
  page is on (``cchc.publication.selectors``, never live figures); otherwise 404 for a signed-in
  user, 401 for an anonymous one.
* Figures of (unit, period): the dashboard's totals (``reports.selectors.basis`` and
  ``totals_series``: the unit's own reports, a new unit before 1/7/2025 summed from its
  predecessors, a longer period derived from its quarters); the units below: ``unit_rows`` of
  ``ranking_units``, as the summary CSV; rankings: ``reports.selectors.ranking``; every rate:
  ``reports.kpis``.
* PAR results: ``cchc.scores.selectors`` (``unit_result``, ``par_ranking``), as the results
  pages.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from cchc.accounts.access import get_unit_for_user
from cchc.api.errors import BadParameter, NotPublished, TokenRequired
from cchc.dossiers.columns import COLUMNS, FIELD_NAMES
from cchc.dossiers.scopes import OWN, SCOPES, chosen_scope, scope_label
from cchc.dossiers.selectors import totals_series
from cchc.formatting import percent_of, round_half_up
from cchc.periods import codes
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.publication import selectors as public
from cchc.publication.models import RankingPublication
from cchc.scores import selectors as par
from cchc.scores.models import AssessmentStatus, ParAssessment
from cchc.units.models import AdministrativeUnit, Level, UnitList
from cchc.units.selectors import unit_predecessors, unit_successors
from reports import selectors
from reports.kpis import DEFAULT_KPI, KPIS, RANKABLE, Kpi, kpi_values

LIVE, PUBLISHED = "live", "published"
PERIOD_EXAMPLES = ["2024-Q4", "2024-H1", "2024-9M", "2024", "2024-M03"]
YEARS = (2000, 2100)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- parameters ------------------------------------------------------------------------------


def unit_list_param(value: str, name: str = "unit_list") -> str:
    if value not in UnitList.values:
        raise BadParameter(name, _("Danh mục «%(value)s» không có: dùng 2008 (63 tỉnh, đến "
                                   "30/6/2025) hoặc 2025 (34 tỉnh, từ 1/7/2025).")
                           % {"value": value[:40]}, UnitList.values)
    return value


def code_param(value: str, name: str) -> str:
    if not (value.isascii() and value.isdigit() and 1 <= len(value) <= 5):
        raise BadParameter(name, _("Mã đơn vị «%(value)s» không hợp lệ: 1–5 chữ số (mã TCTK).")
                           % {"value": value[:40]}, ["^[0-9]{1,5}$"])
    return value


def choice_param(request, name: str, allowed: list[str]) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise BadParameter(name, _("«%(name)s» không nhận «%(value)s»; dùng một trong: "
                                   "%(allowed)s.") % {"name": name, "value": raw[:40],
                                                      "allowed": ", ".join(allowed)}, allowed)
    return raw


def level_param(request, allowed=(Level.DISTRICT, Level.COMMUNE)) -> int | None:
    chosen = choice_param(request, "level", [str(level) for level in allowed])
    return int(chosen) if chosen else None


def kpi_param(request) -> str:
    return choice_param(request, "kpi", list(RANKABLE)) or DEFAULT_KPI


def scope_param(request, level: int) -> str:
    """``?scope=subtree|own`` for figures of units of ``level``: 400 for another value; by
    default (and always for communes, which have one) as the pages: ``chosen_scope``."""
    return chosen_scope(choice_param(request, "scope", list(SCOPES)), level)


def date_param(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not ISO_DATE.match(raw):
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise BadParameter(name, _("Ngày «%(value)s» không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ "
                                   "2025-07-01.") % {"value": raw[:40]}, ["YYYY-MM-DD"]) from exc


def text_param(request, name: str, longest: int = 100) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > longest or any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise BadParameter(name, _("«%(name)s»: tối đa %(longest)s ký tự, không có ký tự điều "
                                   "khiển.") % {"name": name, "longest": longest})
    return raw.strip()


def year_param(year: int) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        raise BadParameter("year", _("Năm %(year)s nằm ngoài %(first)s–%(last)s.")
                           % {"year": year, "first": YEARS[0], "last": YEARS[1]},
                           [f"{YEARS[0]}–{YEARS[1]}"])
    return year


def period_get(code: str, name: str = "period") -> ReportingPeriod:
    """The period named ``code``: 400 for bad notation, 404 if not set up in the app."""
    try:
        return ReportingPeriod.objects.get_by_code(code)
    except codes.InvalidPeriodCode as exc:
        raise BadParameter(name, str(exc), PERIOD_EXAMPLES) from exc
    except ReportingPeriod.DoesNotExist as exc:
        raise NotFound(_("Kỳ báo cáo %(code)s chưa được thiết lập.") % {
            "code": codes.PeriodSpec.parse(code).code}) from exc


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


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    return unit.province if unit.province_id else unit


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
    if unit is not None and public.is_public(province_of(unit)):
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
        return public.publication_or_404(province_of(unit), period)
    except Http404 as exc:
        raise NotPublished(_("Tỉnh chưa công bố số liệu %(period)s.")
                           % {"period": period.code}) from exc


# --- shapes ----------------------------------------------------------------------------------


def unit_ref(unit: AdministrativeUnit) -> dict:
    return {"unit_list": unit.unit_list, "code": unit.code, "name": unit.name,
            "level": unit.level, "parent_code": unit.parent.code if unit.parent_id else None}


def entry_ref(unit_list: str, entry: dict) -> dict:
    """A unit as a publication froze it."""
    return {"unit_list": unit_list, "code": entry["code"], "name": entry["name"],
            "level": entry["level"], "parent_code": entry["parent_code"]}


def unit_item(unit: AdministrativeUnit) -> dict:
    return {**unit_ref(unit), "short_name": unit.short_name, "kind": unit.kind,
            "kind_label": unit.get_kind_display(), "level_label": unit.get_level_display(),
            "province_code": unit.province.code if unit.province_id else None,
            "valid_from": unit.valid_from, "valid_to": unit.valid_to}


def _succession(link, unit: AdministrativeUnit) -> dict:
    return {"unit": unit_ref(unit), "kind": link.kind, "kind_label": link.get_kind_display(),
            "effective_date": link.effective_date, "is_principal": link.is_principal}


def unit_detail(unit: AdministrativeUnit) -> dict:
    return {
        **unit_item(unit),
        "parent": unit_ref(unit.parent) if unit.parent_id else None,
        "province": unit_ref(unit.province) if unit.province_id else None,
        "children_count": unit.children.count(),
        "predecessors": [_succession(link, link.predecessor)
                         for link in unit_predecessors(unit)],
        "successors": [_succession(link, link.successor) for link in unit_successors(unit)],
    }


def period_ref(period: ReportingPeriod) -> dict:
    return {"code": period.code, "label": str(period.label), "kind": period.kind,
            "start": period.start, "end": period.end}


def period_item(period: ReportingPeriod) -> dict:
    return {**period_ref(period), "kind_label": period.get_kind_display(),
            "year": period.year, "number": period.number, "cutoff_start": period.cutoff_start,
            "cutoff_end": period.cutoff_end, "deadline": period.deadline,
            "is_locked": period.is_locked, "quarters": quarter_codes(period)}


def quarter_codes(period: ReportingPeriod) -> list[str]:
    if period.kind in (PeriodKind.QUARTER, PeriodKind.MONTH):
        return []
    return [spec.code for spec in period.spec.quarters()]


def kpi_definition(kpi: Kpi) -> dict:
    return {"key": kpi.key, "label": str(kpi.label), "formula": str(kpi.formula),
            "kind": "rate" if kpi.is_rate else "count", "higher_is_better": kpi.higher_is_better}


def kpi_numbers(kpi: Kpi, value: Decimal | int | None) -> dict:
    """A KPI's value as text: a count as it is, a rate rounded half up to 6 decimals and in %
    to 2 (``cchc.formatting.round_half_up``, the app's one rounding)."""
    if value is None:
        return {"value": None, "percent": None}
    if not kpi.is_rate:
        return {"value": str(value), "percent": None}
    return {"value": f"{round_half_up(value, 6):f}",
            "percent": f"{percent_of(value):f}"}


def compact_row(ref: dict, totals: dict | None) -> dict:
    """A unit's figures in a list: counts by field name, every KPI by key."""
    values = kpi_values(totals) if totals is not None else dict.fromkeys(KPIS)
    return {"unit": ref, "has_figures": totals is not None,
            "counts": dict(totals) if totals is not None else None,
            "kpis": {key: kpi_numbers(kpi, values[key]) for key, kpi in KPIS.items()}}


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
    (``reports.selectors.unit_dashboard``): whose reports count is ``basis``, summed by
    ``totals_series``; ``None`` without any."""
    links = selectors.predecessor_links(unit) if unit.unit_list == UnitList.FROM_2025 else []
    found = selectors.basis(unit, period, links)
    totals = totals_series(found.unit_ids, [period], scope=scope).get((period.code, None)) \
        if found.unit_ids else None
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


def figures_body(unit, period, figures: Figures, scope: str = OWN) -> dict:
    totals = figures.totals or dict.fromkeys(FIELD_NAMES, 0)
    values = kpi_values(totals)
    return {
        "unit": unit_ref(unit), "period": period_ref(period), "source": figures.source,
        "scope": scope, "scope_label": scope_label(scope, unit.level),
        "published_at": figures.published_at, "has_figures": figures.totals is not None,
        "derived_from_quarters": bool(quarter_codes(period)),
        "quarters": quarter_codes(period),
        "reconstructed_from": figures.reconstructed_from or [],
        "divided_predecessors": figures.divided or [],
        "counts": [{"column": c.number, "field": c.field, "label": str(c.label),
                    "group": str(c.group), "value": totals[c.field]} for c in COLUMNS],
        "kpis": [{**kpi_definition(kpi), **kpi_numbers(kpi, values[key])}
                 for key, kpi in KPIS.items()],
    }


# --- the units below and rankings from a publication -----------------------------------------


def published_below(publication: RankingPublication, root: AdministrativeUnit,
                    level: int | None, kpi_key: str = DEFAULT_KPI, *, scope: str = OWN):
    """The rows of ``publication`` that ``ranking_units(root, period, level)`` would choose:
    ``root``'s children, or every unit of ``level`` below it, with their figures in
    ``scope``; in code order."""
    rows = public.published_rows(publication, selectors.ranked_level(root, level), kpi_key,
                                 scope)
    if level is None or root.level != Level.PROVINCE:
        rows = [row for row in rows if row.parent_code == root.code]
    return rows


def published_ranking(publication: RankingPublication, root: AdministrativeUnit,
                      level: int | None, kpi_key: str, scope: str = OWN):
    """The province's published ranking of a level (``published_rows``), with each unit's
    rank in the previous quarter's publication, if there is one. Only a province's rankings
    are published."""
    if root.level != Level.PROVINCE:
        raise NotPublished(_("Chỉ bảng xếp hạng của tỉnh được công bố: xem xếp hạng của tỉnh "
                             "với ?level=."))
    rows = published_below(publication, root, level, kpi_key, scope=scope)
    previous_spec = publication.period.spec.previous()
    previous = RankingPublication.objects.filter(
        province=publication.province, period__code=previous_spec.code).first()
    previous_ranks = {}
    if previous is not None:
        previous_ranks = {row.code: row.rank for row in
                          published_below(previous, root, level, kpi_key, scope=scope)}
    return rows, previous, previous_ranks


def rank_size(ranks) -> int:
    """How many units were ranked (those with a value), as ``Ranking.size``."""
    return sum(1 for rank in ranks if rank is not None)


def rank_row(ref: dict, has_figures: bool, rank, rank_of: int, previous_rank, kpi: Kpi,
             value) -> dict:
    return {"unit": ref, "has_figures": has_figures, "rank": rank, "rank_of": rank_of,
            "previous_rank": previous_rank,
            "rank_change": previous_rank - rank if rank and previous_rank else None,
            **kpi_numbers(kpi, value)}


# --- PAR -------------------------------------------------------------------------------------


def scheme_body(scheme) -> dict | None:
    if scheme is None:
        return None
    return {"name": scheme.name, "year": scheme.year, "level": scheme.level,
            "decision": scheme.decision}


def _decimal(value, places: int | None = None) -> str | None:
    """Decimal text: as stored (``places`` None) or rounded half up to ``places``."""
    if value is None:
        return None
    if places is not None:
        return f"{round_half_up(value, places):f}"
    return f"{Decimal(value).normalize():f}"


def par_body(result) -> dict:
    """One PAR result as ``cchc.scores.selectors`` computes it (the results pages)."""
    assessment = result.assessment
    return {
        "unit": unit_ref(result.unit), "scheme": scheme_body(assessment.scheme),
        "status": assessment.status, "status_label": assessment.get_status_display(),
        "is_published": result.is_published, "points": _decimal(result.points),
        "max_points": _decimal(result.max_points),
        "index_percent": _decimal(result.index_percent, 2),
        "rank": result.rank, "rank_of": result.rank_of, "band": result.band,
    }


def published_par_body(ref: dict, group, row) -> dict:
    """A published result as ``published_par_results`` gives it: only what was stored when it
    was published (points, maximum, rank, set size, band)."""
    return {
        "unit": ref,
        "scheme": {"name": group.scheme_name, "year": group.year, "level": group.scheme_level,
                   "decision": group.scheme_decision},
        "status": AssessmentStatus.PUBLISHED, "status_label": AssessmentStatus.PUBLISHED.label,
        "is_published": True, "points": _decimal(row.points),
        "max_points": _decimal(row.max_points), "index_percent": _decimal(row.index_percent, 2),
        "rank": row.rank, "rank_of": row.rank_of, "band": row.band,
    }


def _published_groups(unit: AdministrativeUnit, year: int) -> list:
    return public.published_par_results(province_of(unit), year)


def par_own(unit: AdministrativeUnit, year: int, access: str) -> dict:
    """The unit's result for ``year``: as its results page shows it (``unit_result``), or from
    a publication only its published result (``published_par_results``)."""
    missing = NotPublished(_("%(unit)s chưa có kết quả Chỉ số CCHC năm %(year)s%(public)s.")
                           % {"unit": unit.name, "year": year,
                              "public": _(" được công bố") if access == PUBLISHED else ""})
    if access == PUBLISHED:
        parent_code = unit.parent.code if unit.parent_id else None
        for group in _published_groups(unit, year):
            for row in group.rows:
                if row.code == unit.code and group.parent_code == parent_code:
                    return published_par_body(unit_ref(unit), group, row)
        raise missing
    assessment = (ParAssessment.objects.select_related("scheme", "unit__parent")
                  .filter(unit=unit, scheme__year=year).first())
    if assessment is None:
        raise missing
    return par_body(par.unit_result(assessment))


def par_below(unit: AdministrativeUnit, year: int, access: str) -> tuple[dict | None, list]:
    """The scheme and the results of ``unit``'s children for ``year``: the ranking page's
    (``par_ranking``), or from a publication the published ones (``published_par_results``:
    the peers under ``unit`` scored at its children's level)."""
    if access == LIVE:
        scheme, results = par.par_ranking(unit, year)
        return scheme_body(scheme), [par_body(result) for result in results]
    level = par.children_level(unit)
    groups = [group for group in _published_groups(unit, year)
              if group.parent_code == unit.code and group.scheme_level == level]
    if not groups:
        return None, []
    group = groups[0]
    units = {u.code: u for u in unit_query().filter(
        unit_list=unit.unit_list, code__in=[row.code for row in group.rows])}
    bodies = [published_par_body(unit_ref(units[row.code]), group, row) for row in group.rows]
    return bodies[0]["scheme"], bodies
