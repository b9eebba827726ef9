"""The ranking table's fast rendering (``reports.tables._Row``: render methods' signatures
looked up once, each column's cell attributes built once, one reverse() per list) gives the
very markup django-tables2 gives on its own (but for the indentation between tags)."""

import re

import pytest
from django.test import RequestFactory
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRows

from reports.selectors import ranked_units, ranking, ranking_units
from reports.tables import RankingTable
from tests import factories

pytestmark = pytest.mark.django_db


def rendered(result, request, *, plain: bool) -> str:
    table = RankingTable(result.rows, ranking=result, kpi_key="on_time_rate",
                         **({"template_name": "django_tables2/cchc.html"} if plain else {}))
    if plain:  # django-tables2's own rows
        table.rows = BoundRows(data=table.data, table=table)
    RequestConfig(request, paginate={"per_page": 5}).configure(table)
    return re.sub(r">\s+<", "><", table.as_html(request)).strip()  # the indentation aside


@pytest.mark.parametrize("query", [{}, {"sort": "-late_rate", "page": "2"}, {"sort": "unit"}])
def test_the_fast_rows_render_as_django_tables2_does(query):
    ke_sach, period = factories.unit("943"), factories.period("2024-Q4")
    for code, late in (("31552", 3), ("31564", 0), ("31555", 3), ("31558", 9)):
        factories.report(factories.unit(code), "2024-Q4", lines={
            factories.field(): factories.figures(resolved_late=late, resolved_on_time=40 - late)})
    request = RequestFactory().get("/", query)
    result = ranking(ranked_units(ranking_units(ke_sach, period)), period, "on_time_rate")
    fast, plain = rendered(result, request, plain=False), rendered(result, request, plain=True)
    assert fast.count('class="unit-code"') == 5  # a page of 5 rows
    assert fast.count("<td ") == plain.count("<td ") > 0
    assert fast == plain


def test_the_filters_selects_render_as_django_renders_them():
    """``cchc.widgets.PythonSelect`` (the ranking filters' lists) gives Django's own markup:
    groups, the chosen option, escaped values and labels, True and False attributes."""
    from django import forms

    from cchc.widgets import PythonSelect

    choices = [("", "Tất cả"), ("a<b", 'A & "B"'), ("Năm 2024", [("1", "Quý I"), ("2", "Quý II")])]
    attrs = {"class": "form-select", "id": "id_k", "disabled": True, "required": False}
    for value in ("a<b", "2", None, "unknown"):
        plain = forms.Select(attrs=attrs, choices=choices).render("k", value)
        assert PythonSelect(attrs=attrs, choices=choices).render("k", value) == plain
        assert ("selected" in plain) == (value != "unknown")
