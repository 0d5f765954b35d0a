"""Sessions: requests that only read get one that cannot write (on SQLite, one beside the writer); a service on
PostgreSQL starts with warm connections in its pool."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, text
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
            assert app.state.read_sessionmaker.kw["bind"].pool is app.state.engine.pool
        async with app.state.sessionmaker() as session, session.begin():
            written = await session.exec(insert(idempotency_record).values(**row))

    assert written.rowcount == 1


def _in_transaction(driver: Any) -> bool:
    """Whether the driver's connection (aiosqlite or asyncpg) has a transaction open."""
    return bool(driver.in_transaction) if hasattr(driver, "in_transaction") else bool(driver.is_in_transaction())


async def test_a_read_session_runs_each_statement_on_its_own_and_the_write_session_in_one_transaction(
    backend: Backend,
) -> None:
    async with running_service(backend, "membership") as app:
        async with app.state.read_sessionmaker() as session:
            await session.exec(text("SELECT 1"))
            reader_open = _in_transaction((await (await session.connection()).get_raw_connection()).driver_connection)
            if backend.name == "postgres":
                # now() is when the transaction began: statements on their own each see a later one.
                first = (await session.exec(text("SELECT now()"))).scalar_one()
                await session.exec(text("SELECT pg_sleep(0.01)"))
                assert (await session.exec(text("SELECT now()"))).scalar_one() > first
        async with app.state.sessionmaker() as session:
            await session.exec(text("SELECT 1"))
            writer_open = _in_transaction((await (await session.connection()).get_raw_connection()).driver_connection)
            await session.rollback()

    assert (reader_open, writer_open) == (False, True)


async def test_a_service_on_postgresql_starts_with_its_warm_connections_in_the_pool(backend: Backend) -> None:
    async with running_service(backend, "membership") as app:
        pool = app.state.engine.pool
        idle = pool.checkedin() if backend.name == "postgres" else None

    assert idle == (KitSettings().db_warm_connections if backend.name == "postgres" else None)
