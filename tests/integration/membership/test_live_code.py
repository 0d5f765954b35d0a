"""Live codes: one join link that sends each newcomer to the first group in order with room."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlmodel import func, select

from kit.auth import SYSTEM, Principal
from kit.clock import ManualClock
from services.membership.models.live_code import LiveCodeRouting
from tests.support.access import create_group, rest_create_live_code, route
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.lifecycle import ChatFeed, rest_create_group, user
from tests.support.membership import rest_add_member, rest_create_tier

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def routings(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        count: int = (await session.exec(select(func.count()).select_from(LiveCodeRouting))).one()
    return count


async def test_newcomers_fill_groups_in_order_of_preference(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        first = await create_group(membership, cid, capacity=3, member_count=1, join_url="https://t.me/+first")
        second = await create_group(membership, cid, capacity=500)
        code = await rest_create_live_code(client, cid, [first.id, second.id])
        sent = [await route(client, cid, code["id"], newcomer_ref=f"openid-{n}") for n in range(3)]
        again = await route(client, cid, code["id"], newcomer_ref="openid-0")

    assert [r.status_code for r in sent] == [201, 201, 201]
    assert [r.json()["group"]["id"] for r in sent] == [first.id, first.id, second.id]
    assert sent[0].json()["group"] == {
        "id": first.id,
        "name": first.name,
        "platform": "telegram",
        "platform_chat_id": first.platform_chat_id,
        "join_url": "https://t.me/+first",
    }
    assert sent[0].json()["status"] == "pending" and sent[0].json()["overflow"] is False
    assert again.json()["id"] == sent[0].json()["id"], "scanning twice holds one place, not two"
    assert code["join_url"] == f"http://127.0.0.1:8000/join/{code['code']}"


async def test_when_every_group_is_full_the_newcomer_is_refused_or_sent_to_the_overflow(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        full = await create_group(membership, cid, capacity=200, member_count=200)
        overflow = await create_group(membership, cid)
        strict = await rest_create_live_code(client, cid, [full.id])
        lenient = await rest_create_live_code(client, cid, [full.id], overflow_group_id=overflow.id)
        refused = await route(client, cid, strict["id"], newcomer_ref="a")
        refused_count = await routings(membership)
        overflowed = await route(client, cid, lenient["id"], newcomer_ref="b")

    assert refused.status_code == 409 and refused.json()["code"] == "live_code_full"
    assert refused_count == 0
    assert overflowed.status_code == 201
    assert (overflowed.json()["group"]["id"], overflowed.json()["overflow"]) == (overflow.id, True)


async def test_routes_filter_by_profile_attribute_and_groups_by_tier(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        paid = await rest_create_tier(client, cid)
        shanghai = await create_group(membership, cid)
        vip = await create_group(membership, cid, tier_ids=[paid["id"]])
        everyone = await create_group(membership, cid)
        routes = [
            {"group_id": shanghai.id, "when": {"region": "Shanghai"}},
            {"group_id": vip.id},
            {"group_id": everyone.id},
        ]
        code = await rest_create_live_code(client, cid, [], routes=routes)
        paying = await rest_add_member(client, cid, tier_id=paid["id"], attributes={"tags": ["ai"]})
        local = await route(client, cid, code["id"], attributes={"region": "Shanghai"})
        stranger = await route(client, cid, code["id"], attributes={"region": "Beijing"})
        member = await route(client, cid, code["id"], member_id=paying["id"])

    assert local.json()["group"]["id"] == shanghai.id
    assert stranger.json()["group"]["id"] == everyone.id
    assert member.json()["group"]["id"] == vip.id


async def test_newcomers_racing_for_the_last_places_never_overfill_a_group(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        group = await create_group(membership, cid, capacity=10, member_count=8)
        code = await rest_create_live_code(client, cid, [group.id])
        results = await asyncio.gather(*(route(client, cid, code["id"], newcomer_ref=f"n{n}") for n in range(8)))

    assert sorted(r.status_code for r in results) == [201] * 2 + [409] * 6
    assert await routings(membership) == 2


async def test_a_place_not_taken_within_the_hold_goes_to_the_next_newcomer(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        clock = ManualClock(membership.state.clocks.now(cid))
        membership.state.clocks.set(cid, clock)
        group = await create_group(membership, cid, capacity=1)
        code = await rest_create_live_code(client, cid, [group.id], hold_minutes=30)
        first = await route(client, cid, code["id"], newcomer_ref="first")
        blocked = await route(client, cid, code["id"], newcomer_ref="second")
        clock.advance(timedelta(minutes=31))
        later = await route(client, cid, code["id"], newcomer_ref="second")

    assert (first.status_code, blocked.status_code, later.status_code) == (201, 409, 201)


async def test_qr_images_of_the_join_link(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        group = await create_group(membership, cid)
        code = await rest_create_live_code(client, cid, [group.id])
        png = await client.get(code["qr_png_path"])
        svg = await client.get(code["qr_svg_path"], params={"scale": 2})
        listed = (await client.get(f"/v1/communities/{cid}/live-codes")).json()["items"]

    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and svg.text.rstrip().endswith("</svg>")
    assert [item["id"] for item in listed] == [code["id"]]


async def test_bad_live_codes_are_named_change_nothing_and_stay_in_their_community(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        other = (await rest_create_community(client))["id"]
        group = await create_group(membership, cid)
        foreign_group = await create_group(membership, other)
        unknown = await client.post(
            f"/v1/communities/{cid}/live-codes",
            json={"name": "x", "routes": [{"group_id": group.id}, {"group_id": foreign_group.id}]},
        )
        twice = await client.post(
            f"/v1/communities/{cid}/live-codes",
            json={"name": "x", "routes": [{"group_id": group.id}, {"group_id": group.id}]},
        )
        empty = await client.post(f"/v1/communities/{cid}/live-codes", json={"name": "x", "routes": []})
        listed = (await client.get(f"/v1/communities/{cid}/live-codes")).json()["items"]
        code = await rest_create_live_code(client, cid, [group.id])
    async with service_client(membership, Principal(role="community_admin", community_id=other)) as client:
        foreign = await client.get(f"/v1/communities/{cid}/live-codes/{code['id']}")
        foreign_route = await route(client, cid, code["id"], newcomer_ref="x")

    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "routes.1.group_id"
    assert twice.status_code == 422 and "twice" in twice.json()["errors"][0]["reason"]
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "routes"
    assert listed == []
    assert foreign.status_code == 404 and foreign_route.status_code == 404


async def test_the_public_link_routes_by_code_for_the_gateway_only(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        group = await create_group(membership, cid, capacity=2, join_url="https://t.me/+x")
        code = await rest_create_live_code(client, cid, [group.id])
    link = f"/v1/live-code-links/{code['code']}/routings"
    async with service_client(membership, SYSTEM) as gateway:
        first = await gateway.post(link, json={"newcomer_ref": "cookie:a"})
        again = await gateway.post(link, json={"newcomer_ref": "cookie:a"})
        second = await gateway.post(link, json={"newcomer_ref": "cookie:b"})
        full = await gateway.post(link, json={"newcomer_ref": "cookie:c"})
        unknown = await gateway.post("/v1/live-code-links/nosuchcode/routings", json={"newcomer_ref": "x"})
        nobody = await gateway.post(link, json={})
    async with service_client(membership, Principal(role="community_admin", community_id=cid)) as community_key:
        own_key = await community_key.post(link, json={"newcomer_ref": "cookie:d"})

    assert first.status_code == 201 and first.json()["group"]["id"] == group.id
    assert first.json()["live_code_id"] == code["id"] and first.json()["newcomer_ref"] == "cookie:a"
    assert again.json()["id"] == first.json()["id"], "the same newcomer keeps one place"
    assert second.status_code == 201
    assert full.status_code == 409 and full.json()["code"] == "live_code_full"
    assert unknown.status_code == 404 and unknown.json()["code"] == "live_code_not_found"
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "newcomer_ref"
    assert own_key.status_code == 404, "community keys cannot resolve codes across communities"
    assert await routings(membership) == 2


async def list_members(client: httpx.AsyncClient, cid: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get(f"/v1/communities/{cid}/members")).json()["items"]
    return items


async def holds_by_ref(app: FastAPI) -> dict[str, tuple[str, str | None]]:
    """Each routing's (status, member id), keyed by its newcomer ref (or member id)."""
    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(LiveCodeRouting))).all()
    return {(row.newcomer_ref or row.member_id or ""): (row.status, row.member_id) for row in rows}


