"""Fixtures shared by every test: the backends (SQLite + in-process Redis; PostgreSQL + Redis)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.support.backends import (
    IN_CI,
    POSTGRES_URL,
    REDIS_URL,
    USAGE,
    Backend,
    PostgresDatabases,
    SqliteTemplates,
    postgres_version,
    redis_version,
)

# Hypothesis's deadline is a wall-clock assertion on each example: on a loaded two-core runner (or with a worker
# per core) it fails tests that are right. Speed is measured in bench/, never asserted.
settings.register_profile("guildhall", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("guildhall")

BACKENDS = ("sqlite", "postgres")
_memory_names = itertools.count()
_versions: dict[str, str] = {}


class SessionBackends:
    """Session-wide backends, set up the first time a test asks for them."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._postgres: PostgresDatabases | None = None
        self._postgres_error: str | None = None
        self._sqlite: SqliteTemplates | None = None

    async def postgres(self) -> PostgresDatabases:
        if self._postgres is None and self._postgres_error is None:
            try:
                _versions["postgres"] = await postgres_version()
                _versions["redis"] = await redis_version()
            except (OSError, TimeoutError, RedisConnectionError) as error:
                self._postgres_error = f"PostgreSQL ({POSTGRES_URL}) or Redis ({REDIS_URL}) unreachable: {error!r}"
            else:
                self._postgres = PostgresDatabases()
                await self._postgres.create()
        if self._postgres is None:
            if IN_CI:
                pytest.fail(f"CI=true needs the real backends. {self._postgres_error}")
            pytest.skip(str(self._postgres_error))
        return self._postgres

    async def sqlite(self) -> SqliteTemplates:
        if self._sqlite is None:
            self._sqlite = SqliteTemplates(self._root)
            await self._sqlite.create()
        return self._sqlite

    async def close(self) -> None:
        if self._postgres is not None:
            await self._postgres.drop()


@pytest.fixture(scope="session")
async def session_backends(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SessionBackends]:
    backends = SessionBackends(tmp_path_factory.mktemp("backends"))
    yield backends
    await backends.close()


@pytest.fixture(params=BACKENDS)
async def backend(
    request: pytest.FixtureRequest, session_backends: SessionBackends, tmp_path: Path
) -> AsyncIterator[Backend]:
    """Fresh, migrated, empty databases for each part and an empty Redis, on each backend."""
    if request.param == "postgres":
        databases = await session_backends.postgres()
        await databases.empty()
        redis = Redis.from_url(REDIS_URL)
        await redis.flushdb()
        await redis.aclose()
        USAGE["postgres"] += 1
        yield Backend("postgres", dict(databases.urls), REDIS_URL)
    else:
        templates = await session_backends.sqlite()
        USAGE["sqlite"] += 1
        yield Backend("sqlite", templates.copy_to(tmp_path / "data"), f"memory://test-{next(_memory_names)}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands what it used to the controller, which prints the summary."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["backend_usage"] = dict(USAGE)
        output["backend_versions"] = dict(_versions)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    output = getattr(node, "workeroutput", {})
    USAGE.update(output.get("backend_usage", {}))
    _versions.update(output.get("backend_versions", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not USAGE:
        return
    lines = []
    if USAGE["postgres"]:
        lines.append(
            f"PostgreSQL {_versions.get('postgres', '?')} and Redis {_versions.get('redis', '?')} "
            f"really used by {USAGE['postgres']} tests ({POSTGRES_URL.rsplit('@', 1)[-1]}, {REDIS_URL})"
        )
    else:
        lines.append("PostgreSQL and Redis were NOT used (unreachable, and CI is not set)")
    lines.append(f"SQLite with the in-process Redis used by {USAGE['sqlite']} tests")
    terminalreporter.write_sep("=", "backends")
    for line in lines:
        terminalreporter.write_line(line)
