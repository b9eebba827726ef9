"""No URL answers a server error, whatever is typed into it.

The test walks every URL pattern of the project (``get_resolver()``, recursively, the admin's
and the API's included), fills each path parameter in turn with hostile values — a NUL, a
literal ``%00``, a very long string, ``../``, odd Unicode, negative and huge numbers, a period
that cannot exist (``2026-Q9``), plain ``x`` — and then sends hostile values in the query
parameters the views read (``ky``, ``kpi``, ``level``, ``parent``, ``page``, ``sort``, ``q``,
``per_page``, ``as_of``…), anonymous and as an administrator. Any 5xx, or an exception out of a
view, fails it. It runs on PostgreSQL, where a NUL in a query used to reach the database (which
refuses it: a 500), and SQLite never showed it.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote, urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from cchc.accounts.models import Role
from cchc.periods.services import period_ensure
from tests import factories

pytestmark = [pytest.mark.django_db,
              # django-tables2 warns of a sort order with a dot in it ("../"): sent on purpose.
              pytest.mark.filterwarnings("ignore::DeprecationWarning:django_tables2"),
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="the NUL bugs were PostgreSQL's: run make test")]

#: A value for each path parameter that names something real, so that the other parameter's
#: hostile value is what the view meets.
VALID = {"unit_list": "2008", "code": "94", "period": "2025-Q2", "year": "2025", "pk": "1",
         "rest": "x", "app_label": "auth", "object_id": "1", "content_type_id": "1",
         "url": "x"}
HOSTILE = ["\x00", "94\x00", "%00", "x" * 3000, "../", "..", "ờ😀\u202e", "-1", "2026-Q9",
           "x", "0", "0000-Q1", "9" * 30, " ", "%", "\r\n", "'\"<>"]
#: The query parameters the views and the API read, and a few more.
QUERY = ["ky", "kpi", "level", "parent", "page", "sort", "q", "per_page", "page_size",
         "as_of", "danh-muc", "trong", "list", "kind", "year", "next"]
QUERY_VALUES = ["\x00", "%00", "x" * 3000, "-1", "0", "9" * 30, "2026-Q9", "0000-Q1", "x",
                "../", "ờ😀", "1.5", ""]
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>\w+)>"
                        r"(?:[^()]|\([^()]*\))*\)")


def _pattern_text(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    if isinstance(pattern, RegexPattern):
        return pattern._regex.lstrip("^").rstrip("$").replace(r"\.", ".")
    return None  # a locale prefix: not used here


def routes(resolver=None, prefix: str = ""):
    """Every URL pattern of the project as its full route text (``bao-cao/<code:code>/…``)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        text = _pattern_text(entry.pattern)
        if text is None:
            continue
        if isinstance(entry, URLResolver):
            yield from routes(entry, prefix + text)
        else:
            yield prefix + text


def template(route: str) -> tuple[str, list[str]] | None:
    """``route`` as a format string with one ``{name}`` per parameter, and the names; None
    when regular-expression syntax other than named groups is left (no such URL to send)."""
    names: list[str] = []

    def placeholder(match):
        name = match["name"] or match["group"]
        names.append(name)
        return "{" + name + "}"

    text = _PARAMETER.sub(placeholder, route)
    if re.search(r"[\\()\[\]|*+?^$]", text):
        return None
    return text, names


def paths() -> list[str]:
    """Every route with valid values, then each parameter in turn given each hostile value."""
    found = []
    for route in routes():
        shaped = template(route)
        if shaped is None:
            continue
        text, names = shaped
        admin = text.startswith("admin/")
        valid = {name: quote(VALID.get(name, "1"), safe="") for name in names}
        found.append("/" + text.format(**valid))
        for name in names:
            # The admin is Django's own: a few values are enough there.
            for value in (HOSTILE[:4] if admin else HOSTILE):
                found.append("/" + text.format(**{**valid, name: quote(value, safe="")}))
    return list(dict.fromkeys(found))


@pytest.fixture
def world():
    call_command("loaddata", "procedure_fields", verbosity=0)
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    for code in ("2025-Q1", "2025-Q2"):
        period_ensure(code=code, deadline=deadline)
    for code in ("31564", "943", "94"):
        factories.report(factories.unit(code), "2025-Q2")
    return factories.user("quantri", role=Role.ADMINISTRATOR)


def failures(client, urls) -> list[str]:
    found = []
    for url in urls:
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 - any exception out of a view is the failure
            found.append(f"{url[:120]!r}: {type(error).__name__}: {str(error)[:200]}")
            continue
        if response.status_code >= 500:
            found.append(f"{url[:120]!r}: {response.status_code}")
    return found


def query_urls() -> list[str]:
    """Each valid route with every query parameter set to each hostile value at once — then
    without ``ky``, which sends the ranking pages elsewhere before the others are read."""
    urls = []
    for route in routes():
        shaped = template(route)
        if shaped is None or shaped[0].startswith("admin/"):
            continue
        text, names = shaped
        base = "/" + text.format(**{name: VALID.get(name, "1") for name in names})
        for value in QUERY_VALUES:
            urls.append(f"{base}?{urlencode(dict.fromkeys(QUERY, value))}")
            urls.append(f"{base}?{urlencode(dict.fromkeys(QUERY[1:], value))}")
    return urls


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_no_hostile_path_answers_a_server_error(client, world, who):
    if who == "administrator":
        client.force_login(world)
    urls = paths()
    assert len(urls) > 500  # the walk found the project's patterns
    problems = failures(client, urls)
    assert not problems, f"{len(problems)} of {len(urls)}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_no_hostile_query_value_answers_a_server_error(client, world, who):
    if who == "administrator":
        client.force_login(world)
    urls = query_urls()
    problems = failures(client, urls)
    assert not problems, f"{len(problems)} of {len(urls)}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("value", ["2026-Q9", "x", "2026-Q0", "2026-q9 "])
@pytest.mark.parametrize("page", ["/xep-hang/2008/94/2025-Q2/",
                                  "/xep-hang/2008/toan-quoc/2025-Q2/"])
def test_a_period_that_cannot_exist_in_ky_is_a_400_saying_how_periods_are_written(
        client, world, page, value):
    client.force_login(world)
    response = client.get(page, {"ky": value})
    assert response.status_code == 400
    assert "Dùng dạng 2023-Q4 (quý)" in response.content.decode()


@pytest.mark.parametrize("url", [
    "/cong-khai/2008/94%00/", "/cong-khai/2008%00/94/2025-Q2/", "/api/v1/units/2008/94%00/",
    "/api/v1/units/2008/94/figures/2025-Q2%00/", "/don-vi/2008/94%00/",
    "/bao-cao/2008/31564%00/2025-Q2/", "/xep-hang/2008/94%00/2025-Q2/",
])
def test_a_nul_in_a_unit_or_list_code_is_a_404(client, world, url):
    client.force_login(world)
    assert client.get(url).status_code == 404


def test_a_nul_in_a_posted_form_is_a_400_saying_what_to_remove(client, world):
    client.force_login(world)
    response = client.post("/bao-cao/2008/31564/2025-Q2/", {"reason": "x\x00", "version": "0"})
    assert response.status_code == 400
    assert "ký tự NUL" in response.content.decode()


def test_a_nul_in_a_search_is_dropped(client, world):
    client.force_login(world)
    response = client.get("/don-vi/", {"q": "Ke\x00 Sach"})
    assert response.status_code == 200 and "Kế Sách" in response.content.decode()
