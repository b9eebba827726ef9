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


@pytest.fixture(autouse=True)
def job_progress_on_the_tests_connection(settings):
    """A test not about the background path runs small jobs in the request, inside the test's
    own transaction: their progress is written on that connection too (a second one could
    not see the job's uncommitted row). The worker tests' worker writes through its own
    ``jobs`` connection, as in production."""
    settings.CCHC_JOBS_PROGRESS_DATABASE = "default"


class Worker:
    """A real ``manage.py db_worker`` process working the test database's queue."""

    def __init__(self, env: dict, log: Path):
        import subprocess
        import sys

        self.env, self.log = env, log
        self.process = None
        self._subprocess, self._python = subprocess, sys.executable

    def start(self) -> "Worker":
        self._output = open(self.log, "ab")  # noqa: SIM115 - closed in stop()
        self.process = self._subprocess.Popen(
            [self._python, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.1", "--queue-name", "*", "--verbosity", "2"],
            cwd=Path(__file__).resolve().parents[1], env=self.env,
            stdout=self._output, stderr=self._subprocess.STDOUT)
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine or the OOM killer stops it."""
        import signal

        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except self._subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process is not None:
            self._output.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def job_worker(transactional_db, settings, tmp_path):
    """A real job worker process on the test database (committed data: transactional tests),
    with the test's own media folder and a one-second heartbeat; stopped after the test."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("the worker tests need PostgreSQL (a second process on the database)")
    db = connection.settings_dict
    url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "CCHC_JOB_HEARTBEAT_SECONDS": "1", "CCHC_JOB_STALE_SECONDS": "4",
           "DJANGO_SETTINGS_MODULE": "cchc.settings",
           "PYTHONUNBUFFERED": "1"}
    settings.CCHC_JOB_STALE_SECONDS = 4
    worker = Worker(env, tmp_path / "worker.log").start()
    yield worker
    worker.stop()
