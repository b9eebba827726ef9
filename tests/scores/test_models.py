from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cchc.ranking import competition_ranks
from cchc.scores.models import ParAssessment, ParCriterion, ParScheme, ParScore, SchemeLevel
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    return ParScheme.objects.create(year=2023, level=SchemeLevel.COMMUNE,
                                    issuer=factories.unit("67"), name="Bộ chỉ số xã 2023")


@pytest.fixture
def sub_criterion(scheme):
    area = ParCriterion.objects.create(scheme=scheme, code="1", title="Chỉ đạo điều hành",
                                       max_points=Decimal(10))
    return ParCriterion.objects.create(scheme=scheme, parent=area, code="1.1",
                                       title="Kế hoạch CCHC", max_points=Decimal("2.5"))


@pytest.fixture
def assessment(scheme):
    return ParAssessment.objects.create(scheme=scheme, unit=factories.unit("24751"))


def test_score_above_the_maximum_is_refused_with_the_criterion_code(assessment, sub_criterion):
    score = ParScore(assessment=assessment, criterion=sub_criterion, self_score=Decimal("2.75"))
    with pytest.raises(ValidationError) as caught:
        score.full_clean()
    assert caught.value.message_dict["self_score"] == [
        "Tiêu chí 1.1: điểm phải trong khoảng 0 đến 2,5 (đang là 2,75)."]


def test_score_at_the_maximum_is_accepted(assessment, sub_criterion):
    score = ParScore(assessment=assessment, criterion=sub_criterion, self_score=Decimal("2.5"),
                     appraised_score=Decimal("0"))
    score.full_clean()


def test_database_refuses_negative_scores(assessment, sub_criterion):
    with pytest.raises(IntegrityError), transaction.atomic():
        ParScore.objects.create(assessment=assessment, criterion=sub_criterion,
                                appraised_score=Decimal("-0.5"))


def test_database_refuses_points_above_the_maximum_and_ranks_outside_the_set(scheme):
    unit = factories.unit("24733")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParAssessment.objects.create(scheme=scheme, unit=unit, points=Decimal("101"),
                                     max_points=Decimal("100"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ParAssessment.objects.create(scheme=scheme, unit=unit, rank=9, rank_of=8)


def test_criterion_codes_are_unique_within_a_scheme(scheme, sub_criterion):
    with pytest.raises(IntegrityError), transaction.atomic():
        ParCriterion.objects.create(scheme=scheme, code="1.1", title="x", max_points=1)


def test_one_national_scheme_per_year_and_level():
    ParScheme.objects.create(year=2020, level=SchemeLevel.PROVINCE, name="PAR INDEX 2020")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParScheme.objects.create(year=2020, level=SchemeLevel.PROVINCE, name="again")


def test_index_is_points_over_maximum_and_rank_is_shown_with_the_set_size(assessment):
    assessment.points, assessment.max_points = Decimal("85.4"), Decimal("100")
    assessment.rank, assessment.rank_of = 2, 8
    assert assessment.index_percent == Decimal("85.4")
    assert assessment.rank_display == "2/8"


def test_competition_ranking_shares_ties_and_skips():
    ranks = competition_ranks({"a": 90, "b": 85, "c": 85, "d": 70, "e": None})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert competition_ranks({"a": 3, "b": 1}, descending=False) == {"b": 1, "a": 2}


@pytest.mark.parametrize(("index", "band"), [
    (Decimal("95"), "Xuất sắc"), (Decimal("94.99"), "Rất tốt"), (Decimal("90"), "Rất tốt"),
    (Decimal("89.99"), "Tốt"), (Decimal("50"), "Trung bình"), (Decimal("0"), "Yếu"),
])
def test_band_boundaries_an_index_at_a_threshold_earns_that_band(scheme, index, band):
    from cchc.scores.models import ParBand

    for label, minimum in (("Xuất sắc", 95), ("Rất tốt", 90), ("Tốt", 80), ("Khá", 70),
                           ("Trung bình", 50), ("Yếu", 0)):
        ParBand.objects.create(scheme=scheme, label=label, min_percent=minimum)
    assert scheme.band_for(index) == band
