"""Without a token (or outside one's scope): only what a province published, as published, and
only while its public page is on (``cchc.publication.selectors``)."""

import pytest
from django.urls import reverse

from cchc.dossiers.models import DossierLine
from cchc.dossiers.rollups import rollups_refresh
from cchc.publication.selectors import published_rows
from cchc.publication.services import public_page_set
from tests import factories
from tests.api.conftest import (
    DISTRICT,
    INSIDE,
    NEIGHBOUR,
    OUTSIDE,
    PREVIOUS,
    PROVINCE,
    QUARTER,
    YEAR,
)

pytestmark = pytest.mark.django_db


def url(name, code, *args):
    return reverse(name, args=["2008", code, *(args or [QUARTER])])


def counts(body) -> dict:
    return {c["field"]: c["value"] for c in body["counts"]}


def test_anonymous_sees_the_published_quarter_exactly_as_published(api, published):
    body = api.get(url("api:figures", INSIDE), "anonymous").json()
    assert body["source"] == "published" and body["published_at"]
    entry = next(e for e in published.units if e["code"] == INSIDE)
    assert counts(body) == published.totals(entry)
    assert next(k for k in body["kpis"] if k["key"] == "on_time_rate")["percent"] == "94.44"

    # The unit corrects its figures afterwards: live figures change, the published ones do not.
    line = DossierLine.objects.get(report__unit__code=INSIDE, report__unit__unit_list="2008",
                                   report__period__code=QUARTER)
    line.resolved_on_time, line.resolved_late = 40, 0
    line.save()
    rollups_refresh(unit=line.report.unit, period=line.report.period)
    live = api.get(url("api:figures", INSIDE), "admin").json()
    assert live["source"] == "live" and counts(live)["resolved_late"] == 0
    again = api.get(url("api:figures", INSIDE), "anonymous").json()
    assert counts(again) == published.totals(entry) and counts(again)["resolved_late"] == 5


def test_an_unpublished_quarter_or_a_longer_period_is_404(api, published):
    factories.period(PREVIOUS)
    factories.period("2024")
    for period in (PREVIOUS, "2024"):
        response = api.get(url("api:figures", INSIDE, period), "anonymous")
        assert response.status_code == 404, period
        assert response.json()["detail"]


def test_a_province_without_a_public_page_is_401(api, published):
    assert api.get(url("api:figures", OUTSIDE), "anonymous").status_code == 401
    assert api.get(url("api:ranking", "38"), "anonymous").status_code == 401


def test_switching_the_page_off_hides_everything_again(api, users, published):
    public_page_set(user=users["office"], province=factories.unit(PROVINCE), enabled=False)
    for name in ("api:figures", "api:below", "api:ranking"):
        assert api.get(url(name, INSIDE), "anonymous").status_code == 401, name
    assert api.get(url("api:par_result", INSIDE, YEAR), "anonymous").status_code == 401


def test_the_published_ranking_of_the_province(api, published):
    body = api.get(url("api:ranking", PROVINCE), "anonymous", level=3, page_size=1000).json()
    expected = published_rows(published, 3, "on_time_rate")
    assert body["source"] == "published" and body["rank_of"] == 3
    assert [(r["unit"]["code"], r["rank"]) for r in body["results"]] == [
        (row.code, row.rank) for row in expected]
    assert [r["unit"]["code"] for r in body["results"][:3]] == ["31555", INSIDE, NEIGHBOUR]
    assert body["previous_period"] is None  # 2024-Q3 was not published
    districts = api.get(url("api:ranking", PROVINCE), "anonymous").json()
    assert {r["unit"]["level"] for r in districts["results"]} == {2}
    # Only the province's rankings are published, not one ranked again per district.
    assert api.get(url("api:ranking", DISTRICT), "anonymous").status_code == 404


def test_the_published_rows_below_a_district(api, published):
    body = api.get(url("api:below", DISTRICT), "anonymous").json()
    live = api.get(url("api:below", DISTRICT), "admin").json()
    assert body["source"] == "published" and body["count"] == live["count"] == 13
    assert [(r["unit"]["code"], r["counts"]) for r in body["results"]] == \
        [(r["unit"]["code"], r["counts"]) for r in live["results"]]


def test_a_token_outside_its_scope_reads_what_is_public(api, published):
    """The clerk of An Mỹ cannot read Nhơn Mỹ's live figures, but reads its published ones
    like anyone; with the page off, 404 as on the web."""
    body = api.get(url("api:figures", NEIGHBOUR), "staff").json()
    assert body["source"] == "published"
    assert api.get(url("api:figures", INSIDE), "staff").json()["source"] == "live"
    assert api.get(url("api:figures", OUTSIDE), "staff").status_code == 404


def test_published_par_results_only(api, published, world):
    own = api.get(url("api:par_result", INSIDE, YEAR), "anonymous").json()
    assert own["is_published"] and (own["rank"], own["rank_of"]) == (1, 2)
    assert own["points"] == "78.5" and own["band"] == "Khá"
    assert api.get(url("api:par_result", "31555", YEAR), "anonymous").status_code == 404
    assert api.get(url("api:par_result", OUTSIDE, YEAR), "anonymous").status_code == 401
    ranked = api.get(url("api:par_ranking", DISTRICT, YEAR), "anonymous").json()
    assert [(r["unit"]["code"], r["rank"], r["rank_of"]) for r in ranked["results"]] == [
        (INSIDE, 1, 2), (NEIGHBOUR, 2, 2)]
    assert ranked["source"] == "published" and ranked["count"] == 2
