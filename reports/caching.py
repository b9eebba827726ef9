"""Cached rankings, keyed by the figures they show.

A ranking of 3,321 communes costs a few hundred milliseconds to compute and render, and is the
same for everyone allowed to see it until a report of its period changes. So the ranking (the
selector's result) and the rendered table are kept in Django's cache under keys that contain
the ``figures_version`` of every period they read. Every change of the precomputed totals gives
those periods a new version in the same transaction (``cchc.periods.services.figures_changed``,
called by ``cchc.dossiers.rollups``), as does any change of the unit lists (below), so a cached
ranking is never served after its figures changed: the next request misses and recomputes.
Nothing is ever deleted from the cache by hand; old entries simply stop being asked for and
expire after ``CCHC_CACHE_SECONDS``.

The cache is Redis when ``REDIS_URL`` is set (shared by every worker and host), else each
process's local memory — still correct, because the versions live in the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language

from cchc.periods.models import ReportingPeriod
from cchc.periods.services import figures_changed

T = TypeVar("T")


def figures_stamp(*periods: ReportingPeriod | None) -> str:
    """The versions of the figures of ``periods`` (``-`` for a missing one), in order."""
    return ".".join(str(p.figures_version) if p is not None else "-" for p in periods)


def cache_key(kind: str, *parts: object) -> str:
    """A short key for ``kind`` and everything the cached value depends on."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"cchc:{kind}:{digest}"


def cached(key: str, compute: Callable[[], T]) -> T:
    """The value under ``key``, computed and stored first if it is not there."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.CCHC_CACHE_SECONDS)
    return value


def cacheable(filters) -> bool:
    """Whether what the filters choose may be cached: unbound or valid. Invalid filters still
    filter by their valid fields, so they must not share one cached answer."""
    return not filters.is_bound or filters.is_valid()


def page_key(base: str, request, filters, *, sortable) -> tuple[str, int]:
    """The key and lifetime of a ranking page's cached content: one per sort order, page,
    language and day (the periods offered depend on the date). Only well-formed requests are
    cached: valid filters, a known sort column, a page number, nothing else in the query and
    nothing twice. Anything else is rendered without being stored (lifetime 0), so made-up or
    repeated parameters can neither fill the cache nor put another page under this key."""
    sort, page = request.GET.get("sort", ""), request.GET.get("page", "")
    known = {"sort", "page", *filters.form.fields}
    well_formed = (cacheable(filters)
                   and all(name in known and len(request.GET.getlist(name)) == 1
                           for name in request.GET)
                   and sort.removeprefix("-") in {"", *sortable}
                   and (page == "" or (page.isdigit() and len(page) <= 5)))
    key = cache_key("page", base, sort, page, get_language(),
                    timezone.localdate())
    return key, settings.CCHC_CACHE_SECONDS if well_formed else 0


def filters_key(filters, *, exclude=()) -> str:
    """The chosen filters' part of a cache key (only for ``cacheable`` filters), without the
    filters named in ``exclude`` (those that do not change the cached value)."""
    return filter_query(filters, exclude=exclude) if filters.is_bound else ""


def filter_query(filters, *, exclude=()) -> str:
    """The filters' chosen values as a query string, for the page's download links (the same
    for every request that the cached page answers), without those named in ``exclude``."""
    if not filters.is_bound or not filters.is_valid():
        return ""
    chosen = {name: getattr(value, "pk", value)
              for name, value in sorted(filters.form.cleaned_data.items())
              if value and name not in exclude}
    return urlencode(chosen)


def _units_changed(sender, **kwargs) -> None:
    figures_changed()


def _period_changed(sender, instance, **kwargs) -> None:
    figures_changed(periods=[instance])  # its deadline decides who reported on time


def connect_signals() -> None:
    """A unit renamed, moved or re-dated in the admin changes every ranking it appears in; a
    period's deadline changes its completeness. (``load_units`` writes in bulk, without
    signals, and calls ``figures_changed`` itself.)"""
    from cchc.units.models import AdministrativeUnit, UnitSuccession

    for model in (AdministrativeUnit, UnitSuccession):
        post_save.connect(_units_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(_units_changed, sender=model,
                            dispatch_uid=f"figures-del-{model.__name__}")
    post_save.connect(_period_changed, sender=ReportingPeriod, dispatch_uid="figures-period")
