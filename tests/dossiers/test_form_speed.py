"""The entry form and the review page, the pages clerks and reviewers open most: a fixed
number of queries whatever the number of rows (timings are measured by bench/forms.py, never
asserted), and the Python-rendered inputs (``cchc.dossiers.widgets.FigureInput``) give
Django's own markup."""

import datetime

import pytest
from django import forms
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.forms import CountInput, LineForm
from cchc.dossiers.models import ProcedureField, ReportStatus
from cchc.dossiers.widgets import FigureInput
from cchc.periods.services import period_ensure
from cchc.quality.models import FlagBasis, OutlierFlag
from tests import factories

pytestmark = pytest.mark.django_db

AN_MY, QUARTER, PREVIOUS = "31564", "2025-Q2", "2025-Q1"


@pytest.fixture(autouse=True)
def catalogue():
    call_command("loaddata", "procedure_fields", verbosity=0)
    period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(days=30))


def all_fields(figures=None):
    return {field: figures or factories.figures()
            for field in ProcedureField.objects.for_level(3)}


@pytest.mark.parametrize("value", [None, 0, 1234567, "12a", '"><script>'])
@pytest.mark.parametrize("attrs", [{}, {"disabled": True}, {"required": False, "id": "x"}])
def test_the_inputs_render_as_djangos_number_input(value, attrs):
    options = {"min": 0, "step": 1, "inputmode": "numeric", "class": "form-control num",
               "data-column": "received_online", "aria-label": "Hộ tịch – (4) <trực tuyến>"}
    assert FigureInput(attrs=options).render("f1-received_online", value, attrs) == \
        forms.NumberInput(attrs=options).render("f1-received_online", value, attrs)


def test_a_whole_row_renders_as_with_djangos_widget():
    field = ProcedureField.objects.for_level(3).first()
    fast = LineForm(prefix="f1", field=field, initial={"received_carried_over": 7},
                    editable=False)
    plain = LineForm(prefix="f1", field=field, initial={"received_carried_over": 7},
                     editable=False)
    for bound in plain:  # the same box rendered through Django's templates
        bound.field.widget = TemplateCountInput(attrs=bound.field.widget.attrs)
    assert [str(bound) for bound in fast] == [str(bound) for bound in plain]
    assert 'value="7"' in str(fast["received_carried_over"]) and " disabled" in str(fast)


class TemplateCountInput(CountInput):
    """The count box rendered through Django's widget templates, as without PythonRendered."""

    def _render(self, template_name, context, renderer=None):
        return forms.Widget._render(self, template_name, context, renderer)


def entry_form_queries(client, django_assert_num_queries, fields: int, expected: int):
    for extra in ProcedureField.objects.for_level(3)[fields:]:
        extra.is_active = False
        extra.save()
    client.force_login(factories.user("xa", unit_code=AN_MY))
    with django_assert_num_queries(expected):
        page = client.get(reverse("dossiers:report", args=["2008", AN_MY, QUARTER]))
    assert page.status_code == 200
    return page


@pytest.mark.parametrize("fields", [1, 13])
def test_the_entry_form_costs_the_same_queries_for_1_or_13_rows(
        client, django_assert_num_queries, fields):
    """A new report, column (6) prefilled from the previous quarter's report: the session,
    the user, the unit, the clerk's profile and unit, the period, the report (none yet), the
    permissions (2), the previous quarter's pending and the fields; the menu's links (3)."""
    factories.report(factories.unit(AN_MY), PREVIOUS, lines=all_fields())
    page = entry_form_queries(client, django_assert_num_queries, fields, 13)
    assert page.content.decode().count('inputmode="numeric"') == 9 * fields


@pytest.mark.parametrize("fields", [1, 13])
def test_the_review_page_costs_the_same_queries_for_1_or_13_rows(
        client, django_assert_num_queries, fields):
    """A submitted report with an outlier flag, opened by its approver (the district's
    reviewer): as the entry form, with the stored lines, the flags, the approving unit, who
    entered the report (four eyes) and the last word to the unit; the menu's links (3)."""
    for extra in ProcedureField.objects.for_level(3)[fields:]:
        extra.is_active = False
        extra.save()
    factories.report(factories.unit(AN_MY), PREVIOUS, lines=all_fields())
    report = factories.report(factories.unit(AN_MY), QUARTER, lines=all_fields(),
                              status=ReportStatus.SUBMITTED,
                              submitted_at=timezone.now())
    OutlierFlag.objects.create(report=report, field=ProcedureField.objects.for_level(3)[0],
                               column="received_online", basis=FlagBasis.HISTORY, value=60,
                               median=20, score=5.1, sample_size=8, flagged_at=timezone.now())
    client.force_login(factories.user("huyen", role=Role.REVIEWER, unit_code="943"))
    with django_assert_num_queries(19):
        page = client.get(reverse("dossiers:report", args=["2008", AN_MY, QUARTER]))
    assert page.status_code == 200
    assert 'name="decision"' in page.content.decode()  # the review panel
    assert page.content.decode().count(" disabled") >= 9 * fields
