"""Whose figures a number covers: the whole area of a unit, or only its own report.

A province's (or, before 1/7/2025, a district's) figures can mean two things, and the press
quotes both: **toàn địa bàn**, the unit and every unit below it in the same list (Tiền Giang's
615,932 dossiers are the whole province), or **riêng cấp <level>**, the unit's own report (the
"cấp huyện" figures of Đắk R'Lấp, beside its communes' "cấp xã" figures). Both are precomputed
(``DossierRollup.scope``); rates of each scope are computed from that scope's summed counts.

A commune has nothing below it: its two scopes are the same figures, and it shows one.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cchc.dossiers.models import RollupScope
from cchc.units.models import Level

SUBTREE, OWN = RollupScope.SUBTREE.value, RollupScope.OWN.value
SCOPES = (SUBTREE, OWN)

_OWN_LABELS = {
    Level.PROVINCE: lambda: _("Riêng cấp tỉnh"),
    Level.DISTRICT: lambda: _("Riêng cấp huyện"),
    Level.COMMUNE: lambda: _("Riêng cấp xã"),
}


def has_units_below(level: int) -> bool:
    """Whether units of ``level`` have units below them, and so two scopes (provinces, and
    districts before the reform; the few districts without communes are treated alike)."""
    return level != Level.COMMUNE


def default_scope(level: int) -> str:
    """The scope shown unless the user chooses: the whole area where there is one."""
    return SUBTREE if has_units_below(level) else OWN


def chosen_scope(raw: str | None, level: int) -> str:
    """The scope asked for (``?scope=subtree|own``) for units of ``level``; anything else,
    or a commune (one scope), gives the default. Never an error: a page always answers."""
    if raw in SCOPES and has_units_below(level):
        return raw
    return default_scope(level)


def scope_label(scope: str, level: int) -> str:
    """"Toàn địa bàn" or "Riêng cấp tỉnh/huyện/xã", as pages, files and the API name it."""
    if scope == SUBTREE and has_units_below(level):
        return _("Toàn địa bàn")
    return _OWN_LABELS[Level(level)]()


def scope_title(scope: str, level: int) -> str:
    """The label with what it covers, for a file's title lines: "Toàn địa bàn (đơn vị và mọi
    đơn vị trực thuộc)", "Riêng cấp huyện (không gồm đơn vị trực thuộc)", "Riêng cấp xã"."""
    label = scope_label(scope, level)
    if not has_units_below(level):
        return label
    if scope == SUBTREE:
        return _("%(label)s (đơn vị và mọi đơn vị trực thuộc)") % {"label": label}
    return _("%(label)s (không gồm đơn vị trực thuộc)") % {"label": label}


def row_scope(scope: str, level: int) -> str:
    """The scope a row of units of ``level`` really holds: a commune's is always ``own``."""
    return scope if has_units_below(level) else OWN


def scope_description(scope: str, level: int) -> str:
    """One sentence saying what the figures of ``scope`` cover."""
    if scope == SUBTREE and has_units_below(level):
        return _("báo cáo của chính đơn vị cộng báo cáo của mọi đơn vị trực thuộc (đã gửi "
                 "hoặc đã duyệt); tỷ lệ tính từ tổng số hồ sơ.")
    if not has_units_below(level):
        return _("báo cáo của đơn vị (đã gửi hoặc đã duyệt).")
    return _("chỉ báo cáo của cơ quan cấp này, không gồm các đơn vị trực thuộc.")
