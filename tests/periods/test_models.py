import datetime

import pytest
from django.db import IntegrityError, transaction

from cchc.periods.models import ReportingPeriod
from cchc.periods.services import period_ensure, periods_ensure_years

pytestmark = pytest.mark.django_db


def test_period_is_created_once_with_the_default_deadline(settings):
    settings.CCHC_DEADLINE_DAYS_AFTER_CUTOFF = 6
    first = period_ensure(code="2023-Q4")
    again = period_ensure(code="2023-q4")
    assert first.pk == again.pk
    assert first.deadline == datetime.date(2023, 12, 20)
    assert first.label == "Quý IV/2023"
    assert ReportingPeriod.objects.get_by_code("2023-Q4") == first


def test_late_and_locked_are_independent_facts():
    period = period_ensure(code="2024-Q1")
    assert period.is_past_deadline(on=period.deadline + datetime.timedelta(days=1))
    assert not period.is_past_deadline(on=period.deadline)
    assert period.is_locked is False


def test_years_of_periods_include_every_kind_up_to_the_given_quarter():
    periods_ensure_years(first_year=2024, last_quarter="2025-Q3")
    codes = set(ReportingPeriod.objects.values_list("code", flat=True))
    assert {"2024-Q1", "2024-H1", "2024-9M", "2024", "2024-M12", "2025-Q3", "2025-9M",
            "2025-M09"} <= codes
    assert "2025" not in codes and "2025-Q4" not in codes and "2025-M10" not in codes


def test_database_refuses_a_period_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(
            code="2030-Q1", kind="quarter", year=2030, number=1,
            start=datetime.date(2030, 3, 31), end=datetime.date(2030, 1, 1),
            cutoff_start=datetime.date(2029, 12, 15), cutoff_end=datetime.date(2030, 3, 14),
            deadline=datetime.date(2030, 3, 20),
        )
