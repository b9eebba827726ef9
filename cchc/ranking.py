"""Ranking rules shared by dossier KPIs and PAR results."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

from django_tables2 import RequestConfig


def competition_ranks(values: Mapping[Hashable, object], *, descending: bool = True) -> dict:
    """Standard competition ranking ("1224"): ties share a rank and the next rank skips.

    ``values`` maps a key (a unit) to its score; keys whose score is ``None`` are left unranked.
    """
    scored = [(key, value) for key, value in values.items() if value is not None]
    scored.sort(key=lambda item: item[1], reverse=descending)
    ranks: dict = {}
    previous, previous_rank = object(), 0
    for position, (key, value) in enumerate(scored, start=1):
        if value != previous:
            previous, previous_rank = value, position
        ranks[key] = previous_rank
    return ranks


def ranked_count(rows: Iterable) -> int:
    """How many of ``rows`` (anything with a ``rank``) were ranked, that is had a value: the
    "13" of "3/13"."""
    return sum(1 for row in rows if row.rank is not None)


def unranked_last(rank: int | None) -> int:
    """A sort key that puts every ranked row (1, 2, 2, 4, …) before the unranked ones."""
    return rank if rank is not None else 10**9


class PointsAndRank:
    """What every PAR result shows the same way, whether computed (``ParResult``), stored
    (``ParAssessment``) or published (``PublishedParRow``): needs ``points``, ``max_points``,
    ``rank`` and ``rank_of``."""

    @property
    def index_percent(self):
        """Points over the maximum, in % (unrounded); None without points or maximum."""
        if self.points is None or not self.max_points:
            return None
        return self.points / self.max_points * 100

    @property
    def rank_display(self) -> str:
        """"3/13", or "–" when unranked."""
        return f"{self.rank}/{self.rank_of}" if self.rank else "–"


def paginate_table(request, table, per_page: int = 50, most: int = 1000):
    """Sort and page a ranking table (django-tables2) from the request's ``sort``, ``page`` and
    ``per_page``, ``per_page`` rows a page unless the query asks for 1 to ``most``. A page size
    of 0 or less made the paginator fail (a 500): it is ignored, like any other bad value."""
    asked = request.GET.get("per_page", "")
    if asked.isdigit() and 0 < int(asked) <= most:
        per_page = int(asked)
    table.per_page_field = "_per_page_checked"  # django-tables2 would read the raw value
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return table
