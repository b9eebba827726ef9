"""Real races on two database connections (two threads, each its own connection to
PostgreSQL): one save wins, the other gets the conflict message, nothing is lost or mixed.

A report's row is locked (``SELECT … FOR UPDATE``) for the length of a save or a decision, so
the second writer waits for the first to commit and then finds a newer version than the one it
opened. The winner is slowed down inside its transaction (a pause while writing its lines) so
that the loser really arrives while the row is locked.
"""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections

from cchc.accounts.models import Role
from cchc.dossiers import services
from cchc.dossiers.models import DossierReport, ReportEvent, ReportStatus
from cchc.dossiers.selectors import report_lines
from cchc.periods.services import period_ensure
from tests import factories
from tests.dossiers.test_workflow import FUTURE

# make test and CI run on PostgreSQL, where these always run; only a deliberate
# DATABASE_URL=sqlite:/// run leaves them out (SQLite locks the whole file, not a row).
pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="row locks need PostgreSQL: run make test")]
HOLD = 0.5  # seconds the first writer keeps the row locked


@pytest.fixture
def world():
    """Committed for real, so the two connections see it; the lists are loaded again."""
    call_command("load_units", stdout=io.StringIO())
    return {
        "an_my": factories.unit("31564"),
        "quarter": period_ensure(code="2025-Q2", deadline=FUTURE),
        "xa": factories.user("xa", unit_code="31564"),
        "xa2": factories.user("xa2", unit_code="31564"),
        "huyen": factories.user("huyen", role=Role.REVIEWER, unit_code="943"),
    }


@pytest.fixture
def slow_writes(monkeypatch):
    """Once armed, the first save to write its lines holds its transaction (and the row lock)
    for ``HOLD`` seconds. Returns the function that arms it (after the setup's own saves)."""
    original, turn = services._write_lines, threading.Lock()
    turn.acquire()  # disarmed

    def write_slowly(*args, **kwargs):
        original(*args, **kwargs)
        if turn.acquire(blocking=False):
            time.sleep(HOLD)

    monkeypatch.setattr(services, "_write_lines", write_slowly)
    return turn.release


def race(*actions):
    """Run the actions at the same moment, each in its own thread and database connection;
    return (result or exception, seconds taken) per action."""
    start = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        start.wait()
        began = time.monotonic()
        try:
            outcomes[index] = (action(), time.monotonic() - began)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[index] = (error, time.monotonic() - began)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def lines(**figures):
    return {factories.field(): factories.figures(**figures)}


def save(world, user, version, **figures):
    return lambda: services.report_save(user=world[user], unit=world["an_my"],
                                        period=world["quarter"], lines=lines(**figures),
                                        expected_version=version)


def winner_and_loser(outcomes):
    won = [o for o in outcomes if isinstance(o[0], DossierReport)]
    lost = [o for o in outcomes if isinstance(o[0], services.ReportConflict)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    return won[0], lost[0]


def test_two_clerks_saving_the_same_report_at_once(world, slow_writes):
    save(world, "xa", 0)()  # version 1, opened by both clerks
    slow_writes()
    outcomes = race(save(world, "xa", 1, resolved_early=10, resolved_on_time=75),
                    save(world, "xa2", 1, resolved_early=45, resolved_on_time=40))
    (report, _), (conflict, waited) = winner_and_loser(outcomes)
    assert waited >= HOLD * 0.8  # the loser waited for the winner's lock, then lost
    assert "vẫn còn trên trang" in str(conflict)
    stored = DossierReport.objects.get()
    assert stored.version == 2 and stored.updated_by == report.updated_by
    winner_early = report_lines(report)[factories.field().pk]["resolved_early"]
    assert report_lines(stored)[factories.field().pk]["resolved_early"] == winner_early
    assert ReportEvent.objects.filter(report=stored).count() == 2  # created, then the winner


def test_two_clerks_creating_the_same_report_at_once(world, slow_writes):
    slow_writes()
    outcomes = race(save(world, "xa", 0, resolved_early=10, resolved_on_time=75),
                    save(world, "xa2", 0, resolved_early=45, resolved_on_time=40))
    (report, _), (conflict, waited) = winner_and_loser(outcomes)
    assert waited >= HOLD * 0.8  # its insert waited on the unique index, then lost
    assert "vẫn còn trên trang" in str(conflict)
    assert DossierReport.objects.count() == 1 and DossierReport.objects.get().version == 1
    assert ReportEvent.objects.count() == 1


def test_an_approval_racing_an_edit(world, slow_writes):
    submitted = services.report_save(user=world["xa"], unit=world["an_my"],
                                     period=world["quarter"], lines=lines(),
                                     expected_version=0, submit=True)
    approve = lambda: services.report_approve(  # noqa: E731
        user=world["huyen"], report=submitted, expected_version=1)
    slow_writes()
    outcomes = race(save(world, "xa2", 1, resolved_early=45, resolved_on_time=40), approve)
    (winner, _), (conflict, _) = winner_and_loser(outcomes)
    stored = DossierReport.objects.get()
    assert stored.version == 2
    if winner.status == ReportStatus.APPROVED:  # approved what the reviewer saw
        assert stored.status == ReportStatus.APPROVED
        assert report_lines(stored)[factories.field().pk]["resolved_early"] != 45
    else:  # the edit won: nothing was approved that the reviewer did not see
        assert stored.status == ReportStatus.SUBMITTED
        assert report_lines(stored)[factories.field().pk]["resolved_early"] == 45
    assert "vẫn còn trên trang" in str(conflict)
