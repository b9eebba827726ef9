"""Benchmark: the per-unit summary written as .xlsx by the exporter and by three other writers.

What it measures. One in-memory summary of N communes (10,000 by default) for 2024-Q4, built
without a database: unsaved ``AdministrativeUnit``s with seeded pseudo-random figures that obey
the identities of form II.06a (``cchc.demo.figures.synthetic_quarter``), their KPIs
(``reports.kpis.kpi_values``) and a ranking on the on-time rate. Every method starts from that
same ``reports.exports.Summary`` and writes an .xlsx file to a temporary directory, and every
method writes the same rows: the exporter's own (``reports.exports.unit_sheet_rows``, N rows of
22 columns, and ``ranking_sheet_rows``, N rows of 12), produced inside each timed region.

* ``exporter``: ``reports.exports.write_workbook``, the download users get: Biểu II.06a, then
  the two N-row sheets with headings, number formats, merged titles and page set-up;
* ``exporter, unit sheet``: the same function on the same summary with the by-field table and
  the ranking emptied, so the only N-row sheet is the per-unit one;
* ``openpyxl loop``: the floor, ``Workbook(write_only=True)`` and ``ws.append(row)`` of plain
  values, with the per-unit rows (``1 sheet``) or both sheets' rows (``2 sheets``);
* ``tablib``: ``tablib.Dataset(*rows, headers=...).export("xlsx")`` as django-import-export does
  it, one sheet, or a ``tablib.Databook`` of both sheets;
* ``pandas``: ``DataFrame(rows).to_excel`` (openpyxl engine), one sheet, or both through one
  ``ExcelWriter``.

The goals compare like with like: the full exporter with the two-sheet writers, the exporter's
per-unit sheet with the one-sheet writers.

How. Each (method, rows) is measured in a fresh interpreter (this script re-invoked with
``--one``), so one method's memory cannot hide another's. In it the summary is built, the method
is run once on 20 rows (lazy imports), and then ``--repeat`` times on the N rows: wall time by
``time.perf_counter`` (the median is reported) and the peak RSS increase over the RSS just before
the write (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, KiB on Linux; the high-water mark is
reset before each run through ``/proc/self/clear_refs`` where the kernel allows it, otherwise the
baseline is the peak so far). One more, untimed, run under ``tracemalloc`` gives the peak of
memory allocated through Python (lxml's own C buffers are not seen). The exporter and the
openpyxl loop are also run on 2× and 4× the rows to show whether memory stays flat.

Run from the repository root, with the bench extras installed (``pip install -e '.[bench]'``):

    .venv/bin/python bench/export.py [--rows 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
import pandas  # noqa: E402
import tablib  # noqa: E402
import xlsxwriter  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from cchc.demo.figures import synthetic_quarter  # noqa: E402
from cchc.dossiers.columns import COLUMNS, FIELD_NAMES  # noqa: E402
from cchc.periods.codes import PeriodSpec  # noqa: E402
from cchc.periods.models import ReportingPeriod  # noqa: E402
from cchc.periods.services import default_deadline  # noqa: E402
from cchc.ranking import competition_ranks  # noqa: E402
from cchc.units.models import KIND_LEVEL, AdministrativeUnit, Kind, UnitList  # noqa: E402
from reports.exports import (  # noqa: E402
    RATE_KEYS,
    Summary,
    ranking_sheet_rows,
    unit_sheet_rows,
    write_workbook,
)
from reports.kpis import KPIS, kpi_values  # noqa: E402
from reports.selectors import EMPTY, Ranking, RankRow, UnitRow  # noqa: E402

PERIOD = "2024-Q4"
SEED = 2024
WARM_UP_ROWS = 20
SCALES = (1, 2, 4)
MiB = 1024 * 1024
FLAT_ALLOWANCE_MIB = 8  # RSS noise of the allocator, below which "more memory" is not growth
COMMUNE_NAMES = (
    ("Xã Hòa Tú", Kind.COMMUNE), ("Phường Mỹ Xuyên", Kind.WARD), ("Xã Nhơn Mỹ", Kind.COMMUNE),
    ("Thị trấn Kế Sách", Kind.TOWNSHIP), ("Xã Đại Hải", Kind.COMMUNE),
    ("Phường Khánh Hòa", Kind.WARD), ("Xã Thạnh Trị", Kind.COMMUNE),
    ("Xã Lịch Hội Thượng", Kind.COMMUNE),
)
FIELD_NAMES_SHOWN = (
    "Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Thành lập và hoạt động của hộ kinh doanh",
    "Bảo trợ xã hội", "Người có công", "Nuôi con nuôi", "Thi đua, khen thưởng", "Văn hóa cơ sở",
    "Giáo dục và đào tạo", "Nông nghiệp và phát triển nông thôn",
)
UNIT_HEADINGS = (["code", "name", "level", "parent"] + [column.field for column in COLUMNS]
                 + list(RATE_KEYS))
RANKING_HEADINGS = ["rank", "change", "code", "name", "received", "resolved", *RATE_KEYS]


# --- the summary, in memory -------------------------------------------------------------------


def reporting_period(code: str) -> ReportingPeriod:
    spec = PeriodSpec.parse(code)
    return ReportingPeriod(code=spec.code, kind=spec.kind, year=spec.year, number=spec.number,
                           start=spec.start, end=spec.end, cutoff_start=spec.cutoff_start,
                           cutoff_end=spec.cutoff_end, deadline=default_deadline(spec))


def unit(code: str, name: str, short_name: str, kind: str, parent=None, province=None):
    return AdministrativeUnit(unit_list=UnitList.BEFORE_2025, code=code, name=name,
                              short_name=short_name, kind=kind, level=KIND_LEVEL[kind],
                              parent=parent, province=province)


def figures(rng: random.Random, year: int) -> dict[str, int] | None:
    """One commune's quarter, or ``None`` for the few that did not file."""
    if rng.random() < 0.02:
        return None
    return synthetic_quarter(carried_over=rng.randint(0, 60), volume=rng.randint(40, 1500),
                             year=year, rng=rng)


