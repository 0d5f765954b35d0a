"""Moderation under ``/v1/communities/{community_id}``: strikes, warnings and mutes, settings, the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.membership.moderation import (
    AuditRead,
    SanctionCreate,
    SanctionRead,
    SettingsRead,
    SettingsUpdate,
    StrikeAddedRead,
    StrikePageOut,
    StrikeRead,
    StrikeRevoke,
)
from kit.pagination import Page, PageOut
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.api.schemas.moderation import StrikeCreate
from services.membership.domain.moderation import Action, ModerationSettings
from services.membership.usecases import moderation, strike
from services.membership.usecases.membership import resolve_actor
from services.membership.usecases.strike import Violation

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["moderation"])


def settings_read(settings: ModerationSettings) -> SettingsRead:
    return SettingsRead.model_validate(settings.document())


@router.post("/members/{member_id}/strikes", status_code=201, response_model=StrikeAddedRead)
async def add_strike(
    community_id: str,
    member_id: str,
    body: StrikeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def add() -> StrikeAddedRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        message = body.message
        violation = Violation(
            rule=body.rule,
            weight=body.weight,
            evidence=body.evidence or (message.platform_message_id if message else None),
            reason=body.reason,
            expires_in_days=body.expires_in_days,
        )
        outcome = await strike.add_strike(
            session,
            community_id=community_id,
            member_id=member_id,
            actor=actor,
            clocks=clocks,
            violation=violation,
            message=strike.MessageInChat(message.group_id, message.platform_message_id) if message else None,
        )
        return StrikeAddedRead(
            strike=StrikeRead.model_validate(outcome.strike),
            active_strikes=outcome.active_strikes,
            action=outcome.action,
        )

    return await idempotency.run(add)


@router.get("/members/{member_id}/strikes")
async def list_strikes(
    community_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    page: PageRequestDep,
    active_only: Annotated[bool, Query(description="only unexpired, unrevoked strikes")] = False,
) -> StrikePageOut:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    found = await strike.list_strikes(
        session,
        community_id=community_id,
        member_id=member_id,
        clocks=clocks,
        active_only=active_only,
        after=page.after,
        limit=page.limit + 1,
    )
    result = Page.from_rows(list(found.strikes), page=page, key=lambda row: row.id)
    return StrikePageOut(
        items=[StrikeRead.model_validate(row) for row in result.items],
        next_cursor=result.next_cursor,
        active_strikes=found.active_strikes,
    )


@router.post("/strikes/{strike_id}/revoke")
async def revoke_strike(
    community_id: str,
    strike_id: str,
    body: StrikeRevoke,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> StrikeRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    revoked = await strike.revoke_strike(
        session, community_id=community_id, strike_id=strike_id, actor=actor, clocks=clocks, reason=body.reason
    )
    return StrikeRead.model_validate(revoked)


@router.post("/members/{member_id}/sanctions", status_code=201, response_model=SanctionRead)
async def sanction(
    community_id: str,
    member_id: str,
    body: SanctionCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def apply() -> SanctionRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        applied = await moderation.moderate(
            session,
            community_id=community_id,
            member_id=member_id,
            actor=actor,
            clocks=clocks,
            action=Action(body.action),
            reason=body.reason,
            duration_hours=body.duration_hours,
        )
        return SanctionRead(action=body.action, applied=applied)

    return await idempotency.run(apply)


@router.get("/moderation/settings")
async def get_settings(community_id: str, session: SessionDep, principal: PrincipalDep) -> SettingsRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    return settings_read(await moderation.get_settings(session, community_id=community_id))


@router.patch("/moderation/settings")
async def update_settings(
    community_id: str, body: SettingsUpdate, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> SettingsRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    updated = await moderation.update_settings(
        session, community_id=community_id, actor=actor, clocks=clocks, changes=body.changes()
    )
    return settings_read(updated)


@router.get("/moderation/audit")
async def list_audit(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    member_id: Annotated[str | None, Query(description="only actions on this member")] = None,
    acting_member_id: Annotated[str | None, Query(description="read as this member (needs view_audit)")] = None,
) -> PageOut[AuditRead]:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=acting_member_id
    )
    rows = await moderation.list_audit(
        session, community_id=community_id, actor=actor, member_id=member_id, after=page.after, limit=page.limit + 1
    )
    result = Page.from_rows(list(rows), page=page, key=lambda row: row.id)
    return PageOut(items=[AuditRead.model_validate(row) for row in result.items], next_cursor=result.next_cursor)
