"""Every part's Alembic tree builds its schema from nothing, takes it down again, and agrees with the models; money
and point columns come out 64-bit (ADR 0029)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import BigInteger, MetaData, inspect
from sqlalchemy.engine import Connection

from kit.db import create_engine
from kit.migrations import alembic_config, downgrade, upgrade
from kit.tables import KIT_TABLES
from tests.support.backends import METADATA, PARTS, Backend

KIT_TABLE_NAMES = tuple(table.name for table in KIT_TABLES)


def _diff(connection: Connection, metadata: MetaData) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


# Money in minor units and points, per part: table → columns.
WIDE: dict[str, dict[str, tuple[str, ...]]] = {
    "membership": {"tier": ("price_amount",), "payment": ("amount",)},
    "gamification": {
        "point_entry": ("points",),
        "balance": ("balance", "lifetime"),
        "rule_usage": ("points_today",),
        "pointrule": ("points", "daily_cap"),
        "level": ("threshold",),
        "reward": ("cost",),
        "redemption": ("cost",),
        "surprise_rule": ("bonus", "daily_budget"),
        "surprise_budget": ("spent",),
        "surprise_draw": ("bonus", "budget_left"),
        "probe": ("points_per_claim",),
        "challenge": ("stake_amount",),
        "enrollment": ("stake_amount",),
        "money_transaction": ("amount",),
        "money_posting": ("amount",),
    },
}


def _narrow(connection: Connection, tables: dict[str, tuple[str, ...]]) -> list[str]:
    inspector = inspect(connection)
    types = {(table, column["name"]): column["type"] for table in tables for column in inspector.get_columns(table)}
    return [
        f"{table}.{name}: {types[table, name]}"
        for table, names in tables.items()
        for name in names
        if not isinstance(types[table, name], BigInteger)
    ]


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


@pytest.mark.parametrize("part", PARTS)
async def test_migrations_go_down_and_up_and_match_the_models(backend: Backend, part: str) -> None:
    url = backend.database_urls[part]
    engine = create_engine(url)
    try:
        await downgrade(part, url, "base")
        async with engine.connect() as connection:
            emptied = await connection.run_sync(_tables)
        await upgrade(part, url, "head")
        async with engine.connect() as connection:
            rebuilt = await connection.run_sync(_tables)
            drift = await connection.run_sync(_diff, METADATA[part])
    finally:
        await engine.dispose()

    assert emptied == set()
    assert rebuilt == set(METADATA[part].tables)
    assert drift == []


@pytest.mark.parametrize("part", PARTS)
def test_each_tree_has_one_head(part: str) -> None:
    """Two branches that each added a revision on the same parent leave two heads: merge or rebase one."""
    script = ScriptDirectory.from_config(alembic_config(part, "sqlite://"))

    assert len(script.get_heads()) == 1, script.get_heads()


@pytest.mark.parametrize("part", PARTS)
def test_the_event_tables_come_from_the_kit_helper_in_the_first_revision(part: str) -> None:
    """Outbox, inbox and idempotency records are written once (``kit.migration_tables``), not per tree."""
    script = ScriptDirectory.from_config(alembic_config(part, "sqlite://"))
    revisions = list(script.walk_revisions())
    base = [revision for revision in revisions if revision.down_revision is None]
    sources = {revision.revision: Path(revision.path).read_text(encoding="utf-8") for revision in revisions}

    assert len(base) == 1
    assert "create_event_tables()" in sources[base[0].revision]
    by_hand = [
        f"{revision}: {table}"
        for revision, source in sources.items()
        for table in KIT_TABLE_NAMES
        if f'create_table(\n        "{table}"' in source or f'create_table("{table}"' in source
    ]
    assert by_hand == []


@pytest.mark.parametrize("part", sorted(WIDE))
async def test_money_and_point_columns_are_64_bit_after_the_upgrade(backend: Backend, part: str) -> None:
    url = backend.database_urls[part]
    engine = create_engine(url)
    try:
        await downgrade(part, url, "base")
        await upgrade(part, url, "head")
        async with engine.connect() as connection:
            narrow = await connection.run_sync(_narrow, WIDE[part])
    finally:
        await engine.dispose()

    assert narrow == []
