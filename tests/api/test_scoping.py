"""The API's access matrix: every endpoint × every role (a token of each, and none) × a unit
inside the role's scope, a neighbouring commune, a unit of another province.

A token sees what its user sees on the web (``cchc.accounts.access``): 404 outside one's scope,
as the pages answer. Without a token: 401, unless the province published (test_public.py).
Units and periods are reference data without reported figures: open to everyone.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.dossiers.models import ReportStatus
from tests import factories
from tests.api.conftest import INSIDE, NEIGHBOUR, OUTSIDE, QUARTER, ROLES, YEAR

pytestmark = pytest.mark.django_db


def row(*statuses: str) -> dict[str, str]:
    """Statuses in the order of ``ROLES``, each "inside/neighbour/outside"."""
    return dict(zip(ROLES, statuses, strict=True))


#: Unit staff: their commune; the reviewer (Huyện Kế Sách) and the provincial office (Sóc
#: Trăng): their subtree, so both communes; national bodies and administrators: everything.
FIGURES = row("401/401/401", "200/404/404", "200/200/404", "200/200/404", "200/200/200",
              "200/200/200")
REFERENCE = row("200/200/200", "200/200/200", "200/200/200", "200/200/200", "200/200/200",
                "200/200/200")

EXPECTED = {
    "api:figures": FIGURES,
    "api:below": FIGURES,
    "api:ranking": FIGURES,
    "api:par_result": FIGURES,
    "api:par_ranking": FIGURES,
    "api:unit": REFERENCE,
}
PLAIN = {"api:root", "api:schema", "api:units", "api:periods", "api:period"}


def url(name: str, code: str) -> str:
    args = {"api:unit": [], "api:par_result": [YEAR], "api:par_ranking": [YEAR]}.get(
        name, [QUARTER])
    return reverse(name, args=["2008", code, *args])


def observe(api) -> dict[str, dict[str, str]]:
    return {name: {role: "/".join(str(api.get(url(name, code), role).status_code)
                                  for code in (INSIDE, NEIGHBOUR, OUTSIDE))
                   for role in ROLES}
            for name in EXPECTED}


def test_every_api_url_is_in_the_matrix():
    from django.urls import get_resolver

    names = {f"api:{name}" for name in get_resolver().namespace_dict["api"][1].reverse_dict
             if isinstance(name, str)}
    assert names == set(EXPECTED) | PLAIN


def test_every_role_gets_what_the_matrix_says(api, world):
    observed = observe(api)
    wrong = [f"{name} as {role}: expected {EXPECTED[name][role]}, got {got}"
             for name, by_role in observed.items() for role, got in by_role.items()
             if EXPECTED[name][role] != got]
    assert not wrong, "\n".join(wrong)


def test_reference_data_is_open_to_everyone(api):
    factories.period(QUARTER)
    for role in ROLES:
        for path in (reverse("api:root"), reverse("api:schema"), reverse("api:units"),
                     reverse("api:periods"), reverse("api:period", args=[QUARTER])):
            assert api.get(path, role).status_code == 200, (path, role)


def test_what_a_token_sees_matches_the_web_page_of_the_same_user(api, client, users, world):
    """The same unit and period through the API and through the dashboard, role by role."""
    for role in ROLES[1:]:
        client.force_login(users[role])
        for code in (INSIDE, NEIGHBOUR, OUTSIDE):
            page = client.get(reverse("reports:dashboard", args=["2008", code, QUARTER]))
            client.logout()
            answer = api.get(url("api:figures", code), role)
            client.force_login(users[role])
            assert page.status_code == answer.status_code, (role, code)
        client.logout()


def test_anonymous_gets_a_clear_401_naming_the_token_header(api, world):
    response = api.get(url("api:figures", INSIDE), "anonymous")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert "Authorization: Token" in response.json()["detail"]


def test_out_of_scope_says_no_more_than_not_found(api, world):
    """The same answer for a unit outside one's scope as for nothing there: the web's rule."""
    outside = api.get(url("api:figures", OUTSIDE), "staff")
    assert outside.status_code == 404
    assert set(outside.json()) == {"detail"}
    assert "15412" not in outside.json()["detail"]


def test_a_bad_or_missing_token_is_refused_even_on_public_endpoints(client, world):
    for header in ("Token 0000000000000000000000000000000000000000", "Token", "Token a b"):
        response = client.get(reverse("api:units"), headers={"Authorization": header})
        assert response.status_code == 401, header
        assert set(response.json()) == {"detail"}
        assert "api_token" in response.json()["detail"]


def test_the_token_of_an_inactive_user_is_refused(api, users, world):
    assert api.get(url("api:figures", INSIDE), "staff").status_code == 200
    users["staff"].is_active = False
    users["staff"].save()
    response = api.get(url("api:figures", INSIDE), "staff")
    assert response.status_code == 401 and "khoá" in response.json()["detail"]
    assert api.get(reverse("api:units"), "staff").status_code == 401


def test_a_signed_in_browser_reads_the_api_with_its_session(client, users, world):
    client.force_login(users["staff"])
    assert client.get(url("api:figures", INSIDE)).status_code == 200
    assert client.get(url("api:figures", OUTSIDE)).status_code == 404


def test_the_api_is_read_only(api, client, tokens, world):
    path = url("api:figures", INSIDE)
    headers = {"Authorization": f"Token {tokens['admin']}"}
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(path, {}, content_type="application/json",
                      headers=headers).status_code == 405
    assert client.head(path, headers=headers).status_code == 200
    assert client.options(path, headers=headers).status_code == 200


def test_figures_waiting_for_review_count_live_as_on_the_web(api, world):
    """A submitted report counts in live figures, as on the dashboard (COUNTED_STATUSES)."""
    report = factories.report(factories.unit("31555"), "2024-Q2", status=ReportStatus.SUBMITTED,
                              submitted_at=timezone.now())
    body = api.get(reverse("api:figures", args=["2008", "31555", "2024-Q2"]), "office").json()
    assert body["has_figures"] and body["source"] == "live"
    assert report.unit.code == body["unit"]["code"]
