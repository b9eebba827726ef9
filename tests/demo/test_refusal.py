import io

import pytest
from django.core.management import CommandError, call_command

from cchc.dossiers.models import DossierReport

pytestmark = pytest.mark.django_db


def test_production_refuses_demo_data_and_writes_nothing(settings):
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="DJANGO_ENV=production"):
        call_command("load_demo", stdout=io.StringIO())
    assert not DossierReport.objects.exists()


def test_demo_command_prints_the_accounts():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "demo1234" in text
    for username in ("admin", "tinh", "huyen", "xa"):
        assert f"  {username} " in text
