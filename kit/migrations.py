"""Alembic, one tree per service, named sections in one ``alembic.ini``.

Each service's ``migrations/env.py`` calls ``run_migrations(metadata)``. Programs call ``upgrade()``,
which works from inside a running event loop too (it migrates on a worker thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from kit.db import create_engine, is_sqlite, normalize_url

ROOT = Path(__file__).resolve().parent.parent
INI_PATH = ROOT / "alembic.ini"
URL_ATTRIBUTE = "database_url"


def alembic_config(section: str, database_url: str) -> Config:
    config = Config(str(INI_PATH), ini_section=section)
    config.set_main_option("script_location", str(ROOT / config.get_main_option("script_location", "")))
    config.attributes[URL_ATTRIBUTE] = normalize_url(database_url)
    return config


def upgrade_sync(section: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(section, database_url), revision)


def downgrade_sync(section: str, database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(section, database_url), revision)


_lock = asyncio.Lock()


async def upgrade(section: str, database_url: str, revision: str = "head") -> None:
    # Alembic keeps its migration context in process-wide state: one upgrade at a time per process.
    async with _lock:
        await asyncio.to_thread(upgrade_sync, section, database_url, revision)


def _configure(connection: Connection | None, url: str, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        url=None if connection is not None else url,
        target_metadata=metadata,
        render_as_batch=is_sqlite(url),  # SQLite alters tables by copying them
        compare_type=True,
        literal_binds=connection is None,
    )


def _run_sync(connection: Connection, url: str, metadata: MetaData) -> None:
    _configure(connection, url, metadata)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_engine(url) if is_sqlite(url) else create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync, url, metadata)
        await connection.commit()
    await engine.dispose()


def run_migrations(metadata: MetaData, *, default_url: Callable[[], str]) -> None:
    """The body of every service's ``env.py``. The URL comes from the caller, else from settings."""
    config = context.config
    url = normalize_url(config.attributes.get(URL_ATTRIBUTE) or default_url())
    if context.is_offline_mode():
        _configure(None, url, metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))


async def downgrade(section: str, database_url: str, revision: str) -> None:
    async with _lock:
        await asyncio.to_thread(downgrade_sync, section, database_url, revision)
