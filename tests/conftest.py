import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test runs on the real official unit lists, loaded once per test session."""
    with django_db_blocker.unblock():
        call_command("load_units", stdout=io.StringIO())
