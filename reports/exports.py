"""The summary of (unit, period) in the official layout, from the same selectors as the pages:
the workbook (Biểu II.06a, Theo đơn vị, Xếp hạng) and the per-unit CSV, as rows that the one
writer (``cchc.exports``) writes, streams and escapes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.accounts.access import receiving_unit_name
from cchc.dossiers.columns import COLUMNS, PENDING, RECEIVED, RESOLVED
from cchc.dossiers.scopes import OWN, SUBTREE, chosen_scope, row_scope, scope_title
from cchc.exports import Table, Workbook, csv_text
from cchc.formatting import SUMMARY_CSV, WORKBOOK
from cchc.units.models import AdministrativeUnit, Level
from reports import selectors
from reports.kpis import DEFAULT_KPI, RANKING_KPIS, RANKING_RATES, kpis_in
from reports.kpis import SUMMARY_CSV as IN_SUMMARY_CSV

#: The workbook's rate columns (the ranking's rates).
RATE_KEYS = tuple(kpi.key for kpi in RANKING_RATES)
#: The rates of the per-unit CSV.
CSV_RATES = kpis_in(IN_SUMMARY_CSV)
CSV_COLUMNS = (
    "unit_code", "unit_name", "unit_level", "parent_code", "period",
    *(column.field for column in COLUMNS),
    *(kpi.key for kpi in CSV_RATES),
    # Added last, so that files read by position keep their meaning: "own" rows hold what
    # every row held before; "subtree" rows the unit and everything below it.
    "scope",
)
LEVEL_NAMES = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: "commune"}


@dataclass
class Summary:
    """Everything a summary of (unit, period) shows, read once from the selectors."""

    root: AdministrativeUnit
    period: object
    by_field: list[tuple[str, dict]]
    totals: dict
    rows: list[selectors.UnitRow]
    ranking: selectors.Ranking
    receiver: str
    scope: str = SUBTREE  # of the root's form sheet
    rows_scope: str = OWN  # of the per-unit and ranking sheets


def summary_for(root, period, units=None, *, kpi_key: str = DEFAULT_KPI,
                scope: str | None = None) -> Summary:
    """The dashboard's figures by field for ``root`` itself, and ``units`` (by default its
    children, all of one level) as the ranking page shows them, each in the ``scope`` chosen
    (``subtree`` or ``own``), or by default the whole area of units that have units below."""
    units = list(selectors.ranking_units(root, period) if units is None else units)
    root_scope = chosen_scope(scope, root.level)
    rows_scope = chosen_scope(scope, units[0].level) if units else OWN
    board = selectors.unit_dashboard(root, period, root_scope)
    with translation.override("vi"):  # printed on the official form, always in Vietnamese
        receiver = receiving_unit_name(root, period.end)
    return Summary(root, period, board.by_field, board.totals,
                   selectors.unit_rows(units, period, rows_scope),
                   selectors.ranking(units, period, kpi_key, scope=rows_scope),
                   receiver, root_scope, rows_scope)


# --- workbook -------------------------------------------------------------------------------


def _signature(sheet, summary: Summary, styles, width: int, row: int) -> None:
    """Người lập biểu on the left; place, date and thủ trưởng đơn vị on the right, from ``row``
    (a blank row below the table)."""
    today = timezone.localdate()
    place = summary.root.province.short_name if summary.root.province else \
        summary.root.short_name
    lines = [
        ("", _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s") % {
            "place": place, "d": today.day, "m": today.month, "y": today.year}),
        (_("NGƯỜI LẬP BIỂU"), _("THỦ TRƯỞNG ĐƠN VỊ")),
        (_("(Ký, ghi rõ họ tên)"), _("(Ký tên, đóng dấu)")),
    ]
    for offset, (left, right) in enumerate(lines, start=1):
        style = styles["sign"] if offset == 2 else styles["sign_note"]
        sheet.merge_range(row + offset, 0, row + offset, 3, left, style)
        sheet.merge_range(row + offset, width - 5, row + offset, width - 1, right, style)


def _form_sheet(workbook: Workbook, summary: Summary) -> None:
    styles = workbook.styles
    sheet = workbook.sheet(_("Biểu II.06a"), header_rows=(5, 7), freeze=(8, 2))
    width = 2 + len(COLUMNS)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, width - 1, 11)
    period = summary.period
    workbook.title_rows(sheet, [
        _("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
        _("Biểu II.06a/VPCP/KSTT"),
        _("Đơn vị báo cáo: %(unit)s – Đơn vị nhận báo cáo: %(receiver)s") % {
            "unit": summary.root.name, "receiver": summary.receiver},
        _("Kỳ báo cáo: %(period)s (số liệu từ ngày %(start)s đến ngày %(end)s)") % {
            "period": period.label, "start": f"{period.cutoff_start:%d/%m/%Y}",
            "end": f"{period.cutoff_end:%d/%m/%Y}"},
        _("Đơn vị tính: số hồ sơ TTHC – Phạm vi số liệu: %(scope)s") % {
            "scope": scope_title(summary.scope, summary.root.level)},
    ], width)
    # Two-row header: the three groups over their columns, STT and Lĩnh vực merged down.
    head = styles["head"]
    # Constant memory: writing a cell of row 7 sends row 6 to disk, so the two cells merged down
    # are merged without a format (which writes nothing below) and styled cell by cell.
    for column, text in enumerate([_("STT"), _("Lĩnh vực")]):
        sheet.merge_range(5, column, 6, column, text)
        sheet.write_string(5, column, text, head)
    groups = {"received_total": RECEIVED, "resolved_total": RESOLVED, "pending_total": PENDING}
    starts = [i for i, column in enumerate(COLUMNS) if column.field in groups] + [len(COLUMNS)]
    for first, end in zip(starts, starts[1:], strict=False):
        sheet.merge_range(5, 2 + first, 5, 1 + end, str(groups[COLUMNS[first].field]), head)
    sheet.set_row(6, 32)  # two lines for the longest label
    sheet.write_row(6, 0, [None, None] + [str(column.label) for column in COLUMNS], head)
    sheet.write_row(7, 0, ["(1)", "(2)"] + [str(column.number) for column in COLUMNS], head)
    row = 8
    for number, (name, totals) in enumerate(summary.by_field, start=1):
        sheet.write_number(row, 0, number, styles["centred"])
        sheet.write_string(row, 1, name, styles["cell"])
        sheet.write_row(row, 2, [totals[c.field] for c in COLUMNS], styles["count"])
        row += 1
    sheet.write_blank(row, 0, None, styles["cell"])
    sheet.write_string(row, 1, _("Tổng cộng"), styles["bold"])
    sheet.write_row(row, 2, [summary.totals[c.field] for c in COLUMNS], styles["count_bold"])
    _signature(sheet, summary, styles, width, row=row + 1)


def unit_sheet_rows(summary: Summary) -> Iterator[list]:
    """The data rows of ``Theo đơn vị``: code, name, level, parent, the 12 counts, the rates."""
    level_names = {level.value: str(level.label) for level in Level}  # once, not per row
    rates = [(kpi.key, kpi.writer(WORKBOOK)) for kpi in RANKING_RATES]
    for row in summary.rows:
        unit = row.unit
        yield ([unit.code, unit.name, level_names[unit.level],
                unit.parent.name if unit.parent else ""]
               + [row.totals[c.field] for c in COLUMNS]
               + [write(row.values[key]) for key, write in rates])


def ranking_sheet_rows(summary: Summary) -> Iterator[list]:
    """The data rows of ``Xếp hạng``, as the ranking page shows them: rank/size, change on the
    previous period, code, name, the ranking's KPIs (received, resolved, the rates)."""
    ranking = summary.ranking
    size = ranking.size
    kpis = [(kpi.key, kpi.writer(WORKBOOK)) for kpi in RANKING_KPIS]
    for row in ranking.rows:
        change = row.rank_change
        arrow = "–" if not change else (f"↑ {change}" if change > 0 else f"↓ {-change}")
        yield ([f"{row.rank}/{size}" if row.rank else "–", arrow, row.unit.code, row.unit.name]
               + [write(row.values[key]) for key, write in kpis])


