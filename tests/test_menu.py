"""The menu offers each role what it may open, and every link it shows answers 200; a unit's
reports page lists every quarter, a longer period shows figures derived from its quarters."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cchc.demo import public

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<a class="nav-link[^"]*" href="([^"]+)" data-menu="([^"]+)"')


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def menu_of(client) -> dict[str, str]:
    page = client.get(reverse("units:browser"))
    assert page.status_code == 200
    return {key: url for url, key in MENU.findall(page.content.decode())}


@pytest.mark.parametrize(("username", "expected"), [
    ("xa", {"dashboard", "par", "766", "reports", "public", "jobs"}),
    ("huyen", {"dashboard", "ranking", "par", "766", "completeness", "reports", "public", "jobs"}),
    ("tinh", {"dashboard", "ranking", "par", "766", "completeness", "reports", "public", "jobs"}),
    ("cantho", {"dashboard", "ranking", "766", "completeness", "reports", "public", "jobs"}),
    ("nhonmy", {"dashboard", "766", "reports", "public", "jobs"}),
    ("bonoivu", {"national", "public", "jobs"}),
    ("admin", {"national", "public", "jobs"}),
])
def test_the_menu_offers_each_role_its_pages_and_every_link_opens(demo, client, username,
                                                                   expected):
    login(client, username)
    links = menu_of(client)
    assert set(links) == expected
    for key, url in links.items():
        assert client.get(url, follow=True).status_code == 200, (key, url)


def test_the_clerk_reaches_every_past_quarter_of_its_unit_from_the_menu(demo, client):
    login(client, "xa")
    page = client.get(menu_of(client)["reports"])
    text = page.content.decode()
    for code in ("2022-Q1", "2022-Q4", "2023-Q3", "2025-Q2"):
        assert f'data-period="{code}"' in text
    # Newest first, grouped by year; An Mỹ ends with the reform (30/6/2025).
    assert text.index("Năm 2025") < text.index("Năm 2022")
    assert 'data-period="2025-Q3"' not in text
    report = re.search(r'href="([^"]+)" data-period="2022-Q1"', text).group(1)
    assert client.get(report).status_code == 200
    assert f"/bao-cao/2008/{public.AN_MY}/2022-Q1/" == report


def test_a_unit_outside_the_clerks_scope_has_no_reports_page(demo, client):
    login(client, "xa")
    response = client.get(reverse("units:reports", args=["2008", public.KE_SACH]))
    assert response.status_code == 404


def test_a_unit_page_links_to_its_dashboard_ranking_and_reports_for_who_may_open_them(
        demo, client):
    url = reverse("units:detail", args=["2008", public.KE_SACH])
    login(client, "huyen")
    text = client.get(url).content.decode()
    found = dict((key, href) for href, key in
                 re.findall(r'href="([^"]+)" data-link="([^"]+)"', text))
    assert {"dashboard", "ranking", "reports"} <= set(found)
    for href in found.values():
        assert client.get(href).status_code == 200
    login(client, "xa")  # Kế Sách is outside the commune clerk's scope: no links
    assert "data-link=" not in client.get(url).content.decode()


def test_a_year_shows_the_figures_derived_from_its_quarters_read_only(demo, client):
    login(client, "xa")
    url = reverse("dossiers:report", args=["2008", public.AN_MY, "2022"])
    text = client.get(url).content.decode()
    assert "tính từ các quý" in text
    assert "Quý I/2022" in text or "2022-Q1" in text
    assert 'id="derived-table"' in text
    assert "<input" not in text.split('id="derived-table"')[1].split("</table>")[0]
    assert 'name="submit"' not in text


def test_an_error_message_is_styled_as_danger_with_role_alert(demo, client):
    login(client, "xa")
    response = client.post(reverse("dossiers:upload_confirm"), follow=True)
    text = response.content.decode()
    assert 'class="alert alert-danger" role="alert">Không còn dữ liệu chờ xác nhận' in text
    assert "alert-error" not in text


def test_the_upload_page_links_to_the_template_of_each_open_quarter(demo, client):
    from django.utils import timezone

    from cchc.periods.models import ReportingPeriod

    login(client, "nhonmy")  # Xã Nhơn Mỹ (from 1/7/2025): its quarters are still open
    text = client.get(reverse("dossiers:upload")).content.decode()
    links = re.findall(r'href="([^"]+)" data-template="([^"]+)"', text)
    open_codes = {p.code for p in ReportingPeriod.objects.quarters().filter(
        cutoff_start__lte=timezone.localdate(), is_locked=False,
        end__gte=datetime.date(2025, 7, 1))}
    assert links and {code for _url, code in links} <= open_codes
    for url, code in links:
        response = client.get(url)
        assert response.status_code == 200
        assert f"bieu-II06a-{public.NHON_MY}-{code}.xlsx" in response["Content-Disposition"]


def test_the_upload_page_offers_no_template_of_a_locked_quarter(demo, client):
    login(client, "xa")  # Xã An Mỹ ended on 30/6/2025: its quarters are all locked
    assert "data-template=" not in client.get(reverse("dossiers:upload")).content.decode()
