"""Reading what is public. Everything a visitor without an account (the public page, the API
without a token) sees comes from here, and only from provinces whose page is switched on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404

from cchc.dossiers.columns import FIELD_NAMES
from cchc.dossiers.scopes import OWN, SUBTREE, row_scope
from cchc.periods.models import PeriodKind, ReportingPeriod
from cchc.publication.models import PublicPage, RankingPublication
from cchc.ranking import PointsAndRank, competition_ranks, unranked_last
from cchc.scores.models import AssessmentStatus, ParAssessment, ParBand, SchemeLevel
from cchc.units.models import AdministrativeUnit, Level
from reports.kpis import DEFAULT_KPI, KPIS, RANKABLE, kpi_values
from reports.selectors import ranked_level


def public_provinces():
    """Provinces whose public page is on, by list and code."""
    return (AdministrativeUnit.objects.filter(public_page__is_enabled=True,
                                              level=Level.PROVINCE)
            .order_by("unit_list", "code"))


def public_page_of(province: AdministrativeUnit) -> PublicPage | None:
    return PublicPage.objects.filter(province=province).first()


def office_publications(province: AdministrativeUnit):
    """Every quarter the province published, newest first, with who published it (for its
    office only: never on a public page)."""
    return (RankingPublication.objects.filter(province=province)
            .select_related("period", "published_by").order_by("-period__end"))


def office_panel(user, root: AdministrativeUnit, period: ReportingPeriod) -> dict | None:
    """What the internal ranking page of a province shows its office about publishing the
    quarter (None for anyone else, another level or a longer period)."""
    from cchc.publication.services import may_publish

    if root.level != Level.PROVINCE or period.kind != PeriodKind.QUARTER or \
            not may_publish(user, root):
        return None
    page = public_page_of(root)
    return {
        "province": root, "period": period,
        "publication": RankingPublication.objects.filter(province=root, period=period).first(),
        "page_enabled": bool(page and page.is_enabled),
    }


def is_public(province: AdministrativeUnit) -> bool:
    return PublicPage.objects.filter(province=province, is_enabled=True).exists()


def public_province_or_404(unit_list: str, code: str) -> AdministrativeUnit:
    province = public_provinces().filter(unit_list=unit_list, code=code).first()
    if province is None:
        raise Http404
    return province


def publications(province: AdministrativeUnit) -> list[RankingPublication]:
    """The province's published quarters, newest first (empty while its page is off)."""
    if not is_public(province):
        return []
    return list(RankingPublication.objects.filter(province=province)
                .select_related("period").order_by("-period__end"))


def publication_or_404(province: AdministrativeUnit, period: ReportingPeriod
                       ) -> RankingPublication:
    found = RankingPublication.objects.filter(province=province, period=period).first()
    if found is None or not is_public(province):
        raise Http404
    return found


def published_unit_codes(publication: RankingPublication) -> set[str]:
    return {entry["code"] for entry in publication.units}


@dataclass
class PublishedRow:
    """A unit's published figures for the quarter: counts, every KPI, its rank by the KPI."""

    code: str
    name: str
    level: int
    parent_code: str | None
    totals: dict[str, int] | None
    values: dict[str, Decimal | int | None]
    rank: int | None

    @property
    def has_figures(self) -> bool:
        return self.totals is not None


def published_totals(publication: RankingPublication, scope: str = OWN
                     ) -> dict[str, dict[str, int] | None]:
    """Unit code → its published counts in ``scope``: its own, or (``subtree``) summed with
    every unit below it in the publication; ``None`` where none of them filed anything. The
    same sums as the ``subtree`` rollups had at publication, as only approved reports are
    published and all of them are."""
    own = {entry["code"]: publication.totals(entry) for entry in publication.units}
    if scope != SUBTREE:
        return own
    parents = {entry["code"]: entry["parent_code"] for entry in publication.units}
    sums: dict[str, dict[str, int] | None] = dict.fromkeys(own)
    for code, totals in own.items():
        ancestor = code
        while totals is not None and ancestor in sums:  # up to the province, within the list
            current = sums[ancestor] or dict.fromkeys(FIELD_NAMES, 0)
            sums[ancestor] = {name: current[name] + totals[name] for name in FIELD_NAMES}
            ancestor = parents[ancestor]
    return sums


