"""The provincial office's side: the publish and withdraw buttons on the province's ranking
page, the page switch, refusals shown as messages, POST only."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import Role
from cchc.dossiers.models import ReportStatus
from cchc.publication.models import PublicPage, RankingPublication
from cchc.publication.services import ranking_publish
from tests import factories
from tests.publication.conftest import DISTRICT, PROVINCE, QUARTER, file

pytestmark = pytest.mark.django_db

RANKING = reverse("reports:ranking", args=["2008", PROVINCE, QUARTER])
PUBLISH = reverse("publication:publish", args=["2008", PROVINCE, QUARTER])
WITHDRAW = reverse("publication:withdraw", args=["2008", PROVINCE, QUARTER])
SETTINGS = reverse("publication:settings", args=["2008", PROVINCE])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


def test_the_office_sees_the_publish_button_on_its_provinces_quarter(office_client):
    factories.period(QUARTER)
    text = office_client.get(RANKING).text
    assert "Công bố xếp hạng quý này" in text and PUBLISH in text
    assert "Xếp hạng Quý IV/2024 chưa công bố." in text and WITHDRAW not in text
    assert SETTINGS in text
    factories.period("2024")  # a year is not published: no panel
    year = office_client.get(reverse("reports:ranking", args=["2008", PROVINCE, "2024"])).text
    assert "publication-panel" not in year


def test_other_roles_see_no_publish_button(client):
    factories.period(QUARTER)
    for user in (factories.user("nhaplieu", unit_code=PROVINCE),  # the province's own clerk
                 factories.user("bo", role=Role.NATIONAL)):
        client.force_login(user)
        page = client.get(RANKING)
        assert page.status_code == 200 and "publication-panel" not in page.text


def test_publishing_from_the_ranking_page(office_client, province):
    file("31564")
    response = office_client.post(PUBLISH, {"next": RANKING + "?level=3"})
    assert response.status_code == 302 and response["Location"] == RANKING + "?level=3"
    assert RankingPublication.objects.filter(province=province).count() == 1
    messages = said(response)
    assert messages[0] == ("Đã công bố xếp hạng Quý IV/2024 của Tỉnh Sóc Trăng; số liệu công "
                           "bố được giữ nguyên cho đến khi công bố lại.")
    assert messages[1].startswith("Trang công khai của tỉnh đang tắt")
    text = office_client.get(RANKING).text
    assert "Xếp hạng Quý IV/2024 đã công bố lúc" in text
    assert WITHDRAW in text and "Công bố lại quý này" in text


def test_a_refusal_is_shown_as_a_message(office_client, province):
    file("31564", status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    response = office_client.post(PUBLISH, follow=True)
    assert response.redirect_chain[-1][0] == RANKING
    assert "1 báo cáo đang chờ duyệt" in response.text
    assert not RankingPublication.objects.exists()


def test_a_foreign_next_is_not_followed(office_client):
    factories.period(QUARTER)
    response = office_client.post(PUBLISH, {"next": "https://example.com/"})
    assert response["Location"] == RANKING


def test_withdrawing(office_client, office, province):
    ranking_publish(user=office, province=province, period=factories.period(QUARTER))
    response = office_client.post(WITHDRAW)
    assert response.status_code == 302 and not RankingPublication.objects.exists()
    assert said(response) == ["Đã thu hồi xếp hạng Quý IV/2024 khỏi trang công khai."]
    again = office_client.post(WITHDRAW)
    assert said(again)[-1:] == ["Xếp hạng Quý IV/2024 chưa được công bố: không có gì để thu hồi."]


def test_publish_and_withdraw_are_post_only(office_client):
    factories.period(QUARTER)
    assert office_client.get(PUBLISH).status_code == 405
    assert office_client.get(WITHDRAW).status_code == 405
    assert not RankingPublication.objects.exists()


def test_the_office_switches_the_public_page_on_and_off(office_client, province):
    page = office_client.get(SETTINGS)
    assert page.status_code == 200 and "Bật trang công khai" in page.text
    response = office_client.post(SETTINGS, {"enabled": "1"})
    assert response.status_code == 302 and PublicPage.objects.get(province=province).is_enabled
    assert said(response)[0].startswith("Trang công khai kết quả đã bật")
    page = office_client.get(SETTINGS)
    assert "Tắt trang công khai" in page.text
    assert reverse("public:province", args=["2008", PROVINCE]) in page.text
    office_client.post(SETTINGS, {"enabled": "0"})
    assert not PublicPage.objects.get(province=province).is_enabled


def test_the_settings_list_what_was_published_with_a_withdraw_button(office_client, office,
                                                                     province):
    ranking_publish(user=office, province=province, period=factories.period(QUARTER))
    text = office_client.get(SETTINGS).text
    assert "Quý IV/2024" in text and WITHDRAW in text


def test_who_may_not_publish_is_refused(client, province):
    factories.period(QUARTER)
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code=DISTRICT)
    other_office = factories.user("thanhhoa", role=Role.PROVINCIAL_OFFICE, unit_code="38")
    client.force_login(reviewer)  # a district's reviewer does not see the province
    assert client.post(PUBLISH).status_code == 404
    client.force_login(factories.user("nhaplieu", unit_code=PROVINCE))  # sees it, may not
    assert client.post(PUBLISH).status_code == 403
    client.force_login(factories.user("bo", role=Role.NATIONAL))  # sees it, may not publish
    assert client.post(PUBLISH).status_code == 403
    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS, {"enabled": "1"}).status_code == 403
    client.force_login(other_office)
    assert client.post(PUBLISH).status_code == 404
    assert not RankingPublication.objects.exists() and not PublicPage.objects.exists()
