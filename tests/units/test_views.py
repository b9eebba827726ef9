import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("units:browser"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_browser_shows_the_34_provinces_in_force_today(staff_client):
    response = staff_client.get(reverse("units:browser"))
    assert response.status_code == 200
    assert len(response.context["table"].rows) == 34
    assert "Thành phố Cần Thơ" in response.content.decode()


def test_browser_shows_the_63_provinces_of_the_old_list(staff_client):
    response = staff_client.get(reverse("units:browser"), {"danh-muc": "2008"})
    assert len(response.context["table"].rows) == 63
    assert "Tỉnh Sóc Trăng" in response.content.decode()


def test_search_ignores_accents_and_lists_the_unit_with_its_district(staff_client):
    response = staff_client.get(reverse("units:browser"), {"q": "hoa tu 2"})
    page = response.content.decode()
    assert "Xã Hòa Tú 2" in page
    assert "Huyện Mỹ Xuyên" in page


def test_search_by_code_finds_the_unit_in_both_lists(staff_client):
    response = staff_client.get(reverse("units:browser"), {"q": "82"})
    page = response.content.decode()
    assert "Tỉnh Tiền Giang" in page and "Tỉnh Đồng Tháp" in page


def test_old_commune_page_links_to_its_successor(staff_client):
    response = staff_client.get(reverse("units:detail", args=["2008", "31564"]))
    page = response.content.decode()
    assert "Xã An Mỹ" in page and "Huyện Kế Sách" in page
    assert reverse("units:detail", args=["2025", "31552"]) in page
    assert "Sáp nhập" in page


def test_new_commune_page_lists_its_predecessors(staff_client):
    response = staff_client.get(reverse("units:detail", args=["2025", "31552"]))
    names = [link.predecessor.name for link in response.context["predecessors"]]
    assert "Xã An Mỹ" in names


def test_divided_commune_shows_every_part_and_warns(staff_client):
    from cchc.units.models import AdministrativeUnit, Succession

    divided = AdministrativeUnit.objects.filter(
        successor_links__kind=Succession.DIVIDED).first()
    response = staff_client.get(divided.get_absolute_url())
    page = response.content.decode()
    assert "chỉ so sánh được gần đúng" in page
    for link in divided.successor_links.all():
        assert link.successor.get_absolute_url() in page


def test_unknown_unit_answers_404(staff_client):
    assert staff_client.get(reverse("units:detail", args=["2025", "99999"])).status_code == 404
    assert staff_client.get(reverse("units:detail", args=["1999", "94"])).status_code == 404


def test_unit_page_queries_do_not_grow_with_the_number_of_children(
    staff_client, django_assert_num_queries
):
    # Tỉnh Sóc Trăng has 11 districts, Thành phố Hà Nội (old list) 30.
    pages = {}
    for code in ("94", "01"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("units:detail", args=["2008", code]))
        assert response.status_code == 200
        pages[code] = len(queries)
    assert pages["94"] == pages["01"]
