"""Statements on the driver: in the session's transaction, typed as SQLAlchemy types them, failing as it does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from kit.db import Sessionmaker, create_engine, create_sessionmaker
from kit.driver import DriverStatement
from kit.types import UtcDateTime
from tests.support.backends import Backend

metadata = MetaData()
note = Table(
    "test_driver_note",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("text", String(80), nullable=False, unique=True),
    Column("tags", JSON, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)
INSERT = DriverStatement(insert(note).returning(note.c.id))
INSERT_UNLESS_TAKEN = DriverStatement(
    pg_insert(note).on_conflict_do_nothing().returning(note.c.id),
    elsewhere=sqlite_insert(note).on_conflict_do_nothing().returning(note.c.id),
)
BY_ID = DriverStatement(select(note.c.text, note.c.tags, note.c.at).where(note.c.id == bindparam("b_id")))
AT = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
async def sessionmaker(backend: Backend) -> AsyncIterator[Sessionmaker]:
    engine = create_engine(backend.database_urls["membership"])
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield create_sessionmaker(engine)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
    await engine.dispose()


def a_note(id_: int, text: str) -> dict[str, object]:
    return {"id": id_, "text": text, "tags": ["早起", "run"], "at": AT}


async def test_a_driver_statement_commits_and_rolls_back_with_its_session(sessionmaker: Sessionmaker) -> None:
    async with sessionmaker() as session:
        assert await INSERT.rows(session, a_note(1, "kept")) == [(1,)]
        await session.commit()
    async with sessionmaker() as session:
        assert await INSERT.rows(session, a_note(2, "rolled back")) == [(2,)]
        await session.rollback()

    async with sessionmaker() as session:
        connection = await session.connection()
        texts = (await connection.execute(select(note.c.text))).scalars().all()

    assert list(texts) == ["kept"]


async def test_rows_come_back_typed_as_sqlalchemy_types_them(sessionmaker: Sessionmaker) -> None:
    async with sessionmaker() as session, session.begin():
        await INSERT.rows(session, a_note(1, "typed"))

    async with sessionmaker() as session:
        row = await BY_ID.first(session, {"b_id": 1})
        missing = await BY_ID.first(session, {"b_id": 2})

    assert row == ("typed", ["早起", "run"], AT)
    assert row is not None and row[2].tzinfo is UTC
    assert missing is None


async def test_a_conflict_is_sqlalchemys_error_and_on_conflict_do_nothing_returns_no_row(
    sessionmaker: Sessionmaker,
) -> None:
    async with sessionmaker() as session, session.begin():
        await INSERT.rows(session, a_note(1, "first"))

    async with sessionmaker() as session:
        skipped = await INSERT_UNLESS_TAKEN.rows(session, a_note(2, "first"))
        with pytest.raises(IntegrityError):
            await INSERT.rows(session, a_note(3, "first"))
        await session.rollback()

    assert skipped == []
