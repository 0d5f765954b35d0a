"""``Idempotency-Key`` for creating POSTs: a retried request gets the first response, not a second resource.

The record is claimed in the request's own transaction before the work runs and completed with the
response after it, so it commits or rolls back together with the change: a failed request leaves no
record and may be retried with the same key. A concurrent twin waits on the claim (PostgreSQL) or the
write lock (SQLite) and then sees the record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import select

from kit.auth import PrincipalDep
from kit.db import SessionDep
from kit.driver import DriverStatement
from kit.errors import Conflict, InvalidInput
from kit.tables import idempotency_record

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


# Built once and run on the driver (every creating POST runs both): the claim and the completion.
_CLAIM = DriverStatement(
    pg_insert(idempotency_record)
    .on_conflict_do_nothing(index_elements=["scope", "key"])
    .returning(idempotency_record.c.key),
    elsewhere=sqlite_insert(idempotency_record)
    .on_conflict_do_nothing(index_elements=["scope", "key"])
    .returning(idempotency_record.c.key),
)
_COMPLETE = DriverStatement(
    update(idempotency_record)
    .where(idempotency_record.c.scope == bindparam("b_scope"), idempotency_record.c.key == bindparam("b_key"))
    .values(status_code=bindparam("status_code"), response=bindparam("response"))
)


class Idempotency:
    def __init__(self, *, session: SessionDep, key: str | None, scope: str, request_hash: str) -> None:
        self._session = session
        self.key = key
        self._scope = scope
        self._request_hash = request_hash

    async def run(self, action: Callable[[], Awaitable[BaseModel]], *, status_code: int = 201) -> JSONResponse:
        if self.key is None:
            return _json((await action()).model_dump_json(), status_code)
        if not await self._claim():
            return await self._replay_existing()
        # Serialized once, for the record and the answer: the same bytes a replay answers with.
        body = (await action()).model_dump_json()
        await _COMPLETE.rows(
            self._session, {"b_scope": self._scope, "b_key": self.key, "status_code": status_code, "response": body}
        )
        return _json(body, status_code)

    async def _claim(self) -> bool:
        """Take the key, unless a record has it: one statement on the common path. A twin that holds the key
        uncommitted makes this wait (PostgreSQL's unique index, SQLite's write lock) until it is decided."""
        row = {
            "scope": self._scope,
            "key": self.key,
            "request_hash": self._request_hash,
            "status_code": 0,
            "created_at": datetime.now(UTC),
        }
        return await _CLAIM.first(self._session, row) is not None

    async def _replay_existing(self) -> JSONResponse:
        row = (
            await self._session.exec(
                select(
                    idempotency_record.c.request_hash, idempotency_record.c.status_code, idempotency_record.c.response
                ).where(idempotency_record.c.scope == self._scope, idempotency_record.c.key == self.key)
            )
        ).first()
        if row is None:  # the holder rolled back between our insert and this read: the caller may retry
            raise Conflict(
                "a request with this Idempotency-Key is still being processed", code="idempotency_key_in_use"
            )
        request_hash, status_code_then, response = row
        return self._replay(request_hash, status_code_then, response)

    def _replay(self, request_hash: str, status_code: int, response: str | None) -> JSONResponse:
        if request_hash != self._request_hash:
            problem = InvalidInput.of(HEADER, "was already used with a different request")
            problem.code = "idempotency_key_reused"
            raise problem
        if status_code == 0 or response is None:
            raise Conflict(
                "a request with this Idempotency-Key is still being processed", code="idempotency_key_in_use"
            )
        return _json(response, status_code, headers={REPLAYED_HEADER: "true"})


class _SerializedJSON(JSONResponse):
    """A JSON answer whose body is already serialized (by pydantic, or as the record kept it)."""

    def render(self, content: Any) -> bytes:
        assert isinstance(content, str)
        return content.encode()


def _json(body: str, status_code: int, *, headers: dict[str, str] | None = None) -> JSONResponse:
    return _SerializedJSON(body, status_code=status_code, headers=headers)


async def get_idempotency(request: Request, session: SessionDep, principal: PrincipalDep) -> Idempotency:
    key = request.headers.get(HEADER)
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise InvalidInput.of(HEADER, f"must be 1 to {MAX_KEY_LENGTH} characters")
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.url.path}\n".encode())
    digest.update(await request.body())
    return Idempotency(
        session=session,
        key=key,
        scope=principal.key_id or principal.role,
        request_hash=digest.hexdigest(),
    )


IdempotencyDep = Annotated[Idempotency, Depends(get_idempotency)]
