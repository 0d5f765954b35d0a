"""Spam heuristics on incoming chat messages (links and ad keywords from newcomers, flood, repeats).

The chat consumer calls ``inspect_message`` for every message before it announces the activity, so that
``member.activity`` carries the verdict (ADR 0035). Each heuristic that fires adds a strike (actor
``system``) naming the message, which escalates through the community's ladder.
Cost per message: the community row (usually already in the session), one read and one write of the
member's small spam window; strikes only when something fired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatMessageReceived
from kit.events import Envelope
from services.membership.domain import moderation as rules
from services.membership.domain import spam
from services.membership.domain.activity import message_ref
from services.membership.domain.actor import SYSTEM_ACTOR
from services.membership.domain.role import Role
from services.membership.models.moderation import SpamWindow
from services.membership.repo.moderation import SpamWindowRepository
from services.membership.usecases.chat_command import ChatTarget
from services.membership.usecases.moderation import Target, community_or_raise
from services.membership.usecases.sender import Sender
from services.membership.usecases.strike import StrikeOutcome, Violation, record_strike


@dataclass(frozen=True)
class SpamCheck:
    """What the heuristics made of one message: the strikes added (none, mostly) and every heuristic it
    trips, including those whose strike an earlier message of the same burst took."""

    strikes: list[StrikeOutcome] = field(default_factory=list)
    spam: tuple[str, ...] = ()


def ref_of(message: ChatMessageReceived) -> str:
    """The message's ``message_ref``; an edit names the message it edits."""
    chat = message.chat
    return message_ref(chat.platform, chat.platform_chat_id, message.edit_of or message.platform_message_id)


async def inspect_message(
    session: AsyncSession, *, envelope: Envelope, message: ChatMessageReceived, sender: Sender
) -> SpamCheck:
    """Add a strike for each heuristic the message trips, naming the message."""
    community_id = sender.member.community_id
    membership = sender.membership
    if message.sender.is_bot or (membership is not None and membership.role != Role.MEMBER):
        return SpamCheck()  # bots and the community's staff are not checked
    settings = rules.settings_of((await community_or_raise(session, community_id)).settings).spam
    if not settings.enabled:
        return SpamCheck()
    at = envelope.occurred_at
    newcomer = spam.is_newcomer(
        earlier_messages=sender.earlier_messages,
        joined_at=membership.joined_at if membership is not None else None,
        at=at,
        settings=settings,
    )
    windows = SpamWindowRepository(session)
    window = await windows.get(community_id, sender.member.id)
    recent = spam.Recent.from_document(window.recent if window is not None else None)
    verdict = spam.inspect(
        message.text,
        at=at.timestamp(),
        newcomer=newcomer,
        recent=recent,
        settings=settings,
        counts=message.edit_of is None,
    )
    if verdict.recent != recent:
        if window is None:
            window = SpamWindow(community_id=community_id, member_id=sender.member.id, updated_at=at)
            windows.add(window)
        window.recent = verdict.recent.document()
        window.updated_at = at
    outcomes: list[StrikeOutcome] = []
    where = ChatTarget(message.chat, message.sender.platform_user_id)
    target = Target(sender.member, membership)
    for finding in verdict.findings:
        violation = Violation(
            rule=f"spam:{finding.heuristic}",
            evidence=message.platform_message_id,
            reason=f"spam heuristic {finding.heuristic}: {finding.detail}",
            where=where,
            message_ref=ref_of(message),
        )
        outcomes.append(await record_strike(session, target, actor=SYSTEM_ACTOR, at=at, violation=violation))
    await session.flush()
    return SpamCheck(outcomes, verdict.spam)