def summed(totals: list[dict[str, int]]) -> dict[str, int]:
    return {name: sum(t[name] for t in totals) for name in FIELD_NAMES}


def unit_rows(count: int, district, period, rng: random.Random) -> list[UnitRow]:
    rows = []
    for number in range(1, count + 1):
        code = f"{number:05d}"
        base, kind = COMMUNE_NAMES[number % len(COMMUNE_NAMES)]
        name = f"{base} {number % 9 + 1} - {code}"
        commune = unit(code, name, name.split(" - ")[0], kind, district, district.province)
        totals = figures(rng, period.year)
        rows.append(UnitRow(commune, totals or EMPTY, kpi_values(totals or EMPTY),
                            totals is not None))
    return rows


def ranking(rows: list[UnitRow], period, rng: random.Random) -> Ranking:
    """Ranked on the on-time rate as ``reports.selectors.ranking`` does, with a made-up
    previous rank near the current one so the arrows column is filled."""
    kpi = KPIS["on_time_rate"]
    ranks = competition_ranks({i: row.values[kpi.key] for i, row in enumerate(rows)
                               if row.has_figures}, descending=kpi.higher_is_better)
    ranked = []
    for i, row in enumerate(rows):
        rank = ranks.get(i)
        previous = None if rank is None else max(1, rank + rng.randint(-20, 20))
        ranked.append(RankRow(row.unit, row.totals, rank, previous))
    ranked.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.code))
    return Ranking(kpi, period, reporting_period("2024-Q3"), ranked)


def build_summary(count: int, seed: int = SEED) -> Summary:
    rng = random.Random(seed)
    period = reporting_period(PERIOD)
    province = unit("94", "Tỉnh Sóc Trăng", "Sóc Trăng", Kind.PROVINCE)
    district = unit("941", "Huyện Kế Sách", "Kế Sách", Kind.RURAL_DISTRICT, province, province)
    rows = unit_rows(count, district, period, rng)
    by_field = [(name, synthetic_quarter(carried_over=rng.randint(0, 5000),
                                         volume=rng.randint(10_000, 400_000), year=period.year,
                                         rng=rng)) for name in FIELD_NAMES_SHOWN]
    totals = summed([field_totals for _name, field_totals in by_field])
    return Summary(province, period, by_field, totals, rows, ranking(rows, period, rng),
                   "Văn phòng Chính phủ")


# --- the methods -------------------------------------------------------------------------------


