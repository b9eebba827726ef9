"""Benchmark: the heavy pages on the national data set, beside the database's own floor.

What it measures. On PostgreSQL holding the national demo data (``load_demo --scale
national``, loaded first if it is missing), for each page below: the server time of 50
requests through Django's test client (in-process: URL routing, access checks, selectors,
templates; no network), median and p95, beside the time of the bare SQL that returns the same
numbers (the 12 counts per unit for the period and the previous one, summed from the lines —
what the page could not do faster than). Target: page ≤ 1.5 × SQL + 50 ms. The rankings are
cached under their figures' versions (``reports/caching.py``): the 50 requests are served from
the cache after the first ("warm"); a "cold" median of 10 requests, each made right after the
period's figures were marked changed, is the cost of recomputing (the first visit after an
approval: at a deadline, every approval makes the period's rankings cold). Both are reported,
each against the same target.

* ranking of every commune of the largest province (Thanh Hóa, 547 communes, 2024-Q4);
* national ranking of every district (696, 2024-Q4);
* national ranking of every commune (3,321, 2026-Q2);
* the dashboard of that province (2024-Q4).

Also ``wrk`` (Debian package) against gunicorn with 2 workers on a free port: requests per
second for the national rankings of provinces and of communes beside the login page, a trivial
Django page, in the same run. Target: ranking ≥ 50 % of the trivial page's rate. The cache is
Redis (``REDIS_URL``, database 1 of 127.0.0.1:6379 unless set), as deployed.

Run from the repository root, with ``DATABASE_URL`` pointing at the national database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_nat .venv/bin/python bench/national.py
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
# Measured as deployed: DEBUG off (it records every query), the cache shared by the workers
# (docs/scaling.md) in a Redis database of its own.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from cchc.accounts.models import Role  # noqa: E402
from cchc.accounts.services import account_assign  # noqa: E402
from cchc.demo.national import SOURCE_NOTE  # noqa: E402
from cchc.dossiers.columns import FIELD_NAMES  # noqa: E402
from cchc.dossiers.models import DossierReport  # noqa: E402
from cchc.dossiers.selectors import COUNTED_STATUSES  # noqa: E402
from cchc.periods.models import ReportingPeriod  # noqa: E402
from cchc.periods.services import figures_changed  # noqa: E402
from cchc.units.models import AdministrativeUnit, Level, UnitList  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import Result, text_table, write_json  # noqa: E402

REQUESTS = 50
COLD_REQUESTS = 10
USER = "bench-national"
PASSWORD = "bench-only-password-1"


def _create_database() -> None:
    """Create BENCH_DATABASE_URL's database on its server when it is missing (a fresh machine)."""
    import psycopg
    from psycopg import sql

    settings_dict = connection.settings_dict
    params = {key: value for key, value in {
        "host": settings_dict["HOST"], "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"], "password": settings_dict["PASSWORD"] or None,
    }.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [settings_dict["NAME"]]).fetchone():
            print(f"… creating the database {settings_dict['NAME']}", file=sys.stderr)
            server.execute(sql.SQL("CREATE DATABASE {}").format(
                sql.Identifier(settings_dict["NAME"])))


def ensure_data() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/national.py measures PostgreSQL: set DATABASE_URL to a PostgreSQL "
                 "database (it is loaded with the national demo data if needed).")
    # Migrating and loading run in child processes: the migration graph and the loaders'
    # objects would otherwise stay in this process's heap, which a server's worker does not
    # hold, and every garbage collection during the measurements would walk them (cold pages
    # measured ~40 ms slower so).
    _create_database()
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], check=True)
    if not DossierReport.objects.filter(source_note=SOURCE_NOTE).exists():
        print("… loading the national demo data (about 3 minutes)", file=sys.stderr)
        for command in (["load_units"], ["load_demo", "--scale", "national"]):
            subprocess.run([*manage, *command], check=True, stdout=subprocess.DEVNULL)
    user, _ = get_user_model().objects.get_or_create(username=USER)
    user.set_password(PASSWORD)
    user.save()
    account_assign(user=user, role=Role.NATIONAL, unit=None)


