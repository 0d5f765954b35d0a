"""``guildhall import members``: a CSV file into a community, with a per-row report, safe to re-run."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from guildhall.cli import app
from guildhall.importcli import membership_http

runner = CliRunner()

CSV = """display_name,external_ref,tier,telegram,attr.region,tags,joined_at
Li Lei,crm-1,premium,1001,Shanghai,ai;founder,2024-03-01
 ,crm-2,,,,,
Han Meimei,,,1002,,,
Bad Date,crm-3,,,,,last spring
"""


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUILDHALL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GUILDHALL_MEMBERSHIP_URL", raising=False)
    return tmp_path


def community_with_tier() -> str:
    async def create() -> str:
        async with membership_http() as http:
            community = (await http.post("/v1/communities", json={"name": "Imported", "timezone": "UTC"})).json()
            tier = {"key": "premium", "name": "Premium", "rank": 1}
            assert (await http.post(f"/v1/communities/{community['id']}/tiers", json=tier)).status_code == 201
            return str(community["id"])

    return asyncio.run(create())


def members(community_id: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        async with membership_http() as http:
            items: list[dict[str, Any]] = (await http.get(f"/v1/communities/{community_id}/members")).json()["items"]
            return items

    return asyncio.run(read())


def test_import_reports_bad_rows_keeps_good_ones_and_a_rerun_skips_them(data_dir: Path) -> None:
    community_id = community_with_tier()
    source = data_dir / "members.csv"
    source.write_text(CSV, encoding="utf-8")
    report = data_dir / "errors.csv"

    first = runner.invoke(app, ["import", "members", str(source), "--community", community_id, "--errors", str(report)])
    again = runner.invoke(app, ["import", "members", str(source), "--community", community_id])

    assert first.exit_code == 1, first.output
    assert "row 3: display_name: must not be empty" in first.output
    assert "row 5: joined_at: must be an ISO 8601 date or time" in first.output
    assert "created 2, skipped 0, failed 2" in first.output
    with report.open(encoding="utf-8") as handle:
        assert [(r["row"], r["field"]) for r in csv.DictReader(handle)] == [("3", "display_name"), ("5", "joined_at")]
    assert "created 0, skipped 2, failed 2" in again.output
    assert sorted(m["display_name"] for m in members(community_id)) == ["Han Meimei", "Li Lei"]


def test_a_dry_run_keeps_nothing(data_dir: Path) -> None:
    community_id = community_with_tier()
    source = data_dir / "members.csv"
    source.write_text(CSV, encoding="utf-8")

    result = runner.invoke(app, ["import", "members", str(source), "--community", community_id, "--dry-run"])

    assert "dry run: 2 valid, 0 skipped, 2 failed; nothing was kept" in result.output
    assert members(community_id) == []


def test_a_file_with_unknown_columns_or_an_unknown_community_is_refused_whole(data_dir: Path) -> None:
    community_id = community_with_tier()
    odd = data_dir / "odd.csv"
    odd.write_text("display_name,external_ref,shoe_size\nLi Lei,crm-1,42\n", encoding="utf-8")
    good = data_dir / "good.csv"
    good.write_text(CSV, encoding="utf-8")

    unknown_column = runner.invoke(app, ["import", "members", str(odd), "--community", community_id])
    unknown_community = runner.invoke(app, ["import", "members", str(good), "--community", "cmty_nope"])

    assert unknown_column.exit_code == 2 and "unknown columns shoe_size" in unknown_column.output
    assert unknown_community.exit_code == 2 and "community_not_found" in unknown_community.output
    assert members(community_id) == []
