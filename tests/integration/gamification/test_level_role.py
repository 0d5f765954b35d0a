"""``level.reached`` names the chat role of the level reached and of the one left (membership swaps them)."""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlmodel import select

from contracts.events import CommunityCreated
from kit.auth import Principal
from kit.tables import outbox
from services.gamification.models import Level
from tests.support.backends import Backend
from tests.support.events import consume, publish
from tests.support.gamification import COMMUNITY, grant
from tests.support.guildhall import running_service, service_client

MINE = Principal(role="community_admin", key_id="key_mine", community_id=COMMUNITY)


async def test_level_reached_carries_the_new_and_previous_chat_roles(backend: Backend) -> None:
    async with running_service(backend, "gamification") as app, service_client(app, MINE) as client:
        created = CommunityCreated(community_id=COMMUNITY, name="Readers", timezone="UTC")
        await publish(app, created, producer="membership", community_id=COMMUNITY)
        await consume(app, "gamification")
        async with app.state.sessionmaker() as session:
            for rank, role in ((1, "newcomer"), (2, "regular"), (3, "contributor")):
                await session.exec(
                    update(Level).where(Level.community_id == COMMUNITY, Level.rank == rank).values(chat_role=role)  # type: ignore[arg-type]
                )
            await session.commit()
        await grant(client, "mbr_a", 150)
        await grant(client, "mbr_a", 400)
        async with app.state.sessionmaker() as session:
            rows = (await session.exec(select(outbox.c.type, outbox.c.envelope))).all()

    reached = [json.loads(e)["data"] for t, e in rows if t == "level.reached"]
    assert [(r["rank"], r["chat_role"], r["previous_chat_role"]) for r in reached] == [
        (2, "regular", "newcomer"),
        (3, "contributor", "regular"),
    ]
