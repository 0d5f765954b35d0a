"""Welcome templates of communities, and each group's own greeting or batch window."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.auth import Principal, ensure_community_access
from kit.errors import InvalidInput, NotFound
from kit.ids import new_id
from services.content.domain import welcome
from services.content.models import WelcomeGroupOverride, WelcomeTemplate
from services.content.repo.welcome import WelcomeTemplateRepository

MAX_GROUP_OVERRIDES = 500


@dataclass(frozen=True)
class GroupOverride:
    group_id: str
    body: str | None = None
    batch_window_seconds: int | None = None


@dataclass(frozen=True)
class Welcome:
    template: WelcomeTemplate
    overrides: Sequence[WelcomeGroupOverride]


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
) -> dict[str, Welcome | None]:
    for community_id in community_ids:
        ensure_community_access(principal, community_id)
    repo = WelcomeTemplateRepository(session)
    found = {t.community_id: t for t in await repo.list_for(community_ids)}
    overrides: dict[str, list[WelcomeGroupOverride]] = {}
    for row in await repo.overrides_for(list(found)) if found else []:
        overrides.setdefault(row.community_id, []).append(row)
    return {cid: Welcome(found[cid], overrides.get(cid, [])) if cid in found else None for cid in community_ids}


def _problems(body: str, batch_window_seconds: int, overrides: Sequence[GroupOverride]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    try:
        welcome.validate_body(body)
    except ValueError as error:
        problems.append(("body", str(error)))
    if (reason := welcome.validate_batch_window(batch_window_seconds)) is not None:
        problems.append(("batch_window_seconds", reason))
    if len(overrides) > MAX_GROUP_OVERRIDES:
        problems.append(("group_overrides", f"at most {MAX_GROUP_OVERRIDES} groups"))
    seen: set[str] = set()
    for i, override in enumerate(overrides):
        at = f"group_overrides[{i}]"
        if not override.group_id.strip():
            problems.append((f"{at}.group_id", "must not be empty"))
        elif override.group_id in seen:
            problems.append((f"{at}.group_id", f"{override.group_id} is listed twice"))
        seen.add(override.group_id)
        if override.body is None and override.batch_window_seconds is None:
            problems.append((at, "give body or batch_window_seconds (or leave the group out)"))
        if override.body is not None:
            try:
                welcome.validate_body(override.body)
            except ValueError as error:
                problems.append((f"{at}.body", str(error)))
        window = override.batch_window_seconds
        if window is not None and (reason := welcome.validate_batch_window(window)) is not None:
            problems.append((f"{at}.batch_window_seconds", reason))
    return problems


async def replace_template(
    session: AsyncSession,
    *,
    principal: Principal,
    community_id: str,
    body: str,
    batch_window_seconds: int,
    enabled: bool,
    overrides: Sequence[GroupOverride],
    at: datetime,
) -> Welcome:
    """Set the community's greeting, batch window and per-group overrides (the list replaces the earlier one).
    The same request again leaves the same state: a retry changes nothing."""
    ensure_community_access(principal, community_id)
    InvalidInput.raise_any(_problems(body, batch_window_seconds, overrides))
    repo = WelcomeTemplateRepository(session)
    template = await repo.get_for(community_id)
    if template is None:  # the community.created event has not reached us yet: the operator's word wins
        template = WelcomeTemplate(
            id=new_id("wtpl"), community_id=community_id, body="", batch_window_seconds=0, created_at=at
        )
        repo.add(template)
    template.body, template.batch_window_seconds, template.enabled = body.strip(), batch_window_seconds, enabled
    await repo.drop_overrides(community_id)
    rows = [
        WelcomeGroupOverride(
            id=new_id("wgo"),
            community_id=community_id,
            group_id=o.group_id.strip(),
            body=o.body.strip() if o.body is not None else None,
            batch_window_seconds=o.batch_window_seconds,
        )
        for o in overrides
    ]
    for row in rows:
        repo.add(row)
    return Welcome(template, sorted(rows, key=lambda r: r.group_id))


async def welcome_for_group(
    session: AsyncSession, *, principal: Principal, community_id: str, group_id: str
) -> tuple[str, int, bool]:
    """What a join in ``group_id`` is greeted with: (body, batch window, enabled), the group's override first.
    The welcome sender calls this for each group it greets."""
    ensure_community_access(principal, community_id)
    repo = WelcomeTemplateRepository(session)
    template = await repo.get_for(community_id)
    if template is None:
        raise NotFound(f"community {community_id} has no welcome template", code="welcome_template_not_found")
    override = await repo.override_for(community_id, group_id)
    body, window = welcome.for_group(
        template.body,
        template.batch_window_seconds,
        override_body=override.body if override else None,
        override_window=override.batch_window_seconds if override else None,
    )
    return body, window, template.enabled
