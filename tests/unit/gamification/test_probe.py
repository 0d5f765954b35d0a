"""Attention probes: who may claim, and the report's ratio and latency percentiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.gamification.domain.probe import claim_problem, group_report, percentile, validate_probe

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_nearest_rank_percentiles() -> None:
    values = [100, 300, 200, 900, 500, 400, 700, 600, 800, 1_000]

    assert percentile(values, 50) == 500
    assert percentile(values, 90) == 900
    assert percentile([42], 90) == 42
    assert percentile([], 50) is None


def test_a_group_report_gives_the_ratio_only_when_presence_is_known() -> None:
    known = group_report("grp_1", members_present=8, latencies_ms=[1_000, 3_000])
    unknown = group_report("grp_2", members_present=None, latencies_ms=[2_000])

    assert (known.claims, known.claim_ratio, known.latency_p50_ms, known.latency_max_ms) == (2, 0.25, 1_000, 3_000)
    assert (unknown.claims, unknown.claim_ratio) == (1, None)


def test_claims_stop_when_closed_expired_or_exhausted() -> None:
    later = AT + timedelta(hours=1)

    assert claim_problem(open_=True, expires_at=later, claims=0, max_claims=1, at=AT) is None
    assert claim_problem(open_=False, expires_at=later, claims=0, max_claims=1, at=AT) is not None
    assert claim_problem(open_=True, expires_at=AT, claims=0, max_claims=1, at=AT) is not None
    assert claim_problem(open_=True, expires_at=later, claims=1, max_claims=1, at=AT) is not None


def test_bad_probes_name_each_field() -> None:
    problems = validate_probe(group_ids=[], keyword=" ", max_claims=0, points_per_claim=0, expires_at=AT, at=AT)

    assert [f for f, _ in problems] == ["group_ids", "keyword", "max_claims", "points_per_claim", "expires_at"]
