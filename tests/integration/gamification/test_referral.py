"""Referral rewards: ``referral.converted`` is a rule event of the referrer's, with the payment in its conditions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func
from sqlmodel import select

from contracts.events import ReferralConverted
from kit.auth import Principal
from kit.events.envelope import stream_of
from kit.tables import outbox, processed_event
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, balance, create_rule
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)


def converted(referrer: str, referred: str, **overrides: Any) -> ReferralConverted:
    values: dict[str, Any] = {
        "referral_id": f"rfl_{referred}",
        "referrer_member_id": referrer,
        "referred_member_id": referred,
        "tier_id": "tier_core",
        "tier_key": "core",
        "payment_id": f"pay_{referred}",
        "amount": 19_900,
        "currency": "CNY",
    }
    values.update(overrides)
    return ReferralConverted(**values)


async def test_a_conversion_rewards_the_referrer_once_however_often_it_is_delivered(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await create_rule(
            client,
            name="Paid referral",
            event="referral.converted",
            points=100,
            conditions={"min_amount": 10_000, "currency": "CNY"},
        )
        await create_rule(
            client, name="Core referral", event="referral.converted", points=20, conditions={"paid_tier_keys": ["core"]}
        )
        sent = [
            await publish(app, converted("mbr_a", "mbr_x"), producer="membership", community_id=COMMUNITY, times=2),
            # Too little for the first rule, another tier for the second: nothing.
            await publish(
                app,
                converted("mbr_a", "mbr_y", amount=9_900, tier_id="tier_lite", tier_key="lite"),
                producer="membership",
                community_id=COMMUNITY,
            ),
            # In another currency the amount condition does not hold; the tier one does.
            await publish(
                app, converted("mbr_b", "mbr_z", currency="USD"), producer="membership", community_id=COMMUNITY
            ),
        ]
        await consume(app, "gamification")
        first = (await balance(client, "mbr_a"), await balance(client, "mbr_b"), await balance(client, "mbr_x"))
        # A replay after the inbox forgot the events: the grant keys still hold.
        async with app.state.sessionmaker() as session, session.begin():
            await session.exec(delete(processed_event))
        for envelope in sent:
            await app.state.redis.xadd(stream_of("membership"), {"envelope": envelope.model_dump_json()})
        replayed = await consume(app, "gamification")
        second = (await balance(client, "mbr_a"), await balance(client, "mbr_b"), await balance(client, "mbr_x"))
        async with app.state.sessionmaker() as session:
            awarded = (await session.exec(select(func.count()).where(outbox.c.type == "points.awarded"))).one()

    assert [b["balance"] for b in first] == [120, 20, 0]
    assert replayed == 3
    assert second == first
    assert awarded == 3


async def test_an_old_conversion_without_its_payment_meets_no_payment_condition(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        await create_rule(
            client, event="referral.converted", points=100, conditions={"min_amount": 0, "currency": "CNY"}
        )
        await create_rule(client, name="Any conversion", event="referral.converted", points=5)
        old = converted("mbr_a", "mbr_x", amount=None, currency=None, tier_key=None)
        await publish(app, old, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        referrer = await balance(client, "mbr_a")

    assert referrer["balance"] == 5


async def test_a_conversion_rule_with_a_condition_it_cannot_have_is_refused_naming_it(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        rules = f"/v1/communities/{COMMUNITY}/rules"
        chat = await client.post(
            rules, json={"name": "x", "event": "referral.converted", "points": 1, "conditions": {"keyword": "hi"}}
        )
        unknown = await client.post(
            rules, json={"name": "x", "event": "referral.converted", "points": 1, "conditions": {"min_amout": 1}}
        )
        loose = await client.post(
            rules, json={"name": "x", "event": "referral.converted", "points": 1, "conditions": {"min_amount": 1}}
        )
        created = await create_rule(client, event="referral.converted", points=1)
        moved = await client.patch(
            f"{rules}/{created['rule_id']}", json={"conditions": {"min_amount": 1, "currency": "CNY", "group_ids": []}}
        )
        listed = (await client.get(rules)).json()

    assert chat.status_code == 422 and [e["field"] for e in chat.json()["errors"]] == ["conditions.keyword"]
    assert unknown.status_code == 422 and [e["field"] for e in unknown.json()["errors"]] == ["conditions.min_amout"]
    assert loose.status_code == 422 and [e["field"] for e in loose.json()["errors"]] == ["conditions.currency"]
    assert moved.status_code == 422 and [e["field"] for e in moved.json()["errors"]] == ["conditions.group_ids"]
    assert [(r["event"], r["version"]) for r in listed] == [("referral.converted", 1)]
