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


def table_key(base: str, request) -> str:
    """The rendered table of a ranking: one per sort order, page and language."""
    return cache_key("table", base, request.GET.get("sort", ""), request.GET.get("page", ""),
                     get_language())


def _units_changed(sender, **kwargs) -> None:
    figures_changed()


def connect_signals() -> None:
    """A unit renamed, moved or re-dated in the admin changes every ranking it appears in.
    (``load_units`` writes in bulk, without signals, and calls ``figures_changed`` itself.)"""
    from cchc.units.models import AdministrativeUnit, UnitSuccession

    for model in (AdministrativeUnit, UnitSuccession):
        post_save.connect(_units_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(_units_changed, sender=model,
                            dispatch_uid=f"figures-del-{model.__name__}")