def published_rows(publication: RankingPublication, level: int,
                   kpi_key: str = DEFAULT_KPI, scope: str = OWN) -> list[PublishedRow]:
    """The units of ``level`` in a publication ranked by a KPI of their figures in ``scope``
    (ties share a rank, units without figures last), with every KPI computed by
    ``reports.kpis`` from the published counts."""
    kpi = KPIS[kpi_key]
    totals_by_code = published_totals(publication, row_scope(scope, level))
    rows = []
    for entry in publication.units:
        if entry["level"] != level:
            continue
        totals = totals_by_code[entry["code"]]
        values = kpi_values(totals) if totals else dict.fromkeys(KPIS)
        rows.append(PublishedRow(entry["code"], entry["name"], entry["level"],
                                 entry["parent_code"], totals, values, None))
    ranks = competition_ranks({row.code: row.values[kpi_key] for row in rows},
                              descending=kpi.higher_is_better)
    for row in rows:
        row.rank = ranks.get(row.code)
    rows.sort(key=lambda row: (unranked_last(row.rank), row.code))
    return rows


def published_below(publication: RankingPublication, root: AdministrativeUnit,
                    level: int | None, kpi_key: str = DEFAULT_KPI, *, scope: str = OWN):
    """The rows of ``publication`` that ``ranking_units(root, period, level)`` would choose:
    ``root``'s children, or every unit of ``level`` below it, with their figures in
    ``scope``; in code order."""
    rows = published_rows(publication, ranked_level(root, level), kpi_key, scope)
    if level is None or root.level != Level.PROVINCE:
        rows = [row for row in rows if row.parent_code == root.code]
    return rows


def published_ranking(publication: RankingPublication, root: AdministrativeUnit,
                      level: int | None, kpi_key: str, scope: str = OWN):
    """The published ranking of a level below the province ``root`` (``published_rows``),
    with each unit's rank in the previous quarter's publication, if there is one."""
    rows = published_below(publication, root, level, kpi_key, scope=scope)
    previous_spec = publication.period.spec.previous()
    previous = RankingPublication.objects.filter(
        province=publication.province, period__code=previous_spec.code).first()
    previous_ranks = {}
    if previous is not None:
        previous_ranks = {row.code: row.rank for row in
                          published_below(previous, root, level, kpi_key, scope=scope)}
    return rows, previous, previous_ranks


def published_levels(publication: RankingPublication) -> list[int]:
    """The levels below the province a publication ranks (districts and communes before the
    2025 reform, communes after)."""
    return sorted({entry["level"] for entry in publication.units} - {Level.PROVINCE})


def ranking_kpi_key(raw: str | None) -> str:
    """The KPI a public ranking is ordered by: ``raw`` if it is rankable, else the default
    (an unknown ``?kpi=`` is never an error)."""
    return raw if raw in RANKABLE else DEFAULT_KPI


def published_sections(publication: RankingPublication, kpi_key: str = DEFAULT_KPI,
                       scope: str = SUBTREE) -> list[tuple[int, list[PublishedRow]]]:
    """What the public page and its CSV show, level by level: the province's figures in
    ``scope`` (if there are any), then each level below it ranked by ``kpi_key`` (districts in
    ``scope`` too, communes by their own reports)."""
    levels = published_levels(publication)
    province = published_rows(publication, Level.PROVINCE, kpi_key, scope)
    sections = [(Level.PROVINCE, province)] if any(row.has_figures for row in province) else []
    return sections + [(level, published_rows(publication, level, kpi_key, scope))
                       for level in levels]


# --- PAR index results ------------------------------------------------------------------------


#: Provinces' results first, then departments', districts', communes'.
SCHEME_LEVEL_ORDER = {SchemeLevel.PROVINCE: 0, SchemeLevel.DEPARTMENT: 1,
                      SchemeLevel.DISTRICT: 2, SchemeLevel.COMMUNE: 3}