def _rows_scope_label(summary: Summary) -> str:
    level = summary.rows[0].unit.level if summary.rows else summary.root.level
    return _("phạm vi số liệu: %(scope)s") % {"scope": scope_title(summary.rows_scope, level)}


def _kpi_format(kpi) -> str:
    return "percent_column" if kpi.is_rate else "count_column"


def _units_sheet(summary: Summary) -> Table:
    rates = RANKING_RATES
    return Table(
        name=_("Theo đơn vị"),
        title=_("Số liệu theo đơn vị – %(unit)s – %(period)s – %(scope)s") % {
            "unit": summary.root.name, "period": summary.period.label,
            "scope": _rows_scope_label(summary)},
        headings=[_("Mã"), _("Đơn vị"), _("Cấp"), _("Thuộc")]
        + [f"{c.number} {c.group} – {c.label}" for c in COLUMNS]
        + [f"{kpi.label} {kpi.formula}" for kpi in rates],
        widths=[9, 30, 12, 24] + [11] * len(COLUMNS) + [12] * len(rates),
        formats=[None] * 4 + ["count_column"] * len(COLUMNS) + ["percent_column"] * len(rates),
        freeze_column=2, heading_height=80, rows=unit_sheet_rows(summary))


def _ranking_sheet(summary: Summary) -> Table:
    ranking = summary.ranking
    return Table(
        name=_("Xếp hạng"),
        title=_("Xếp hạng theo %(kpi)s – %(unit)s – %(period)s – %(scope)s") % {
            "kpi": ranking.kpi.label, "unit": summary.root.name,
            "period": summary.period.label, "scope": _rows_scope_label(summary)},
        headings=[_("Hạng"), _("So với kỳ trước"), _("Mã"), _("Đơn vị")]
        + [str(kpi.label) for kpi in RANKING_KPIS],
        widths=[9, 10, 9, 30] + [12] * len(RANKING_KPIS),
        formats=[None] * 4 + [_kpi_format(kpi) for kpi in RANKING_KPIS],
        freeze_column=4, heading_height=45, rows=ranking_sheet_rows(summary))


