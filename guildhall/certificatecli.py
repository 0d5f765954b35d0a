"""``guildhall certificates resign``: sign issued certificates again with the current key and suite."""

from __future__ import annotations

from guildhall.parts import SERVICES
from services.gamification.usecases.certificate import resign as resign_certificates


async def resign(community_id: str | None, *, dry_run: bool) -> int:
    part = SERVICES["gamification"]
    app = part.build(part.settings())
    async with app.router.lifespan_context(app), app.state.sessionmaker() as session:
        count = await resign_certificates(session, community_id=community_id, dry_run=dry_run)
        if not dry_run:
            await session.commit()
        return count
