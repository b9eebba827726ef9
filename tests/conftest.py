import datetime
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections, transaction


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test runs on the real official unit lists, loaded once per test session."""
    with django_db_blocker.unblock():
        call_command("load_units", stdout=io.StringIO())
    yield
    # Each thread (the live server's too) keeps its own psycopg pool of open connections, which
    # would stop pytest-django from dropping the test database: close them first.
    with django_db_blocker.unblock():
        connection = connections["default"]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            connection.close_pool()


DEMO_TODAY = datetime.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module that asks for it and rolled back after it."""
    from cchc.demo.loader import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo(today=DEMO_TODAY)
        transaction.set_rollback(True)


CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def pytest_collection_modifyitems(config, items):
    """Without Chromium, browser tests are skipped, and the summary says why; in CI they run
    and fail, because CI must install the browser."""
    if CHROMIUM.exists() or os.environ.get("CI"):
        return
    reason = f"no Chromium at {CHROMIUM}: browser tests not run (apt-get install chromium)"
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skipif(True, reason=reason))


@pytest.fixture
def staff_client(client):
    """A client logged in as the commune clerk of Xã An Mỹ."""
    from tests import factories

    factories.user("xa", unit_code="31564")
    client.login(username="xa", password="pass-for-tests-1")
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        # Still verifies the demo accounts, created by a module-scoped fixture.
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def login_lockout_off(settings):
    """``client.login`` authenticates without a request, which django-axes refuses; the lockout
    has its own tests (tests/test_login_security.py), which switch it back on."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded evidence goes to a folder of the test's own, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
