"""What the services really answer when they refuse is what /openapi.json says they answer (ADR 0025): for a sample
of routes, each refusal is a status the operation lists, as problem+json of the published schema, with a listed code."""

from __future__ import annotations

from kit.auth import Principal
from kit.clock import ManualClock
from tests.support.backends import Backend
from tests.support.challenges import BEFORE_START, base, check_in, create_challenge
from tests.support.factories import rest_create_community
from tests.support.gamification import COMMUNITY
from tests.support.guildhall import running_service, service_client
from tests.support.openapi import assert_documented
from tests.support.rewards import create_badge

ADMIN = Principal(role="platform_admin", key_id="key_admin")
COMMUNITY_KEY = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)


async def test_membership_refusals_are_the_documented_problems(backend: Backend) -> None:
    async with running_service(backend, "membership") as app:
        async with service_client(app, ADMIN) as client:
            cid = (await rest_create_community(client))["id"]
            tiers = f"/v1/communities/{cid}/tiers"
            assert (await client.post(tiers, json={"key": "gold", "name": "Gold", "rank": 1})).status_code == 201
            refused = [
                await client.get("/v1/communities/cmty_01m7y9wvft4hdrkcg2h0vakzz0"),
                await client.get(f"{tiers}/tier_01m7y9wvft4hdrkcg2h0vakzz0"),
                await client.post(tiers, json={"key": "gold", "name": "Gold again", "rank": 2}),
                await client.post("/v1/communities", json={"name": "  ", "timezone": "Mars/Olympus"}),
                await client.patch(f"/v1/communities/{cid}", json={"timezone": "Mars/Olympus"}),
                await client.get("/v1/communities", params={"limit": 0}),
            ]
        async with service_client(app, COMMUNITY_KEY) as keyed:
            refused.append(await keyed.post("/v1/communities", json={"name": "Mine", "timezone": "UTC"}))
        async with service_client(app, None) as anonymous:
            refused.append(await anonymous.get(f"/v1/communities/{cid}"))

    bodies = [assert_documented(app, response) for response in refused]
    assert [(b["status"], b["code"]) for b in bodies] == [
        (404, "community_not_found"),
        (404, "tier_not_found"),
        (409, "tier_key_taken"),
        (422, "invalid_input"),
        (422, "invalid_input"),
        (422, "invalid_input"),
        (403, "platform_admin_required"),
        (401, "unauthenticated"),
    ]
    assert {e["field"] for e in bodies[3]["errors"]} == {"name", "timezone"}


async def test_gamification_and_content_refusals_are_the_documented_problems(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, COMMUNITY_KEY) as client:
        app.state.clocks.set(COMMUNITY, ManualClock(BEFORE_START))
        await create_badge(client, name="Chatty")
        challenge = await create_challenge(client)
        refused = [
            await client.post(f"{base()}/badges", json={"name": "Chatty", "criteria": {"kind": "manual"}}),
            await client.get(f"{base()}/badges/bdg_01m7y9wvft4hdrkcg2h0vakzz0"),
            await client.post(f"{base()}/badges", json={"name": "", "criteria": {"kind": "manual"}}),
            # The check-in POST is served ahead of the router (ADR 0023): it too answers as documented.
            await check_in(client, "chl_01m7y9wvft4hdrkcg2h0vakzz0", "mbr_a"),
            await check_in(client, challenge["id"], "mbr_not_enrolled"),
        ]
        bodies = [assert_documented(app, response) for response in refused]
    assert [(b["status"], b["code"]) for b in bodies] == [
        (409, "badge_name_taken"),
        (404, "badge_not_found"),
        (422, "invalid_input"),
        (404, "challenge_not_found"),
        (404, "not_enrolled"),
    ]

    async with running_service(backend, "content") as app, service_client(app, ADMIN) as client:
        missing = await client.get(f"/v1/communities/{COMMUNITY}/welcome-template")
        assert assert_documented(app, missing)["code"] == "welcome_template_not_found"
