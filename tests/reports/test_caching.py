"""Cached rankings: served again without recomputing, and never after their figures changed."""

import re
import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.accounts.models import Role
from cchc.dossiers.models import DossierLine, DossierRollup, ReportStatus
from cchc.dossiers.rollups import rollups_refresh
from cchc.dossiers.services import report_return
from cchc.periods.models import ReportingPeriod
from cchc.periods.services import figures_changed
from cchc.units.models import Level
from tests import factories

pytestmark = pytest.mark.django_db
PERIOD = "2024-Q4"
URL = reverse("reports:ranking", args=["2008", "94", PERIOD])  # Sóc Trăng's communes


@pytest.fixture
def office(client):
    factories.user("so-noi-vu", role=Role.PROVINCIAL_OFFICE, unit_code="94")
    client.login(username="so-noi-vu", password="pass-for-tests-1")
    return client


def file(code, late, status=ReportStatus.APPROVED):
    return factories.report(factories.unit(code), PERIOD, status=status, lines={
        factories.field(): factories.figures(resolved_late=late, resolved_on_time=40 - late)})


def rollup_reads(queries) -> int:
    """Reads of the figures: the menu's look-up of the latest quarter with figures (one row of
    the office's own rollups, ``LIMIT 1``) is not the ranking being recomputed."""
    return sum(DossierRollup._meta.db_table in q["sql"] and q["sql"].startswith("SELECT")
               and not q["sql"].endswith("LIMIT 1") for q in queries.captured_queries)


def table(page) -> str:
    """The ranking's part of a page (the rest holds the per-request CSRF token)."""
    return page.content.decode().split('id="ranking-table"', 1)[1]


def on_time(page: str) -> str:
    """The on-time card's number as shown, without its percent sign."""
    return re.search(r'data-kpi="on_time_rate">([\d,]+)', page).group(1)


def get(client, **params):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL, {"level": Level.COMMUNE, **params})
    assert page.status_code == 200
    return page, queries


def test_the_second_visit_is_served_from_the_cache_with_the_same_page(office):
    file("31564", 2)
    first, cold = get(office)
    second, warm = get(office)
    assert rollup_reads(cold) >= 1 and rollup_reads(warm) == 0
    assert len(warm) < len(cold)
    assert table(second) == table(first)
    assert "Xã An Mỹ" in second.content.decode()


def test_a_returned_report_leaves_the_ranking_at_once(office):
    report = file("31564", 2, status=ReportStatus.SUBMITTED)
    file("31552", 0)
    assert ">2/2<" in table(get(office)[0])  # An Mỹ second of two
    district = factories.unit("31564").parent  # Kế Sách approves its communes before 2025
    report_return(user=factories.user("reviewer", role=Role.REVIEWER, unit_code=district.code),
                  report=report, expected_version=report.version, comment="Sai cột (9)")
    page, queries = get(office)
    assert rollup_reads(queries) >= 1  # recomputed, not the cached ranking
    assert page.context["ranking"].size == 1
    assert ">2/2<" not in table(page) and ">1/1<" in table(page)


def test_a_new_report_enters_the_cached_ranking(office):
    file("31552", 0)
    assert get(office)[0].context["ranking"].size == 1
    file("31564", 10)
    assert get(office)[0].context["ranking"].size == 2


def test_a_unit_renamed_in_the_admin_shows_its_new_name(office):
    file("31564", 2)
    assert "Xã An Mỹ" in get(office)[0].content.decode()
    an_my = factories.unit("31564")
    an_my.name = "Xã An Mỹ Mới"
    an_my.save()
    assert "Xã An Mỹ Mới" in get(office)[0].content.decode()


def test_each_sort_order_and_language_has_its_own_cached_table(office):
    file("31564", 2)  # Xã An Mỹ
    file("31552", 0)  # Xã Nhơn Mỹ, ranked first
    by_rank = table(get(office)[0])
    assert by_rank.index("Xã Nhơn Mỹ") < by_rank.index("Xã An Mỹ")
    ke_sach = factories.unit("31564").parent.pk  # its 13 communes: both on the first page
    by_code_desc = table(get(office, sort="-unit", parent=ke_sach)[0])
    assert by_code_desc.index("Xã An Mỹ") < by_code_desc.index("Xã Nhơn Mỹ")  # 31564 first
    assert table(get(office)[0]) == by_rank  # the first order still cached as it was
    office.post(reverse("set_language"), {"language": "en", "next": URL})
    english = table(get(office)[0])
    assert ">Rank<" in english and ">Hạng<" not in english


