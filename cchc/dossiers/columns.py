"""The columns of form II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) and their identities.

This is the single description of the form: the model's fields, the entry form, the Excel
template and the exports all read it. Column (5) "trực tiếp, dịch vụ bưu chính" is kept as two
counts, (5a) in person and (5b) postal, because provinces report postal receipt on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.formatting import format_count


@dataclass(frozen=True)
class Column:
    number: str  # as printed on the form: "(3)", "(5a)"
    field: str  # model field name
    label: str  # the column's own heading
    group: str  # the merged heading above it


RECEIVED = _("Số hồ sơ nhận giải quyết")
RESOLVED = _("Số hồ sơ đã giải quyết")
PENDING = _("Số hồ sơ đang giải quyết")

COLUMNS: tuple[Column, ...] = (
    Column("(3)", "received_total", _("Tổng số"), RECEIVED),
    Column("(4)", "received_online", _("Trực tuyến"), RECEIVED),
    Column("(5a)", "received_in_person", _("Trực tiếp"), RECEIVED),
    Column("(5b)", "received_postal", _("Dịch vụ bưu chính"), RECEIVED),
    Column("(6)", "received_carried_over", _("Từ kỳ trước"), RECEIVED),
    Column("(7)", "resolved_total", _("Tổng số"), RESOLVED),
    Column("(8)", "resolved_early", _("Trước hạn"), RESOLVED),
    Column("(9)", "resolved_on_time", _("Đúng hạn"), RESOLVED),
    Column("(10)", "resolved_late", pgettext_lazy("hồ sơ đã giải quyết", "Quá hạn"), RESOLVED),
    Column("(11)", "pending_total", _("Tổng số"), PENDING),
    Column("(12)", "pending_in_time", _("Trong hạn"), PENDING),
    Column("(13)", "pending_overdue", pgettext_lazy("hồ sơ đang giải quyết", "Quá hạn"), PENDING),
)
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
FIELD_NAMES = tuple(c.field for c in COLUMNS)


@dataclass(frozen=True)
class Identity:
    """``total`` must equal the sum of ``parts``."""

    name: str
    total: str
    parts: tuple[str, ...]

    def describe(self) -> str:
        numbers = " + ".join(COLUMN_BY_FIELD[p].number for p in self.parts)
        return f"{COLUMN_BY_FIELD[self.total].number} = {numbers}"


IDENTITIES: tuple[Identity, ...] = (
    Identity(
        "received",
        "received_total",
        ("received_online", "received_in_person", "received_postal", "received_carried_over"),
    ),
    Identity("resolved", "resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
    Identity("pending", "pending_total", ("pending_in_time", "pending_overdue")),
    Identity("balance", "received_total", ("resolved_total", "pending_total")),
)


#: The largest count one cell of the form may hold, whatever path it comes by (web form, Excel
#: import, services, API): a whole province files a few hundred thousand dossiers of one field
#: in a quarter, so a larger number is a typing slip; the database column (a 4-byte integer)
#: could not hold much more anyway.
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class FigureError:
    field: str
    message: str

    @property
    def column(self) -> Column:
        return COLUMN_BY_FIELD[self.field]


def figure_errors(values: Mapping[str, int | None], *,
                  balance: bool = True) -> list[FigureError]:
    """Every rule of docs/domain.md §4 that ``values`` (field name → count) breaks.

    Counts must be whole numbers from 0 to ``MAX_COUNT``, and (3) = (4)+(5a)+(5b)+(6),
    (7) = (8)+(9)+(10), (11) = (12)+(13), (3) = (7)+(11). Messages are in Vietnamese and name the
    column, so a clerk can find and fix the cell. Identities are only checked once every count
    is valid. ``balance=False`` leaves out (3) = (7) + (11), which only a report sent for approval
    must keep (a draft may be half filled: the database checks it for counted reports only).
    """
    errors: list[FigureError] = []
    for column in COLUMNS:
        value = values.get(column.field)
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            errors.append(FigureError(column.field, str(_(
                "Cột %(number)s «%(label)s» phải là một số nguyên."
            ) % {"number": column.number, "label": f"{column.group} – {column.label}"})))
        elif value < 0:
            errors.append(FigureError(column.field, str(_(
                "Cột %(number)s «%(label)s» không được âm (đang là %(value)s)."
            ) % {"number": column.number, "label": f"{column.group} – {column.label}",
                 "value": value})))
        elif value > MAX_COUNT:
            errors.append(FigureError(column.field, str(_(
                "Cột %(number)s «%(label)s» có số %(value)s, vượt giới hạn %(limit)s hồ sơ của một "
                "ô. Kiểm tra lại số đã nhập (thừa chữ số?).") % {
                    "number": column.number, "label": f"{column.group} – {column.label}",
                    "value": format_count(value), "limit": format_count(MAX_COUNT)})))
    if errors:
        return errors
    for identity in IDENTITIES:
        total = values[identity.total]
        expected = sum(values[p] for p in identity.parts)
        if identity.name == "balance":
            if balance and total != expected:
                errors.append(FigureError(identity.total, balance_message(values)))
            continue
        if total != expected:
            column = COLUMN_BY_FIELD[identity.total]
            errors.append(FigureError(identity.total, str(_(
                "Cột %(number)s «%(label)s» phải bằng %(rule)s = %(expected)s, "
                "nhưng đang là %(total)s. Kiểm tra lại các cột này."
            ) % {"number": column.number, "label": f"{column.group} – {column.label}",
                 "rule": identity.describe(), "expected": format_count(expected),
                 "total": format_count(total)})))
    return errors


def balance_message(values: Mapping[str, int]) -> str:
    """(3) = (7) + (11) broken, said with the columns the clerk types (the parts), not the
    computed totals: what was resolved and what is pending must add up to what was received."""
    received = sum(values[p] for p in IDENTITIES[0].parts)
    resolved = sum(values[p] for p in IDENTITIES[1].parts)
    pending = sum(values[p] for p in IDENTITIES[2].parts)
    return str(_(
        "số đã giải quyết (8)+(9)+(10) = %(resolved)s và đang giải quyết (12)+(13) = %(pending)s "
        "phải cộng lại bằng số nhận (4)+(5a)+(5b)+(6) = %(received)s: hãy sửa các cột (4)–(6) "
        "hoặc (8)–(13).") % {"resolved": format_count(resolved), "pending": format_count(pending),
                             "received": format_count(received)})
