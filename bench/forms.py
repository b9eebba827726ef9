"""Benchmark: the pages clerks and reviewers open most, the entry form and the review page.

On the national data set (PostgreSQL, loaded by ``bench/national.py`` if missing), through
Django's test client in-process (routing, access checks, selectors, templates; no network):

* the entry form of Xã Nhơn Mỹ (13 rows) for the open quarter, as its clerk ``nhonmy`` opens
  it (a new report: column (6) prefilled from the previous quarter);
* the same form for a quarter it has filed (the stored figures, read-only once approved);
* the review page of a submitted commune report, as its approver opens it (read-only figures,
  the review panel, the outlier flags).

Each: median and p95 of 30 requests and the number of queries. Target: ≤ 50 ms server time.
``--profile`` prints where the time of one request of each goes (cProfile).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_nat .venv/bin/python bench/forms.py
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import national  # noqa: E402  (sets up Django as deployed: DEBUG off, Redis cache)
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from report import Result, text_table, write_json  # noqa: E402

from cchc.accounts.access import approver_unit  # noqa: E402
from cchc.accounts.models import Role  # noqa: E402
from cchc.accounts.services import account_assign  # noqa: E402
from cchc.demo.public import NHON_MY  # noqa: E402
from cchc.dossiers.models import DossierReport, ReportStatus  # noqa: E402
from cchc.dossiers.selectors import due_quarters  # noqa: E402
from cchc.units.models import AdministrativeUnit, Level, UnitList  # noqa: E402

REQUESTS = 30
TARGET = 0.050
REVIEWER = "bench-reviewer"


def pages() -> list[tuple[str, Client, str]]:
    nhon_my = AdministrativeUnit.objects.get(unit_list=UnitList.FROM_2025, code=NHON_MY)
    clerk = Client(HTTP_HOST="127.0.0.1")
    clerk.force_login(get_user_model().objects.get(username="nhonmy"))
    due = due_quarters(nhon_my, timezone.localdate())
    open_quarter = next((d.period for d in due if d.report is None), due[0].period)
    filed = next(d.period for d in due if d.report is not None)
    submitted = (DossierReport.objects.filter(status=ReportStatus.SUBMITTED,
                                              unit__level=Level.COMMUNE)
                 .select_related("unit__province", "unit__parent", "period").order_by("pk")
                 .first())
    reviewer, _ = get_user_model().objects.get_or_create(username=REVIEWER)
    account_assign(user=reviewer, role=Role.PROVINCIAL_OFFICE,
                   unit=approver_unit(submitted.unit, submitted.period.end))
    review = Client(HTTP_HOST="127.0.0.1")
    review.force_login(get_user_model().objects.get(username=REVIEWER))

    def url(unit, period):
        return reverse("dossiers:report", args=[unit.unit_list, unit.code, period.code])

    return [
        (f"entry form: {nhon_my.name}, {open_quarter.code} (new, 13 rows)", clerk,
         url(nhon_my, open_quarter)),
        (f"entry form: {nhon_my.name}, {filed.code} (filed, 13 rows)", clerk,
         url(nhon_my, filed)),
        (f"review page: {submitted.unit.name}, {submitted.period.code} (submitted)", review,
         url(submitted.unit, submitted.period)),
    ]


def measure(results: list[Result], profile: str | None) -> None:
    for label, client, path in pages():
        def get(client=client, path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        times = national.timed(get, REQUESTS)
        with CaptureQueriesContext(connection) as queries:
            get()
        median = statistics.median(times)
        results.append(Result(
            "pages", f"{label}, median of {REQUESTS}", median * 1000, "ms", "", None,
            f"≤ {TARGET * 1000:.0f} ms", median <= TARGET,
            f"p95 {national.p95(times) * 1000:.1f} ms; {len(queries)} queries"))
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            get()
            profiler.disable()
            print(f"\n--- {label}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile, 25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the results to this file (bench/run.py)")
    parser.add_argument("--profile", nargs="?", const=r"cchc|reports", metavar="REGEX",
                        help="print cProfile of one request of each page (the functions whose "
                             "file matches REGEX)")
    args = parser.parse_args()
    national.ensure_data()
    results: list[Result] = []
    measure(results, args.profile)
    print(text_table(results))
    if args.json:
        write_json(results, args.json)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    main()