def test_figures_changed_renews_the_quarter_and_the_longer_periods_holding_it():
    q4, q3 = factories.period("2024-Q4"), factories.period("2024-Q3")
    year = factories.period("2024")
    before = dict(ReportingPeriod.objects.values_list("code", "figures_version"))
    figures_changed(periods=[q4])
    after = dict(ReportingPeriod.objects.values_list("code", "figures_version"))
    assert after[q4.code] != before[q4.code] and after[year.code] != before[year.code]
    assert after[q3.code] == before[q3.code]


def test_the_redis_cache_shared_by_workers_serves_the_ranking(office):
    """With REDIS_URL set every worker reads one cache; the real Redis at 127.0.0.1:6379."""
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": "redis://127.0.0.1:6379/0",
                         "KEY_PREFIX": f"cchc-test-{uuid.uuid4().hex}"}}
    file("31564", 2)
    with override_settings(CACHES=redis, CCHC_CACHE_SECONDS=60):
        first, cold = get(office)
        second, warm = get(office)
    assert rollup_reads(cold) >= 1 and rollup_reads(warm) == 0
    assert table(second) == table(first) and "Xã An Mỹ" in table(second)


def test_made_up_parameters_are_answered_but_never_stored(office):
    file("31564", 2)
    get(office)
    _page, warm = get(office)
    get(office, sort="no-such-column")
    bogus, again = get(office, sort="no-such-column")
    assert "Xã An Mỹ" in table(bogus)
    assert len(again) > len(warm)  # rendered again each time: nothing was kept for it


def test_a_new_deadline_shows_in_the_cached_completeness(office):
    period = factories.period(PERIOD)
    sent = period.deadline  # on the deadline day itself: on time
    import datetime
    import zoneinfo

    noon = datetime.datetime.combine(sent, datetime.time(12), zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    factories.report(factories.unit("31564"), PERIOD, submitted_at=noon)
    before = get(office)[0]
    assert before.content.decode().count('data-testid="completeness">1/') == 1
    period.deadline = sent - datetime.timedelta(days=1)
    period.save()  # as in the admin
    after = get(office)[0]
    assert after.content.decode().count('data-testid="completeness">0/') == 1


def test_download_links_carry_the_chosen_filters_only(office):
    file("31564", 2)
    page, _queries = get(office, kpi="late_rate", extra="x")
    links = re.findall(r'href="([^"]*/(?:csv|xlsx)/[^"]*)"', page.content.decode())
    assert links and all(link.endswith("/?kpi=late_rate&amp;level=3") for link in links)


def test_a_made_up_level_shows_the_province_s_own_children_not_an_error(office):
    file("31564", 2)
    page = office.get(URL, {"level": "abc"})
    assert page.status_code == 200
    assert {row.unit.level for row in page.context["ranking"].rows} == {Level.DISTRICT}


def test_a_dashboard_is_served_again_from_the_cache_until_its_figures_change(office):
    file("31564", 2)
    dashboard = reverse("reports:dashboard", args=["2008", "31564", PERIOD])
    with CaptureQueriesContext(connection) as cold:
        first = office.get(dashboard).content.decode()
    with CaptureQueriesContext(connection) as warm:
        again = office.get(dashboard).content.decode()
    assert rollup_reads(cold) >= 1 and rollup_reads(warm) == 0
    assert again.split('id="main"')[1] == first.split('id="main"')[1]
    assert on_time(first) == "97,78"  # factories.figures with 2 of 90 resolved late
    an_my = factories.unit("31564")
    DossierLine.objects.filter(report__unit=an_my).update(resolved_late=0, resolved_on_time=40)
    rollups_refresh(unit=an_my, period=factories.period(PERIOD))  # as every service does
    assert on_time(office.get(dashboard).content.decode()) == "100,00"


def test_a_page_size_or_a_repeated_sort_never_takes_the_place_of_the_usual_page(office):
    for code in ("31564", "31552", "31555"):
        file(code, 2)

    def rows(page) -> list[str]:
        """The unit names in the table as sent (the cached HTML, not the view's context)."""
        body = table(page).split("<tbody", 1)[1].split("</tbody>", 1)[0]
        return re.findall(r"<tr", body)

    assert len(rows(get(office, per_page=1)[0])) == 1
    office.get(URL, {"level": Level.COMMUNE, "sort": ["unit", "-rank"]})
    usual = get(office)[0]
    assert len(rows(usual)) == 50  # not the one-row page asked for above


def test_invalid_filters_do_not_share_a_cached_ranking(office):
    file("943", 2)  # huyện Kế Sách's own report
    # An invalid level with a parent: the valid part still filters (no district is under Kế
    # Sách), so nobody is ranked here ...
    office.get(URL, {"level": "9", "parent": factories.unit("943").pk})
    # ... and that empty answer must not be served for the invalid level alone.
    everyone = office.get(URL, {"level": "9"})
    ranked = [row.unit.code for row in everyone.context["ranking"].rows if row.rank is not None]
    assert ranked == ["943"]