def write_workbook(summary: Summary, stream) -> None:
    """The summary workbook — Biểu II.06a, Theo đơn vị, Xếp hạng — written to ``stream`` (a path
    or a binary file object, which need not be seekable).

    Always in Vietnamese, whatever the interface language: it is the official form that is
    forwarded upward and printed.
    """
    with translation.override("vi"):
        _write_workbook(summary, stream)


def _write_workbook(summary: Summary, stream) -> None:
    workbook = Workbook(stream, {
        "title": _("Tình hình, kết quả giải quyết TTHC – %(unit)s – %(period)s") % {
            "unit": summary.root.name, "period": summary.period.label},
        "subject": _("Biểu II.06a/VPCP/KSTT"),
        "author": "Báo cáo CCHC",
        "created": datetime.datetime.now(),
    })
    _form_sheet(workbook, summary)
    workbook.table(_units_sheet(summary))
    workbook.table(_ranking_sheet(summary))
    workbook.close()


# --- CSV ------------------------------------------------------------------------------------


def csv_rows(rows: Iterable[selectors.UnitRow], period, scope: str = OWN) -> Iterator[list]:
    """The per-unit sheet as CSV rows, header first: rates as decimals with 4 places (rounded
    half up, like every shown figure), empty when their denominator is 0; last, the scope the
    row's figures cover (``own``, or ``subtree`` for a unit with units below it when the rows
    were read in that scope)."""
    yield list(CSV_COLUMNS)
    rates = [(kpi.key, kpi.writer(SUMMARY_CSV)) for kpi in CSV_RATES]
    for row in rows:
        unit = row.unit
        yield [unit.code, unit.name, LEVEL_NAMES[unit.level],
               unit.parent.code if unit.parent else "", period.code,
               *(row.totals[c.field] for c in COLUMNS),
               *(write(row.values[key]) for key, write in rates),
               row_scope(scope, unit.level)]


def iter_csv(rows, period, scope: str = OWN) -> Iterator[str]:
    """The per-unit CSV of ``rows`` (read in ``scope``)."""
    return csv_text(csv_rows(rows, period, scope))
