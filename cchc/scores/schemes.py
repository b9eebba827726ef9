"""PAR index schemes as data: read from and written to an Excel sheet, copied year to year.

The sheet has one row per node of the criterion tree, under the header
``Mã | Nội dung | Điểm tối đa | Phần``: codes like ``1``, ``1.2``, ``1.2.3`` (a child's code is its
parent's code plus one more number, after its parent), maximum points (> 0, two decimals at
most) and the part — ``kết quả`` (results), ``điều tra`` (survey) or ``thưởng/trừ``
(bonus-penalty); the English values ``results``, ``survey`` and ``bonus-penalty`` work too.
The children of a node must add up to the node's maximum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cchc.dossiers.excel import text_only
from cchc.formatting import format_points
from cchc.scores.models import CriterionPart, ParBand, ParCriterion, ParScheme
from cchc.sheets import SheetUnreadable, first_sheet

HEADER = ("Mã", "Nội dung", "Điểm tối đa", "Phần")
#: A scheme has about a hundred criteria; a longer sheet was not made for it.
MAX_SCHEME_ROWS = 2000
#: What the criterion's columns hold (a longer code or title, or more points, was a database
#: error): read from the model, the one place they are set.
CODE_LENGTH = ParCriterion._meta.get_field("code").max_length
TITLE_LENGTH = ParCriterion._meta.get_field("title").max_length
_POINTS_FIELD = ParCriterion._meta.get_field("max_points")
MAX_POINTS = Decimal(10) ** (_POINTS_FIELD.max_digits - _POINTS_FIELD.decimal_places) \
    - Decimal(1).scaleb(-_POINTS_FIELD.decimal_places)
CODE = re.compile(r"^\d+(\.\d+)*$")
PARTS = {
    "kết quả": CriterionPart.RESULTS, "results": CriterionPart.RESULTS,
    "điều tra": CriterionPart.SURVEY, "điều tra xã hội học": CriterionPart.SURVEY,
    "survey": CriterionPart.SURVEY,
    "thưởng/trừ": CriterionPart.BONUS_PENALTY, "điểm thưởng/điểm trừ": CriterionPart.BONUS_PENALTY,
    "bonus-penalty": CriterionPart.BONUS_PENALTY,
}
PART_LABELS = {CriterionPart.RESULTS: "kết quả", CriterionPart.SURVEY: "điều tra",
               CriterionPart.BONUS_PENALTY: "thưởng/trừ"}


class SchemeInvalid(Exception):
    """Every problem of a scheme sheet, each naming its cell."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class CriterionRow:
    row: int
    code: str
    title: str
    max_points: Decimal
    part: str

    @property
    def parent_code(self) -> str | None:
        return self.code.rpartition(".")[0] or None


def read_scheme_rows(source) -> list[CriterionRow]:
    """The criterion rows of the first sheet of ``source``; ``SchemeInvalid`` lists every
    problem (header, codes, nesting, points, part, children not adding up)."""
    try:
        _title, rows = first_sheet(source, HEADER, max_rows=MAX_SCHEME_ROWS)
    except SheetUnreadable as unreadable:
        raise SchemeInvalid([str(unreadable)]) from unreadable
    errors: list[str] = []
    found: list[CriterionRow] = []
    seen: set[str] = set()
    for number, values in enumerate(rows, start=2):
        if all(v in (None, "") for v in values):
            continue
        row = _row(number, values, seen, errors)
        if row is not None:
            found.append(row)
            seen.add(row.code)
    errors += _sum_errors(found)
    if not found and not errors:
        errors.append(_("Bảng không có tiêu chí nào."))
    if errors:
        raise SchemeInvalid(errors)
    return found


