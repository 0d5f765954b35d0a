"""Changing a community's mission, rules, time zone and settings."""

from __future__ import annotations

from fastapi import FastAPI

from kit.auth import Principal
from tests.support.factories import rest_create_community
from tests.support.guildhall import service_client
from tests.support.membership import rest_add_member

ADMIN = Principal(role="platform_admin", key_id="key_admin")


async def test_mission_rules_timezone_and_settings_change(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client, timezone="Asia/Shanghai")
        path = f"/v1/communities/{community['id']}"
        response = await client.patch(
            path,
            json={
                "mission": "  Read every morning ",
                "rules": "Be kind.",
                "timezone": "Europe/Berlin",
                "settings": {"lifecycle": {"expiring_days_ahead": 7, "leaving_last_group": "left"}},
            },
        )
        again = await client.patch(path, json={"settings": {"lifecycle": None}})
        read = (await client.get(path)).json()

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["mission"], body["rules"], body["timezone"]) == ("Read every morning", "Be kind.", "Europe/Berlin")
    assert body["settings"] == {"lifecycle": {"expiring_days_ahead": 7, "leaving_last_group": "left"}}
    assert again.json()["settings"] == {}
    assert read["timezone"] == "Europe/Berlin" and read["name"] == community["name"]


async def test_an_unknown_setting_or_bad_value_is_named_and_changes_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        path = f"/v1/communities/{community['id']}"
        unknown = await client.patch(path, json={"mission": "new", "settings": {"lifecycel": {}}})
        bad = await client.patch(path, json={"settings": {"lifecycle": {"expiring_days_ahead": -1}}})
        zone = await client.patch(path, json={"timezone": "Mars/Olympus"})
        read = (await client.get(path)).json()

    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "settings.lifecycel"
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "settings.lifecycle.expiring_days_ahead"
    assert zone.status_code == 422 and zone.json()["errors"][0]["field"] == "timezone"
    assert read["mission"] == community["mission"] and read["settings"] == {}
    assert read["timezone"] == community["timezone"]


async def test_a_moderator_may_not_change_the_community_and_another_key_sees_nothing(membership: FastAPI) -> None:
    async with service_client(membership, ADMIN) as client:
        community = await rest_create_community(client)
        other = await rest_create_community(client)
        moderator = await rest_add_member(client, community["id"])
        await client.post(
            f"/v1/communities/{community['id']}/members/{moderator['id']}/role", json={"role": "moderator"}
        )
        refused = await client.patch(
            f"/v1/communities/{community['id']}", json={"rules": "mine", "acting_member_id": moderator["id"]}
        )
    outsider = Principal(role="community_admin", key_id="key_x", community_id=other["id"])
    async with service_client(membership, outsider) as client:
        hidden = await client.patch(f"/v1/communities/{community['id']}", json={"rules": "theirs"})

    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert hidden.status_code == 404
