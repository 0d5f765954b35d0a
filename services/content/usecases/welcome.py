"""Welcome templates of communities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.auth import Principal, ensure_community_access
from kit.ids import new_id
from services.content.domain import welcome
from services.content.models import WelcomeTemplate
from services.content.repo.welcome import WelcomeTemplateRepository


async def create_default_template(
    session: AsyncSession, *, community_id: str, community_name: str, at: datetime
) -> WelcomeTemplate | None:
    """Give a new community the default greeting, unless it already has one."""
    repo = WelcomeTemplateRepository(session)
    if await repo.get_for(community_id) is not None:
        return None
    template = WelcomeTemplate(
        id=new_id("wtpl"),
        community_id=community_id,
        body=welcome.default_body(community_name),
        batch_window_seconds=welcome.DEFAULT_BATCH_WINDOW_SECONDS,
        created_at=at,
    )
    repo.add(template)
    return template


async def templates_by_community(
    session: AsyncSession, *, principal: Principal, community_ids: Sequence[str]
) -> dict[str, WelcomeTemplate | None]:
    for community_id in community_ids:
        ensure_community_access(principal, community_id)
    found = {t.community_id: t for t in await WelcomeTemplateRepository(session).list_for(community_ids)}
    return {community_id: found.get(community_id) for community_id in community_ids}
