"""PAR index results: the one definition of points, index, rank, band and year-over-year change,
read by the results pages, the chart, the Excel and CSV exports and ``export_par``.

* **points**: a published assessment's stored total; before publishing, the sum over the
  scheme's leaf criteria of the appraised score, or the self-assessed score where the council has
  not appraised yet.
* **index** = points / the scheme's maximum × 100 (%).
* **rank** within the peer set (the units assessed under the same scheme, optionally only those
  under one parent), by index, standard competition ranking (1, 2, 2, 4); shown with the set
  size ("19/63"). Published assessments keep the rank and set size published with them.
* **band**: ``ParScheme.band_for(index)``.
* **change on the previous year**: points, index and rank against the same unit's assessment of
  the year before, even under another scheme (compare the index then; the scheme change is said).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, prefetch_related_objects

from cchc.ranking import PointsAndRank, competition_ranks, unranked_last
from cchc.satisfaction.selectors import sipas_for
from cchc.scores.models import (
    AssessmentStatus,
    ParAssessment,
    ParCriterion,
    ParScheme,
    ParScore,
    SchemeLevel,
)
from cchc.units.models import AdministrativeUnit, Level, UnitList


@dataclass
class AreaResult:
    """An area's points: self-assessed, appraised, and what counts (each leaf's appraised
    score, or its self score where not appraised yet)."""

    criterion: ParCriterion
    self_points: Decimal | None
    appraised_points: Decimal | None
    points: Decimal | None


@dataclass
class ParResult(PointsAndRank):
    unit: AdministrativeUnit
    assessment: ParAssessment
    points: Decimal | None
    max_points: Decimal
    rank: int | None = None
    rank_of: int | None = None
    band: str = ""
    areas: list[AreaResult] = field(default_factory=list)
    previous: ParResult | None = None
    #: The unit's SIPAS of the same year, shown beside the index (not part of it).
    sipas_overall: Decimal | None = None

    @property
    def rank_key(self) -> int:
        """For sorting tables: unranked units last."""
        return unranked_last(self.rank)

    @property
    def points_key(self) -> Decimal:
        return self.index_percent if self.index_percent is not None else Decimal(-1)

    @property
    def is_published(self) -> bool:
        return self.assessment.status == AssessmentStatus.PUBLISHED

    @property
    def change_points(self) -> Decimal | None:
        if self.previous is None or self.previous.points is None or self.points is None:
            return None
        return self.points - self.previous.points

    @property
    def change_index(self) -> Decimal | None:
        if self.previous is None or self.previous.index_percent is None or \
                self.index_percent is None:
            return None
        return self.index_percent - self.previous.index_percent

    @property
    def change_rank(self) -> int | None:
        """Places gained on the previous year (positive: moved up)."""
        if self.previous is None or self.previous.rank is None or self.rank is None:
            return None
        return self.previous.rank - self.rank

    @property
    def scheme_changed(self) -> bool:
        """The previous year was scored under a scheme with another maximum or another tree:
        points are then not comparable, the index is."""
        if self.previous is None:
            return False
        return self.previous.max_points != self.max_points or \
            self.previous.assessment.scheme.level != self.assessment.scheme.level


def _leaves_and_areas(scheme: ParScheme) -> tuple[list[ParCriterion], dict[int, ParCriterion]]:
    """The scheme's leaf criteria, and for each criterion id its area (top-level ancestor)."""
    criteria = list(scheme.criteria.all())
    by_id = {c.pk: c for c in criteria}
    parents = {c.parent_id for c in criteria if c.parent_id}
    area_of = {}
    for criterion in criteria:
        top = criterion
        while top.parent_id:
            top = by_id[top.parent_id]
        area_of[criterion.pk] = top
    return [c for c in criteria if c.pk not in parents], area_of


def scheme_max_points(scheme: ParScheme) -> Decimal:
    """The scheme's maximum: its areas' maximum points added up."""
    return sum((c.max_points for c in scheme.criteria.all() if c.parent_id is None),
               Decimal(0))


