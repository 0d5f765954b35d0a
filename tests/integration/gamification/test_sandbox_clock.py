"""A service's due work played out over a stretch of a sandbox's test clock (kit's due-work endpoint)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.events import MemberActivity
from kit import sandbox_clock
from kit.auth import Principal
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, OTHER_COMMUNITY, balance, change_point_settings, create_rule
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)
ADMIN = Principal(role="platform_admin", key_id="key_admin")
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DUE_WORK = f"/v1/communities/{COMMUNITY}/test-clock/due-work"


def stretch(start: datetime, end: datetime) -> dict[str, str]:
    return {"from": start.isoformat(), "to": end.isoformat(), "timezone": "Europe/Berlin"}


async def test_decay_is_played_out_day_by_day_up_to_where_the_owner_moved_the_clock(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        redis = app.state.redis
        await sandbox_clock.publish(redis, COMMUNITY, START)
        app.state.clocks.freeze(COMMUNITY, START)
        await change_point_settings(client, timezone="Europe/Berlin", decay_after_days=2, decay_percent=10)
        await create_rule(client, points=100)
        text = "Morning!"
        said = MemberActivity(
            member_id="mbr_idle", kind="message", group_id="grp_1", platform="telegram", text=text,
            text_length=len(text), occurred_at=START,
        )  # fmt: skip
        await publish(app, said, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        await sandbox_clock.publish(redis, COMMUNITY, START + timedelta(days=4))  # what the owner's advance does

        played = await client.post(DUE_WORK, json=stretch(START, START + timedelta(days=4)))
        idle = (await balance(client, "mbr_idle"))["balance"]
        again = await client.post(DUE_WORK, json=stretch(START, START + timedelta(days=4)))
        ahead = await client.post(DUE_WORK, json=stretch(START, START + timedelta(days=5)))

    assert played.status_code == 200, played.text
    body = played.json()
    assert (body["service"], body["now"], body["steps"]) == (
        "gamification",
        "2026-03-05T09:00:00Z",
        4 * 24,
    )  # Berlin midnights are whole UTC hours
    # Inactive for more than two days from the third on, 10 % a day: one jump to the end would decay once.
    assert body["ran"]["points.decay"] == {"count": 2}
    assert body["ran"]["badge.backfill"] == {"count": 0}
    assert idle == 81
    assert again.json()["ran"]["points.decay"] == {"count": 0}
    assert app.state.clocks.now(COMMUNITY) == START + timedelta(days=4)
    assert ahead.status_code == 422 and ahead.json()["errors"][0]["field"] == "to"


async def test_a_community_without_a_test_clock_runs_nothing_early(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, ADMIN) as client:
        response = await client.post(
            f"/v1/communities/{OTHER_COMMUNITY}/test-clock/due-work", json=stretch(START, START + timedelta(days=1))
        )
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        foreign = await client.post(
            f"/v1/communities/{OTHER_COMMUNITY}/test-clock/due-work", json=stretch(START, START + timedelta(days=1))
        )

    assert (response.status_code, response.json()["code"]) == (409, "not_a_sandbox")
    assert (foreign.status_code, foreign.json()["code"]) == (404, "community_not_found")
