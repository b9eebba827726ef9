"""Benchmark: previewing and importing a large filled workbook, beside a bare python-calamine
read of the same file; the preview's peak memory at 1×, 2× and 4× the rows; the reader before
and after python-calamine on Sóc Trăng's 108 communes.

What it measures. On PostgreSQL with the national demo data (loaded if missing, as
``bench/national.py`` does), it writes the Excel template for 2024-Q4 of every unit of Tỉnh
Thanh Hóa (the province, 27 districts, 547 communes: about 7,500 field rows), then of the next
provinces by code until ``--rows`` field rows (66,000 by default: 66,283 rows on 5,091 sheets),
one sheet per unit as the template has it (openpyxl, styles, protection and formulas), with every
row changed the way a clerk would (one more dossier received in person and still pending in time,
so the form's identities still hold). Then, each in a transaction that is rolled back so a rerun
measures the same thing:

* **baseline**: a bare python-calamine read of every sheet of the file (``to_python``), no
  checks: the floor of any reader of it;
* **preview**: what the upload page does before it shows the changes — ``read_workbook`` (the
  package checks, every cell, the header codes, the scope) and ``import_plan`` (the diff against
  the stored reports, what saving does, the outliers) for the importing user. Target ≤ 3 × the
  baseline;
* **import**: the whole ``import_dossiers`` path — read, plan, ``reports_import`` (version
  checks, set-based writes, one audit event per report with every changed cell, the totals and
  flags refreshed once). Target ≤ 10 × the baseline;
* **memory**: the preview's peak RSS (VmHWM, a child process per size) on the
  same sheets repeated for 1, 2 and 4 quarters (2024-Q4 back to 2024-Q1), written with
  XlsxWriter: the rows grow 1×, 2×, 4×. Target: the peak grows no faster than the rows;
* **before/after**: ``read_workbook`` of the 108-sheet workbook of Sóc Trăng's communes
  (2024-Q4), python-calamine beside the openpyxl reader as of commit ``OPENPYXL_READER`` (read
  from git; skipped outside a git checkout).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_nat \\
        .venv/bin/python bench/import_workbook.py
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import python_calamine  # noqa: E402
import xlsxwriter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from national import ensure_data  # noqa: E402  (sets Django up)
from openpyxl import Workbook  # noqa: E402
from report import Result, text_table, write_json  # noqa: E402

from cchc.accounts.access import CommandLineOperator  # noqa: E402
from cchc.dossiers import excel  # noqa: E402
from cchc.dossiers.excel import add_template_sheet, read_workbook  # noqa: E402
from cchc.dossiers.models import ProcedureField  # noqa: E402
from cchc.dossiers.services import import_plan, reports_import  # noqa: E402
from cchc.periods.models import ReportingPeriod  # noqa: E402
from cchc.units.models import AdministrativeUnit, Level, UnitList  # noqa: E402

FIRST_ROW = 17
#: (5a) and (12) one more: the totals (3), (11) are the template's formulas, so the identities
#: still hold.
CHANGED = {"E": 1, "M": 1}
QUARTERS = ("2024-Q4", "2024-Q3", "2024-Q2", "2024-Q1")  # the 1×, 2×, 4× workbooks' periods
#: The last commit whose reader used openpyxl (full mode, loaded twice).
OPENPYXL_READER = "6082622"
SOC_TRANG = "94"


def write_templates(units, quarter: ReportingPeriod, path: Path) -> int:
    """``quarter``'s template of each of ``units``, one sheet each, every row changed as
    described above; returns the field rows written."""
    fields = {level: ProcedureField.objects.for_level(level).count() for level in (1, 2, 3)}
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = 0
    for unit in units:
        sheet = add_template_sheet(workbook, unit, quarter)
        for row in range(FIRST_ROW, FIRST_ROW + fields[unit.level]):
            for column, delta in CHANGED.items():
                cell = sheet[f"{column}{row}"]
                cell.value = (cell.value or 0) + delta
        rows += fields[unit.level]
    workbook.save(path)
    return rows


def province_units(rows_wanted: int):
    """Every unit of Thanh Hóa, then of the next provinces by code, until ``rows_wanted``
    field rows."""
    provinces = ["38"] + list(AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, level=1).exclude(code="38").order_by("code")
        .values_list("code", flat=True))
    fields = {level: ProcedureField.objects.for_level(level).count() for level in (1, 2, 3)}
    units, rows = [], 0
    for code in provinces:
        if rows >= rows_wanted:
            break
        province = AdministrativeUnit.objects.get(unit_list=UnitList.BEFORE_2025, code=code)
        for unit in AdministrativeUnit.objects.subtree_of(province).order_by("level", "code"):
            units.append(unit)
            rows += fields[unit.level]
    return units


_REFERENCE = re.compile(r"([A-Z]{1,3})(\d+)")


def repeat_quarters(source: Path, target: Path, quarters: list[str]) -> int:
    """The sheets of ``source`` once per quarter of ``quarters`` (its own first), written with
    XlsxWriter: the same cells, the period code in C8 changed, a sheet of a later quarter titled
    ``<code> <quarter>``; each total formula with its result stored, as Excel would. Returns the
    number of sheets."""
    # XlsxWriter's constant-memory mode keeps a temporary file open per sheet: 20,000 of them.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * 5_100 * len(quarters) + 1024
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    data = source.read_bytes()
    book = excel.UploadedWorkbook(data, excel._check_package(data, excel.FORM_LIMITS))
    sheets = list(book.sheets())
    out = xlsxwriter.Workbook(str(target), {"constant_memory": True,
                                            "strings_to_numbers": False,
                                            "strings_to_formulas": False})
    period_cell = excel.coordinate_to_tuple(excel.PERIOD_CELL)
    for index, quarter in enumerate(quarters):
        for sheet in sheets:
            page = out.add_worksheet(sheet.title if index == 0 else f"{sheet.title} {quarter}")
            for row in range(1, sheet.max_row + 1):
                for column in range(1, sheet.max_column + 1):
                    formula = sheet.formula(row, column)
                    if formula is not None:
                        result = sum(
                            sheet.stored(int(r), excel.column_index_from_string(c)) or 0
                            for c, r in _REFERENCE.findall(formula))
                        page.write_formula(row - 1, column - 1, formula, None, result)
                        continue
                    value = quarter if (row, column) == period_cell else sheet.stored(row,
                                                                                     column)
                    if value is not None:
                        page.write(row - 1, column - 1, value)
    out.close()
    return len(sheets) * len(quarters)


def timed(function) -> float:
    start = time.perf_counter()
    with transaction.atomic():
        function()
        transaction.set_rollback(True)
    return time.perf_counter() - start


def bare_read(path: Path) -> None:
    """Every sheet of ``path`` read by python-calamine, nothing else: the baseline."""
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        workbook.get_sheet_by_name(name).to_python()


def preview(path: Path, operator) -> None:
    import_plan(sheets=read_workbook(path), user=operator)


def full_import(path: Path, operator) -> None:
    plans = import_plan(sheets=read_workbook(path), user=operator)
    reports_import(user=operator, plans=plans, reason="bench/import_workbook.py")


def memory_kib() -> tuple[int, int]:
    """(RSS now, its high-water mark) of this process in KiB, from ``/proc/self/status``.
    ``resource.getrusage``'s ``ru_maxrss`` is the fallback only: in a process started by a
    large one it reports the parent's pages (Linux carries the high-water mark over ``exec``)."""
    try:
        status = Path("/proc/self/status").read_text()
        now = int(re.search(r"VmRSS:\s+(\d+)", status)[1])
        return now, int(re.search(r"VmHWM:\s+(\d+)", status)[1])
    except (OSError, TypeError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak, peak


def child(path: Path) -> None:
    """In a process of its own: the preview of ``path``, then the RSS (KiB) before it and the
    peak during it, as JSON on stdout."""
    settings.CCHC_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
    operator = CommandLineOperator()
    ProcedureField.objects.count()  # connection and imports, before the measure
    before, _peak = memory_kib()
    seconds = timed(lambda: preview(path, operator))
    _now, peak = memory_kib()
    print(json.dumps({"before": before, "peak": peak, "seconds": seconds}))


def rss_of(path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(path)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def openpyxl_reader():
    """``cchc/dossiers/excel.py`` as of ``OPENPYXL_READER``, as a module; None outside git."""
    try:
        text = subprocess.run(["git", "-C", str(HERE.parent), "show",
                               f"{OPENPYXL_READER}:cchc/dossiers/excel.py"], check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType("excel_openpyxl")
    module.__file__ = "excel_openpyxl.py"
    sys.modules[module.__name__] = module
    exec(compile(text, module.__file__, "exec"), module.__dict__)  # noqa: S102
    return module


def before_after(directory: Path) -> tuple[Result | None, str]:
    quarter = ReportingPeriod.objects.get(code=QUARTERS[0])
    communes = list(AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, level=Level.COMMUNE, province__code=SOC_TRANG)
        .as_of(quarter.end).order_by("code"))
    path = directory / "soc-trang.xlsx"
    write_templates(communes, quarter, path)
    new = min(timed(lambda: read_workbook(path)) for _ in range(3))
    old_module = openpyxl_reader()
    if old_module is None:
        return None, "openpyxl reader: not a git checkout, skipped"
    old = timed(lambda: old_module.read_workbook(path))
    line = (f"Sóc Trăng, {len(communes)} sheets: python-calamine {new:.2f} s, "
            f"openpyxl ({OPENPYXL_READER}) {old:.2f} s, {old / new:.1f}× faster")
    return Result(
        "import", f"read_workbook of Sóc Trăng's {len(communes)}-sheet workbook "
        "(python-calamine)", new, "s", f"the openpyxl reader ({OPENPYXL_READER})", old,
        "faster than openpyxl", new < old,
        f"{old / new:.1f}× faster; every check of the reader, same messages"), line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=66_000)
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the peak RSS at 1×, 2×, 4× the rows")
    parser.add_argument("--json", help="also write the result to this file (bench/run.py)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child))
        return
    ensure_data()
    # A whole province's workbook is larger than one unit's upload limit (5 MiB by default):
    # measured here with the limit raised, as an administrator would for such an import.
    settings.CCHC_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024
    operator = CommandLineOperator()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as name:
        directory = Path(name)
        path = directory / "thanh-hoa.xlsx"
        started = time.perf_counter()
        quarter = ReportingPeriod.objects.get(code=QUARTERS[0])
        units = province_units(args.rows)
        rows = write_templates(units, quarter, path)
        written = time.perf_counter() - started
        sheets = len(units)
        size = path.stat().st_size / 1024 / 1024
        print(f"workbook: {rows:,} field rows on {sheets:,} sheets, {size:.1f} MiB "
              f"(written in {written:.1f} s)", flush=True)
        bare_read(path)  # warm-up: the file in the page cache, calamine loaded
        baseline = min(timed(lambda: bare_read(path)) for _ in range(3))
        previewed = timed(lambda: preview(path, operator))
        print(f"bare read {baseline:.2f} s, preview {previewed:.2f} s", flush=True)
        imported = timed(lambda: full_import(path, operator))
        print(f"import {imported:.2f} s", flush=True)
        what = f"{rows:,}-row workbook ({sheets:,} sheets, {size:.1f} MiB)"
        bare = "bare python-calamine read of every sheet"
        results += [
            Result("import", f"preview of a {what}: read_workbook + import_plan", previewed,
                   "s", bare, baseline, "≤ 3 × the bare read", previewed <= 3 * baseline,
                   "every check, diff against the stored reports, outcome, outliers"),
            Result("import", f"import of the same {what}", imported, "s", bare, baseline,
                   "≤ 10 × the bare read", imported <= 10 * baseline,
                   "whole import_dossiers path, set-based writes, rolled back"),
        ]
        if not args.no_memory:
            peaks = {}
            for times in (1, 2, 4):
                repeated = directory / f"rows-{times}x.xlsx"
                count = repeat_quarters(path, repeated, list(QUARTERS[:times]))
                peaks[times] = rss_of(repeated)
                print(f"memory {times}×: {count:,} sheets, "
                      f"{repeated.stat().st_size / 2**20:.1f} MiB, peak RSS "
                      f"{peaks[times]['peak'] / 1024:.0f} MiB (before the preview "
                      f"{peaks[times]['before'] / 1024:.0f} MiB, preview "
                      f"{peaks[times]['seconds']:.1f} s)", flush=True)
                repeated.unlink()
            one = peaks[1]["peak"] / 1024
            for times, peak in peaks.items():
                value = peak["peak"] / 1024
                results.append(Result(
                    "memory", f"peak RSS of the preview, {times}× the rows "
                    f"({rows * times:,} rows)", value, "MiB",
                    "the same at 1× the rows" if times > 1 else "",
                    one if times > 1 else None,
                    "grows no faster than the rows" if times > 1 else "",
                    value <= times * one if times > 1 else None,
                    f"child process; {peak['before'] / 1024:.0f} MiB before the preview, "
                    f"preview {peak['seconds']:.1f} s"))
        compared, line = before_after(directory)
        print(line)
        if compared is not None:
            results.append(compared)
    print(text_table(results))
    for result in results:
        if result.met is not None:
            print(f"{result.name}: {result.verdict}"
                  + (f" ({result.ratio:.2f}×)" if result.ratio is not None else ""))
    if args.json:
        write_json(results, args.json)


if __name__ == "__main__":
    main()
