"""Statements for the hottest paths, run on the database driver itself (ADR 0024).

A ``DriverStatement`` wraps one Core statement. On PostgreSQL it is compiled once per set of parameter names
and run with asyncpg's own prepared statement on the session's connection, inside the session's transaction:
no execution context, cursor adapter or result object, which is about half of what one statement costs through
SQLAlchemy. Elsewhere (SQLite) it is executed by SQLAlchemy as usual. Either way the caller gets the rows as
tuples, with the statement's column types applied, and the same errors SQLAlchemy raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlmodel.ext.asyncio.session import AsyncSession

Processor = Callable[[Any], Any] | None
_CONNECTION_KEY = "kit.driver.connection"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    compiled: SQLCompiler
    names: tuple[str, ...]
    binds: tuple[Processor, ...]
    results: tuple[Processor, ...]


class DriverStatement:
    """``statement`` as PostgreSQL runs it; ``elsewhere``, the form for other databases where it differs (an
    insert with ON CONFLICT is a dialect's own construct)."""

    def __init__(self, statement: Executable, *, elsewhere: Executable | None = None) -> None:
        self.statement = statement
        self.elsewhere = statement if elsewhere is None else elsewhere
        self._compiled: dict[frozenset[str], _Compiled] = {}

    async def rows(self, session: AsyncSession, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement with ``params``: the rows it returns (none for a statement without RETURNING)."""
        connection = await _connection(session)
        if connection.dialect.name != "postgresql":
            result = await connection.execute(self.elsewhere, params)
            return [tuple(row) for row in result.all()] if result.returns_rows else []
        compiled = self._compile(connection.dialect, params)
        values = compiled.compiled.construct_params(params, _check=False)
        args = [
            value if process is None else process(value)
            for process, value in zip(compiled.binds, (values[name] for name in compiled.names), strict=True)
        ]
        adapted = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
        driver = adapted.driver_connection  # type: ignore[union-attr]
        if adapted._transaction is None:  # type: ignore[union-attr]
            # SQLAlchemy begins the driver's transaction lazily, at the first statement it runs itself.
            await adapted._start_transaction()  # type: ignore[union-attr]
        try:
            records = await driver.fetch(compiled.sql, *args)
        except Exception as error:  # the error SQLAlchemy would raise, and a dead connection not pooled again
            translated = _translated(connection.dialect, adapted, compiled.sql, args, error)
            if translated.connection_invalidated:
                await connection.invalidate()
            raise translated from error
        if not any(compiled.results):
            return [tuple(record) for record in records]
        return [
            tuple(
                value if process is None else process(value)
                for process, value in zip(compiled.results, record, strict=True)
            )
            for record in records
        ]

    async def first(self, session: AsyncSession, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        rows = await self.rows(session, params)
        return rows[0] if rows else None

    def _compile(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
        keys = frozenset(params)
        compiled = self._compiled.get(keys)
        if compiled is None:
            compiled = self._compiled[keys] = _compile(self.statement, dialect, list(params))
        return compiled


async def _connection(session: AsyncSession) -> AsyncConnection:
    """The session's connection, looked up once per transaction: ``session.connection()`` is a hop into a greenlet
    each time, and a check-in runs several statements."""
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_CONNECTION_KEY)
    if transaction is not None and cached is not None and cached[0] is transaction:
        connection: AsyncConnection = cached[1]
        return connection
    connection = await session.connection()
    session.info[_CONNECTION_KEY] = (session.sync_session.get_transaction(), connection)
    return connection


def _compile(statement: Executable, dialect: Dialect, keys: Sequence[str]) -> _Compiled:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    binds = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    columns = getattr(statement, "exported_columns", ())
    results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    return _Compiled(compiled.string, compiled, names, binds, results)


def _translated(dialect: Dialect, adapted: Any, sql: str, args: Sequence[Any], error: Exception) -> DBAPIError:
    try:
        adapted._handle_exception(error)  # raises the DBAPI error SQLAlchemy's adapter maps this one to
    except Exception as dbapi_error:  # noqa: BLE001 - it always raises: the mapped error, or this one
        error = dbapi_error
    dbapi = dialect.loaded_dbapi
    gone = isinstance(error, dbapi.Error) and dialect.is_disconnect(error, adapted, None)
    translated = DBAPIError.instance(sql, list(args), error, dbapi.Error, connection_invalidated=gone, dialect=dialect)
    assert isinstance(translated, DBAPIError)
    return translated
