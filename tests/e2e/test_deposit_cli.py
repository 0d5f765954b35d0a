"""``guildhall deposits check`` against the configured gamification database (SQLite in a data directory)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guildhall.cli import app
from guildhall.parts import SERVICES
from kit.ids import new_id
from services.gamification.domain.deposit import EXTERNAL, Memo, Posting, Transaction, transfer
from services.gamification.models.deposit import MoneyTransaction
from services.gamification.repo.deposit import POSTING, DepositRepository

runner = CliRunner()
AT = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUILDHALL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GUILDHALL_BOOTSTRAP_API_KEY", raising=False)
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    return tmp_path


def _record(community_id: str, key: str, postings: Sequence[Posting]) -> None:
    """A transaction written straight to the database, past the repository's balance check: the command has to
    catch whatever slipped in."""

    async def run() -> None:
        part = SERVICES["gamification"]
        service = part.build(part.settings())
        async with service.router.lifespan_context(service), service.state.sessionmaker() as session:
            row = MoneyTransaction(
                id=new_id("mtx"),
                community_id=community_id,
                challenge_id="chl_1",
                kind="test",
                key=key,
                amount=0,
                currency="CNY",
                occurred_at=AT,
            )
            await DepositRepository(session).record(row, Transaction(key, ()))
            connection = await session.connection()
            for p in postings:
                await connection.execute(
                    POSTING.insert().values(
                        community_id=community_id,
                        transaction_id=row.id,
                        challenge_id=row.challenge_id,
                        account=p.account,
                        amount=p.amount,
                        currency="CNY",
                        memo=p.memo.value,
                    )
                )
            await session.commit()

    asyncio.run(run())


def test_a_consistent_journal_passes_and_a_broken_one_fails_naming_the_violation(data_dir: Path) -> None:
    _record("cmty_a", "stake", transfer(EXTERNAL, "stake:enr_1", 1_000, Memo.STAKE))
    _record("cmty_a", "refund", transfer("stake:enr_1", "payable:enr_1", 1_000, Memo.REFUND))
    _record("cmty_a", "payout", transfer("payable:enr_1", EXTERNAL, 400, Memo.PAYOUT))
    clean = runner.invoke(app, ["deposits", "check"])
    _record("cmty_b", "lopsided", [Posting(EXTERNAL, -500, Memo.STAKE), Posting("stake:enr_2", 499, Memo.STAKE)])
    _record("cmty_b", "overpaid", transfer("payable:enr_2", EXTERNAL, 10, Memo.PAYOUT))
    broken = runner.invoke(app, ["deposits", "check"])
    other = runner.invoke(app, ["deposits", "check", "--community", "cmty_a"])

    assert clean.exit_code == 0, clean.output
    assert clean.output.splitlines() == ["3 transactions, 6 postings, 3 accounts", "consistent"]
    assert broken.exit_code == 1
    lines = broken.output.splitlines()
    assert lines[0].startswith("transaction mtx_") and lines[0].endswith("does not balance: its postings sum to -1")
    assert lines[1:] == [
        "account payable:enr_2 is negative: -10",
        "enrollment enr_2 was paid 10 but only 0 was payable",
        "5 transactions, 10 postings, 5 accounts",
        "3 violations",
    ]
    assert other.exit_code == 0, other.output