async def test_a_join_in_the_group_settles_the_newcomers_own_hold_or_the_oldest_anonymous_one(
    membership: FastAPI,
) -> None:
    async with service_client(membership, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        group = await rest_create_group(client, cid, capacity=10)
        code = await rest_create_live_code(client, cid, [group["id"]])
        known = await rest_add_member(client, cid, identities=[{"platform": "telegram", "platform_user_id": "42"}])
        await route(client, cid, code["id"], newcomer_ref="cookie:a")
        await route(client, cid, code["id"], member_id=known["id"])
        await route(client, cid, code["id"], newcomer_ref="telegram:77")
        await route(client, cid, code["id"], newcomer_ref="cookie:b")
        feed = ChatFeed(membership, cid)
        await feed.join(group, user("42"))
        await feed.join(group, user("77"))
        after_named = await holds_by_ref(membership)
        await feed.join(group, user("99"), at=datetime.now(UTC) + timedelta(days=2))  # every hold ran out by then
        after_late = await holds_by_ref(membership)
        await feed.join(group, user("100"))
        settled = await holds_by_ref(membership)
        await feed.join(group, user("101"))
        await feed.join(group, user("102"))  # no hold left: nothing to settle, nothing breaks
        final = await holds_by_ref(membership)
        members = {m["identities"][0]["platform_user_id"]: m["id"] for m in await list_members(client, cid)}
        room = (await client.get(f"/v1/communities/{cid}/groups/{group['id']}")).json()["member_count"]

    assert after_named == {
        "cookie:a": ("pending", None),
        known["id"]: ("joined", known["id"]),
        "telegram:77": ("joined", members["77"]),
        "cookie:b": ("pending", None),
    }, "a hold that names the person is theirs, whoever scanned earlier"
    assert after_late == after_named
    assert settled["cookie:a"] == ("joined", members["100"]) and settled["cookie:b"] == ("pending", None)
    assert final["cookie:b"] == ("joined", members["101"])
    assert room == 6
