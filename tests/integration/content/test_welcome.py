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
