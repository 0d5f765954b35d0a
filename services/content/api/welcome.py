"""Welcome templates, one community at a time or in a batch (for the gateway's DataLoader), and their edits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from contracts.content.welcome import (
    CommunityWelcomeTemplate,
    GroupWelcomeRead,
    WelcomeGroupOverrideRead,
    WelcomeTemplateBatch,
    WelcomeTemplateRead,
    WelcomeTemplateUpdate,
)
from kit.errors import NotFound
from services.content.api.deps import PrincipalDep, SessionDep
from services.content.usecases import welcome as usecases

router = APIRouter(prefix="/v1", tags=["welcome"])


def welcome_read(found: usecases.Welcome) -> WelcomeTemplateRead:
    template = found.template
    return WelcomeTemplateRead(
        id=template.id,
        community_id=template.community_id,
        body=template.body,
        batch_window_seconds=template.batch_window_seconds,
        enabled=template.enabled,
        group_overrides=[WelcomeGroupOverrideRead.model_validate(row) for row in found.overrides],
    )


@router.get("/communities/{community_id}/welcome-template")
async def get_welcome_template(community_id: str, session: SessionDep, principal: PrincipalDep) -> WelcomeTemplateRead:
    found = await usecases.templates_by_community(session, principal=principal, community_ids=[community_id])
    template = found[community_id]
    if template is None:
        raise NotFound(f"community {community_id} has no welcome template", code="welcome_template_not_found")
    return welcome_read(template)


@router.put("/communities/{community_id}/welcome-template")
async def put_welcome_template(
    community_id: str, body: WelcomeTemplateUpdate, request: Request, session: SessionDep, principal: PrincipalDep
) -> WelcomeTemplateRead:
    """Replace the greeting, its batch window and the per-group overrides; the same body again changes nothing."""
    found = await usecases.replace_template(
        session,
        principal=principal,
        community_id=community_id,
        body=body.body,
        batch_window_seconds=body.batch_window_seconds,
        enabled=body.enabled,
        overrides=[
            usecases.GroupOverride(group_id=o.group_id, body=o.body, batch_window_seconds=o.batch_window_seconds)
            for o in body.group_overrides
        ],
        at=request.app.state.clocks.now(community_id),
    )
    await session.flush()
    return welcome_read(found)


@router.get("/communities/{community_id}/welcome-template/groups/{group_id}")
async def get_group_welcome(
    community_id: str, group_id: str, session: SessionDep, principal: PrincipalDep
) -> GroupWelcomeRead:
    body, window, enabled = await usecases.welcome_for_group(
        session, principal=principal, community_id=community_id, group_id=group_id
    )
    return GroupWelcomeRead(
        community_id=community_id, group_id=group_id, body=body, batch_window_seconds=window, enabled=enabled
    )


@router.get("/welcome-templates")
async def batch_welcome_templates(
    session: SessionDep,
    principal: PrincipalDep,
    community_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> WelcomeTemplateBatch:
    found = await usecases.templates_by_community(session, principal=principal, community_ids=community_id)
    return WelcomeTemplateBatch(
        items=[
            CommunityWelcomeTemplate(community_id=cid, template=welcome_read(t) if t is not None else None)
            for cid, t in found.items()
        ]
    )
