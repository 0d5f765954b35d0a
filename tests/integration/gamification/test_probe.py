"""Attention probes through the REST API and chat events: a drop, claims by keyword or API with their
latency, one claim per member, the limit and the expiry, and the report per group."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from kit.auth import Principal
from kit.clock import ManualClock
from kit.tables import outbox
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, balance
from tests.support.guildhall import running_service, service_client
from tests.support.rewards import message

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
PROBES = f"/v1/communities/{COMMUNITY}/probes"
DROP = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def probe_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "group_ids": ["grp_1", "grp_2"],
        "keyword": "red envelope",
        "points_per_claim": 5,
        "max_claims": 3,
        "expires_at": (DROP + timedelta(hours=1)).isoformat(),
        "members_present": {"grp_1": 10},
    }
    body.update(overrides)
    return body


async def test_claims_by_keyword_and_api_are_recorded_with_latency_and_reported_per_group(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = ManualClock(DROP)
        app.state.clocks.set(COMMUNITY, clock)
        dropped = await client.post(PROBES, json=probe_body())
        probe = dropped.json()
        said = [
            message("mbr_a", DROP + timedelta(seconds=4), text="Red Envelope please!", group_id="grp_1"),
            message("mbr_a", DROP + timedelta(seconds=6), text="red envelope again", group_id="grp_1"),  # one each
            message("mbr_b", DROP + timedelta(seconds=8), text="just chatting", group_id="grp_1"),  # no keyword
            message("mbr_c", DROP + timedelta(seconds=9), text="red envelope", group_id="grp_9"),  # another group
            message("mbr_d", DROP + timedelta(seconds=20), text="red envelope!", group_id="grp_1"),
        ]
        for data in said:
            await publish(app, data, producer="membership", community_id=COMMUNITY, times=2)
        await consume(app, "gamification")
        clock.advance(timedelta(seconds=30))
        by_api = await client.post(f"{PROBES}/{probe['id']}/claims", json={"member_id": "mbr_e", "group_id": "grp_2"})
        twice = await client.post(f"{PROBES}/{probe['id']}/claims", json={"member_id": "mbr_a"})
        full = await client.post(f"{PROBES}/{probe['id']}/claims", json={"member_id": "mbr_f"})
        report = (await client.get(f"{PROBES}/{probe['id']}/report")).json()
        a = await balance(client, "mbr_a")
        async with app.state.sessionmaker() as session:
            rows = (await session.exec(select(outbox.c.type, outbox.c.envelope))).all()

    assert dropped.status_code == 201
    dropped_events = [json.loads(e)["data"] for t, e in rows if t == "probe.dropped"]
    assert [(d["group_ids"], "red envelope" in d["text"]) for d in dropped_events] == [(["grp_1", "grp_2"], True)]
    assert by_api.status_code == 201 and by_api.json()["latency_ms"] == 30_000
    assert (twice.status_code, twice.json()["code"]) == (409, "probe_already_claimed")
    assert (full.status_code, full.json()["code"]) == (409, "probe_not_claimable")
    assert report["claims"] == 3
    assert [(c["member_id"], c["via"], c["latency_ms"]) for c in report["claim_list"]] == [
        ("mbr_a", "chat", 4_000),
        ("mbr_d", "chat", 20_000),
        ("mbr_e", "api", 30_000),
    ]
    grp_1, grp_2 = report["groups"]
    assert (grp_1["members_present"], grp_1["claims"], grp_1["claim_ratio"]) == (10, 2, 0.2)
    assert (grp_1["latency_p50_ms"], grp_1["latency_p90_ms"], grp_1["latency_max_ms"]) == (4_000, 20_000, 20_000)
    assert (grp_2["members_present"], grp_2["claims"], grp_2["claim_ratio"]) == (None, 1, None)
    assert a["balance"] == 5
    assert sum(t == "probe.claimed" for t, _ in rows) == 3


async def test_a_message_outside_the_groups_claims_only_when_it_came_one_to_one(backend: Backend) -> None:
    """A group chat no community group is bound to is not where the probe was dropped; a private message is the
    member answering the app itself (WeCom's self-built apps bring every message so)."""
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        app.state.clocks.set(COMMUNITY, ManualClock(DROP))
        probe = (await client.post(PROBES, json=probe_body())).json()
        in_unbound_group = message("mbr_a", DROP + timedelta(seconds=3), text="red envelope").model_copy(
            update={"group_id": None}
        )
        one_to_one = message("mbr_b", DROP + timedelta(seconds=5), text="red envelope").model_copy(
            update={"group_id": None, "one_to_one": True}
        )
        for data in (in_unbound_group, one_to_one):
            await publish(app, data, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        report = (await client.get(f"{PROBES}/{probe['id']}/report")).json()

    assert [(c["member_id"], c["group_id"]) for c in report["claim_list"]] == [("mbr_b", None)]


async def test_an_expired_or_closed_probe_takes_no_claims(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = ManualClock(DROP)
        app.state.clocks.set(COMMUNITY, clock)
        first = (await client.post(PROBES, json=probe_body())).json()
        second = (await client.post(PROBES, json=probe_body(expires_at=(DROP + timedelta(days=1)).isoformat()))).json()
        closed = await client.post(f"{PROBES}/{second['id']}/close")
        clock.advance(timedelta(hours=2))
        late = await client.post(f"{PROBES}/{first['id']}/claims", json={"member_id": "mbr_a"})
        after_close = await client.post(f"{PROBES}/{second['id']}/claims", json={"member_id": "mbr_a"})
        listed = (await client.get(PROBES)).json()["items"]

    assert closed.json()["status"] == "closed"
    assert (late.status_code, late.json()["code"]) == (409, "probe_not_claimable")
    assert (after_close.status_code, after_close.json()["code"]) == (409, "probe_not_claimable")
    assert [p["claims"] for p in listed] == [0, 0]


async def test_bad_probes_are_refused_naming_the_field_and_another_community_sees_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app:
        async with service_client(app, MINE) as client:
            bad = await client.post(
                PROBES,
                json=probe_body(group_ids=[], keyword=" ", max_claims=0, members_present={"grp_7": 3}),
            )
            probe = (await client.post(PROBES, json=probe_body(expires_at="2099-01-01T00:00:00Z"))).json()
            wrong_group = await client.post(
                f"{PROBES}/{probe['id']}/claims", json={"member_id": "mbr_a", "group_id": "grp_9"}
            )
            listed = (await client.get(PROBES)).json()["items"]
        other = Principal(role="community_admin", key_id="key_other", community_id=OTHER_COMMUNITY)
        async with service_client(app, other) as client:
            foreign = await client.get(f"{PROBES}/{probe['id']}/report")

    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == [
        "group_ids",
        "keyword",
        "max_claims",
        "expires_at",
        "members_present.grp_7",
    ]
    assert (wrong_group.status_code, wrong_group.json()["errors"][0]["field"]) == (422, "group_id")
    assert len(listed) == 1
    assert foreign.status_code == 404
