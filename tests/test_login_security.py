"""Login lockout, session expiry after inactivity, and error pages without a stack trace."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone

from cchc import urls as cchc_urls
from tests import factories

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"


@pytest.fixture
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def attempt(client, username, password, address="10.0.0.7", **headers):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=address, **headers)


def test_five_wrong_passwords_lock_the_account_from_that_address(client, lockout_on):
    factories.user("xa", unit_code="31564")
    for _ in range(4):
        refused = attempt(client, "xa", "wrong-password")
        assert refused.status_code == 200  # the form again, with its error
    assert attempt(client, "xa", "wrong-password").status_code == 429  # the fifth locks
    locked = attempt(client, "xa", "pass-for-tests-1")  # even the right password now
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khoá đăng nhập" in page and "5 lần" in page and "15 phút" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_and_address(client, lockout_on):
    factories.user("xa", unit_code="31564")
    factories.user("huyen", role="reviewer", unit_code="31564")
    for _ in range(5):
        attempt(client, "xa", "wrong-password")
    assert attempt(client, "huyen", "pass-for-tests-1").status_code == 302  # another account
    other_office = Client()
    assert attempt(other_office, "xa", "pass-for-tests-1", "10.0.0.8").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, lockout_on):
    factories.user("xa", unit_code="31564")
    for _ in range(4):
        attempt(client, "xa", "wrong-password")
    assert attempt(client, "xa", "pass-for-tests-1").status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        attempt(client, "xa", "wrong-password")
    assert attempt(client, "xa", "pass-for-tests-1").status_code == 302


def test_failed_logins_with_a_nul_in_the_user_agent_are_counted_and_lock(client, lockout_on):
    """PostgreSQL refuses a NUL in text: the attempt with ``User-Agent: Mozilla\\x00…`` was a 500,
    never counted, so such a client could try passwords without end."""
    factories.user("xa", unit_code="31564")
    client.raise_request_exception = False
    hostile = {"HTTP_USER_AGENT": "Mozilla/5.0\x00\x01\x1b[2J", "HTTP_ACCEPT": "text/html\x00"}
    statuses = [attempt(client, "xa", "wrong-password", **hostile).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    stored = AccessAttempt.objects.get(username="xa")
    assert stored.failures_since_start == 5 and stored.user_agent == "Mozilla/5.0[2J"
    assert attempt(client, "xa", "pass-for-tests-1", **hostile).status_code == 429


def test_a_nul_in_the_username_is_a_form_error_not_a_500(client, lockout_on):
    client.raise_request_exception = False
    response = attempt(client, "x\x00a", "wrong-password")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR"],
                   AXES_IPWARE_PROXY_COUNT=0, IPWARE_STRICT=False)
def test_behind_one_proxy_each_client_has_its_own_count(client, lockout_on):
    """AXES_PROXY_COUNT=1 (the settings it sets, checked below): the proxy is every user's peer
    address; the lock follows the address it appended, not what the client wrote."""
    factories.user("xa", unit_code="31564")
    proxy = "10.0.0.1"
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        attempt(client, "xa", "wrong-password", proxy, HTTP_X_FORWARDED_FOR=f"{forged}, 10.9.9.9")
    assert AccessAttempt.objects.get().ip_address == "10.9.9.9"  # one address, forged or not
    assert attempt(client, "xa", "pass-for-tests-1", proxy,
                   HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    colleague = Client()
    assert attempt(colleague, "xa", "pass-for-tests-1", proxy,
                   HTTP_X_FORWARDED_FOR="10.0.0.8").status_code == 302


def test_axes_proxy_count_sets_what_django_axes_reads():
    behind_two = settings_in({"AXES_PROXY_COUNT": "2"})
    assert behind_two.returncode == 0, behind_two.stderr
    assert behind_two.stdout.split() == ["['HTTP_X_FORWARDED_FOR']", "1", "False"]
    direct = settings_in({})
    assert direct.stdout.split() == ["['REMOTE_ADDR']", "None", "None"]
    assert "AXES_PROXY_COUNT=-1" in settings_in({"AXES_PROXY_COUNT": "-1"}).stderr


def settings_in(env):
    return subprocess.run(
        [sys.executable, "-c", "import cchc.settings as s; "
         "print(repr(s.AXES_IPWARE_META_PRECEDENCE_ORDER).replace(' ', ''), "
         "getattr(s, 'AXES_IPWARE_PROXY_COUNT', None), "
         "getattr(s, 'IPWARE_STRICT', None))"],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
        env={**{k: v for k, v in os.environ.items() if k != "AXES_PROXY_COUNT"}, **env})


def test_a_session_ends_after_the_idle_time(staff_client, settings):
    assert staff_client.get(reverse("dossiers:inbox")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = staff_client.get(reverse("dossiers:inbox"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_activity_renews_the_session(staff_client, settings):
    key = staff_client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=2)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    session = staff_client.session
    session["_renewed"] = 0  # last renewed long ago
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert staff_client.get(reverse("dossiers:inbox")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


@login_not_required
def failing_view(request):
    raise ZeroDivisionError("a bug")


@login_not_required
def database_down_view(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [path("loi/", failing_view), path("csdl/", database_down_view),
               *cchc_urls.urlpatterns]
handler500 = cchc_urls.handler500


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unexpected_error_shows_a_friendly_page_never_a_trace(client):
    client.raise_request_exception = False
    response = client.get("/loi/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Đã xảy ra lỗi, số liệu của bạn không bị thay đổi" in page
    assert "Traceback" not in page and "ZeroDivisionError" not in page and "a bug" not in page


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_database_outage_is_a_503_asking_to_retry(client):
    client.raise_request_exception = False
    response = client.get("/csdl/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in page and "127.0.0.1" not in page
