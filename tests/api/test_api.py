"""What the API answers: the same numbers as the pages and the CSV (same selectors), units and
periods, pagination, bad parameters, the token command."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from cchc.dossiers.columns import COLUMNS
from cchc.units.models import AdministrativeUnit, Level, Succession, UnitList
from reports.kpis import KPIS
from reports.selectors import ranking, ranking_units, unit_dashboard
from tests import factories
from tests.api.conftest import DISTRICT, INSIDE, NEIGHBOUR, PREVIOUS, PROVINCE, QUARTER, file

pytestmark = pytest.mark.django_db


def figures_url(code, period=QUARTER, unit_list="2008", name="api:figures"):
    return reverse(name, args=[unit_list, code, period])


def kpis_of(body) -> dict:
    return {kpi["key"]: kpi for kpi in body["kpis"]}


# --- the same numbers as the pages ------------------------------------------------------------


def test_figures_are_the_dashboards_counts_and_kpis(api, admin_client, world):
    unit, period = factories.unit(INSIDE), factories.period(QUARTER)
    board = unit_dashboard(unit, period)
    body = api.get(figures_url(INSIDE)).json()
    assert body["source"] == "live" and body["has_figures"] is True
    assert {c["field"]: c["value"] for c in body["counts"]} == board.totals
    assert [(c["column"], c["field"]) for c in body["counts"]] == \
        [(c.number, c.field) for c in COLUMNS]
    page = admin_client.get(reverse("reports:dashboard", args=["2008", INSIDE, QUARTER]))
    shown = page.content.decode()
    kpis = kpis_of(body)
    assert list(kpis) == list(KPIS)
    for card in board.cards:
        kpi = kpis[card.kpi.key]
        assert kpi["formula"] == str(card.kpi.formula)
        if card.kpi.is_rate:
            # the ratio to 6 decimals, the percentage as the page rounds and shows it
            assert abs(Decimal(kpi["value"]) - card.value) <= Decimal("0.0000005")
            assert f"{kpi['percent'].replace('.', ',')} %" == card.kpi.display(card.value)
            assert card.kpi.display(card.value) in shown
        else:
            assert int(kpi["value"]) == card.value and kpi["percent"] is None
    assert kpis["on_time_rate"]["value"] == "0.944444"  # 85 / 90, rounded half up
    assert kpis["on_time_rate"]["percent"] == "94.44"


def test_a_rate_without_a_denominator_is_null(api, world):
    body = api.get(figures_url("31558")).json()  # nothing filed
    assert body["has_figures"] is False
    assert all(c["value"] == 0 for c in body["counts"])
    assert kpis_of(body)["on_time_rate"]["value"] is None
    assert kpis_of(body)["received"]["value"] == "0"


def test_rows_below_are_the_summary_csvs(api, admin_client, world):
    response = admin_client.get(reverse("reports:summary_csv", args=["2008", DISTRICT, QUARTER]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    expected = {row["unit_code"]: row for row in csv.DictReader(io.StringIO(text))}
    body = api.get(figures_url(DISTRICT, name="api:below"), page_size=1000).json()
    assert body["count"] == len(expected) == 13
    assert [row["unit"]["code"] for row in body["results"]] == sorted(expected)
    for row in body["results"]:
        csv_row = expected[row["unit"]["code"]]
        for column in COLUMNS:
            assert (row["counts"] or {}).get(column.field, 0) == int(csv_row[column.field])
        for key in ("on_time_rate", "early_rate", "online_rate"):
            value = row["kpis"][key]["value"]
            if csv_row[key] == "":
                assert value is None
            else:
                assert abs(Decimal(value) - Decimal(csv_row[key])) <= Decimal("0.00005")
    assert sum(row["has_figures"] for row in body["results"]) == 3


def test_below_a_province_by_level(api, world):
    body = api.get(figures_url(PROVINCE, name="api:below"), level=3, page_size=1000).json()
    assert body["level"] == 3
    assert body["count"] == len(ranking_units(factories.unit(PROVINCE),
                                              factories.period(QUARTER), level=3))
    assert {row["unit"]["level"] for row in body["results"]} == {3}
    districts = api.get(figures_url(PROVINCE, name="api:below")).json()
    assert {row["unit"]["level"] for row in districts["results"]} == {2}


def test_ranking_is_the_ranking_pages(api, world):
    period = factories.period(QUARTER)
    factories.period(PREVIOUS)
    expected = ranking(ranking_units(factories.unit(DISTRICT), period), period, "on_time_rate")
    body = api.get(figures_url(DISTRICT, name="api:ranking")).json()
    assert body["kpi"]["key"] == "on_time_rate" and body["rank_of"] == expected.size == 3
    assert body["previous_period"] == PREVIOUS
    assert [(r["unit"]["code"], r["rank"], r["previous_rank"]) for r in body["results"]] == [
        (row.unit.code, row.rank, row.previous_rank) for row in expected.rows]
    top = body["results"][:3]
    # 31555: 90/90; An Mỹ 85/90 (was 40/60, 2nd); Nhơn Mỹ 80/100 (was 100/100, 1st)
    assert [(r["unit"]["code"], r["rank"], r["rank_change"], r["percent"]) for r in top] == [
        ("31555", 1, None, "100.00"), (INSIDE, 2, 0, "94.44"), (NEIGHBOUR, 3, -2, "80.00")]
    assert all(r["rank_of"] == 3 for r in body["results"])
    assert body["results"][-1]["rank"] is None and body["results"][-1]["value"] is None


def test_ranking_by_a_lower_is_better_rate(api, world):
    body = api.get(figures_url(DISTRICT, name="api:ranking"), kpi="late_rate").json()
    assert [r["unit"]["code"] for r in body["results"][:3]] == ["31555", INSIDE, NEIGHBOUR]
    assert body["kpi"]["higher_is_better"] is False


def test_a_longer_period_is_derived_from_its_quarters(api, world):
    year = factories.period("2024")
    body = api.get(figures_url(INSIDE, "2024")).json()
    assert body["derived_from_quarters"] is True
    assert body["quarters"] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert {c["field"]: c["value"] for c in body["counts"]} == \
        unit_dashboard(factories.unit(INSIDE), year).totals
    assert api.get(figures_url(INSIDE)).json()["derived_from_quarters"] is False


def test_a_new_commune_before_the_reform_is_summed_from_its_predecessors(api, world):
    body = api.get(figures_url("31552", unit_list="2025")).json()
    assert [(u["unit_list"], u["code"]) for u in body["reconstructed_from"]] == [
        ("2008", NEIGHBOUR), ("2008", INSIDE), ("2008", "31642")]  # Nhơn Mỹ, An Mỹ, Song Phụng
    nhon_my = factories.unit("31552", factories.AFTER)
    assert {c["field"]: c["value"] for c in body["counts"]} == \
        unit_dashboard(nhon_my, factories.period(QUARTER)).totals
    received = next(c["value"] for c in body["counts"] if c["field"] == "received_total")
    assert received == 94 + 104  # An Mỹ and (old) Nhơn Mỹ filed; Song Phụng did not


# --- units and periods ------------------------------------------------------------------------


def test_unit_detail_with_validity_and_successions(api):
    old = api.get(reverse("api:unit", args=["2008", INSIDE]), "anonymous").json()
    assert old["name"] == "Xã An Mỹ" and old["valid_to"] == "2025-06-30"
    assert old["parent"]["code"] == DISTRICT and old["province"]["code"] == PROVINCE
    assert [(s["unit"]["unit_list"], s["unit"]["code"]) for s in old["successors"]] == \
        [("2025", "31552")]
    new = api.get(reverse("api:unit", args=["2025", "31552"]), "anonymous").json()
    assert new["valid_from"] == "2025-07-01" and new["valid_to"] is None
    assert {p["unit"]["name"] for p in new["predecessors"]} == {
        "Xã Nhơn Mỹ", "Xã An Mỹ", "Xã Song Phụng"}
    assert {p["kind"] for p in new["predecessors"]} <= set(Succession.values)
    province = api.get(reverse("api:unit", args=["2008", PROVINCE]), "anonymous").json()
    assert province["parent"] is None and province["children_count"] == 11


def test_units_filters(api):
    def codes(**params):
        body = api.get(reverse("api:units"), "anonymous", page_size=1000, **params).json()
        return body["count"], [u["code"] for u in body["results"]]

    assert codes(list="2008", level=1)[0] == 63
    assert codes(level=1, as_of="2025-07-01")[0] == 34
    assert codes(level=1, as_of="2025-06-30")[0] == 63
    count, children = codes(list="2008", parent=DISTRICT)
    assert count == AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, parent__code=DISTRICT).count()
    assert INSIDE in children
    count, found = codes(q="Xã An Mỹ", list="2008", level=3)
    assert INSIDE in found and count < 100  # "an" is in "Tân" too
    assert codes(q=INSIDE)[1] == [INSIDE]  # a code matches exactly


def test_periods(api):
    for code in ("2024-Q3", "2024-Q4", "2024"):
        factories.period(code)
    body = api.get(reverse("api:periods"), "anonymous").json()
    assert [p["code"] for p in body["results"]] == ["2024-Q4", "2024", "2024-Q3"]
    year = api.get(reverse("api:period", args=["2024"]), "anonymous").json()
    assert year["quarters"] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert year["kind"] == "year" and year["start"] == "2024-01-01"
    quarter = api.get(reverse("api:periods"), "anonymous", kind="quarter", year=2024).json()
    assert [p["code"] for p in quarter["results"]] == ["2024-Q4", "2024-Q3"]
    assert api.get(reverse("api:period", args=["2031-Q1"]), "anonymous").status_code == 404


# --- pagination -------------------------------------------------------------------------------


def test_pages_follow_each_other_in_a_stable_order(api):
    url = reverse("api:units")
    first = api.get(url, "anonymous", list="2008", level=1, page_size=10).json()
    assert first["count"] == 63 and len(first["results"]) == 10
    assert first["previous"] is None and "page=2" in first["next"]
    seen, page, pages = [], first, 1
    while True:
        seen += [u["code"] for u in page["results"]]
        if page["next"] is None:
            break
        page = api.client.get(page["next"]).json()
        pages += 1
    assert pages == 7 and len(page["results"]) == 3
    assert seen == sorted(seen) and len(set(seen)) == 63
    assert api.get(url, "anonymous", list="2008", level=1, page_size=10,
                   page=8).status_code == 404
    default = api.get(url, "anonymous").json()
    assert len(default["results"]) == 100 and default["count"] > 13000


@pytest.mark.parametrize(("params", "parameter"), [
    ({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"page_size": "1001"}, "page_size"),
    ({"page_size": "-1"}, "page_size"),
])
def test_bad_page_parameters_are_400(api, params, parameter):
    response = api.get(reverse("api:units"), "anonymous", **params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


# --- bad parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "params", "parameter"), [
    (figures_url(DISTRICT, name="api:ranking"), {"kpi": "speed"}, "kpi"),
    (figures_url(DISTRICT, name="api:ranking"), {"level": "1"}, "level"),
    (figures_url(DISTRICT, name="api:below"), {"level": "x"}, "level"),
    (figures_url(INSIDE, "2024-Q5"), {}, "period"),
    (figures_url(INSIDE, "Q4-2024"), {}, "period"),
    (reverse("api:period", args=["2024-13"]), {}, "period"),
    (figures_url(INSIDE, unit_list="1999"), {}, "unit_list"),
    (reverse("api:unit", args=["2030", INSIDE]), {}, "unit_list"),
    (reverse("api:units"), {"as_of": "2024-13-01"}, "as_of"),
    (reverse("api:units"), {"as_of": "01/07/2025"}, "as_of"),
    (reverse("api:units"), {"level": "4"}, "level"),
    (reverse("api:units"), {"list": "2009"}, "list"),
    (reverse("api:units"), {"parent": "94x"}, "parent"),
    (reverse("api:units"), {"q": "an\x00my"}, "q"),
    (reverse("api:units"), {"q": "a" * 101}, "q"),
    (reverse("api:periods"), {"kind": "week"}, "kind"),
    (reverse("api:periods"), {"year": "1800"}, "year"),
    (reverse("api:par_result", args=["2008", INSIDE, 1999]), {}, "year"),
])
def test_bad_parameters_are_400_naming_the_parameter(api, world, path, params, parameter):
    response = api.get(path, **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["parameter"] == parameter and body["detail"]


def test_a_bad_kpi_lists_what_is_allowed(api, world):
    body = api.get(figures_url(DISTRICT, name="api:ranking"), kpi="speed").json()
    assert "on_time_rate" in body["allowed"] and "on_time_rate" in body["detail"]
    period = api.get(figures_url(INSIDE, "2024-Q5")).json()
    assert "2024-Q5" in period["detail"] and "2024-Q4" in period["allowed"]


def test_unknown_addresses_answer_json(api):
    for path in ("/api/v1/nothing/", "/api/v1/units/2008/31564/figures/", "/api/v1/a/b/c/"):
        response = api.get(path, "anonymous")
        assert response.status_code == 404 and "detail" in response.json(), path
    assert api.get("/api/v1/units", "anonymous").status_code == 301  # APPEND_SLASH


# --- PAR --------------------------------------------------------------------------------------


def test_par_result_as_its_page(api, world):
    body = api.get(reverse("api:par_result", args=["2008", INSIDE, 2024])).json()
    assert body["points"] == "78.5" and body["max_points"] == "100"
    assert body["index_percent"] == "78.50" and body["band"] == "Khá"
    assert body["is_published"] is True and (body["rank"], body["rank_of"]) == (1, 2)
    ranked = api.get(reverse("api:par_ranking", args=["2008", DISTRICT, 2024])).json()
    assert ranked["scheme"]["name"] == "Bộ chỉ số xã 2024" and ranked["source"] == "live"
    # As the ranking page: published results keep their published rank and set size.
    assert [(r["unit"]["code"], r["is_published"], r["rank"], r["rank_of"])
            for r in ranked["results"]] == [
        ("31555", False, 1, 3), (INSIDE, True, 1, 2), (NEIGHBOUR, True, 2, 2)]
    assert api.get(reverse("api:par_result", args=["2008", "31558", 2024])).status_code == 404


# --- tokens -----------------------------------------------------------------------------------


def test_the_token_command_creates_shows_and_resets_a_token(users, client):
    out = io.StringIO()
    call_command("api_token", "xa", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert key == Token.objects.get(user=users["staff"]).key and len(key) == 40
    again = io.StringIO()
    call_command("api_token", "xa", stdout=again, stderr=io.StringIO())
    assert again.getvalue().strip() == key
    reset = io.StringIO()
    call_command("api_token", "xa", "--reset", stdout=reset, stderr=io.StringIO())
    new_key = reset.getvalue().strip()
    assert new_key != key
    file(INSIDE, QUARTER, factories.figures())
    path = figures_url(INSIDE)
    assert client.get(path, headers={"Authorization": f"Token {key}"}).status_code == 401
    assert client.get(path, headers={"Authorization": f"Token {new_key}"}).status_code == 200
    call_command("api_token", "xa", "--delete", stdout=io.StringIO())
    assert not Token.objects.filter(user=users["staff"]).exists()


def test_the_token_command_refuses_unknown_and_inactive_users(users):
    with pytest.raises(CommandError, match="không-có"):
        call_command("api_token", "không-có", stdout=io.StringIO())
    users["staff"].is_active = False
    users["staff"].save()
    with pytest.raises(CommandError, match="khoá"):
        call_command("api_token", "xa", stdout=io.StringIO())


def test_tokens_are_managed_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 200


def test_level_names(api):
    body = api.get(reverse("api:unit", args=["2008", DISTRICT]), "anonymous").json()
    assert body["level"] == Level.DISTRICT and body["level_label"]
