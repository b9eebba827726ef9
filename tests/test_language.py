import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_vietnamese_is_the_default_even_for_an_english_browser(staff_client):
    response = staff_client.get(reverse("units:browser"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert "Đơn vị hành chính" in response.content.decode()


def test_english_when_the_user_chooses_it(staff_client):
    response = staff_client.post(reverse("set_language"), {"language": "en", "next": "/don-vi/"})
    assert response.status_code == 302
    page = staff_client.get(reverse("units:browser"))
    assert page.headers["Content-Language"] == "en"
    assert "Administrative units" in page.content.decode()


def test_the_language_can_be_chosen_before_logging_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302 and response.url == "/dang-nhap/"
    assert "Log in" in client.get(reverse("login")).content.decode()
