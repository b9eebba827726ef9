import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client):
    factories.user("xa", unit_code="31564")
    client.login(username="xa", password="pass-for-tests-1")
    return client


def test_vietnamese_is_the_default_even_for_an_english_browser(logged_in):
    response = logged_in.get(reverse("units:browser"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert "Đơn vị hành chính" in response.content.decode()


def test_english_when_the_user_chooses_it(logged_in):
    response = logged_in.post(reverse("set_language"), {"language": "en", "next": "/don-vi/"})
    assert response.status_code == 302
    page = logged_in.get(reverse("units:browser"))
    assert page.headers["Content-Language"] == "en"
    assert "Administrative units" in page.content.decode()


def test_the_language_can_be_chosen_before_logging_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302 and response.url == "/dang-nhap/"
    assert "Log in" in client.get(reverse("login")).content.decode()