def _row(number, values, seen, errors) -> CriterionRow | None:
    code, title, points, part = values
    code = str(code or "").strip()
    problems = []
    if not CODE.match(code):
        problems.append(_("ô A%(n)s: mã «%(code)s» không đúng dạng 1, 1.2, 1.2.3.") % {
            "n": number, "code": code[:40]})
    elif len(code) > CODE_LENGTH:
        problems.append(_("ô A%(n)s: mã dài quá %(limit)s ký tự.") % {
            "n": number, "limit": CODE_LENGTH})
    elif code in seen:
        problems.append(_("ô A%(n)s: mã %(code)s bị trùng.") % {"n": number, "code": code})
    elif "." in code and code.rpartition(".")[0] not in seen:
        problems.append(_("ô A%(n)s: mã %(code)s phải đứng sau tiêu chí cha %(parent)s.") % {
            "n": number, "code": code, "parent": code.rpartition(".")[0]})
    if not str(title or "").strip():
        problems.append(_("ô B%(n)s: thiếu nội dung tiêu chí.") % {"n": number})
    elif len(str(title).strip()) > TITLE_LENGTH:
        problems.append(_("ô B%(n)s: nội dung dài quá %(limit)s ký tự; hãy viết gọn lại.") % {
            "n": number, "limit": TITLE_LENGTH})
    maximum = _points(points)
    if maximum is None:
        problems.append(_("ô C%(n)s: điểm tối đa phải là số dương, tối đa 2 chữ số thập phân "
                          "(đang là «%(value)s»).") % {"n": number, "value": points})
    elif maximum > MAX_POINTS:
        problems.append(_("ô C%(n)s: điểm tối đa %(value)s vượt giới hạn %(limit)s điểm của "
                          "một tiêu chí.") % {"n": number, "value": str(points)[:30],
                                              "limit": format_points(MAX_POINTS)})
    kind = PARTS.get(str(part or "kết quả").strip().lower())
    if kind is None:
        problems.append(_("ô D%(n)s: phần «%(value)s» không hợp lệ; dùng kết quả, điều tra "
                          "hoặc thưởng/trừ.") % {"n": number, "value": part})
    if problems:
        errors.extend(_("Dòng %(n)s, %(problem)s") % {"n": number, "problem": p}
                      for p in problems)
        return None
    return CriterionRow(number, code, str(title).strip(), maximum, kind)


def _points(value) -> Decimal | None:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and
                                                     value.startswith("=")):
        return None
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not points.is_finite() or points <= 0 or points.as_tuple().exponent < -2 \
            and points != points.normalize().quantize(Decimal("0.01")):
        return None
    return points


def _sum_errors(rows: list[CriterionRow]) -> list[str]:
    children: dict[str, list[CriterionRow]] = {}
    for row in rows:
        if row.parent_code:
            children.setdefault(row.parent_code, []).append(row)
    errors = []
    for parent in rows:
        kids = children.get(parent.code)
        if kids and sum(k.max_points for k in kids) != parent.max_points:
            errors.append(_(
                "Dòng %(n)s, ô C%(n)s: các tiêu chí con của %(code)s cộng lại được %(sum)s điểm, "
                "khác điểm tối đa %(max)s."
            ) % {"n": parent.row, "code": parent.code,
                 "sum": sum(k.max_points for k in kids), "max": parent.max_points})
    return errors


@transaction.atomic
def scheme_import(*, source, year: int, level: str, name: str, issuer=None) -> ParScheme:
    """A new scheme with the criteria of ``source``; nothing is created if anything is wrong."""
    rows = read_scheme_rows(source)
    if ParScheme.objects.filter(year=year, level=level, issuer=issuer).exists():
        raise SchemeInvalid([_("Đã có bộ chỉ số năm %(year)s cho đối tượng này.") % {
            "year": year}])
    scheme = ParScheme.objects.create(year=year, level=level, name=name, issuer=issuer)
    _create_criteria(scheme, rows)
    return scheme


def _create_criteria(scheme, rows) -> None:
    by_code: dict[str, ParCriterion] = {}
    for position, row in enumerate(rows, start=1):
        by_code[row.code] = ParCriterion.objects.create(
            scheme=scheme, parent=by_code.get(row.parent_code), code=row.code, title=row.title,
            max_points=row.max_points, part=row.part, position=position)


def scheme_workbook(scheme: ParScheme) -> Workbook:
    """The scheme's criteria in the sheet layout ``read_scheme_rows`` reads back."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Bộ chỉ số {scheme.year}"
    sheet.append(HEADER)
    for criterion in scheme.criteria.order_by("position"):
        sheet.append([criterion.code, criterion.title, float(criterion.max_points),
                      PART_LABELS[criterion.part]])
    for letter, width in zip("ABCD", (10, 70, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    text_only(sheet)  # a criterion titled "=…" is text, not a formula
    return workbook


@transaction.atomic
def scheme_copy(*, scheme: ParScheme, year: int) -> ParScheme:
    """Start ``year`` from ``scheme``: the same tree and bands, to be edited."""
    if ParScheme.objects.filter(year=year, level=scheme.level, issuer=scheme.issuer).exists():
        raise SchemeInvalid([_("Đã có bộ chỉ số năm %(year)s cho đối tượng này.") % {
            "year": year}])
    copy = ParScheme.objects.create(year=year, level=scheme.level, issuer=scheme.issuer,
                                    name=scheme.name.replace(str(scheme.year), str(year)),
                                    decision="")
    rows = [CriterionRow(0, c.code, c.title, c.max_points, c.part)
            for c in scheme.criteria.order_by("position")]
    _create_criteria(copy, rows)
    ParBand.objects.bulk_create(ParBand(scheme=copy, label=b.label, min_percent=b.min_percent)
                                for b in scheme.bands.all())
    return copy
