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
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.access import can_view, is_administrator, profile_of
from cchc.accounts.models import Role
from cchc.formatting import format_points
from cchc.scores import selectors
from cchc.scores.evidence import content_type_for, evidence_problems
from cchc.scores.models import (
    AssessmentStatus,
    ParAssessment,
    ParCriterion,
    ParEvidence,
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


def may_self_assess(user, unit: AdministrativeUnit, scheme: ParScheme) -> bool:
    """The unit's own staff, the council of the scheme's province, administrators."""
    if is_administrator(user):
        return True
    profile = profile_of(user)
    if profile is None or not can_view(user, unit):
        return False
    return profile.unit_id == unit.pk or _council_or_admin(user, scheme)


def _may_self_assess(user, assessment: ParAssessment) -> bool:
    return may_self_assess(user, assessment.unit, assessment.scheme)


def _published_refusal(assessment: ParAssessment) -> ScoresRefused:
    return ScoresRefused([_(
        "Kết quả Chỉ số CCHC năm %(year)s của %(unit)s đã được công bố: không sửa được điểm "
        "tự đánh giá hay điểm thẩm định nữa."
    ) % {"year": assessment.scheme.year, "unit": assessment.unit.name}])


@transaction.atomic
def scores_save(*, user, assessment: ParAssessment, entries: list[Entry], kind: str,
                evidence: dict[int, list] | None = None) -> int:
    """Store self-assessed (``kind="self"``) or appraised (``"appraisal"``) scores, and with a
    self-assessment the evidence files uploaded per criterion id. Each score must be a
    sub-criterion's (a leaf of the tree) and within [0, its maximum], each file acceptable
    (``evidence.evidence_problems``); one bad entry or file refuses everything. Returns the
    number of entries written."""
    evidence = evidence or {}
    assessment = ParAssessment.objects.select_for_update().select_related(
        "scheme", "unit").get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.PUBLISHED:
        raise _published_refusal(assessment)
    if kind == SELF and assessment.status != AssessmentStatus.SELF_ASSESSING and \
            not _council_or_admin(user, assessment.scheme):
        raise ScoresRefused([_("Bản tự đánh giá đã gửi thẩm định: chỉ hội đồng thẩm định còn "
                               "sửa được.")])
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
    for files in evidence.values():
        for upload in files:
            problems.extend(evidence_problems(upload))
    if problems:
        raise ScoresRefused(problems)
    for entry in entries:
        values = ({"self_score": entry.score, "explanation": entry.text} if kind == SELF else
                  {"appraised_score": entry.score, "appraisal_comment": entry.text})
        score, _created = ParScore.objects.update_or_create(
            assessment=assessment, criterion=entry.criterion, defaults=values)
        for upload in evidence.get(entry.criterion.pk, []) if kind == SELF else []:
            ParEvidence.objects.create(
                score=score, file=upload, original_name=upload.name[:255], size=upload.size,
                content_type=content_type_for(upload.name),
                uploaded_by=user if getattr(user, "pk", None) else None)
    if kind == APPRAISAL and assessment.status != AssessmentStatus.APPRAISED:
        assessment.status = AssessmentStatus.APPRAISED
        assessment.save(update_fields=["status"])
    return len(entries)


@transaction.atomic
def assessment_submit(*, user, assessment: ParAssessment, today=None) -> ParAssessment:
    """Send a self-assessment to the council, by the scheme's deadline (after it only the
    council itself, or an administrator, may still send it in)."""
    assessment = ParAssessment.objects.select_for_update().select_related(
        "scheme", "unit").get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.PUBLISHED:
        raise _published_refusal(assessment)
    if not _may_self_assess(user, assessment):
        raise ScoresRefused([_("Bạn không có quyền gửi bản tự đánh giá của %(unit)s.")
                             % {"unit": assessment.unit.name}])
    if assessment.status != AssessmentStatus.SELF_ASSESSING:
        raise ScoresRefused([_("Bản tự đánh giá đã được gửi thẩm định.")])
    today = today or timezone.localdate()
    deadline = assessment.scheme.deadline
    if deadline and today > deadline and not _council_or_admin(user, assessment.scheme):
        raise ScoresRefused([_(
            "Đã quá hạn gửi tự đánh giá (%(deadline)s). Hãy liên hệ văn phòng tỉnh để gửi thay."
        ) % {"deadline": f"{deadline:%d/%m/%Y}"}])
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save(update_fields=["status"])
    return assessment


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


@transaction.atomic
def assessment_save(*, user, scheme: ParScheme, unit: AdministrativeUnit, entries: list[Entry],
                    kind: str, evidence: dict[int, list] | None = None,
                    submit: bool = False) -> ParAssessment:
    """Start ``unit``'s assessment under ``scheme`` if needed, store the entries (and evidence),
    and with ``submit`` send it for appraisal — all of it, or nothing."""
    assessment, _created = ParAssessment.objects.get_or_create(scheme=scheme, unit=unit)
    scores_save(user=user, assessment=assessment, entries=entries, kind=kind,
                evidence=evidence)
    if submit:
        assessment = assessment_submit(user=user, assessment=assessment)
    return assessment
