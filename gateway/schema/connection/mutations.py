"""Binding a community to a chat platform account, rotating its credentials, disabling it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.connections import store
from gateway.models import Connection as ConnectionRow
from gateway.schema.connection.types import ChatPlatform, Connection
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


@strawberry.input(description="One credential, e.g. name `bot_token`. Names depend on the platform.")
class CredentialInput:
    name: str
    value: str


@strawberry.input
class CreateConnectionInput:
    community_id: strawberry.ID
    platform: ChatPlatform
    name: str
    credentials: list[CredentialInput] = strawberry.field(
        description=(
            "TELEGRAM bot_token, secret_token · SLACK signing_secret, bot_token · DISCORD public_key, bot_token, "
            "application_id, relay_secret · FEISHU verification_token, encrypt_key, app_id, app_secret · "
            "WECOM corp_id, token, encoding_aes_key, corp_secret, agent_id · DINGTALK app_secret, app_key, "
            "robot_code · GENERIC secret (whsec_…), send_url"
        )
    )


@strawberry.input
class RotateConnectionCredentialsInput:
    connection_id: strawberry.ID
    credentials: list[CredentialInput] = strawberry.field(description="Only the credentials that change.")
    grace_seconds: int | None = strawberry.field(
        default=None, description="How long the previous credentials stay accepted; default one day, 0 for none."
    )


@strawberry.input
class DisableConnectionInput:
    connection_id: strawberry.ID


@strawberry.type
class ConnectionSuccess:
    connection: Connection


ConnectionPayload = Annotated[
    ConnectionSuccess | InvalidInputError | ForbiddenError | NotFoundError,
    strawberry.union("ConnectionPayload"),
]


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


async def _own_connection(context: Context, session: AsyncSession, connection_id: str) -> ConnectionRow | NotFoundError:
    row = await store.get_connection(session, connection_id)
    if row is None or not context.principal.can_access(row.community_id):
        return NotFoundError(code="connection_not_found", message=f"connection {connection_id} not found")
    return row


@strawberry.type
class ConnectionMutation:
    @strawberry.mutation(description="Bind a platform account to a community. Credentials are stored encrypted.")
    async def create_connection(self, info: Info[Context, None], input: CreateConnectionInput) -> ConnectionPayload:
        context = info.context
        community_id = str(input.community_id)
        if not context.principal.can_access(community_id):
            return NotFoundError(code="community_not_found", message=f"community {community_id} not found")
        connector = context.chat.connectors[input.platform.value]
        name = input.name.strip()
        credentials, errors = _credentials(input.credentials)
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
            row = store.create_connection(
                session,
                chat.cipher,
                community_id=community_id,
                platform=connector.platform,
                name=name,
                credentials=credentials,
                now=chat.clocks.now(community_id),
            )
        return ConnectionSuccess(connection=Connection.from_row(row))

    @strawberry.mutation(
        description="Replace some credentials; the previous ones stay accepted on webhooks for the grace period."
    )
    async def rotate_connection_credentials(
        self, info: Info[Context, None], input: RotateConnectionCredentialsInput
    ) -> ConnectionPayload:
        context = info.context
        chat = context.chat
        changes, errors = _credentials(input.credentials)
        if not changes:
            errors.append(FieldError(field="credentials", reason="name at least one credential to change"))
        grace = chat.rotation_grace_seconds if input.grace_seconds is None else input.grace_seconds
        if not 0 <= grace <= MAX_GRACE_SECONDS:
            errors.append(FieldError(field=camel("grace_seconds"), reason=f"must be between 0 and {MAX_GRACE_SECONDS}"))
        async with context.sessionmaker() as session, session.begin():
            row = await _own_connection(context, session, str(input.connection_id))
            if isinstance(row, NotFoundError):
                return row
            connector = chat.connectors[row.platform]
            errors += _field_errors(store.credential_problems(connector, changes, partial=True))
            if errors:
                return _invalid(errors)
            if row.disabled_at is not None:
                return ForbiddenError(code="connection_disabled", message="a disabled connection cannot be rotated")
            store.rotate_credentials(
                row,
                chat.cipher,
                changes=changes,
                grace=timedelta(seconds=grace),
                now=chat.clocks.now(row.community_id),
            )
        chat.directory.forget(row.id)
        return ConnectionSuccess(connection=Connection.from_row(row))

    @strawberry.mutation(description="Stop accepting webhooks and sending through this connection. Idempotent.")
    async def disable_connection(self, info: Info[Context, None], input: DisableConnectionInput) -> ConnectionPayload:
        context = info.context
        chat = context.chat
        async with context.sessionmaker() as session, session.begin():
            row = await _own_connection(context, session, str(input.connection_id))
            if isinstance(row, NotFoundError):
                return row
            store.disable_connection(row, now=chat.clocks.now(row.community_id))
        chat.directory.forget(row.id)
        return ConnectionSuccess(connection=Connection.from_row(row))
