"""The check-in POST is served by a lean path ahead of FastAPI's router (ADR 0023): it refuses what the route
would refuse, in the same words, changes nothing when it does, and is counted under the route's template."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from kit.auth import Principal
from kit.clock import ManualClock
from services.gamification.api.checkin_path import PATH, checkin_ids
from tests.support.backends import Backend
from tests.support.challenges import BEFORE_START, DAY1_OPEN, base, check_in, create_challenge, enroll, enrollment
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY
from tests.support.guildhall import running_service, service_client
from tests.support.lifecycle import outbox_events

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
OTHERS = Principal(role="community_admin", key_id="key_others", community_id=OTHER_COMMUNITY)


def _served(status: str) -> float:
    labels = {"service": "gamification", "method": "POST", "route": PATH, "status": status}
    return REGISTRY.get_sample_value("guildhall_http_requests_total", labels) or 0.0


async def test_the_lean_path_refuses_like_the_route_and_changes_nothing(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        clock = ManualClock(BEFORE_START)
        app.state.clocks.set(COMMUNITY, clock)
        cid = (await create_challenge(client))["id"]
        await enroll(client, cid, "mbr_a")
        clock.advance(DAY1_OPEN + timedelta(minutes=5) - clock.now())
        created_before = _served("201")
        url = f"{base()}/challenges/{cid}/checkins"

        bad_body = await client.post(url, json={"member_id": "", "text": "打卡", "colour": "red"})
        not_json = await client.post(url, content=b"{not json", headers={"content-type": "application/json"})
        long_key = await check_in(client, cid, "mbr_a", key="k" * 256)
        async with service_client(app, None) as anonymous:
            unauthenticated = await anonymous.post(url, json={"member_id": "mbr_a", "text": "打卡"})
        async with service_client(app, OTHERS) as other:
            elsewhere = await check_in(other, cid, "mbr_a")
        unknown = await check_in(client, "chl_missing", "mbr_a")
        untouched = await enrollment(client, cid, "mbr_a")
        recorded = await check_in(client, cid, "mbr_a", key="tap-1")
        events = await outbox_events(app, "checkin.recorded")

    assert bad_body.status_code == 422
    assert {e["field"] for e in bad_body.json()["errors"]} == {"member_id", "colour"}
    assert (not_json.status_code, [e["field"] for e in not_json.json()["errors"]]) == (422, ["body"])
    assert (long_key.status_code, long_key.json()["errors"][0]["field"]) == (422, "Idempotency-Key")
    assert (unauthenticated.status_code, unauthenticated.json()["code"]) == (401, "unauthenticated")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "community_not_found")
    assert unknown.status_code == 404
    assert untouched["days_done"] == 0
    assert recorded.status_code == 201 and len(events) == 1
    assert _served("201") == created_before + 1  # labelled with the route's template, as the router would


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", f"/v1/communities/{COMMUNITY}/challenges/chl_1/checkins", (COMMUNITY, "chl_1")),
        ("GET", f"/v1/communities/{COMMUNITY}/challenges/chl_1/checkins", None),
        ("POST", f"/v1/communities/{COMMUNITY}/challenges/chl_1/checkins/x", None),
        ("POST", f"/v1/communities/{COMMUNITY}/challenges//checkins", None),
        ("POST", f"/v1/communities/{COMMUNITY}/challenges/chl_1/enrollments", None),
    ],
)
def test_only_check_in_posts_take_the_lean_path(method: str, path: str, expected: tuple[str, str] | None) -> None:
    assert checkin_ids({"type": "http", "method": method, "path": path, "root_path": ""}) == expected


def test_behind_a_proxy_prefix_the_path_below_it_is_matched() -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/communities/c/challenges/h/checkins",
        "root_path": "/api",
    }
    assert checkin_ids(scope) == ("c", "h")