def _result(assessment: ParAssessment, leaves, area_of, maximum) -> ParResult:
    scores = {s.criterion_id: s for s in assessment.scores.all()}
    areas: dict[int, list] = defaultdict(lambda: [None, None, None])
    total = None
    for leaf in leaves:
        score = scores.get(leaf.pk)
        if score is None:
            continue
        effective = score.appraised_score if score.appraised_score is not None else \
            score.self_score
        sums = areas[area_of[leaf.pk].pk]
        for position, value in enumerate((score.self_score, score.appraised_score, effective)):
            if value is not None:
                sums[position] = (sums[position] or Decimal(0)) + value
        if effective is not None:
            total = (total or Decimal(0)) + effective
    published = assessment.status == AssessmentStatus.PUBLISHED
    area_list = sorted({area_of[leaf.pk] for leaf in leaves}, key=lambda c: c.position)
    return ParResult(
        unit=assessment.unit, assessment=assessment,
        points=assessment.points if published and assessment.points is not None else total,
        max_points=assessment.max_points if published and assessment.max_points else maximum,
        areas=[AreaResult(area, *areas[area.pk]) for area in area_list],
    )


def scheme_results(scheme: ParScheme, *, parent: AdministrativeUnit | None = None,
                   with_previous: bool = True) -> list[ParResult]:
    """Every assessment of ``scheme`` (only those of units under ``parent`` if given), with
    points, index, rank within that set, band and, if asked, the previous year's result.
    Best first; a fixed number of queries whatever the number of units."""
    assessments = (scheme.assessments.select_related("unit", "unit__parent", "scheme")
                   .prefetch_related(Prefetch("scores", queryset=ParScore.objects.all()))
                   .order_by("unit__code"))
    if parent is not None:
        assessments = assessments.filter(unit__parent=parent)
    prefetch_related_objects([scheme], "criteria", "bands")
    leaves, area_of = _leaves_and_areas(scheme)
    maximum = scheme_max_points(scheme)
    results = [_result(a, leaves, area_of, maximum) for a in assessments]
    _rank(scheme, results)
    if with_previous:
        _attach_previous(scheme, results, parent)
    results.sort(key=lambda r: (r.rank_key, r.unit.code))
    return results


def _rank(scheme: ParScheme, results: list[ParResult]) -> None:
    ranks = competition_ranks({r.unit.pk: r.index_percent for r in results})
    size = len(ranks)
    for result in results:
        if result.is_published and result.assessment.rank:
            result.rank, result.rank_of = result.assessment.rank, result.assessment.rank_of
            result.band = result.assessment.band or scheme.band_for(result.index_percent)
            continue
        result.rank = ranks.get(result.unit.pk)
        result.rank_of = size if result.rank else None
        result.band = scheme.band_for(result.index_percent) \
            if result.index_percent is not None else ""


def _attach_previous(scheme: ParScheme, results: list[ParResult],
                     parent: AdministrativeUnit | None) -> None:
    """Each unit's result of the year before, ranked within the same kind of set."""
    units = {r.unit.pk for r in results}
    earlier = ParScheme.objects.filter(year=scheme.year - 1, level=scheme.level,
                                       assessments__unit__in=units).distinct()
    by_unit = {}
    for previous_scheme in earlier:
        for result in scheme_results(previous_scheme, parent=parent, with_previous=False):
            if result.unit.pk in units:
                by_unit[result.unit.pk] = result
    for result in results:
        result.previous = by_unit.get(result.unit.pk)


def unit_result(assessment: ParAssessment) -> ParResult:
    """One unit's result as its ranking shows it (ranked among the same parent's units)."""
    results = scheme_results(assessment.scheme, parent=assessment.unit.parent)
    found = next(r for r in results if r.assessment.pk == assessment.pk)
    _attach_sipas([found], assessment.scheme.year)
    return found


