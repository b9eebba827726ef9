"""Reading units for the unit browser: each function costs a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from cchc.units.models import REFORM_DATE, AdministrativeUnit, UnitList, UnitSuccession
from cchc.units.text import fold


def unit_list_in_force(on: datetime.date) -> str:
    """The list whose units are in force on ``on``."""
    return UnitList.FROM_2025 if on >= REFORM_DATE else UnitList.BEFORE_2025


def units_with_child_counts(queryset: QuerySet[AdministrativeUnit]) -> QuerySet:
    return queryset.select_related("parent").annotate(child_count=Count("children"))


def provinces(unit_list: str) -> QuerySet[AdministrativeUnit]:
    return units_with_child_counts(
        AdministrativeUnit.objects.filter(unit_list=unit_list, parent__isnull=True)
    ).order_by("code")


def unit_search(query: str, unit_list: str | None = None) -> QuerySet[AdministrativeUnit]:
    """Units matching ``query`` by name (accents ignored) or by exact code, in either list."""
    found = AdministrativeUnit.objects.search(query) | AdministrativeUnit.objects.filter(
        code=query.strip()
    )
    if unit_list:
        found = found.filter(unit_list=unit_list)
    return found.select_related("parent", "parent__parent").order_by("level", "unit_list", "code")


#: How well a unit's name matches a search (``name_matcher``): lower comes first.
EXACT, PREFIX, CONTAINS = 0, 1, 2


def name_matcher(query: str) -> Callable[[AdministrativeUnit], int | None]:
    """How a unit matches ``query`` by the unit browser's rule (every word of the folded
    query in the folded name, ``AdministrativeUnitQuerySet.search``) or by its exact code:
    ``EXACT`` when the folded name, with or without its kind ("Xã An Mỹ", "An Mỹ"), is the
    query or the code is; ``PREFIX`` when it starts with the query; ``CONTAINS`` otherwise;
    None when it does not match. For lists already loaded (a ranking's rows): no query; the
    query is folded once."""
    folded, code = fold(query), query.strip()
    words = folded.split()

    def match(unit: AdministrativeUnit) -> int | None:
        if unit.code == code:
            return EXACT
        if not words or not all(word in unit.search_name for word in words):
            return None
        short = fold(unit.short_name)
        if folded in (short, unit.search_name):
            return EXACT
        if short.startswith(folded) or unit.search_name.startswith(folded):
            return PREFIX
        return CONTAINS

    return match


def unit_get(unit_list: str, code: str) -> AdministrativeUnit:
    """The unit with its ancestors loaded, or 404."""
    return get_object_or_404(
        AdministrativeUnit.objects.select_related("parent", "parent__parent"),
        unit_list=unit_list,
        code=code,
    )


def unit_children(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return units_with_child_counts(unit.children.all()).order_by("code")


def unit_successors(unit: AdministrativeUnit) -> list[UnitSuccession]:
    """Links to the new units this one became part of, with the new units' provinces."""
    return list(
        unit.successor_links.select_related("successor", "successor__parent").order_by(
            "-is_principal", "successor__code"
        )
    )


def unit_predecessors(unit: AdministrativeUnit) -> list[UnitSuccession]:
    """Links from the old units this one was formed from, each with its old district and
    province, and for a divided predecessor the other new units that share it."""
    return list(
        unit.predecessor_links.select_related(
            "predecessor", "predecessor__parent", "predecessor__parent__parent"
        )
        .prefetch_related(
            Prefetch(
                "predecessor__successor_links",
                queryset=UnitSuccession.objects.select_related("successor"),
            )
        )
        .order_by("predecessor__code")
    )
