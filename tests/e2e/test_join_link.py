"""The public join link of a live code, ``GET /join/{code}`` at the gateway, opened without an API key."""

from __future__ import annotations

from guildhall.embedded import EmbeddedGuildhall
from kit.auth import Principal
from tests.support.access import create_group, rest_create_live_code, update_group
from tests.support.factories import create_community_key, rest_create_community
from tests.support.guildhall import ADMIN_KEY, GraphQL, service_client

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_the_join_link_redirects_or_explains_and_holds_one_place(guildhall: EmbeddedGuildhall) -> None:
    service = guildhall.services["membership"]
    async with service_client(service, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        linked = await create_group(service, cid, capacity=2, join_url="https://t.me/+linked")
        plain = await create_group(service, cid, capacity=1)
        await update_group(service, plain.id, name="Shanghai <readers>")
        code = (await rest_create_live_code(client, cid, [linked.id, plain.id]))["code"]

    async with guildhall.client() as browser:
        first = await browser.get(f"/join/{code}")
        cookie = first.cookies.get("gh_newcomer")
        again = await browser.get(f"/join/{code}")  # the cookie comes back: the same newcomer
        by_ref = await browser.get(f"/join/{code.upper()}", params={"ref": "openid-7"})
        by_ref_again = await browser.get(f"/join/{code}", params={"ref": "openid-7"})
        browser.cookies.clear()
        explained = await browser.get(f"/join/{code}")
        browser.cookies.clear()
        full = await browser.get(f"/join/{code}")
        unknown = await browser.get("/join/nosuchcode")
        bad = await browser.get("/join/not-a-code!")

    assert first.status_code == 302 and first.headers["location"] == "https://t.me/+linked"
    assert cookie and "httponly" in first.headers["set-cookie"].lower()
    assert again.status_code == 302 and "set-cookie" not in again.headers
    assert by_ref.status_code == 302 and by_ref_again.status_code == 302, "a ref holds one place too"
    assert explained.status_code == 200 and explained.headers["content-type"].startswith("text/html")
    assert "Shanghai &lt;readers&gt;" in explained.text and "<svg" in explained.text
    assert "<readers>" not in explained.text
    assert full.status_code == 409 and "full" in full.text
    assert unknown.status_code == 404 and bad.status_code == 404


async def test_the_join_link_answers_only_its_own_code(guildhall: EmbeddedGuildhall) -> None:
    service = guildhall.services["membership"]
    async with service_client(service, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        other = (await rest_create_community(client))["id"]
        mine = await create_group(service, cid, join_url="https://t.me/+mine")
        await create_group(service, other, join_url="https://t.me/+theirs")
        code = (await rest_create_live_code(client, cid, [mine.id]))["code"]

    async with guildhall.client() as browser:
        opened = await browser.get(f"/join/{code}", params={"ref": "r1"})
        too_long = await browser.get(f"/join/{code}", params={"ref": "x" * 201})

    assert opened.headers["location"] == "https://t.me/+mine"
    assert too_long.status_code == 400 and "ref" in too_long.text


async def test_a_live_codes_qr_image_is_served_by_the_gateway_to_a_key_of_its_community(
    guildhall: EmbeddedGuildhall,
) -> None:
    service = guildhall.services["membership"]
    async with service_client(service, ADMIN) as client:
        cid = (await rest_create_community(client))["id"]
        other = (await rest_create_community(client))["id"]
        group = await create_group(service, cid, join_url="https://t.me/+qr")
        live_code = await rest_create_live_code(client, cid, [group.id])
    async with guildhall.client(api_key=ADMIN_KEY) as admin:
        other_key = await create_community_key(GraphQL(admin), other)
    path = f"/v1/communities/{cid}/live-codes/{live_code['id']}"

    async with guildhall.client(api_key=ADMIN_KEY) as http:
        png = await http.get(f"{path}/qr.png")
        svg = await http.get(f"{path}/qr.svg", params={"scale": 2})
        missing = await http.get(f"/v1/communities/{cid}/live-codes/lc_nosuchcode/qr.svg")
    async with guildhall.client(api_key=other_key) as outsider:
        foreign = await outsider.get(f"/v1/communities/{cid}/live-codes/{live_code['id']}/qr.png")
    async with guildhall.client() as anonymous:
        keyless = await anonymous.get(f"{path}/qr.png")

    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg")
    assert missing.status_code == 404
    assert foreign.status_code in (403, 404), "another community's key sees no image"
    assert keyless.status_code == 401