def sheets(summary: Summary, both: bool) -> list[tuple[str, list[str], Iterator[list]]]:
    """(name, headings, rows) of the per-unit sheet, and of the ranking sheet when ``both``."""
    result = [("Theo đơn vị", UNIT_HEADINGS, unit_sheet_rows(summary))]
    if both:
        result.append(("Xếp hạng", RANKING_HEADINGS, ranking_sheet_rows(summary)))
    return result


def run_exporter(summary: Summary, path: Path) -> None:
    write_workbook(summary, str(path))


def run_exporter_unit_sheet(summary: Summary, path: Path) -> None:
    """The same public function with only the per-unit sheet holding the N rows."""
    ranking_ = summary.ranking
    write_workbook(dataclasses.replace(
        summary, by_field=[], ranking=Ranking(ranking_.kpi, ranking_.period, None, [])),
        str(path))


def openpyxl_loop(both: bool) -> Callable[[Summary, Path], None]:
    def run(summary: Summary, path: Path) -> None:
        workbook = Workbook(write_only=True)
        for name, headings, rows in sheets(summary, both):
            sheet = workbook.create_sheet(name)
            sheet.append(headings)
            for row in rows:
                sheet.append(row)
        workbook.save(str(path))
    return run


def run_tablib(both: bool) -> Callable[[Summary, Path], None]:
    def run(summary: Summary, path: Path) -> None:
        datasets = [tablib.Dataset(*rows, headers=headings, title=name)
                    for name, headings, rows in sheets(summary, both)]
        book = datasets[0] if len(datasets) == 1 else tablib.Databook(datasets)
        path.write_bytes(book.export("xlsx"))
    return run


def run_pandas(both: bool) -> Callable[[Summary, Path], None]:
    def run(summary: Summary, path: Path) -> None:
        with pandas.ExcelWriter(path, engine="openpyxl") as writer:
            for name, headings, rows in sheets(summary, both):
                pandas.DataFrame(list(rows), columns=headings).to_excel(
                    writer, sheet_name=name, index=False)
    return run


EXPORTER, UNIT_SHEET = "exporter", "exporter, unit sheet"
LOOP_1, LOOP_2 = "openpyxl loop, 1 sheet", "openpyxl loop, 2 sheets"
TABLIB_1, TABLIB_2 = "tablib, 1 sheet", "tablib, 2 sheets"
PANDAS_1, PANDAS_2 = "pandas, 1 sheet", "pandas, 2 sheets"
METHODS: dict[str, Callable[[Summary, Path], None]] = {
    EXPORTER: run_exporter,
    LOOP_2: openpyxl_loop(both=True),
    TABLIB_2: run_tablib(both=True),
    PANDAS_2: run_pandas(both=True),
    UNIT_SHEET: run_exporter_unit_sheet,
    LOOP_1: openpyxl_loop(both=False),
    TABLIB_1: run_tablib(both=False),
    PANDAS_1: run_pandas(both=False),
}
# Which floor and which tablib run each method is compared with: the same rows.
LIKE_FOR_LIKE = {EXPORTER: (LOOP_2, TABLIB_2), LOOP_2: (LOOP_2, TABLIB_2),
                 TABLIB_2: (LOOP_2, TABLIB_2), PANDAS_2: (LOOP_2, TABLIB_2),
                 UNIT_SHEET: (LOOP_1, TABLIB_1), LOOP_1: (LOOP_1, TABLIB_1),
                 TABLIB_1: (LOOP_1, TABLIB_1), PANDAS_1: (LOOP_1, TABLIB_1)}
WRITES = {
    EXPORTER: "form + 2 N-row sheets (22, 12 cols), formatted",
    UNIT_SHEET: "form + 1 N-row sheet (22 cols), formatted",
    LOOP_2: "2 N-row sheets (22, 12 cols), plain",
    TABLIB_2: "2 N-row sheets (22, 12 cols), plain",
    PANDAS_2: "2 N-row sheets (22, 12 cols), plain",
    LOOP_1: "1 N-row sheet (22 cols), plain",
    TABLIB_1: "1 N-row sheet (22 cols), plain",
    PANDAS_1: "1 N-row sheet (22 cols), plain",
}


# --- one measurement, in its own process -------------------------------------------------------


