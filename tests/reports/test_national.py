"""The national ranking: every province, district or commune of the country, for national
bodies and administrators only."""

import csv
import io

import pytest
from django.urls import reverse

from cchc.accounts.access import can_enter, can_view
from cchc.accounts.models import Role
from cchc.units.models import AdministrativeUnit, Level, UnitList
from reports import selectors
from tests import factories

pytestmark = pytest.mark.django_db
PERIOD = "2024-Q4"


@pytest.fixture
def ministry(client):
    factories.user("bo", role=Role.NATIONAL)
    client.login(username="bo", password="pass-for-tests-1")
    return client


@pytest.fixture
def filed():
    factories.period("2024-Q3")
    for code, late in (("94", 3), ("92", 0), ("38", 9)):  # Sóc Trăng, Cần Thơ, Thanh Hóa
        factories.report(factories.unit(code), PERIOD, lines={
            factories.field(): factories.figures(resolved_late=late,
                                                 resolved_on_time=40 - late)})
    factories.report(factories.unit("31564"), PERIOD)


def url(level=None, unit_list=UnitList.BEFORE_2025, period=PERIOD, **params):
    params = {**params, **({"level": level} if level else {})}
    return reverse("reports:national_ranking", args=[unit_list, period]), params


def test_a_national_body_sees_every_province_ranked_with_the_pages_numbers(ministry, filed):
    path, params = url()
    page = ministry.get(path, params)
    assert page.status_code == 200
    ranking = page.context["ranking"]
    assert len(ranking.rows) == 63 and ranking.size == 3
    assert [row.unit.code for row in ranking.rows[:3]] == ["92", "94", "38"]  # 100, 97.5, 92.5
    expected = selectors.unit_rows([factories.unit("38")], factories.period(PERIOD))[0]
    assert next(r for r in ranking.rows if r.unit.code == "38").values == expected.values
    assert "1/3" in page.content.decode() and "Tỉnh Thanh Hóa" in page.content.decode()


def test_every_commune_of_the_country_can_be_ranked(ministry, filed):
    path, params = url(level=Level.COMMUNE)
    page = ministry.get(path, params)
    communes = AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                                 level=Level.COMMUNE).count()
    assert page.context["ranking"].size == 1 and len(page.context["ranking"].rows) == communes
    assert communes > 10_000 and page.context["table"].page.paginator.count == communes


def test_the_csv_lists_the_same_units_with_the_agreed_columns(ministry, filed):
    path, params = url(level=Level.DISTRICT)
    response = ministry.get(reverse("reports:national_csv", args=[UnitList.BEFORE_2025, PERIOD]),
                            params)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content)
                                           .decode("utf-8-sig"))))
    assert len(rows) == AdministrativeUnit.objects.filter(unit_list=UnitList.BEFORE_2025,
                                                          level=Level.DISTRICT).count()
    assert {r["unit_level"] for r in rows} == {"district"} and rows[0]["unit_code"] == "001"


@pytest.mark.parametrize("role", [Role.PROVINCIAL_OFFICE, Role.REVIEWER, Role.UNIT_STAFF])
def test_only_national_bodies_and_administrators_see_it(client, filed, role):
    factories.user("someone", role=role, unit_code="94")
    client.login(username="someone", password="pass-for-tests-1")
    path, params = url()
    assert client.get(path, params).status_code == 404
    assert client.get(reverse("reports:national_home")).status_code == 404
    assert client.get(reverse("reports:national_csv",
                              args=[UnitList.BEFORE_2025, PERIOD])).status_code == 404


def test_administrators_see_it_and_anonymous_users_are_sent_to_log_in(client, admin_client,
                                                                      filed):
    path, params = url()
    assert admin_client.get(path, params).status_code == 200
    response = client.get(path, params)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_national_body_reads_everything_and_changes_nothing():
    user = factories.user("bo", role=Role.NATIONAL)
    an_my = factories.unit("31564")
    assert can_view(user, an_my) and not can_enter(user, an_my)


def test_a_national_body_lands_on_the_latest_provinces_ranking(ministry, filed):
    response = ministry.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "reports:national_ranking", args=[UnitList.BEFORE_2025, PERIOD])
    assert "Toàn quốc" in response.content.decode()  # the navigation link


def test_changing_the_period_keeps_the_level(ministry, filed):
    path, params = url(level=Level.DISTRICT, ky="2024-Q3")
    response = ministry.get(path, params)
    assert response.status_code == 302
    assert response.url == reverse("reports:national_ranking",
                                   args=[UnitList.BEFORE_2025, "2024-Q3"]) + "?level=2"


def test_the_page_costs_the_same_queries_for_63_provinces_and_696_districts(
        ministry, filed, django_assert_max_num_queries):
    counts = []
    for level in (Level.PROVINCE, Level.DISTRICT):
        path, params = url(level=level)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        with CaptureQueriesContext(connection) as queries:
            assert ministry.get(path, params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
