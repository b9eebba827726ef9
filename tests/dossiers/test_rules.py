"""Form II.06a's rules: refused by validation (with a message naming the column) and by the
database (CHECK constraints), each one on its own."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cchc.dossiers.columns import figure_errors
from cchc.dossiers.models import DossierLine, DossierReport, ReportStatus
from tests import factories

# Each case breaks exactly one identity and names the column whose total is wrong.
BROKEN = {
    "received": (dict(received_online=61), "received_total", "(3)", "(4) + (5a) + (5b) + (6)"),
    "resolved": (dict(resolved_early=51),
                 "resolved_total", "(7)", "(8) + (9) + (10)"),
    "pending": (dict(pending_in_time=9), "pending_total", "(11)", "(12) + (13)"),
    # (3) is computed: the balance names the columns the clerk types instead.
    "balance": (dict(received_total=101, received_carried_over=11), "received_total",
                "(4)+(5a)+(5b)+(6) = 101", "hãy sửa các cột (4)–(6) hoặc (8)–(13)"),
}


def _starts(message: str, number: str) -> bool:
    return message.startswith(f"Cột {number}") or (
        number.startswith("(4)") and message.startswith("số đã giải quyết (8)+(9)+(10) = ")
        and number in message)


def test_a_consistent_row_has_no_errors():
    assert figure_errors(factories.figures()) == []


@pytest.mark.parametrize("name", BROKEN)
def test_each_identity_is_reported_with_its_column_and_numbers(name):
    overrides, field, number, rule = BROKEN[name]
    errors = figure_errors(factories.figures(**overrides))
    matching = [e for e in errors if rule in e.message]
    assert len(matching) == 1, [e.message for e in errors]
    assert matching[0].field == field
    assert _starts(matching[0].message, number)


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
    assert any(_starts(m, number) for m in caught.value.message_dict[field])


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in BROKEN if name != "balance"])
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


def _check_deferred_now():
    """The balance trigger runs at commit; the test's transaction never commits, so ask now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


#: The balance is a trigger of migration 0006 (PostgreSQL, as the app and CI run).
POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the balance trigger exists on PostgreSQL only")
UNBALANCED = dict(received_total=101, received_carried_over=11)


@pytest.mark.django_db
def test_database_keeps_a_drafts_unbalanced_line():
    report = factories.report(factories.unit("31564"), "2023-Q4", status=ReportStatus.DRAFT)
    report.lines.update(**factories.figures(**UNBALANCED))
    _check_deferred_now()
    assert report.lines.get().received_total == 101


@POSTGRESQL
@pytest.mark.django_db
@pytest.mark.parametrize("status", [ReportStatus.SUBMITTED, ReportStatus.APPROVED])
def test_database_refuses_an_unbalanced_line_in_a_counted_report(status):
    report = factories.report(factories.unit("31564"), "2023-Q4", status=status)
    with pytest.raises(IntegrityError, match="dossierline_identity_balance"), \
            transaction.atomic():
        report.lines.update(**factories.figures(**UNBALANCED))
        _check_deferred_now()


@POSTGRESQL
@pytest.mark.django_db
def test_database_refuses_counting_a_draft_whose_line_is_unbalanced():
    report = factories.report(factories.unit("31564"), "2023-Q4", status=ReportStatus.DRAFT)
    report.lines.update(**factories.figures(**UNBALANCED))
    _check_deferred_now()
    with pytest.raises(IntegrityError, match="dossierline_identity_balance"), \
            transaction.atomic():
        DossierReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
        _check_deferred_now()