def timed(function, count: int = REQUESTS) -> list[float]:
    function()  # warm-up: imports, template loading, connection
    result = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        result.append(time.perf_counter() - start)
    return result


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def bare_sql(unit_ids: list[int], period: ReportingPeriod) -> int:
    """One run of the floor: the 12 sums per unit for the period and the previous quarter,
    straight from the lines (no rollups, no Python beyond fetching the rows)."""
    previous = ReportingPeriod.objects.get(code=period.spec.previous().code)
    sums = ", ".join(f"SUM(l.{name})" for name in FIELD_NAMES)
    sql = (f"SELECT r.period_id, r.unit_id, {sums} FROM dossiers_dossierreport r "
           "JOIN dossiers_dossierline l ON l.report_id = r.id "
           "WHERE r.status = ANY(%s) AND r.period_id = ANY(%s) AND r.unit_id = ANY(%s) "
           "GROUP BY r.period_id, r.unit_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(COUNTED_STATUSES), [period.pk, previous.pk], unit_ids])
        return len(cursor.fetchall())


def pages() -> list[tuple[str, str, dict, list[int], ReportingPeriod]]:
    q4, q2 = (ReportingPeriod.objects.get(code=c) for c in ("2024-Q4", "2026-Q2"))
    thanh_hoa = AdministrativeUnit.objects.get(unit_list=UnitList.BEFORE_2025, code="38")
    old, new = UnitList.BEFORE_2025, UnitList.FROM_2025

    def ids(**filters):
        return list(AdministrativeUnit.objects.filter(**filters).values_list("pk", flat=True))

    return [
        ("ranking: communes of Thanh Hóa, 2024-Q4",
         reverse("reports:ranking", args=[old, "38", q4.code]), {"level": Level.COMMUNE},
         ids(province=thanh_hoa, level=Level.COMMUNE), q4),
        ("national ranking: 696 districts, 2024-Q4",
         reverse("reports:national_ranking", args=[old, q4.code]), {"level": Level.DISTRICT},
         ids(unit_list=old, level=Level.DISTRICT), q4),
        ("national ranking: 3,321 communes, 2026-Q2",
         reverse("reports:national_ranking", args=[new, q2.code]), {"level": Level.COMMUNE},
         ids(unit_list=new, level=Level.COMMUNE), q2),
        ("dashboard: Tỉnh Thanh Hóa, 2024-Q4",
         reverse("reports:dashboard", args=[old, "38", q4.code]), {},
         [thanh_hoa.pk], q4),
    ]


def server_times(results: list[Result]) -> None:
    """Warm: 50 requests in a row (the second and later are served from the cache, as every
    visit after the first is until a report of the period changes). Cold: 10 requests, each
    right after the period's figures were marked changed, so the ranking is computed and
    rendered again, as for the first visitor after an approval."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=USER))  # axes wants a request
    for label, path, params, unit_ids, period in pages():
        def get(path=path, params=params):
            response = client.get(path, params)
            assert response.status_code == 200, (path, response.status_code)

        def cold_get(get=get, period=period):
            figures_changed(periods=[period])
            start = time.perf_counter()
            get()
            return time.perf_counter() - start

        page = timed(get)
        cold = [cold_get() for _ in range(COLD_REQUESTS)]
        sql = timed(lambda unit_ids=unit_ids, period=period: bare_sql(unit_ids, period))
        median, floor, cold_median = (statistics.median(page), statistics.median(sql),
                                      statistics.median(cold))
        target = 1.5 * floor + 0.050
        name = f"{label} ({len(unit_ids):,} units)"
        results.append(Result(
            "pages", f"{name}, warm (cached), median of {REQUESTS}",
            median * 1000, "ms", "bare SQL of the same numbers", floor * 1000,
            f"≤ 1.5 × SQL + 50 ms = {target * 1000:.1f} ms", median <= target,
            f"p95 {p95(page) * 1000:.1f} ms"))
        results.append(Result(
            "pages", f"{name}, cold (figures just changed), median of {COLD_REQUESTS}",
            cold_median * 1000, "ms", "bare SQL of the same numbers", floor * 1000,
            f"≤ 1.5 × SQL + 50 ms = {target * 1000:.1f} ms", cold_median <= target,
            f"max {max(cold) * 1000:.1f} ms"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def throughput(seconds: int, results: list[Result]) -> None:
    if not shutil.which("wrk"):
        sys.exit("bench/national.py: wrk is not installed (apt-get install wrk)")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=USER))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "cchc.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "cchc.settings"})
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        q2 = ReportingPeriod.objects.get(code="2026-Q2")
        national = reverse("reports:national_ranking", args=[UnitList.FROM_2025, q2.code])
        targets = [
            ("login page (trivial Django page)", reverse("login"), ""),
            ("national ranking: 34 provinces, 2026-Q2", national, cookie),
            ("national ranking: 3,321 communes, 2026-Q2", f"{national}?level=3", cookie),
        ]
        measured = []
        for label, path, cookie_header in targets:
            command = ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"]
            if cookie_header:
                command[1:1] = ["-H", f"Cookie: {cookie_header}"]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
            latency = re.search(r"Latency\s+(\S+)", output).group(1)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
            if errors:
                sys.exit(f"bench/national.py: {errors.group(1)} failed responses for {path}")
            measured.append((label, rate, latency))
        trivial = measured[0][1]
        for label, rate, latency in measured:
            is_trivial = rate is trivial
            results.append(Result(
                "throughput", f"{label}, gunicorn 2 workers, wrk -t2 -c8 {seconds} s",
                rate, "req/s", "" if is_trivial else "login page, same run",
                None if is_trivial else trivial,
                "" if is_trivial else "≥ 50 % of the trivial page",
                None if is_trivial else rate >= 0.5 * trivial, f"mean latency {latency}"))
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration per page")
    parser.add_argument("--json", help="also write the results to this file (bench/run.py)")
    parser.add_argument("--pages-only", action="store_true",
                        help="only the server times, without wrk (a short focused run)")
    args = parser.parse_args()
    ensure_data()
    print(f"national data set on PostgreSQL: "
          f"{DossierReport.objects.count():,} reports; Python {platform.python_version()}, "
          f"Django {django.get_version()}; {os.cpu_count()} cores; cache "
          f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    results: list[Result] = []
    server_times(results)
    if not args.pages_only:
        throughput(args.seconds, results)
    print(text_table(results))
    if args.json:
        write_json(results, args.json)


if __name__ == "__main__":
    main()
