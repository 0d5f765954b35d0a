"""Sessions: requests that only read get one that cannot write (on SQLite, one beside the writer); a service on
PostgreSQL starts with warm connections in its pool."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import OperationalError

from kit.settings import KitSettings
from kit.tables import idempotency_record
from tests.support.backends import Backend
from tests.support.guildhall import running_service


async def test_a_read_session_on_sqlite_refuses_writes_and_the_write_session_accepts_them(backend: Backend) -> None:
    row = {"scope": "s", "key": "k", "request_hash": "h", "status_code": 0, "created_at": datetime.now(UTC)}
    async with running_service(backend, "membership") as app:
        if backend.name == "sqlite":
            async with app.state.read_sessionmaker() as session:
                with pytest.raises(OperationalError, match="readonly"):
                    await session.exec(insert(idempotency_record).values(**row))
        else:
            assert app.state.read_sessionmaker.kw["bind"] is app.state.engine
        async with app.state.sessionmaker() as session, session.begin():
            written = await session.exec(insert(idempotency_record).values(**row))

    assert written.rowcount == 1


async def test_a_service_on_postgresql_starts_with_its_warm_connections_in_the_pool(backend: Backend) -> None:
    async with running_service(backend, "membership") as app:
        pool = app.state.engine.pool
        idle = pool.checkedin() if backend.name == "postgres" else None

    assert idle == (KitSettings().db_warm_connections if backend.name == "postgres" else None)