def _max_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    """Reset the RSS high-water mark to the current RSS (Linux ≥ 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def _timed_run(method, summary: Summary, path: Path) -> tuple[float, int]:
    """(seconds, peak RSS increase in KiB) of one write."""
    gc.collect()
    _reset_peak()
    before = _max_rss_kib()
    start = time.perf_counter()
    method(summary, path)
    seconds = time.perf_counter() - start
    path.unlink()
    return seconds, _max_rss_kib() - before


def _traced_peak(method, summary: Summary, path: Path) -> tuple[int, int]:
    """(peak bytes allocated through Python, file size) of one untimed write."""
    gc.collect()
    tracemalloc.start()
    method(summary, path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = path.stat().st_size
    path.unlink()
    return peak, size


def measure(name: str, rows: int, repeat: int) -> dict:
    method = METHODS[name]
    exporter = exporter_hash()
    summary = build_summary(rows)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        path = Path(directory) / "out.xlsx"
        method(build_summary(WARM_UP_ROWS, seed=SEED + 1), path)
        path.unlink()
        runs = [_timed_run(method, summary, path) for _ in range(repeat)]
        traced, size = _traced_peak(method, summary, path)
    return {"method": name, "rows": rows, "seconds": [s for s, _kib in runs],
            "rss_kib": max(kib for _s, kib in runs), "traced": traced, "size": size,
            "peak_reset": _reset_peak(), "exporter": exporter}


def measure_in_subprocess(name: str, rows: int, repeat: int) -> dict:
    print(f"… {name}, {rows:,} rows", file=sys.stderr, flush=True)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--one", name, "--rows", str(rows),
         "--repeat", str(repeat)],
        cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"{name} at {rows} rows failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the table and the verdicts ---------------------------------------------------------------


def _median(result: dict) -> float:
    return statistics.median(result["seconds"])


def _spread(seconds: list[float]) -> str:
    return f"{min(seconds):.2f}–{max(seconds):.2f}"


def _ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> str:
    if numerator is None or not denominator:
        return "–"
    return f"{numerator / denominator:.{digits}f}×"


def table(results: list[dict], rows: int) -> list[str]:
    """One line per run; ``÷ floor`` and ``tablib ÷`` against the runs that write the same rows
    (``LIKE_FOR_LIKE``) at the same number of rows."""
    at = {(r["method"], r["rows"]): _median(r) for r in results}
    header = (f"{'method':<23} {'rows':>6} {'median s':>9} {'min–max s':>12} {'÷ floor':>8} "
              f"{'tablib ÷':>8} {'peak RSS Δ MiB':>14} {'tracemalloc MiB':>15} "
              f"{'file KiB':>8}  writes")
    lines = [header, "-" * len(header)]
    for r in results:
        seconds = _median(r)
        floor, tablib_run = LIKE_FOR_LIKE[r["method"]]
        lines.append(
            f"{r['method']:<23} {r['rows']:>6} {seconds:>9.3f} "
            f"{_spread(r['seconds']):>12} "
            f"{_ratio(seconds, at.get((floor, r['rows']))):>8} "
            f"{_ratio(at.get((tablib_run, r['rows'])), seconds, 1):>8} "
            f"{r['rss_kib'] / 1024:>14.1f} {r['traced'] / MiB:>15.1f} "
            f"{r['size'] / 1024:>8.0f}  {WRITES[r['method']]}")
    return lines


def _faster(speed_up: float) -> str:
    if speed_up >= 1:
        return f"{speed_up:.1f}× faster"
    return f"{1 / speed_up:.1f}× slower"


def _thousands(count: int) -> str:
    return f"{count / 1000:g}k" if count >= 1000 else str(count)


def _met(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def verdicts(results: list[dict], rows: int) -> list[str]:
    at = {(r["method"], r["rows"]): r for r in results}
    lines = []
    for name in (EXPORTER, UNIT_SHEET):
        floor, tablib_run = LIKE_FOR_LIKE[name]
        seconds = _median(at[name, rows])
        tablib_s, floor_s = _median(at[tablib_run, rows]), _median(at[floor, rows])
        speed_up, versus_floor = tablib_s / seconds, seconds / floor_s
        lines.append(f"{name} vs {tablib_run}: {_faster(speed_up)} (goal ≥ 2.5× faster) "
                     f"{_met(speed_up >= 2.5)} — {seconds:.3f} s vs {tablib_s:.3f} s")
        lines.append(f"{name} vs {floor}: {versus_floor:.2f}× (goal ≤ 1.3×) "
                     f"{_met(versus_floor <= 1.3)} — {seconds:.3f} s vs {floor_s:.3f} s")
    scaled = [at[EXPORTER, rows * k] for k in SCALES]
    rss = [r["rss_kib"] / 1024 for r in scaled]
    traced = [r["traced"] / MiB for r in scaled]
    sizes = "/".join(_thousands(rows * k) for k in SCALES)
    flat = rss[-1] <= max(1.25 * rss[0], rss[0] + FLAT_ALLOWANCE_MIB)
    lines.append(
        f"memory at {sizes} rows (exporter): peak RSS Δ "
        f"{' / '.join(f'{m:.1f}' for m in rss)} MiB, tracemalloc "
        f"{' / '.join(f'{m:.1f}' for m in traced)} MiB — "
        f"{'flat' if flat else 'grows'} (goal: flat, at 4× the rows ≤ 1.25× or "
        f"+{FLAT_ALLOWANCE_MIB} MiB) {_met(flat)}")
    return lines


#: The exporter's code: the summary's rows and sheets, and the writer they go through.
EXPORTER_FILES = ("reports/exports.py", "cchc/exports.py")


def exporter_hash() -> str:
    """Which exporter was measured (the first 12 hex digits of the sha256 of its files)."""
    digest = hashlib.sha256()
    for name in EXPORTER_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def versions(results: list[dict]) -> list[str]:
    hashes = sorted({r["exporter"] for r in results})
    lines = [f"Python {platform.python_version()}, XlsxWriter {xlsxwriter.__version__}, "
             f"openpyxl {openpyxl.__version__}, "
             f"tablib {tablib.__version__}, pandas {pandas.__version__}, "
             f"{' + '.join(EXPORTER_FILES)} sha256 {', '.join(hashes)}"]
    if len(hashes) > 1:
        lines.append("WARNING: the exporter changed during the run; the exporter rows "
                     "mix versions, run again")
    return lines


def run_all(rows: int, repeat: int) -> list[dict]:
    jobs = [(name, rows) for name in METHODS]
    jobs += [(name, rows * k) for k in SCALES[1:] for name in (EXPORTER, LOOP_2)]
    results = [measure_in_subprocess(name, count, repeat) for name, count in jobs]
    print(f"xlsx export of {rows:,} units ({PERIOD}), median of {repeat} runs, "
          f"each (method, rows) in a fresh process")
    print("\n".join(versions(results)))
    print("\n".join(table(results, rows)))
    if not all(r["peak_reset"] for r in results):
        print("note: /proc/self/clear_refs unavailable; RSS Δ is over the peak before the write")
    print()
    print("\n".join(verdicts(results, rows)))
    return results


def summary_results(results: list[dict], rows: int) -> list:
    """The goals as ``bench/report.Result`` lines for ``bench/run.py``."""
    from report import Result

    at = {(r["method"], r["rows"]): r for r in results}
    lines = []
    for name, label in ((EXPORTER, "full summary workbook"), (UNIT_SHEET, "per-unit sheet")):
        floor, tablib_run = LIKE_FOR_LIKE[name]
        seconds = _median(at[name, rows])
        tablib_s, floor_s = _median(at[tablib_run, rows]), _median(at[floor, rows])
        lines.append(Result("export", f"Excel export, {label}, {rows:,} units", seconds, "s",
                            f"{tablib_run}, same rows", tablib_s, "≤ 1/2.5 of tablib's time",
                            tablib_s / seconds >= 2.5, f"{tablib_s / seconds:.1f}× faster"))
        lines.append(Result("export", f"Excel export, {label}, {rows:,} units", seconds, "s",
                            f"{floor}, same rows", floor_s, "≤ 1.3 × the bare loop",
                            seconds / floor_s <= 1.3, "XlsxWriter, constant memory"))
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", choices=list(METHODS), help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write the goals to this file (bench/run.py)")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.rows, args.repeat)))
        return
    results = run_all(args.rows, args.repeat)
    if args.json:
        from report import write_json

        write_json(summary_results(results, args.rows), args.json)


if __name__ == "__main__":
    main()
