"""Load the two official unit lists, and the 2025 old → new links, from ``vietnamadminunits``.

The PyPI package ``vietnamadminunits`` ships both lists (63-province and 34-province) in a SQLite
file and the conversion tables of the 2025 reform, including communes divided between several new
ones. Nothing here is typed by hand: every unit and link comes from the package.

Loading compares the package with what is stored and writes only the difference, so a second run
changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from django.db import transaction

from cchc.periods.services import figures_changed
from cchc.units.models import (
    KIND_LEVEL,
    LAST_DAY_BEFORE_REFORM,
    REFORM_DATE,
    AdministrativeUnit,
    Kind,
    Level,
    Succession,
    UnitList,
    UnitSuccession,
)
from cchc.units.text import fold, nfc

PACKAGE = "vietnamadminunits"

_PROVINCE_PREFIX = {"Tỉnh": Kind.PROVINCE, "Thành phố": Kind.CENTRAL_CITY}
_DISTRICT_TYPE = {
    "Huyện": Kind.RURAL_DISTRICT,
    "Quận": Kind.URBAN_DISTRICT,
    "Thị xã": Kind.TOWN,
    "Thành phố": Kind.PROVINCIAL_CITY,
}
_COMMUNE_TYPE = {
    "Xã": Kind.COMMUNE,
    "Phường": Kind.WARD,
    "Thị trấn": Kind.TOWNSHIP,
    "Đặc khu": Kind.SPECIAL_ZONE,
}

# The fields a load may set; anything else on a unit is the app's own.
_UNIT_FIELDS = ("name", "short_name", "kind", "level", "valid_from", "valid_to", "search_name")


@dataclass
class UnitRow:
    unit_list: str
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str | None
    province_code: str | None

    @property
    def level(self) -> int:
        return KIND_LEVEL[self.kind]


@dataclass
class LoadReport:
    """What a load found and changed, for the command to print."""

    counts: Counter = field(default_factory=Counter)  # (unit_list, level) -> units in the list
    created: Counter = field(default_factory=Counter)  # (unit_list, level) -> units created
    updated: Counter = field(default_factory=Counter)
    links: Counter = field(default_factory=Counter)  # succession kind -> links in the source
    links_created: int = 0
    links_updated: int = 0
    links_deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values())
            or sum(self.updated.values())
            or self.links_created
            or self.links_updated
            or self.links_deleted
        )


def _package_file(name: str):
    return resources.files(PACKAGE).joinpath("data", name)


def _read_dataset(sql: str) -> list[sqlite3.Row]:
    with resources.as_file(_package_file("dataset.db")) as path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.row_factory = sqlite3.Row
            return connection.execute(sql).fetchall()
        finally:
            connection.close()


def _province_kind(full_name: str) -> str:
    for prefix, kind in _PROVINCE_PREFIX.items():
        if full_name.startswith(prefix + " "):
            return kind
    raise ValueError(f"Unknown province type in {full_name!r}")


def read_source() -> tuple[list[UnitRow], list[tuple[str, str, str, str, bool]]]:
    """Units of both lists and the old → new links, as read from the package.

    A link is (old code, new code, level, kind, is_principal), codes taken in the old and the new
    list respectively.
    """
    units: list[UnitRow] = []
    legacy = _read_dataset(
        "SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort,"
        " districtType, districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey"
        " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    current = _read_dataset(
        "SELECT province, provinceShort, provinceCode, provinceKey, ward, wardShort, wardType,"
        " wardCode, wardKey FROM admin_units ORDER BY provinceCode, wardCode"
    )
    old_list, new_list = UnitList.BEFORE_2025, UnitList.FROM_2025
    seen: set[tuple[str, str]] = set()

    def add(row: UnitRow) -> None:
        if (row.unit_list, row.code) not in seen:
            seen.add((row.unit_list, row.code))
            units.append(row)

    old_province_by_key: dict[str, str] = {}
    old_unit_by_key: dict[str, str] = {}  # "province_district_ward" -> code (ward may be empty)
    for r in legacy:
        old_province_by_key[r["provinceKey"]] = r["provinceCode"]
        add(UnitRow(old_list, r["provinceCode"], nfc(r["province"]), nfc(r["provinceShort"]),
                    _province_kind(r["province"]), None, None))
        add(UnitRow(old_list, r["districtCode"], nfc(r["district"]), nfc(r["districtShort"]),
                    _DISTRICT_TYPE[r["districtType"]], r["provinceCode"], r["provinceCode"]))
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if r["wardCode"]:
            add(UnitRow(old_list, r["wardCode"], nfc(r["ward"]), nfc(r["wardShort"]),
                        _COMMUNE_TYPE[r["wardType"]], r["districtCode"], r["provinceCode"]))
            old_unit_by_key[key] = r["wardCode"]
        else:
            # Island districts without communes (Bạch Long Vĩ, Cồn Cỏ, ...) became special zones.
            old_unit_by_key[key] = r["districtCode"]

    new_province_by_key: dict[str, str] = {}
    new_commune_by_key: dict[tuple[str, str], str] = {}
    for r in current:
        new_province_by_key[r["provinceKey"]] = r["provinceCode"]
        new_commune_by_key[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
        add(UnitRow(new_list, r["provinceCode"], nfc(r["province"]), nfc(r["provinceShort"]),
                    _province_kind(r["province"]), None, None))
        add(UnitRow(new_list, r["wardCode"], nfc(r["ward"]), nfc(r["wardShort"]),
                    _COMMUNE_TYPE[r["wardType"]], r["provinceCode"], r["provinceCode"]))

    with resources.as_file(_package_file("converter_2025.json")) as path:
        conversion = json.loads(path.read_text(encoding="utf-8"))

    links: list[tuple[str, str, str, str, bool]] = []
    for new_key, old_keys in conversion["DICT_PROVINCE"].items():
        kind = Succession.MERGED if len(old_keys) > 1 else Succession.CONTINUED
        for old_key in old_keys:
            links.append((old_province_by_key[old_key], new_province_by_key[new_key],
                          "province", kind, True))
    for new_pkey, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            kind = Succession.MERGED if len(old_keys) > 1 else Succession.CONTINUED
            for old_key in old_keys:
                links.append((old_unit_by_key[old_key], new_commune_by_key[(new_pkey, new_wkey)],
                              "commune", kind, True))
    for new_pkey, divided in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in parts:
                links.append((old_unit_by_key[old_key],
                              new_commune_by_key[(new_pkey, part["newWardKey"])],
                              "commune", Succession.DIVIDED, bool(part["isDefaultNewWard"])))
    return units, links


def _desired_fields(row: UnitRow) -> dict:
    before = row.unit_list == UnitList.BEFORE_2025
    return {
        "name": row.name,
        "short_name": row.short_name,
        "kind": row.kind,
        "level": row.level,
        "valid_from": None if before else REFORM_DATE,
        "valid_to": LAST_DAY_BEFORE_REFORM if before else None,
        "search_name": fold(row.name),
    }


@transaction.atomic
def load_official_units() -> LoadReport:
    """Bring the stored units and successions in line with the package; report the changes."""
    units, links = read_source()
    report = LoadReport()
    existing = {(u.unit_list, u.code): u for u in AdministrativeUnit.objects.all()}

    # Parents first: a district needs its province's id, a commune its district's.
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create, to_update = [], []
        for row in (r for r in units if r.level == level):
            report.counts[(row.unit_list, level)] += 1
            wanted = _desired_fields(row)
            parent = existing[(row.unit_list, row.parent_code)] if row.parent_code else None
            province = existing[(row.unit_list, row.province_code)] if row.province_code else None
            unit = existing.get((row.unit_list, row.code))
            if unit is None:
                unit = AdministrativeUnit(
                    unit_list=row.unit_list, code=row.code, parent=parent, province=province,
                    **wanted,
                )
                to_create.append(unit)
                existing[(row.unit_list, row.code)] = unit
                report.created[(row.unit_list, level)] += 1
                continue
            changed = [name for name, value in wanted.items() if getattr(unit, name) != value]
            if unit.parent_id != (parent.pk if parent else None):
                unit.parent = parent
                changed.append("parent")
            if unit.province_id != (province.pk if province else None):
                unit.province = province
                changed.append("province")
            if changed:
                for name in changed:
                    if name in wanted:
                        setattr(unit, name, wanted[name])
                to_update.append(unit)
                report.updated[(row.unit_list, level)] += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=2000)
        AdministrativeUnit.objects.bulk_update(
            to_update, [*_UNIT_FIELDS, "parent", "province"], batch_size=2000
        )

    _sync_links(links, existing, report)
    if report.changed:
        figures_changed()  # rankings name and group units: cached ones must not outlive this
    return report


def _sync_links(links, units, report: LoadReport) -> None:
    wanted: dict[tuple[int, int], tuple[str, bool]] = {}
    for old_code, new_code, _level, kind, principal in links:
        old = units[(UnitList.BEFORE_2025, old_code)]
        new = units[(UnitList.FROM_2025, new_code)]
        wanted[(old.pk, new.pk)] = (kind, principal)
        report.links[kind] += 1

    stored = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    to_create, to_update = [], []
    for pair, (kind, principal) in wanted.items():
        link = stored.get(pair)
        if link is None:
            to_create.append(UnitSuccession(predecessor_id=pair[0], successor_id=pair[1],
                                            kind=kind, is_principal=principal,
                                            effective_date=REFORM_DATE))
        elif (link.kind, link.is_principal, link.effective_date) != (kind, principal, REFORM_DATE):
            link.kind, link.is_principal, link.effective_date = kind, principal, REFORM_DATE
            to_update.append(link)
    obsolete = [link.pk for pair, link in stored.items() if pair not in wanted]
    UnitSuccession.objects.bulk_create(to_create, batch_size=2000)
    UnitSuccession.objects.bulk_update(to_update, ["kind", "is_principal", "effective_date"])
    UnitSuccession.objects.filter(pk__in=obsolete).delete()
    report.links_created, report.links_updated = len(to_create), len(to_update)
    report.links_deleted = len(obsolete)
