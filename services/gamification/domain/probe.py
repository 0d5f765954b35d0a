"""Attention probes (the red-envelope test): who may claim, and the report of claims per group. No I/O here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


def validate_probe(
    *,
    group_ids: Sequence[str],
    keyword: str,
    max_claims: int,
    points_per_claim: int | None,
    expires_at: datetime,
    at: datetime,
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not group_ids:
        problems.append(("group_ids", "name at least one group"))
    if len(set(group_ids)) != len(group_ids):
        problems.append(("group_ids", "must not repeat a group"))
    if not keyword.strip():
        problems.append(("keyword", "must not be blank"))
    if max_claims < 1:
        problems.append(("max_claims", "must be at least 1"))
    if points_per_claim is not None and points_per_claim < 1:
        problems.append(("points_per_claim", "must be at least 1 when set"))
    if expires_at <= at:
        problems.append(("expires_at", "must be in the future"))
    return problems


def claim_problem(*, open_: bool, expires_at: datetime, claims: int, max_claims: int, at: datetime) -> str | None:
    """Why no claim is possible at ``at``, or None."""
    if not open_:
        return "the probe is closed"
    if at >= expires_at:
        return "the probe has expired"
    if claims >= max_claims:
        return "every claim of the probe is taken"
    return None


def mentions_keyword(text: str, keyword: str) -> bool:
    return keyword.casefold() in text.casefold()


def percentile(values: Sequence[int], p: float) -> int | None:
    """The nearest-rank percentile ``p`` (0 to 100) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


@dataclass(frozen=True)
class GroupReport:
    group_id: str
    members_present: int | None
    claims: int
    claim_ratio: float | None  # claims / members present; None when presence is unknown
    latency_p50_ms: int | None
    latency_p90_ms: int | None
    latency_max_ms: int | None


def group_report(group_id: str, *, members_present: int | None, latencies_ms: Sequence[int]) -> GroupReport:
    claims = len(latencies_ms)
    ratio = round(claims / members_present, 4) if members_present else None
    return GroupReport(
        group_id=group_id,
        members_present=members_present,
        claims=claims,
        claim_ratio=ratio,
        latency_p50_ms=percentile(latencies_ms, 50),
        latency_p90_ms=percentile(latencies_ms, 90),
        latency_max_ms=max(latencies_ms) if latencies_ms else None,
    )