def scheme_for(unit_level_scheme: str, year: int, parent: AdministrativeUnit | None):
    """The scheme that scores ``parent``'s children of a level in ``year``: the province's
    own (issued by ``parent``'s province, or ``parent`` itself), else the national one."""
    issuer = None
    if parent is not None:
        issuer = parent.province or parent
    schemes = ParScheme.objects.filter(year=year, level=unit_level_scheme)
    return schemes.filter(issuer=issuer).first() or schemes.filter(issuer=None).first()


@dataclass
class CriterionRow:
    """One row of the self-assessment and appraisal pages."""

    criterion: ParCriterion
    depth: int
    is_leaf: bool
    area_id: int
    score: ParScore | None
    evidence: list

    @property
    def differs(self) -> bool:
        """Self and appraised scores both given and different: highlighted for the council."""
        return bool(self.score and self.score.self_score is not None
                    and self.score.appraised_score is not None
                    and self.score.self_score != self.score.appraised_score)


def scheme_level_of(unit: AdministrativeUnit) -> str:
    return {Level.PROVINCE: SchemeLevel.PROVINCE, Level.DISTRICT: SchemeLevel.DISTRICT,
            Level.COMMUNE: SchemeLevel.COMMUNE}[unit.level]


def assessment_rows(scheme: ParScheme, assessment: ParAssessment | None) -> list[CriterionRow]:
    """The scheme's tree in order, with the assessment's scores and evidence on its leaves."""
    leaves, area_of = _leaves_and_areas(scheme)
    leaf_ids = {c.pk for c in leaves}
    scores = {}
    if assessment is not None and assessment.pk:
        scores = {s.criterion_id: s for s in assessment.scores.prefetch_related("evidence")}
    return [CriterionRow(c, c.depth, c.pk in leaf_ids, area_of[c.pk].pk, scores.get(c.pk),
                         list(scores[c.pk].evidence.all()) if c.pk in scores else [])
            for c in sorted(scheme.criteria.all(), key=lambda c: c.position)]


def children_level(parent: AdministrativeUnit) -> str:
    """The scheme level of ``parent``'s children: a province's districts before the reform,
    otherwise communes."""
    if parent.level == Level.PROVINCE and parent.unit_list == UnitList.BEFORE_2025:
        return SchemeLevel.DISTRICT
    return SchemeLevel.COMMUNE


def par_ranking(parent: AdministrativeUnit,
                year: int) -> tuple[ParScheme | None, list[ParResult]]:
    """The scheme scoring ``parent``'s children in ``year`` and their results, each with its
    SIPAS of the same year beside it: what the ranking page, its CSV and Excel show."""
    scheme = scheme_for(children_level(parent), year, parent)
    results = scheme_results(scheme, parent=parent) if scheme else []
    _attach_sipas(results, year)
    return scheme, results


def _attach_sipas(results: list[ParResult], year: int) -> None:
    sipas = sipas_for([r.unit for r in results], year)
    for result in results:
        found = sipas.get(result.unit.pk)
        result.sipas_overall = found.overall if found else None


@dataclass
class RankingBelow:
    """A unit directly below a ranking's parent whose own units have PAR results in a year."""

    unit: AdministrativeUnit
    results: int


def par_rankings_below(parent: AdministrativeUnit, year: int) -> list[RankingBelow]:
    """The units directly below ``parent`` whose units have PAR results in ``year`` (a
    province's districts whose communes were assessed), with how many: what a province's
    ranking links to, level by level, when its own level has no results that year."""
    counts = dict(ParAssessment.objects.filter(scheme__year=year, unit__parent__parent=parent)
                  .values_list("unit__parent").annotate(n=Count("id")).order_by())
    units = AdministrativeUnit.objects.filter(pk__in=counts).order_by("name")
    return [RankingBelow(unit, counts[unit.pk]) for unit in units]
