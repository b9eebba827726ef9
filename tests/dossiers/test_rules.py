"""Form II.06a's rules: refused by validation (with a message naming the column) and by the
database (CHECK constraints), each one on its own."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cchc.dossiers.columns import figure_errors
from cchc.dossiers.models import DossierLine
from tests import factories

# Each case breaks exactly one identity and names the column whose total is wrong.
BROKEN = {
    "received": (dict(received_online=61), "received_total", "(3)", "(4) + (5a) + (5b) + (6)"),
    "resolved": (dict(resolved_early=51),
                 "resolved_total", "(7)", "(8) + (9) + (10)"),
    "pending": (dict(pending_in_time=9), "pending_total", "(11)", "(12) + (13)"),
    "balance": (dict(received_total=101, received_carried_over=11), "received_total", "(3)",
                "(7) + (11)"),
}


def test_a_consistent_row_has_no_errors():
    assert figure_errors(factories.figures()) == []


@pytest.mark.parametrize("name", BROKEN)
def test_each_identity_is_reported_with_its_column_and_numbers(name):
    overrides, field, number, rule = BROKEN[name]
    errors = figure_errors(factories.figures(**overrides))
    matching = [e for e in errors if rule in e.message]
    assert len(matching) == 1, [e.message for e in errors]
    assert matching[0].field == field
    assert matching[0].message.startswith(f"Cột {number}")


def test_thousands_are_written_the_vietnamese_way_in_messages():
    errors = figure_errors(factories.figures(
        received_total=20_593, received_online=20_483, resolved_total=20_573,
        resolved_early=20_533))
    assert any("20.593" in e.message for e in errors)


def test_negative_and_non_whole_counts_are_refused_before_identities():
    errors = figure_errors(factories.figures(resolved_late=-1, pending_overdue=2.5))
    messages = [e.message for e in errors]
    assert any("Cột (10)" in m and "không được âm" in m for m in messages)
    assert any("Cột (13)" in m and "số nguyên" in m for m in messages)
    assert len(errors) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("name", BROKEN)
def test_model_validation_names_the_column(name):
    overrides, field, number, _rule = BROKEN[name]
    report = factories.report(factories.unit("31564"), "2023-Q4", lines={})
    line = DossierLine(report=report, field=factories.field(), **factories.figures(**overrides))
    with pytest.raises(ValidationError) as caught:
        line.full_clean()
    assert field in caught.value.message_dict
    assert any(m.startswith(f"Cột {number}") for m in caught.value.message_dict[field])


@pytest.mark.django_db
@pytest.mark.parametrize("name", BROKEN)
def test_database_refuses_each_broken_identity(name):
    overrides, _field, _number, _rule = BROKEN[name]
    report = factories.report(factories.unit("31564"), "2023-Q4", lines={})
    with pytest.raises(IntegrityError, match=f"dossierline_identity_{name}"), \
            transaction.atomic():
        DossierLine.objects.create(report=report, field=factories.field(),
                                   **factories.figures(**overrides))


@pytest.mark.django_db
def test_database_refuses_a_negative_count():
    report = factories.report(factories.unit("31564"), "2023-Q4", lines={})
    values = factories.figures(resolved_late=-1, resolved_on_time=41)
    assert [e.field for e in figure_errors(values)] == ["resolved_late"]
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierLine.objects.create(report=report, field=factories.field(), **values)


@pytest.mark.django_db
def test_one_report_per_unit_and_period():
    unit = factories.unit("31564")
    factories.report(unit, "2023-Q4")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.report(unit, "2023-Q4")


@pytest.mark.django_db
def test_a_consistent_line_is_stored_and_reads_back():
    report = factories.report(factories.unit("31564"), "2023-Q4")
    line = report.lines.get()
    line.full_clean()
    assert line.figures() == factories.figures()
