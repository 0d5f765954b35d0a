"""The SQLite reader runs its statements on the event loop's thread; the writer keeps aiosqlite's own thread,
and a write in progress never makes a read wait (WAL), which is what lets reads run on the loop."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from kit.db import create_engine


async def _thread_of_statements(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        sqlite: Any = raw.driver_connection._conn  # type: ignore[union-attr]  # the sqlite3 connection inside
        sqlite.create_function("thread_id", 0, threading.get_ident)
        thread: int = (await connection.execute(text("SELECT thread_id()"))).scalar_one()
        await connection.rollback()
    return thread


@pytest.fixture
async def engines(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path}/reader.db"
    writer = create_engine(url)
    async with writer.begin() as connection:
        await connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
        await connection.execute(text("INSERT INTO note (body) VALUES ('first')"))
    reader = create_engine(url, read_only=True)
    yield writer, reader
    await reader.dispose()
    await writer.dispose()


async def test_the_reader_runs_statements_on_the_loops_thread_and_the_writer_on_another(engines: Any) -> None:
    writer, reader = engines

    on_reader, on_writer = await _thread_of_statements(reader), await _thread_of_statements(writer)

    assert on_reader == threading.get_ident()
    assert on_writer != threading.get_ident()


async def test_a_read_beside_an_uncommitted_write_answers_at_once_with_what_was_committed(engines: Any) -> None:
    writer, reader = engines
    count = text("SELECT count(*) FROM note")
    async with writer.connect() as writing:
        await writing.execute(text("INSERT INTO note (body) VALUES ('second')"))  # holds the write lock
        # Were the read to wait for the lock, it would wait on this very loop for a commit that cannot come.
        async with reader.connect() as reading:
            seen = (await reading.execute(count)).scalar_one()
        await writing.commit()
    async with reader.connect() as reading:
        after = (await reading.execute(count)).scalar_one()

    assert (seen, after) == (1, 2)


async def test_the_reader_refuses_to_write(engines: Any) -> None:
    _, reader = engines
    async with reader.connect() as reading:
        with pytest.raises(OperationalError, match="readonly"):
            await reading.execute(text("INSERT INTO note (body) VALUES ('sneaky')"))
