"""SIPAS results imported from Excel by the provincial office: every bad cell listed, nothing
stored on any error."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.satisfaction.models import FACTORS, SipasResult
from cchc.service_index.services import ValuesRefused, may_enter, parse_percent
from cchc.sheets import SheetUnreadable, first_sheet

# The file's header row is part of its format: always these Vietnamese words, whatever the
# interface language (the factor labels themselves are translated on the pages).
HEADER = ("Mã đơn vị", "Chung (%)", "Tiếp cận dịch vụ (%)", "Thủ tục hành chính (%)",
          "Công chức trực tiếp giải quyết (%)", "Kết quả giải quyết (%)",
          "Tiếp nhận, xử lý góp ý, phản ánh (%)")
COLUMNS = "ABCDEFG"


@transaction.atomic
def sipas_import(*, user, year: int, source, units) -> int:
    try:
        title, rows = first_sheet(source, HEADER)
    except SheetUnreadable as unreadable:
        raise ValuesRefused([str(unreadable)]) from unreadable
    by_code = {u.code: u for u in units}
    errors, found, seen = [], [], set()
    for number, values in enumerate(rows, start=2):
        if all(v in (None, "") for v in values):
            continue
        where = _("Trang «%(sheet)s», dòng %(n)s") % {"sheet": title, "n": number}
        code = str(values[0] or "").strip()
        unit = by_code.get(code)
        if unit is None:
            errors.append(_("%(where)s, ô A%(n)s: đơn vị «%(code)s» không thuộc danh sách này.")
                          % {"where": where, "n": number, "code": code})
        elif not may_enter(user, unit):
            errors.append(_("%(where)s: bạn không được nhập SIPAS cho %(unit)s.")
                          % {"where": where, "unit": unit.name})
        elif code in seen:
            errors.append(_("%(where)s: đơn vị %(code)s đã có ở dòng trên.")
                          % {"where": where, "code": code})
        seen.add(code)
        parsed = []
        for column, value in zip(COLUMNS[1:], values[1:], strict=True):
            number_value = parse_percent(value)
            blank = value in (None, "")
            if column == "B" and blank:
                errors.append(_("%(where)s, ô B%(n)s: thiếu chỉ số hài lòng chung.")
                              % {"where": where, "n": number})
            elif not blank and (number_value is None or not 0 <= number_value <= 100):
                errors.append(_("%(where)s, ô %(col)s%(n)s: «%(value)s» phải là tỷ lệ từ 0 đến "
                                "100.") % {"where": where, "col": column, "n": number,
                                           "value": value})
            parsed.append(number_value)
        found.append((unit, parsed))
    if not found and not errors:
        errors.append(_("Trang «%(sheet)s» không có dòng nào.") % {"sheet": title})
    if errors:
        raise ValuesRefused(errors)
    for unit, (overall, *factors) in found:
        SipasResult.objects.update_or_create(unit=unit, year=year, defaults={
            "overall": overall, **{key: value for (key, _l), value in
                                   zip(FACTORS, factors, strict=True)}})
    return len(found)
