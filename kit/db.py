"""Async database access for PostgreSQL (asyncpg) and SQLite (aiosqlite).

Use cases never commit: one session per request (or per consumed event) commits once at the end, or
rolls back everything if anything raised.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import aiosqlite
from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Sessionmaker = async_sessionmaker[AsyncSession]
AfterCommit = Callable[[], Awaitable[None]]
AFTER_COMMIT_KEY = "after_commit"

log = logging.getLogger(__name__)


def new_metadata() -> MetaData:
    """Metadata for one service's tables, with names that Alembic can diff and drop by name."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def normalize_url(url: str) -> str:
    """Accept the URLs people paste (``postgresql://``, ``postgres://``, ``sqlite:///``) and pick async drivers."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    else:
        raise ValueError(f"database url: unsupported backend {backend!r} (use postgresql or sqlite)")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_on_connect(dbapi_connection: Any, _: Any) -> None:
    # WAL lets readers run beside the writer; the driver's own transaction handling is turned off so
    # that _sqlite_on_begin can start every transaction with BEGIN IMMEDIATE: a transaction that reads
    # and then writes can otherwise fail at once with "database is locked" when another one committed.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_on_connect_read(dbapi_connection: Any, record: Any) -> None:
    _sqlite_on_connect(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


class _InlineReads(aiosqlite.Connection):
    """An aiosqlite connection that runs its statements on the caller's thread, for the reader only (ADR 0037).

    A hop to aiosqlite's thread and back costs about 45 µs of CPU and the GIL passed to and fro, several a
    statement: that was 40 % of a simple read's CPU. A read on a local file in WAL mode is a few microseconds and
    never waits for the writer, so it runs at once on the event loop. The writer keeps its thread: a write can
    wait up to ``busy_timeout`` for another writer, which must not stop the loop that other writer runs on."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._connection is None:  # opening or closed: aiosqlite's own path
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        return fn(*args, **kwargs)


def _inline_reader(database: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    async def connect() -> aiosqlite.Connection:
        # Opened on aiosqlite's thread, then used on the loop's: sqlite3 must not insist on one thread.
        connection = _InlineReads(partial(sqlite3.connect, database, check_same_thread=False), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy's dialect sets it: a leaked connection never blocks exit
        return await connection

    return connect


def create_engine(url: str, *, echo: bool = False, pool_size: int = 20, read_only: bool = False) -> AsyncEngine:
    """An engine for ``url``. ``read_only`` is for SQLite only: a reader beside the writer, whose statements each
    run on their own (see ``reader_of``) and refuse to write. On PostgreSQL, ``reader_of`` the engine itself."""
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        if read_only:
            engine = create_async_engine(
                url,
                echo=echo,
                isolation_level="AUTOCOMMIT",
                skip_autocommit_rollback=True,
                async_creator=_inline_reader(database or ":memory:"),
            )
            event.listen(engine.sync_engine, "connect", _sqlite_on_connect_read)
            return engine
        engine = create_async_engine(url, echo=echo)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    # No pre-ping: it costs a round trip per checkout. A connection the server dropped fails its
    # statement, is invalidated by the pool, and the request (or consumer pass) is retried by its caller.
    # No overflow: an overflow connection is closed when it is handed back, so a burst above the pool's size
    # would pay, again and again, a connect, the driver's type set-up and a fresh prepared-statement cache,
    # and that CPU lengthens the burst. Past ``pool_size`` transactions at once, requests wait their turn.
    return create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=0, pool_recycle=1800)


async def warm_pool(engine: AsyncEngine, connections: int) -> None:
    """Open ``connections`` of a PostgreSQL engine's pool now, together, and keep them in the pool. A process
    that cannot reach the database yet starts all the same (its requests will say so)."""
    if connections <= 0 or engine.dialect.name != "postgresql":
        return
    try:
        async with AsyncExitStack() as held:
            await asyncio.gather(*(held.enter_async_context(engine.connect()) for _ in range(connections)))
    except (OSError, SQLAlchemyError):
        log.warning("database connections not opened at start-up", exc_info=True)


def reader_of(engine: AsyncEngine, url: str) -> AsyncEngine:
    """The engine requests that only read are served by (ADR 0037): each statement on its own, in autocommit, with
    no BEGIN or COMMIT around it. That is what READ COMMITTED gives a statement inside a transaction too (its own
    snapshot), and it saves a request two round trips on PostgreSQL (the same pool, the same connections) and a
    statement and two thread hops on SQLite (a separate engine that refuses writes, beside the writer in WAL)."""
    if is_sqlite(url):
        return create_engine(url, read_only=True)
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def create_sessionmaker(engine: AsyncEngine) -> Sessionmaker:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@asynccontextmanager
async def request_session(state: Any, method: str) -> AsyncIterator[AsyncSession]:
    """A request's session: committed once after the work returns (then its after-commit actions run), rolled
    back if it raised. Reads (GET, HEAD) get a session of the read engine."""
    if method in READ_METHODS:
        # Nothing to commit: the reader runs each statement on its own (``reader_of``).
        async with state.read_sessionmaker() as session:
            yield session
            await run_after_commit(session)
        return
    sessionmaker: Sessionmaker = state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            discard_after_commit(session)
            raise
        else:
            try:
                await session.commit()
            except BaseException:
                # A failed commit leaves nothing behind: not the transaction, not its after-commit actions.
                await session.rollback()
                discard_after_commit(session)
                raise
            await run_after_commit(session)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """``request_session`` as the endpoint's dependency."""
    async with request_session(request.app.state, request.method) as session:
        yield session


def after_commit(session: AsyncSession, action: AfterCommit) -> None:
    """Run ``action`` once the session's transaction committed (for projections outside the database,
    such as Redis leaderboards); never if it rolled back. A failing action is logged, not raised: the
    projection must be rebuildable from the database."""
    session.info.setdefault(AFTER_COMMIT_KEY, []).append(action)


def pending_after_commit(session: AsyncSession) -> list[AfterCommit]:
    pending: list[AfterCommit] = session.info.setdefault(AFTER_COMMIT_KEY, [])
    return pending


def discard_after_commit(session: AsyncSession, *, keep: int = 0) -> None:
    """Forget the actions registered after the first ``keep`` (their changes were rolled back)."""
    del pending_after_commit(session)[keep:]


async def run_after_commit(session: AsyncSession) -> None:
    actions = session.info.pop(AFTER_COMMIT_KEY, [])
    for action in actions:
        try:
            await action()
        except Exception:
            log.exception("after-commit action failed")


# "function" scope: the session is closed, so the transaction committed, when the endpoint returns and before
# the answer is sent. FastAPI's default for a dependency with yield ("request") tears down after the response,
# where a failed commit would follow a 201 and an id of something that does not exist.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
