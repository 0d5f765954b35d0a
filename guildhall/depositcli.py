"""``guildhall deposits check``: the deposit money journal's invariants against the gamification database."""

from __future__ import annotations

from guildhall.parts import SERVICES
from services.gamification.domain.deposit import Audit
from services.gamification.usecases.deposit import check_journal


async def check(community_id: str | None) -> Audit:
    part = SERVICES["gamification"]
    app = part.build(part.settings())
    async with app.router.lifespan_context(app), app.state.sessionmaker() as session:
        return await check_journal(session, community_id=community_id)
