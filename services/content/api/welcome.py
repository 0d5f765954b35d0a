"""Welcome templates, one community at a time or in a batch (for the gateway's DataLoader)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kit.errors import NotFound
from services.content.api.deps import PrincipalDep, SessionDep
from services.content.api.schemas.welcome import (
    CommunityWelcomeTemplate,
    WelcomeTemplateBatch,
    WelcomeTemplateRead,
)
from services.content.usecases import welcome as usecases

router = APIRouter(prefix="/v1", tags=["welcome"])


@router.get("/communities/{community_id}/welcome-template")
async def get_welcome_template(community_id: str, session: SessionDep, principal: PrincipalDep) -> WelcomeTemplateRead:
    found = await usecases.templates_by_community(session, principal=principal, community_ids=[community_id])
    template = found[community_id]
    if template is None:
        raise NotFound(f"community {community_id} has no welcome template", code="welcome_template_not_found")
    return WelcomeTemplateRead.model_validate(template)


@router.get("/welcome-templates")
async def batch_welcome_templates(
    session: SessionDep,
    principal: PrincipalDep,
    community_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> WelcomeTemplateBatch:
    found = await usecases.templates_by_community(session, principal=principal, community_ids=community_id)
    return WelcomeTemplateBatch(
        items=[
            CommunityWelcomeTemplate(
                community_id=cid, template=WelcomeTemplateRead.model_validate(t) if t is not None else None
            )
            for cid, t in found.items()
        ]
    )
