"""Entering and importing the 766 indicators that are not computed: provincial office or
administrators only, values in [0, 100] %, all or nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts.access import can_view, is_administrator, profile_of
from cchc.accounts.models import Role
from cchc.service_index.models import IndicatorValue, ServiceIndicator, Source
from cchc.sheets import SheetUnreadable, first_sheet

HEADER = ("Mã đơn vị", "Mã chỉ tiêu", "Tỷ lệ (%)")


class ValuesRefused(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def may_enter(user, unit) -> bool:
    """The provincial office of ``unit``'s province (or of the province itself), and
    administrators."""
    if is_administrator(user):
        return True
    profile = profile_of(user)
    return (profile is not None and profile.role == Role.PROVINCIAL_OFFICE
            and can_view(user, unit)
            and profile.unit_id in (unit.province_id, unit.pk))


def parse_percent(text) -> Decimal | None:
    """"87,5" or 87.5 → Decimal("87.5"); None for anything that is not a number with at most
    two decimals."""
    if isinstance(text, bool) or text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).strip().replace(" ", "").replace("%", "").replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value.as_tuple().exponent >= -2 else None


def _range_error(code: str, value: Decimal) -> str:
    return _("Chỉ tiêu %(code)s: tỷ lệ phải từ 0 đến 100 %% (đang là %(value)s).") % {
        "code": code, "value": value}


@transaction.atomic
def values_save(*, user, unit, period, typed: dict[ServiceIndicator, str]) -> int:
    """Store the typed rates of the entered indicators (an empty one deletes its value)."""
    if not may_enter(user, unit):
        raise ValuesRefused([_("Chỉ văn phòng cấp tỉnh hoặc quản trị nhập được chỉ tiêu QĐ 766 "
                               "cho %(unit)s.") % {"unit": unit.name}])
    problems, parsed = [], {}
    for indicator, text in typed.items():
        if indicator.source != Source.ENTERED:
            problems.append(_("Chỉ tiêu %(code)s được tính từ biểu II.06a, không nhập tay.")
                            % {"code": indicator.code})
            continue
        if str(text).strip() == "":
            parsed[indicator] = None
            continue
        value = parse_percent(text)
        if value is None:
            problems.append(_("Chỉ tiêu %(code)s: «%(text)s» không phải là tỷ lệ (ví dụ 87,5).")
                            % {"code": indicator.code, "text": text})
        elif not 0 <= value <= 100:
            problems.append(_range_error(indicator.code, value))
        else:
            parsed[indicator] = value
    if problems:
        raise ValuesRefused(problems)
    for indicator, value in parsed.items():
        if value is None:
            IndicatorValue.objects.filter(indicator=indicator, unit=unit, period=period).delete()
        else:
            IndicatorValue.objects.update_or_create(indicator=indicator, unit=unit,
                                                    period=period,
                                                    defaults={"rate_percent": value})
    return len(parsed)


@transaction.atomic
def values_import(*, user, period, source, units) -> int:
    """Rates from the first sheet of an Excel file (``Mã đơn vị | Mã chỉ tiêu | Tỷ lệ (%)``) for
    ``units``; every bad row is listed by cell and nothing is stored."""
    try:
        title, rows = first_sheet(source, HEADER)
    except SheetUnreadable as unreadable:
        raise ValuesRefused([str(unreadable)]) from unreadable
    by_code = {u.code: u for u in units}
    indicators = {i.code: i for i in ServiceIndicator.objects.filter(source=Source.ENTERED)}
    errors, found, seen = [], [], set()
    for number, (unit_code, code, rate) in enumerate(rows, start=2):
        if all(v in (None, "") for v in (unit_code, code, rate)):
            continue
        unit_code, code = str(unit_code or "").strip(), str(code or "").strip()
        where = _("Trang «%(sheet)s», dòng %(n)s") % {"sheet": title, "n": number}
        unit, indicator, value = by_code.get(unit_code), indicators.get(code), \
            parse_percent(rate)
        if unit is None:
            errors.append(_("%(where)s, ô A%(n)s: đơn vị «%(code)s» không thuộc danh sách này.")
                          % {"where": where, "n": number, "code": unit_code})
        elif not may_enter(user, unit):
            errors.append(_("%(where)s: bạn không được nhập chỉ tiêu cho %(unit)s.")
                          % {"where": where, "unit": unit.name})
        if indicator is None:
            errors.append(_("%(where)s, ô B%(n)s: «%(code)s» không phải chỉ tiêu nhập tay của "
                            "QĐ 766.") % {"where": where, "n": number, "code": code})
        if value is None:
            errors.append(_("%(where)s, ô C%(n)s: «%(value)s» không phải là tỷ lệ.")
                          % {"where": where, "n": number, "value": rate})
        elif not 0 <= value <= 100:
            errors.append(_("%(where)s, ô C%(n)s: tỷ lệ phải từ 0 đến 100 %% (đang là "
                            "%(value)s).") % {"where": where, "n": number, "value": value})
        if (unit_code, code) in seen:
            errors.append(_("%(where)s: đơn vị %(unit)s, chỉ tiêu %(code)s đã có ở dòng trên.")
                          % {"where": where, "unit": unit_code, "code": code})
        seen.add((unit_code, code))
        found.append((unit, indicator, value))
    if not found and not errors:
        errors.append(_("Trang «%(sheet)s» không có dòng nào.") % {"sheet": title})
    if errors:
        raise ValuesRefused(errors)
    for unit, indicator, value in found:
        IndicatorValue.objects.update_or_create(indicator=indicator, unit=unit, period=period,
                                                defaults={"rate_percent": value})
    return len(found)