@dataclass
class PublishedParRow(PointsAndRank):
    """A published PAR assessment as published: stored points, maximum, rank, set size and
    band (nothing computed again from the scores, which stay internal)."""

    code: str
    name: str
    points: Decimal | None
    max_points: Decimal | None
    rank: int | None
    rank_of: int | None
    band: str


@dataclass
class PublishedParGroup:
    """The published results of one scheme for one set of peers (the units under one parent,
    or the provinces themselves), best first."""

    year: int
    scheme_name: str
    scheme_decision: str
    scheme_level: str
    bands: list[tuple[str, Decimal]]
    parent_code: str | None
    parent_name: str | None
    rows: list[PublishedParRow]


def _published_assessments(province: AdministrativeUnit):
    return ParAssessment.objects.filter(
        status=AssessmentStatus.PUBLISHED,
        unit__in=AdministrativeUnit.objects.subtree_of(province).values("pk"))


def published_par_years(province: AdministrativeUnit) -> list[int]:
    """Years with published PAR results for the province or a unit below it, newest first
    (empty while its page is off)."""
    if not is_public(province):
        return []
    return sorted(set(_published_assessments(province)
                      .values_list("scheme__year", flat=True)), reverse=True)


def published_par_results(province: AdministrativeUnit,
                          year: int | None = None) -> list[PublishedParGroup]:
    """Published PAR results of the province and the units below it (of ``year``, or every
    year), grouped by year, scheme and set of peers; newest year first, then by scheme level
    and the parent's code; best first within a group. Only assessments whose status is
    *published*, only their stored fields; empty while the page is off. Three queries, whatever
    the number of units."""
    if not is_public(province):
        return []
    assessments = (_published_assessments(province)
                   .select_related("scheme", "unit", "unit__parent")
                   .prefetch_related(Prefetch("scheme__bands",
                                              queryset=ParBand.objects.order_by("-min_percent")))
                   .order_by("-scheme__year", "scheme__level", "scheme_id", "unit__code"))
    if year is not None:
        assessments = assessments.filter(scheme__year=year)
    groups: dict[tuple, PublishedParGroup] = {}
    for assessment in assessments:
        scheme, unit = assessment.scheme, assessment.unit
        parent = unit.parent if unit.level != Level.PROVINCE else None
        key = (scheme.pk, parent.pk if parent else None)
        if key not in groups:
            groups[key] = PublishedParGroup(
                scheme.year, scheme.name, scheme.decision, scheme.level,
                [(band.label, band.min_percent) for band in scheme.bands.all()],
                parent.code if parent else None, parent.name if parent else None, [])
        groups[key].rows.append(PublishedParRow(
            unit.code, unit.name, assessment.points, assessment.max_points, assessment.rank,
            assessment.rank_of, assessment.band))
    for group in groups.values():
        group.rows.sort(key=lambda row: (unranked_last(row.rank), row.code))
    return sorted(groups.values(), key=lambda group: (
        -group.year, SCHEME_LEVEL_ORDER.get(group.scheme_level, 9), group.scheme_name,
        group.parent_code or ""))


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    """The province a unit's figures are published by (a province publishes its own)."""
    return unit.province if unit.province_id else unit


def published_par_result(unit: AdministrativeUnit, year: int
                         ) -> tuple[PublishedParGroup, PublishedParRow] | None:
    """``unit``'s published PAR result of ``year`` (its group and its row), if its province
    published one and its page is on."""
    parent_code = unit.parent.code if unit.parent_id else None
    for group in published_par_results(province_of(unit), year):
        for row in group.rows:
            if row.code == unit.code and group.parent_code == parent_code:
                return group, row
    return None


def published_par_below(unit: AdministrativeUnit, year: int, level: str
                        ) -> PublishedParGroup | None:
    """The published PAR results of ``year`` of the units under ``unit`` scored at ``level``
    (its children's scheme level), if any."""
    groups = [group for group in published_par_results(province_of(unit), year)
              if group.parent_code == unit.code and group.scheme_level == level]
    return groups[0] if groups else None
