"""Every benchmark in one run (``make bench``): one table, printed and written to
``docs/performance.md`` with the date and the machine.

Runs, each in its own process, on the PostgreSQL database named by ``DATABASE_URL`` (created
and loaded with the national demo data when missing, about 3 minutes):

* ``bench/national.py``: server time of the heavy pages beside the bare SQL of the same
  numbers, warm (cached) and cold (just after their figures changed); requests per second of
  the rankings beside a trivial page under wrk and gunicorn;
* ``bench/forms.py``: server time of the entry form and the review page (target 50 ms);
* ``bench/load.py``: 50 users for 5 minutes (locust) against gunicorn with 2 workers: failed
  requests (target 0) and the p95 of every response (target 500 ms), and each page's p95;
* ``bench/import_workbook.py``: previewing and importing a 66,000-row workbook beside a bare
  python-calamine read of it, the preview's peak RSS at 1×, 2×, 4× the rows, and the reader
  before and after python-calamine on a 108-sheet workbook;
* ``bench/export.py``: the summary workbook beside tablib and a bare openpyxl loop.

Options: ``--quick`` for a short smoke run (fewer rows and seconds; its table is not written to
the docs unless ``--write`` is given too).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from report import markdown_table, read_json, text_table  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench/run.py: start -->", "<!-- bench/run.py: end -->"


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist (the scripts load it)."""
    import psycopg

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("make bench measures PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL) to "
                 "postgres://…")
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", file=sys.stderr)


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB RAM" if found else ""
    return (f"{os.cpu_count()} vCPU ({cpu}){memory}, Linux {platform.release()}, "
            f"Python {platform.python_version()}")


def postgres_version() -> str:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        return connection.execute("SHOW server_version").fetchone()[0].split()[0]


def run(script: str, *arguments: str, check: bool = True) -> list:
    """The script's results; ``check=False`` for a script whose exit status is a verdict
    already in its results (``load.py`` exits 1 when a request failed)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    print(f"\n=== {script} {' '.join(arguments)} ===", flush=True)
    subprocess.run([sys.executable, str(HERE / script), *arguments, "--json", out],
                   cwd=ROOT, check=check)
    results = read_json(out)
    os.unlink(out)
    return results


def write_doc(table: str, header: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    block = f"{START}\n{header}\n\n{table}\n{END}"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Latest `make bench`\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--write", action="store_true",
                        help="write the table to docs/performance.md even with --quick")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    started = datetime.datetime.now(datetime.UTC)
    results = run("national.py", "--seconds", "3" if args.quick else "15")
    results += run("forms.py")
    results += run("load.py", *(["--users", "20", "--minutes", "0.5"] if args.quick else []),
                   check=False)
    results += run("import_workbook.py", "--rows", "2000" if args.quick else "66000")
    results += run("export.py", *(["--rows", "2000", "--repeat", "1"] if args.quick else []))
    header = (f"**Run:** {started:%Y-%m-%d %H:%M} UTC, `make bench`"
              f"{' --quick' if args.quick else ''}. **Machine:** {machine()}, "
              f"PostgreSQL {postgres_version()} on the same machine, national demo data set. "
              "Ratios are against the baseline measured in the same run.")
    print()
    print(header)
    print(text_table(results))
    missed = [r.name for r in results if r.met is False]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else ""))
    if not args.quick or args.write:
        write_doc(markdown_table(results), header)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
