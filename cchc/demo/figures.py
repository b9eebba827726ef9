"""Synthetic dossier figures that obey every rule of form II.06a.

Used only for demo data, and always stored with source "synthetic" so pages can label them.
Each (unit, field) is a chain of quarters: a quarter's carried-over (6) is the previous quarter's
pending (11), so the demo never shows the mismatch the app is meant to flag.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole numbers proportional to ``weights`` that add up exactly.

    Largest-remainder method; a zero or empty weight list gives everything to the first slot.
    """
    if total < 0:
        raise ValueError("cannot apportion a negative total")
    weight_sum = float(sum(weights))
    if not weights:
        raise ValueError("no weights")
    if weight_sum <= 0:
        return [total] + [0] * (len(weights) - 1)
    shares = [total * w / weight_sum for w in weights]
    parts = [int(s) for s in shares]
    leftovers = sorted(range(len(shares)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in leftovers[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class QuarterMix:
    """How a quarter's dossiers split, as shares between 0 and 1."""

    online: float  # of dossiers received in the quarter
    postal: float  # of those not received online
    early: float  # of those resolved in time
    overdue_pending: float  # of those still pending


def quarter_figures(
    *,
    carried_over: int,
    received_in_period: int,
    resolved: int,
    late: int,
    mix: QuarterMix,
    early: int | None = None,
) -> dict[str, int]:
    """One quarter's 12 counts from its flows; pending is what is left."""
    if resolved > carried_over + received_in_period:
        raise ValueError("resolved more dossiers than were there")
    if late > resolved:
        raise ValueError("more late dossiers than resolved ones")
    online, offline = apportion(received_in_period, [mix.online, 1 - mix.online])
    postal, in_person = apportion(offline, [mix.postal, 1 - mix.postal])
    in_time = resolved - late
    if early is None:
        early, on_time = apportion(in_time, [mix.early, 1 - mix.early])
    else:
        on_time = in_time - early
    pending = carried_over + received_in_period - resolved
    overdue, pending_in_time = apportion(pending, [mix.overdue_pending, 1 - mix.overdue_pending])
    return {
        "received_total": carried_over + received_in_period,
        "received_online": online,
        "received_in_person": in_person,
        "received_postal": postal,
        "received_carried_over": carried_over,
        "resolved_total": resolved,
        "resolved_early": early,
        "resolved_on_time": on_time,
        "resolved_late": late,
        "pending_total": pending,
        "pending_in_time": pending_in_time,
        "pending_overdue": overdue,
    }


def online_share(year: int, rng: random.Random) -> float:
    """Online receipt grows from a few percent in 2019 to most dossiers by 2026."""
    base = {2019: 0.03, 2020: 0.08, 2021: 0.15, 2022: 0.25, 2023: 0.38, 2024: 0.5,
            2025: 0.62, 2026: 0.7}.get(year, 0.7)
    return min(0.95, max(0.0, base + rng.uniform(-0.05, 0.05)))


def random_mix(year: int, rng: random.Random) -> QuarterMix:
    return QuarterMix(
        online=online_share(year, rng),
        postal=rng.uniform(0.02, 0.08),
        early=rng.uniform(0.55, 0.9),
        overdue_pending=rng.uniform(0.0, 0.2),
    )


def synthetic_quarter(
    *, carried_over: int, volume: int, year: int, rng: random.Random
) -> dict[str, int]:
    """A plausible quarter: ``volume`` dossiers arrive, 90-100 % of the resolved are in time."""
    received = max(0, int(rng.gauss(volume, volume * 0.15)))
    available = carried_over + received
    resolved = min(available, int(available * rng.uniform(0.88, 0.97)))
    late = int(resolved * rng.uniform(0.0, 0.08))
    return quarter_figures(
        carried_over=carried_over,
        received_in_period=received,
        resolved=resolved,
        late=late,
        mix=random_mix(year, rng),
    )


def year_from_targets(
    *,
    carried_over: int,
    total: int,
    resolved: int,
    in_time: int,
    early: int | None,
    year: int,
    rng: random.Random,
    seasonal: Sequence[float] = (0.22, 0.25, 0.26, 0.27),
) -> list[dict[str, int]]:
    """Four quarters whose year, derived as the app derives it, has exactly these figures.

    ``total`` is the year's (3) (in-period receipts plus the carried-over of the first quarter),
    ``resolved`` its (7), ``in_time`` its (8)+(9) and ``early``, if known, its (8). Pending moves
    in equal steps from ``carried_over`` to the year-end pending ``total - resolved``.
    """
    closing = total - resolved
    if closing < 0 or carried_over > total or in_time > resolved:
        raise ValueError("targets are not consistent")
    resolved_q = apportion(resolved, seasonal)
    late_q = apportion(resolved - in_time, resolved_q)
    early_q = apportion(early, [r - late for r, late in zip(resolved_q, late_q, strict=True)]) \
        if early is not None else [None] * 4
    steps = apportion(abs(closing - carried_over), [1, 1, 1, 1])
    sign = 1 if closing >= carried_over else -1
    quarters, pending = [], carried_over
    for q in range(4):
        next_pending = pending + sign * steps[q]
        received = resolved_q[q] + next_pending - pending
        if received < 0:
            raise ValueError("pending falls faster than dossiers are resolved")
        mix = random_mix(year, rng)
        quarters.append(
            quarter_figures(
                carried_over=pending,
                received_in_period=received,
                resolved=resolved_q[q],
                late=late_q[q],
                mix=mix,
                early=early_q[q],
            )
        )
        pending = next_pending
    return quarters
