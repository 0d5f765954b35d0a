"""Which events are participation, of which kind, keyed by what (domain/participation.py), and that the
membership consumer subscribes to exactly those events."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.gamification.events import CheckinRecorded, PointsAwarded, ProbeClaimed, RewardRedeemed
from kit.events import EventData
from services.membership import consumers
from services.membership.domain.participation import (
    SOURCES,
    Participation,
    ParticipationKind,
    participation_of,
)


def _checkin(*, makeup: bool) -> CheckinRecorded:
    return CheckinRecorded(
        member_id="mbr_a",
        challenge_id="chl_a",
        enrollment_id="enr_a",
        checkin_id="chk_a",
        day=3,
        local_date=date(2026, 3, 3),
        makeup=makeup,
        channel="api",
        streak=3,
        days_done=3,
    )


def _of(data: EventData) -> Participation | None:
    return participation_of(data.event_type, data.model_dump())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_checkin(makeup=False), Participation(ParticipationKind.CHECKIN, "mbr_a", "chk_a")),
        (_checkin(makeup=True), Participation(ParticipationKind.MAKEUP_CHECKIN, "mbr_a", "chk_a")),
        (
            ProbeClaimed(member_id="mbr_b", probe_id="prb_a", claim_id="clm_a", latency_ms=900),
            Participation(ParticipationKind.PROBE_CLAIM, "mbr_b", "clm_a"),
        ),
        (
            RewardRedeemed(member_id="mbr_c", reward_id="rwd_a", redemption_id="rdm_a", cost=50),
            Participation(ParticipationKind.REDEMPTION, "mbr_c", "rdm_a"),
        ),
    ],
)
def test_each_kind_of_participation_is_read_from_its_event_keyed_by_the_act(
    data: EventData, expected: Participation
) -> None:
    assert _of(data) == expected


def test_check_ins_and_makeups_count_as_check_ins_and_other_kinds_do_not() -> None:
    checkin, makeup = _of(_checkin(makeup=False)), _of(_checkin(makeup=True))
    claim = _of(ProbeClaimed(member_id="mbr_b", probe_id="prb_a", claim_id="clm_a", latency_ms=900))

    assert checkin is not None and makeup is not None and claim is not None
    assert (checkin.checkins, makeup.checkins, claim.checkins) == (1, 1, 0)


def test_an_event_that_is_no_participation_reads_as_none() -> None:
    points = PointsAwarded(member_id="mbr_a", entry_id="pte_a", points=5, balance=5, lifetime=5, reason="message")

    assert _of(points) is None
    assert participation_of("member.activity", {"member_id": "mbr_a"}) is None


def test_the_consumer_handles_exactly_the_events_of_the_table_and_each_payload_has_its_ref() -> None:
    models = {model.event_type: model for model in consumers.PARTICIPATIONS}

    assert set(models) == set(SOURCES)
    for event_type, source in SOURCES.items():
        subscription = consumers.subscriptions.get(event_type)
        assert subscription is not None and subscription.handler is consumers.on_participation
        assert {"member_id", source.ref} <= set(models[event_type].model_fields)
        if source.makeup is not None:
            assert "makeup" in models[event_type].model_fields
