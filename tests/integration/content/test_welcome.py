"""Content gives every new community a welcome greeting, once."""

from __future__ import annotations

from contracts.events import CommunityCreated
from kit.auth import Principal
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.guildhall import running_service, service_client

ADMIN = Principal(role="platform_admin")
COMMUNITY = "cmty_01m7y9wvft4hdrkcg2h0vakzsr"


async def test_a_created_community_gets_one_welcome_template_naming_it(backend: Backend) -> None:
    async with running_service(backend, "content") as app:
        created = CommunityCreated(community_id=COMMUNITY, name="Morning {Readers}", timezone="UTC")
        await publish(app, created, producer="membership", community_id=COMMUNITY, times=2)

        await consume(app, "content")
        async with service_client(app, ADMIN) as client:
            template = (await client.get(f"/v1/communities/{COMMUNITY}/welcome-template")).json()
            batch = (await client.get("/v1/welcome-templates", params={"community_id": [COMMUNITY]})).json()

    assert template["body"] == "Welcome {names} to Morning {{Readers}}! Say hello and tell us what brought you here."
    assert template["batch_window_seconds"] == 60
    assert batch["items"] == [{"community_id": COMMUNITY, "template": template}]


async def test_a_community_without_a_template_is_a_named_404(backend: Backend) -> None:
    async with running_service(backend, "content") as app, service_client(app, ADMIN) as client:
        response = await client.get(f"/v1/communities/{COMMUNITY}/welcome-template")

    assert response.status_code == 404
    assert response.json()["code"] == "welcome_template_not_found"


async def test_the_welcome_is_edited_with_per_group_overrides_and_bad_input_changes_nothing(backend: Backend) -> None:
    path = f"/v1/communities/{COMMUNITY}/welcome-template"
    edit = {
        "body": "Hi {names}, welcome to {community}!",
        "batch_window_seconds": 120,
        "group_overrides": [
            {"group_id": "grp_shanghai", "body": "早上好 {names}!"},
            {"group_id": "grp_busy", "batch_window_seconds": 600},
        ],
    }
    async with running_service(backend, "content") as app:
        created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="UTC")
        await publish(app, created, producer="membership", community_id=COMMUNITY)
        await consume(app, "content")
        async with service_client(app, ADMIN) as client:
            edited = await client.put(path, json=edit)
            again = await client.put(path, json=edit)
            bad = await client.put(
                path,
                json={
                    "body": "Hi {nmes}",
                    "batch_window_seconds": -1,
                    "group_overrides": [{"group_id": "grp_x"}, {"group_id": "grp_y", "batch_window_seconds": 99999}],
                },
            )
            after_bad = (await client.get(path)).json()
            shanghai = (await client.get(f"{path}/groups/grp_shanghai")).json()
            busy = (await client.get(f"{path}/groups/grp_busy")).json()
            plain = (await client.get(f"{path}/groups/grp_other")).json()

    assert edited.status_code == 200, edited.text
    assert again.json() == edited.json(), "the same edit again changes nothing"
    assert after_bad == edited.json()
    assert edited.json()["group_overrides"] == [
        {"group_id": "grp_busy", "body": None, "batch_window_seconds": 600},
        {"group_id": "grp_shanghai", "body": "早上好 {names}!", "batch_window_seconds": None},
    ]
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == [
        "body",
        "batch_window_seconds",
        "group_overrides[0]",
        "group_overrides[1].batch_window_seconds",
    ]
    assert (shanghai["body"], shanghai["batch_window_seconds"]) == ("早上好 {names}!", 120)
    assert (busy["body"], busy["batch_window_seconds"]) == ("Hi {names}, welcome to {community}!", 600)
    assert (plain["body"], plain["batch_window_seconds"]) == ("Hi {names}, welcome to {community}!", 120)
