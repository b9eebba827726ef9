"""Backup and restore (docs/reliability.md): a pg_dump of the database, restored into a fresh
database, holds every figure and every history record, row for row."""

import io
import shutil
import subprocess
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierLine, DossierReport, DossierRollup, ReportEvent
from cchc.periods.services import period_ensure
from tests import factories
from tests.dossiers.test_workflow import FUTURE

# make test and CI run on PostgreSQL, where this always runs; only a deliberate
# DATABASE_URL=sqlite:/// run leaves it out (pg_dump backs up PostgreSQL).
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="pg_dump and pg_restore back up PostgreSQL")]


@pytest.fixture(autouse=True)
def client_tools():
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "PostgreSQL client tools"


def server_args() -> list[str]:
    settings = connection.settings_dict
    return ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
            "-U", settings["USER"] or "postgres"]


def fingerprint(database: str) -> dict[str, tuple[int, str]]:
    """Every table of the app: (rows, md5 of all its rows in a fixed order)."""
    tables = sorted({model._meta.db_table for model in apps.get_models()})
    query = " UNION ALL ".join(
        f"SELECT '{table}', count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
        f" FROM {table} t" for table in tables)
    output = subprocess.run(["psql", *server_args(), "-d", database, "-At", "-F", "\t",
                             "-c", query], capture_output=True, text=True, check=True).stdout
    return {table: (int(rows), digest) for table, rows, digest in
            (line.split("\t") for line in output.splitlines())}


def test_a_dump_restored_into_a_fresh_database_holds_every_figure_and_event(tmp_path):
    call_command("load_units", stdout=io.StringIO())
    quarter = period_ensure(code="2025-Q2", deadline=FUTURE)
    clerk = factories.user("xa", unit_code="31564")
    reviewer = factories.user("huyen", role=Role.REVIEWER, unit_code="943")
    report = services.report_save(user=clerk, unit=factories.unit("31564"), period=quarter,
                                  lines={factories.field(): factories.figures()},
                                  expected_version=0, submit=True)
    report = services.report_approve(user=reviewer, report=report, expected_version=1)
    services.report_reopen(user=reviewer, report=report, expected_version=2,
                           reason="Đơn vị đề nghị sửa cột (8)")
    services.report_save(user=clerk, unit=factories.unit("31564"), period=quarter,
                         lines={factories.field(): factories.figures(resolved_early=11,
                                                                     resolved_on_time=74)},
                         expected_version=3, submit=True)  # reopened, changed, sent again
    assert ReportEvent.objects.count() == 4 and DossierRollup.objects.exists()

    source = connection.settings_dict["NAME"]
    restored = f"restore_{uuid.uuid4().hex[:12]}"
    dump = tmp_path / "cchc.dump"
    subprocess.run(["pg_dump", *server_args(), "--format=custom", "--no-owner",
                    "--file", str(dump), source], check=True)
    subprocess.run(["createdb", *server_args(), restored], check=True)
    try:
        subprocess.run(["pg_restore", *server_args(), "--no-owner", "--exit-on-error",
                        "--dbname", restored, str(dump)], check=True)
        before, after = fingerprint(source), fingerprint(restored)
        assert after == before
        for model in (DossierReport, DossierLine, ReportEvent, DossierRollup):
            assert after[model._meta.db_table][0] == model.objects.count() > 0
    finally:
        subprocess.run(["dropdb", *server_args(), "--if-exists", restored], check=True)
