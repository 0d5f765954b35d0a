"""The real backends tests run against: SQLite with the in-process Redis, and PostgreSQL with Redis.

Every integration and end-to-end test runs on both. PostgreSQL and Redis are found at their localhost
defaults (override with GUILDHALL_TEST_POSTGRES_URL / GUILDHALL_TEST_REDIS_URL). When they are not
reachable the PostgreSQL variants are skipped, except with CI=true, where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from gateway.models import metadata as gateway_metadata
from kit.migrations import upgrade
from services.content.models import metadata as content_metadata
from services.gamification.models import metadata as gamification_metadata
from services.membership.models import metadata as membership_metadata

PARTS = ("membership", "gamification", "content", "gateway")
METADATA = {
    "membership": membership_metadata,
    "gamification": gamification_metadata,
    "content": content_metadata,
    "gateway": gateway_metadata,
}
POSTGRES_URL = os.environ.get("GUILDHALL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _redis_of_this_worker(url: str) -> str:
    """Each pytest-xdist worker (``gw0``, ``gw1``, ...) empties and uses its own Redis database, the given one
    plus the worker's number, so workers never flush each other's streams."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


REDIS_URL = _redis_of_this_worker(os.environ.get("GUILDHALL_TEST_REDIS_URL", "redis://127.0.0.1:6379/9"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# What the run really used, for the summary at the end.
USAGE: Counter[str] = Counter()


@dataclass
class Backend:
    """Where one test's four databases and its Redis are."""

    name: str
    database_urls: dict[str, str]
    redis_url: str
    details: dict[str, str] = field(default_factory=dict)

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgres"


async def postgres_version() -> str:
    connection = await asyncpg.connect(POSTGRES_URL, timeout=3)
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


async def redis_version() -> str:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        info = await client.info("server")
        return str(info["redis_version"])
    finally:
        await client.aclose()


def _database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


class PostgresDatabases:
    """One database per part for this test session, migrated once, emptied before each test."""

    def __init__(self) -> None:
        self.prefix = f"gh_test_{os.getpid()}"
        self.urls = {part: _database_url(f"{self.prefix}_{part}") for part in PARTS}
        self._sequences: dict[str, list[str]] = {}

    async def create(self) -> None:
        admin = await asyncpg.connect(POSTGRES_URL)
        try:
            for part in PARTS:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.prefix}_{part}" WITH (FORCE)')
                await admin.execute(f'CREATE DATABASE "{self.prefix}_{part}"')
        finally:
            await admin.close()
        for part in PARTS:
            await upgrade(part, self.urls[part])

    async def empty(self) -> None:
        """Every table emptied and every sequence restarted. DELETE, children first, not TRUNCATE: on tables that
        hold a test's few rows it is over ten times faster (TRUNCATE makes new files for every table)."""

        async def empty_one(part: str) -> None:
            connection = await asyncpg.connect(self.urls[part].replace("+asyncpg", ""))
            try:
                if part not in self._sequences:
                    rows = await connection.fetch("SELECT schemaname, sequencename FROM pg_sequences")
                    self._sequences[part] = [f'"{row[0]}"."{row[1]}"' for row in rows]
                statements = [f'DELETE FROM "{table.name}"' for table in reversed(METADATA[part].sorted_tables)]
                statements += [f"ALTER SEQUENCE {name} RESTART" for name in self._sequences[part]]
                await connection.execute(";\n".join(statements))
            finally:
                await connection.close()

        await asyncio.gather(*(empty_one(part) for part in PARTS))

    async def drop(self) -> None:
        admin = await asyncpg.connect(POSTGRES_URL)
        try:
            for part in PARTS:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.prefix}_{part}" WITH (FORCE)')
        finally:
            await admin.close()


class SqliteTemplates:
    """Migrated once into a template directory; each test gets fresh copies of the files."""

    def __init__(self, root: Path) -> None:
        self.template = root / "template"

    def url(self, directory: Path, part: str) -> str:
        return f"sqlite+aiosqlite:///{directory / f'{part}.db'}"

    async def create(self) -> None:
        self.template.mkdir(parents=True, exist_ok=True)
        for part in PARTS:
            await upgrade(part, self.url(self.template, part))

    def copy_to(self, directory: Path) -> dict[str, str]:
        directory.mkdir(parents=True, exist_ok=True)
        for part in PARTS:
            shutil.copyfile(self.template / f"{part}.db", directory / f"{part}.db")
        return {part: self.url(directory, part) for part in PARTS}
