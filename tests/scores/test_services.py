"""Scores are saved whole or not at all, within their maximum, by the right people, and never
after publishing; publishing stores what the ranking shows."""

from decimal import Decimal

import pytest

from cchc.accounts.models import Role
from cchc.scores import selectors
from cchc.scores.models import AssessmentStatus, ParAssessment, ParScore
from cchc.scores.services import APPRAISAL, SELF, Entry, ScoresRefused, results_publish, scores_save
from tests import factories
from tests.scores.test_results import assess, scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    made = scheme()
    an_my = ParAssessment.objects.create(scheme=made, unit=factories.unit("31564"))
    nhon_my = assess(made, "31552", {"1.1": (25, 25), "1.2": (25, 25), "2": (30, 30)})
    people = {
        "xa": factories.user("xa", unit_code="31564"),
        "other": factories.user("myxuyen", unit_code="31552"),
        "council": factories.user("tinh", role=Role.PROVINCIAL_OFFICE, unit_code="94"),
    }
    return made, an_my, nhon_my, people


def leaf(made, code):
    return made.criteria.get(code=code)


def test_a_self_assessment_is_saved_with_its_explanations(setup):
    made, an_my, _n, people = setup
    scores_save(user=people["xa"], assessment=an_my, kind=SELF, entries=[
        Entry(leaf(made, "1.1"), Decimal("28.5"), "Kế hoạch ban hành đúng hạn"),
        Entry(leaf(made, "1.2"), Decimal(30), "")])
    stored = {s.criterion.code: s for s in ParScore.objects.filter(assessment=an_my)}
    assert stored["1.1"].self_score == Decimal("28.5")
    assert stored["1.1"].explanation == "Kế hoạch ban hành đúng hạn"


def test_a_score_above_the_maximum_or_below_zero_refuses_every_entry(setup):
    made, an_my, _n, people = setup
    with pytest.raises(ScoresRefused) as refused:
        scores_save(user=people["xa"], assessment=an_my, kind=SELF, entries=[
            Entry(leaf(made, "1.1"), Decimal(20)),
            Entry(leaf(made, "1.2"), Decimal(31)),
            Entry(leaf(made, "2"), Decimal(-1))])
    assert refused.value.messages == [
        "Tiêu chí 1.2: điểm phải trong khoảng 0 đến 30 (đang là 31).",
        "Tiêu chí 2: điểm phải trong khoảng 0 đến 40 (đang là -1)."]
    assert not ParScore.objects.filter(assessment=an_my).exists()


def test_an_area_with_sub_criteria_is_not_scored_directly(setup):
    made, an_my, _n, people = setup
    with pytest.raises(ScoresRefused, match="Tiêu chí 1: chỉ chấm điểm ở tiêu chí thành phần"):
        scores_save(user=people["xa"], assessment=an_my, kind=SELF,
                    entries=[Entry(leaf(made, "1"), Decimal(50))])


def test_only_the_unit_self_assesses_and_only_the_council_appraises(setup):
    made, an_my, _n, people = setup
    with pytest.raises(ScoresRefused, match="không có quyền tự đánh giá"):
        scores_save(user=people["other"], assessment=an_my, kind=SELF,
                    entries=[Entry(leaf(made, "1.1"), Decimal(20))])
    with pytest.raises(ScoresRefused, match="không có quyền thẩm định"):
        scores_save(user=people["xa"], assessment=an_my, kind=APPRAISAL,
                    entries=[Entry(leaf(made, "1.1"), Decimal(20))])
    scores_save(user=people["council"], assessment=an_my, kind=APPRAISAL,
                entries=[Entry(leaf(made, "1.1"), Decimal(20), "Thiếu tài liệu kiểm chứng")])
    assert ParScore.objects.get(assessment=an_my).appraisal_comment == "Thiếu tài liệu kiểm chứng"


def test_publishing_stores_the_ranking_and_locks_the_scores(setup):
    made, an_my, nhon_my, people = setup
    scores_save(user=people["xa"], assessment=an_my, kind=SELF, entries=[
        Entry(leaf(made, "1.1"), Decimal(30)), Entry(leaf(made, "1.2"), Decimal(30)),
        Entry(leaf(made, "2"), Decimal(35))])
    with pytest.raises(ScoresRefused, match="Chỉ văn phòng tỉnh"):
        results_publish(user=people["xa"], scheme=made, parent=factories.unit("943"))
    shown = {r.unit.code: r for r in selectors.scheme_results(made,
                                                              parent=factories.unit("943"))}
    results_publish(user=people["council"], scheme=made, parent=factories.unit("943"))
    an_my.refresh_from_db()
    assert (an_my.status, an_my.points, an_my.rank, an_my.rank_of, an_my.band) == (
        AssessmentStatus.PUBLISHED, Decimal(95), 1, 2, "Xuất sắc")
    assert shown["31564"].rank_display == an_my.rank_display
    with pytest.raises(ScoresRefused, match="đã được công bố"):
        scores_save(user=people["council"], assessment=an_my, kind=APPRAISAL,
                    entries=[Entry(leaf(made, "1.1"), Decimal(10))])
    assert ParScore.objects.get(assessment=an_my, criterion__code="1.1").appraised_score is None
