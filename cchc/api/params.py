"""The API's query and path parameters: each parsed, or refused with a 400 that names the
parameter and what it accepts (``BadParameter``); a period not set up in the app is a 404."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from cchc.api.errors import BadParameter
from cchc.dossiers.scopes import SCOPES, chosen_scope
from cchc.periods import codes
from cchc.periods.models import ReportingPeriod
from cchc.units.models import Level, UnitList
from reports.kpis import DEFAULT_KPI, RANKABLE

PERIOD_EXAMPLES = ["2024-Q4", "2024-H1", "2024-9M", "2024", "2024-M03"]
YEARS = (2000, 2100)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def unit_list_param(value: str, name: str = "unit_list") -> str:
    if value not in UnitList.values:
        raise BadParameter(name, _("Danh mục «%(value)s» không có: dùng 2008 (63 tỉnh, đến "
                                   "30/6/2025) hoặc 2025 (34 tỉnh, từ 1/7/2025).")
                           % {"value": value[:40]}, UnitList.values)
    return value


def code_param(value: str, name: str) -> str:
    if not (value.isascii() and value.isdigit() and 1 <= len(value) <= 5):
        raise BadParameter(name, _("Mã đơn vị «%(value)s» không hợp lệ: 1–5 chữ số (mã TCTK).")
                           % {"value": value[:40]}, ["^[0-9]{1,5}$"])
    return value


def choice_param(request, name: str, allowed: list[str]) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise BadParameter(name, _("«%(name)s» không nhận «%(value)s»; dùng một trong: "
                                   "%(allowed)s.") % {"name": name, "value": raw[:40],
                                                      "allowed": ", ".join(allowed)}, allowed)
    return raw


def level_param(request, allowed=(Level.DISTRICT, Level.COMMUNE)) -> int | None:
    chosen = choice_param(request, "level", [str(level) for level in allowed])
    return int(chosen) if chosen else None


def kpi_param(request) -> str:
    return choice_param(request, "kpi", list(RANKABLE)) or DEFAULT_KPI


def scope_param(request, level: int) -> str:
    """``?scope=subtree|own`` for figures of units of ``level``: 400 for another value; by
    default (and always for communes, which have one) as the pages: ``chosen_scope``."""
    return chosen_scope(choice_param(request, "scope", list(SCOPES)), level)


def date_param(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not ISO_DATE.match(raw):
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise BadParameter(name, _("Ngày «%(value)s» không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ "
                                   "2025-07-01.") % {"value": raw[:40]}, ["YYYY-MM-DD"]) from exc


def text_param(request, name: str, longest: int = 100) -> str | None:
    raw = request.query_params.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > longest or any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise BadParameter(name, _("«%(name)s»: tối đa %(longest)s ký tự, không có ký tự điều "
                                   "khiển.") % {"name": name, "longest": longest})
    return raw.strip()


def year_param(year: int) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        raise BadParameter("year", _("Năm %(year)s nằm ngoài %(first)s–%(last)s.")
                           % {"year": year, "first": YEARS[0], "last": YEARS[1]},
                           [f"{YEARS[0]}–{YEARS[1]}"])
    return year


def period_get(code: str, name: str = "period") -> ReportingPeriod:
    """The period named ``code``: 400 for bad notation, 404 if not set up in the app."""
    try:
        return ReportingPeriod.objects.get_by_code(code)
    except codes.InvalidPeriodCode as exc:
        raise BadParameter(name, str(exc), PERIOD_EXAMPLES) from exc
    except ReportingPeriod.DoesNotExist as exc:
        raise NotFound(_("Kỳ báo cáo %(code)s chưa được thiết lập.") % {
            "code": codes.PeriodSpec.parse(code).code}) from exc
