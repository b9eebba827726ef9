import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test runs on the real official unit lists, loaded once per test session."""
    with django_db_blocker.unblock():
        call_command("load_units", stdout=io.StringIO())


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
