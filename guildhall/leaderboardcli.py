"""``guildhall leaderboard rebuild|check``: the Redis boards against the gamification ledger."""

from __future__ import annotations

from collections.abc import Callable

import typer

from guildhall.parts import SERVICES
from services.gamification.domain.leaderboard import Window
from services.gamification.usecases import leaderboard
from services.gamification.usecases.community import settings_of


async def rebuild(community_id: str, *, echo: Callable[[str], None]) -> int:
    part = SERVICES["gamification"]
    app = part.build(part.settings())
    total = 0
    async with app.router.lifespan_context(app), app.state.sessionmaker() as session:
        timezone = (await settings_of(session, community_id)).timezone
        now = app.state.clocks.now(community_id)
        for window in Window:
            with typer.progressbar(length=0, label=f"{window.value:>5}", show_pos=True) as bar:
                written = await leaderboard.rebuild(
                    session,
                    app.state.redis,
                    community_id=community_id,
                    window=window,
                    at=now,
                    timezone=timezone,
                    progress=bar.update,
                )
            echo(f"{window.value}: {written} members")
            total += written
    return total


async def check(community_id: str) -> list[str]:
    part = SERVICES["gamification"]
    app = part.build(part.settings())
    async with app.router.lifespan_context(app), app.state.sessionmaker() as session:
        timezone = (await settings_of(session, community_id)).timezone
        mismatches = await leaderboard.check(
            session,
            app.state.redis,
            community_id=community_id,
            at=app.state.clocks.now(community_id),
            timezone=timezone,
        )
    return [f"{m.window.value} {m.member_id}: ledger {m.ledger}, board {m.board}" for m in mismatches]
