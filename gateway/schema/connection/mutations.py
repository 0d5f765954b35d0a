"""Binding a community to an account on a chat platform, rotating its credentials, disabling it.

The type was called ``Connection`` until 0.2.0, which reads as a Relay connection; the old mutations stay for
one release, deprecated, with their old payloads (CHANGELOG.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.connections import store
from gateway.models import Connection as ConnectionRow
from gateway.schema.connection.types import ChatAccount, ChatPlatform
from gateway.schema.context import Context
from gateway.schema.errors import (
    ConflictError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    camel,
    user_error_from,
)

MAX_GRACE_SECONDS = 30 * 24 * 3600
REMOVED_IN = "removed in 0.3.0"
S = TypeVar("S")
Refusal = InvalidInputError | ForbiddenError | NotFoundError
CREDENTIAL_NAMES = (
    "TELEGRAM bot_token, secret_token · SLACK signing_secret, bot_token · DISCORD public_key, bot_token, "
    "application_id, relay_secret · FEISHU verification_token, encrypt_key, app_id, app_secret · "
    "WECOM corp_id, token, encoding_aes_key, corp_secret, agent_id · DINGTALK app_secret, app_key, "
    "robot_code · GENERIC secret (whsec_…), send_url"
)
GRACE = "How long the previous credentials stay accepted; default one day, 0 for none."


@strawberry.input(description="One credential, e.g. name `bot_token`. Names depend on the platform.")
class CredentialInput:
    name: str = strawberry.field(description="The credential's name on this platform (see `credentials`).")
    value: str = strawberry.field(description="Its value; stored encrypted and never shown again.")


@strawberry.input(description="The account to bind: its platform, a name for people, and its credentials.")
class CreateChatAccountInput:
    community_id: strawberry.ID = strawberry.field(description="The community the account speaks for.")
    platform: ChatPlatform = strawberry.field(description="The chat platform the account is on.")
    name: str = strawberry.field(description="A name for people, e.g. the bot's name.")
    credentials: list[CredentialInput] = strawberry.field(description=CREDENTIAL_NAMES)


@strawberry.input(description="Credentials to replace on one chat account.")
class RotateChatAccountCredentialsInput:
    chat_account_id: strawberry.ID = strawberry.field(description="The chat account.")
    credentials: list[CredentialInput] = strawberry.field(description="Only the credentials that change.")
    grace_seconds: int | None = strawberry.field(default=None, description=GRACE)


@strawberry.input(description="The chat account to disable.")
class DisableChatAccountInput:
    chat_account_id: strawberry.ID = strawberry.field(description="The chat account.")


@strawberry.type(description="The chat account as it is after the change.")
class ChatAccountSuccess:
    chat_account: ChatAccount = strawberry.field(description="The chat account; its credentials' values are not shown.")


ChatAccountPayload = Annotated[ChatAccountSuccess | Refusal, strawberry.union("ChatAccountPayload")]


@strawberry.input(description="Deprecated: `CreateChatAccountInput` of `createChatAccount`.")
class CreateConnectionInput:
    community_id: strawberry.ID
    platform: ChatPlatform = strawberry.field(description="The chat platform the account is on.")
    name: str = strawberry.field(description="A name for people, e.g. the bot's name.")
    credentials: list[CredentialInput] = strawberry.field(description=CREDENTIAL_NAMES)


@strawberry.input(description="Deprecated: `RotateChatAccountCredentialsInput` of `rotateChatAccountCredentials`.")
class RotateConnectionCredentialsInput:
    connection_id: strawberry.ID = strawberry.field(description="The chat account.")
    credentials: list[CredentialInput] = strawberry.field(description="Only the credentials that change.")
    grace_seconds: int | None = strawberry.field(default=None, description=GRACE)


@strawberry.input(description="Deprecated: `DisableChatAccountInput` of `disableChatAccount`.")
class DisableConnectionInput:
    connection_id: strawberry.ID = strawberry.field(description="The chat account.")


@strawberry.type(description="Deprecated: `ChatAccountSuccess`.")
class ConnectionSuccess:
    connection: ChatAccount = strawberry.field(description="The chat account as it is after the change.")


ConnectionPayload = Annotated[ConnectionSuccess | Refusal, strawberry.union("ConnectionPayload")]


def _invalid(errors: list[FieldError]) -> InvalidInputError:
    message = "; ".join(f"{e.field}: {e.reason}" for e in errors)
    return InvalidInputError(code="invalid_input", message=message, fields=errors)


def _credentials(items: list[CredentialInput]) -> tuple[dict[str, str], list[FieldError]]:
    values: dict[str, str] = {}
    errors = []
    for item in items:
        name = item.name.strip()
        if name in values:
            errors.append(FieldError(field=f"credentials.{name}", reason="given twice"))
        values[name] = item.value.strip()
    return values, errors


def _field_errors(problems: list[store.CredentialProblem]) -> list[FieldError]:
    return [FieldError(field=p.field, reason=p.reason) for p in problems]


async def _own_account(context: Context, session: AsyncSession, account_id: str) -> ConnectionRow | NotFoundError:
    row = await store.get_connection(session, account_id)
    if row is None or not context.principal.can_access(row.community_id):
        return NotFoundError(code="connection_not_found", message=f"chat account {account_id} not found")
    return row


async def _create(
    context: Context, community_id: str, platform: ChatPlatform, name: str, items: list[CredentialInput]
) -> ConnectionRow | Refusal:
    if not context.principal.can_access(community_id):
        return NotFoundError(code="community_not_found", message=f"community {community_id} not found")
    connector = context.chat.connectors[platform.value]
    name = name.strip()
    credentials, errors = _credentials(items)
    if not name or len(name) > store.NAME_MAX_LENGTH:
        reason = "must not be empty" if not name else f"must be at most {store.NAME_MAX_LENGTH} characters"
        errors.insert(0, FieldError(field="name", reason=reason))
    errors += _field_errors(store.credential_problems(connector, credentials))
    if errors:
        return _invalid(errors)
    try:
        await context.membership.get_community(community_id)
    except ServiceProblem as problem:
        error = user_error_from(problem)
        if isinstance(error, ConflictError):
            raise problem from None
        return error
    chat = context.chat
    async with context.sessionmaker() as session, session.begin():
        return store.create_connection(
            session,
            chat.cipher,
            community_id=community_id,
            platform=connector.platform,
            name=name,
            credentials=credentials,
            now=chat.clocks.now(community_id),
        )


async def _rotate(
    context: Context, account_id: str, items: list[CredentialInput], grace_seconds: int | None
) -> ConnectionRow | Refusal:
    chat = context.chat
    changes, errors = _credentials(items)
    if not changes:
        errors.append(FieldError(field="credentials", reason="name at least one credential to change"))
    grace = chat.rotation_grace_seconds if grace_seconds is None else grace_seconds
    if not 0 <= grace <= MAX_GRACE_SECONDS:
        errors.append(FieldError(field=camel("grace_seconds"), reason=f"must be between 0 and {MAX_GRACE_SECONDS}"))
    async with context.sessionmaker() as session, session.begin():
        row = await _own_account(context, session, account_id)
        if isinstance(row, NotFoundError):
            return row
        connector = chat.connectors[row.platform]
        errors += _field_errors(store.credential_problems(connector, changes, partial=True))
        if errors:
            return _invalid(errors)
        if row.disabled_at is not None:
            return ForbiddenError(code="connection_disabled", message="a disabled chat account cannot be rotated")
        store.rotate_credentials(
            row, chat.cipher, changes=changes, grace=timedelta(seconds=grace), now=chat.clocks.now(row.community_id)
        )
    chat.directory.forget(row.id)
    return row


async def _disable(context: Context, account_id: str) -> ConnectionRow | Refusal:
    async with context.sessionmaker() as session, session.begin():
        row = await _own_account(context, session, account_id)
        if isinstance(row, NotFoundError):
            return row
        store.disable_connection(row, now=context.chat.clocks.now(row.community_id))
    context.chat.directory.forget(row.id)
    return row


def _answer(done: ConnectionRow | Refusal, success: Callable[[ChatAccount], S]) -> S | Refusal:
    return success(ChatAccount.from_row(done)) if isinstance(done, ConnectionRow) else done


def _new(account: ChatAccount) -> ChatAccountSuccess:
    return ChatAccountSuccess(chat_account=account)


def _old(account: ChatAccount) -> ConnectionSuccess:
    return ConnectionSuccess(connection=account)


@strawberry.type
class ConnectionMutation:
    @strawberry.mutation(description="Bind a chat platform account to a community. Credentials are stored encrypted.")
    async def create_chat_account(self, info: Info[Context, None], input: CreateChatAccountInput) -> ChatAccountPayload:
        done = await _create(info.context, str(input.community_id), input.platform, input.name, input.credentials)
        return _answer(done, _new)

    @strawberry.mutation(
        description="Replace some credentials; the previous ones stay accepted on webhooks for the grace period."
    )
    async def rotate_chat_account_credentials(
        self, info: Info[Context, None], input: RotateChatAccountCredentialsInput
    ) -> ChatAccountPayload:
        done = await _rotate(info.context, str(input.chat_account_id), input.credentials, input.grace_seconds)
        return _answer(done, _new)

    @strawberry.mutation(description="Stop accepting webhooks and sending through this chat account. Idempotent.")
    async def disable_chat_account(
        self, info: Info[Context, None], input: DisableChatAccountInput
    ) -> ChatAccountPayload:
        return _answer(await _disable(info.context, str(input.chat_account_id)), _new)

    @strawberry.mutation(
        description="Bind a platform account to a community.",
        deprecation_reason=f"Use createChatAccount; {REMOVED_IN}.",
    )
    async def create_connection(self, info: Info[Context, None], input: CreateConnectionInput) -> ConnectionPayload:
        done = await _create(info.context, str(input.community_id), input.platform, input.name, input.credentials)
        return _answer(done, _old)

    @strawberry.mutation(
        description="Replace some credentials.",
        deprecation_reason=f"Use rotateChatAccountCredentials; {REMOVED_IN}.",
    )
    async def rotate_connection_credentials(
        self, info: Info[Context, None], input: RotateConnectionCredentialsInput
    ) -> ConnectionPayload:
        done = await _rotate(info.context, str(input.connection_id), input.credentials, input.grace_seconds)
        return _answer(done, _old)

    @strawberry.mutation(
        description="Disable a chat account.", deprecation_reason=f"Use disableChatAccount; {REMOVED_IN}."
    )
    async def disable_connection(self, info: Info[Context, None], input: DisableConnectionInput) -> ConnectionPayload:
        return _answer(await _disable(info.context, str(input.connection_id)), _old)
