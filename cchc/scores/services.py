"""Writing PAR scores and publishing results: validated, all or nothing, refused once published.

* ``scores_save``: a unit's self-assessment (score and explanation per sub-criterion) or the
  council's appraisal (appraised score and comment); every entry is checked before anything is
  written.
* ``results_publish``: stores the results of a peer set (points, maximum, rank, set size, band)
  as ``cchc.scores.selectors`` computes them, and locks those assessments.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts.access import can_view, is_administrator, profile_of
from cchc.accounts.models import Role
from cchc.formatting import format_points
from cchc.scores import selectors
from cchc.scores.models import (
    AssessmentStatus,
    ParAssessment,
    ParCriterion,
    ParScheme,
    ParScore,
)
from cchc.units.models import AdministrativeUnit

SELF, APPRAISAL = "self", "appraisal"


class ScoresRefused(Exception):
    """Nothing was saved; ``messages`` says why, entry by entry, in Vietnamese."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class Entry:
    criterion: ParCriterion
    score: Decimal | None
    text: str = ""  # the explanation (self-assessment) or the council's comment (appraisal)


def may_publish(user, scheme: ParScheme) -> bool:
    """Whether ``user`` sits on the council that appraises and publishes ``scheme``."""
    return _council_or_admin(user, scheme)


def _council_or_admin(user, scheme: ParScheme) -> bool:
    """The appraisal council sits in the office of the province that issued the scheme; a
    national scheme is appraised by administrators."""
    if is_administrator(user):
        return True
    profile = profile_of(user)
    return (profile is not None and profile.role == Role.PROVINCIAL_OFFICE
            and scheme.issuer_id is not None and profile.unit_id == scheme.issuer_id)


def _may_self_assess(user, assessment: ParAssessment) -> bool:
    if is_administrator(user):
        return True
    profile = profile_of(user)
    if profile is None or not can_view(user, assessment.unit):
        return False
    return profile.unit_id == assessment.unit_id or _council_or_admin(user, assessment.scheme)


def _published_refusal(assessment: ParAssessment) -> ScoresRefused:
    return ScoresRefused([_(
        "Kết quả Chỉ số CCHC năm %(year)s của %(unit)s đã được công bố: không sửa được điểm "
        "tự đánh giá hay điểm thẩm định nữa."
    ) % {"year": assessment.scheme.year, "unit": assessment.unit.name}])


@transaction.atomic
def scores_save(*, user, assessment: ParAssessment, entries: list[Entry], kind: str) -> int:
    """Store self-assessed (``kind="self"``) or appraised (``"appraisal"``) scores. Each score
    must be a sub-criterion's (a leaf of the tree) and within [0, its maximum]; one bad entry
    refuses all of them. Returns the number of entries written."""
    assessment = ParAssessment.objects.select_for_update().select_related(
        "scheme", "unit").get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.PUBLISHED:
        raise _published_refusal(assessment)
    allowed = _may_self_assess(user, assessment) if kind == SELF else \
        _council_or_admin(user, assessment.scheme)
    if not allowed:
        raise ScoresRefused([_("Bạn không có quyền %(action)s cho %(unit)s.") % {
            "action": _("tự đánh giá") if kind == SELF else _("thẩm định"),
            "unit": assessment.unit.name}])
    parents = set(assessment.scheme.criteria.exclude(parent=None)
                  .values_list("parent_id", flat=True))
    problems = []
    for entry in entries:
        criterion = entry.criterion
        if criterion.scheme_id != assessment.scheme_id or criterion.pk in parents:
            problems.append(_("Tiêu chí %(code)s: chỉ chấm điểm ở tiêu chí thành phần của bộ "
                              "chỉ số này.") % {"code": criterion.code})
        elif entry.score is not None and not 0 <= entry.score <= criterion.max_points:
            problems.append(_(
                "Tiêu chí %(code)s: điểm phải trong khoảng 0 đến %(max)s (đang là %(value)s)."
            ) % {"code": criterion.code, "max": format_points(criterion.max_points),
                 "value": format_points(entry.score)})
    if problems:
        raise ScoresRefused(problems)
    for entry in entries:
        values = ({"self_score": entry.score, "explanation": entry.text} if kind == SELF else
                  {"appraised_score": entry.score, "appraisal_comment": entry.text})
        ParScore.objects.update_or_create(assessment=assessment, criterion=entry.criterion,
                                          defaults=values)
    return len(entries)


@transaction.atomic
def results_publish(*, user, scheme: ParScheme,
                    parent: AdministrativeUnit | None = None) -> list[ParAssessment]:
    """Publish the results of ``scheme`` for ``parent``'s units (all of the scheme's units if
    ``None``): their points, maximum, rank, set size and band are stored as the ranking shows
    them, and they can no longer be changed."""
    if not _council_or_admin(user, scheme):
        raise ScoresRefused([_("Chỉ văn phòng tỉnh ban hành bộ chỉ số (hoặc quản trị) được "
                               "công bố kết quả.")])
    results = selectors.scheme_results(scheme, parent=parent, with_previous=False)
    if not results:
        raise ScoresRefused([_("Chưa có đơn vị nào được đánh giá: không có gì để công bố.")])
    published = []
    for result in results:
        assessment = result.assessment
        if assessment.status == AssessmentStatus.PUBLISHED:
            continue
        assessment.points = result.points
        assessment.max_points = result.max_points
        assessment.rank, assessment.rank_of = result.rank, result.rank_of
        assessment.band = result.band
        assessment.status = AssessmentStatus.PUBLISHED
        assessment.save(update_fields=["points", "max_points", "rank", "rank_of", "band",
                                       "status"])
        published.append(assessment)
    return published
