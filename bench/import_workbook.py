"""Benchmark: importing a province's filled workbook, beside merely parsing the same file.

What it measures. On PostgreSQL with the national demo data (loaded if missing, as
``bench/national.py`` does), it writes the Excel template for 2024-Q4 of every unit of Tỉnh
Thanh Hóa (the province, 27 districts, 547 communes: about 7,500 field rows), then of the next
provinces by code until ``--rows`` field rows (66,000 by default), one sheet per unit as the
template has it, with every row changed the way a clerk would (one more dossier received in
person and still pending in time, so the form's identities still hold). Then, each in a
transaction that is rolled back so a rerun measures the same thing:

* **parse**: ``cchc.dossiers.excel.read_workbook`` — open the file and check every cell;
* **import**: the whole ``import_dossiers`` path — parse, plan against the stored reports,
  ``reports_import`` (version checks, audit events with every changed cell, precomputed totals).

Target: import ≤ 3 × parse.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_nat \
        .venv/bin/python bench/import_workbook.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from national import ensure_data  # noqa: E402  (sets Django up)
from openpyxl import Workbook  # noqa: E402
from report import Result, write_json  # noqa: E402

from cchc.accounts.access import CommandLineOperator  # noqa: E402
from cchc.dossiers.excel import add_template_sheet, read_workbook  # noqa: E402
from cchc.dossiers.models import ProcedureField  # noqa: E402
from cchc.dossiers.services import import_plan, reports_import  # noqa: E402
from cchc.periods.models import ReportingPeriod  # noqa: E402
from cchc.units.models import AdministrativeUnit, UnitList  # noqa: E402

FIRST_ROW = 17
CHANGED = {"C": 1, "E": 1, "L": 1, "M": 1}  # (3), (5a), (11), (12): identities still hold


def build(rows_wanted: int, path: Path) -> tuple[int, int]:
    """2024-Q4's template of every unit of Thanh Hóa, then of the next provinces by code,
    until ``rows_wanted`` field rows: one sheet per unit (the template's layout), each row
    changed as described above."""
    quarter = ReportingPeriod.objects.get(code="2024-Q4")
    provinces = ["38"] + list(AdministrativeUnit.objects.filter(
        unit_list=UnitList.BEFORE_2025, level=1).exclude(code="38").order_by("code")
        .values_list("code", flat=True))
    fields = {level: ProcedureField.objects.for_level(level).count() for level in (1, 2, 3)}
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = sheets = 0
    for code in provinces:
        if rows >= rows_wanted:
            break
        province = AdministrativeUnit.objects.get(unit_list=UnitList.BEFORE_2025, code=code)
        for unit in AdministrativeUnit.objects.subtree_of(province).order_by("level", "code"):
            sheet = add_template_sheet(workbook, unit, quarter)
            for row in range(FIRST_ROW, FIRST_ROW + fields[unit.level]):
                for column, delta in CHANGED.items():
                    cell = sheet[f"{column}{row}"]
                    cell.value = (cell.value or 0) + delta
            rows += fields[unit.level]
            sheets += 1
    workbook.save(path)
    return rows, sheets


def timed(function) -> float:
    start = time.perf_counter()
    with transaction.atomic():
        function()
        transaction.set_rollback(True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=66_000)
    parser.add_argument("--json", help="also write the result to this file (bench/run.py)")
    args = parser.parse_args()
    ensure_data()
    # A whole province's workbook is larger than one unit's upload limit (5 MiB by default):
    # measured here with the limit raised, as an administrator would for such an import.
    settings.CCHC_MAX_UPLOAD_BYTES = 256 * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="bench-import-") as directory:
        path = Path(directory) / "thanh-hoa.xlsx"
        started = time.perf_counter()
        rows, sheets = build(args.rows, path)
        written = time.perf_counter() - started
        size = path.stat().st_size / 1024 / 1024
        parse = timed(lambda: read_workbook(path))
        operator = CommandLineOperator()

        def full_import():
            plans = import_plan(sheets=read_workbook(path))
            reports_import(user=operator, plans=plans, reason="bench/import_workbook.py")

        imported = timed(full_import)
    ratio = imported / parse
    print(f"workbook: {rows:,} field rows on {sheets:,} sheets, {size:.1f} MiB "
          f"(written in {written:.1f} s)")
    print(f"{'step':<10} {'seconds':>9} {'÷ parse':>8}")
    print(f"{'parse':<10} {parse:>9.1f} {1:>8.2f}")
    print(f"{'import':<10} {imported:>9.1f} {ratio:>8.2f}")
    print(f"import ≤ 3 × parse: {'MET' if ratio <= 3 else 'MISSED'} ({ratio:.2f}×)")
    if args.json:
        write_json([Result(
            "import", f"import of a {rows:,}-row province workbook ({sheets:,} sheets, "
            f"{size:.1f} MiB)", imported, "s", "parsing the same file", parse,
            "≤ 3 × parsing", ratio <= 3, "whole import_dossiers path, rolled back")], args.json)


if __name__ == "__main__":
    main()
