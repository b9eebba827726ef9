"""Multi-sheet workbooks of form II.06a, as a provincial office uploads them."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from cchc.dossiers import excel
from cchc.dossiers.columns import COLUMNS
from cchc.periods.services import period_ensure
from cchc.units.models import AdministrativeUnit, Level
from tests import factories

QUARTER = "2025-Q2"
SOC_TRANG = "94"


def open_quarter():
    call_command("loaddata", "procedure_fields", verbosity=0)
    return period_ensure(code=QUARTER, deadline=timezone.localdate() + datetime.timedelta(30))


def communes(count: int) -> list[AdministrativeUnit]:
    found = list(AdministrativeUnit.objects.filter(
        unit_list=factories.BEFORE, level=Level.COMMUNE, province__code=SOC_TRANG)
        .order_by("code")[:count])
    assert len(found) == count
    return found


def province_workbook(count: int, **overrides: int) -> bytes:
    """``count`` communes of Sóc Trăng, one sheet each, with the row «Hộ tịch» filled."""
    period = open_quarter()
    units = communes(count)
    workbook = excel.template_workbook(units[0], period)
    for unit in units[1:]:
        excel.add_template_sheet(workbook, unit, period)
    values = factories.figures(**overrides)
    for sheet in workbook.worksheets:
        row = next(r for r in range(excel.FIRST_DATA_ROW, sheet.max_row + 1)
                   if sheet.cell(r, 2).value == "Hộ tịch")
        for column in COLUMNS:
            sheet[f"{excel.COUNT_LETTERS[column.field]}{row}"] = values[column.field]
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def as_upload(content: bytes, name: str = "so-trang-2025-q2.xlsx") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file
