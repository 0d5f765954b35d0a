"""The `guildhall` command line: keys and migrations against a data directory."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from guildhall.cli import app
from tests.support.guildhall import GraphQL
from tests.support.processes import MIGRATE_OUTPUT, Processes, free_port

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUILDHALL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GUILDHALL_BOOTSTRAP_API_KEY", raising=False)
    return tmp_path


def test_migrate_creates_every_part_database(data_dir: Path) -> None:
    result = runner.invoke(app, ["migrate"])

    assert result.exit_code == 0, result.output
    assert result.output.split() == MIGRATE_OUTPUT
    assert sorted(p.name for p in data_dir.glob("*.db")) == [
        "content.db",
        "gamification.db",
        "gateway.db",
        "membership.db",
    ]


def test_keys_create_prints_a_key_once_and_keys_list_shows_it_without_the_secret(data_dir: Path) -> None:
    created = runner.invoke(app, ["keys", "create", "--name", "ops"])
    scoped = runner.invoke(app, ["keys", "create", "--community", "cmty_01m7y9wvft4hdrkcg2h0vakzsr", "--name", "bot"])
    listed = runner.invoke(app, ["keys", "list"])

    assert created.exit_code == 0, created.output
    secret = created.output.split()[0]
    assert secret.startswith("ghk_")
    assert "platform admin" in created.output
    assert "community cmty_01m7y9wvft4hdrkcg2h0vakzsr" in scoped.output
    rows = [line.split("\t") for line in listed.output.strip().splitlines()]
    assert [(role, community, name) for _, role, community, name, _ in rows] == [
        ("platform_admin", "-", "ops"),
        ("community_admin", "cmty_01m7y9wvft4hdrkcg2h0vakzsr", "bot"),
    ]
    assert secret not in listed.output


def test_a_misspelled_part_is_refused_with_the_choices(data_dir: Path) -> None:
    result = runner.invoke(app, ["worker", "gamefication"])

    assert result.exit_code == 2
    assert "membership" in result.output
    assert "gamification" in result.output


async def test_dev_serves_graphql_with_a_first_key_on_a_fresh_data_directory(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "chosen"
    processes = Processes({"GUILDHALL_DATA_DIR": str(tmp_path / "not-this"), "GUILDHALL_BOOTSTRAP_API_KEY": ""})
    dev = processes.start("dev", "--port", str(port), "--data-dir", str(data_dir), port=port)
    try:
        await processes.wait_healthy(dev)
        banner = dev.output()
        key = next(word for word in banner.split() if word.startswith("ghk_"))

        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}
        ) as http:
            body = await GraphQL(http)(
                'mutation { createCommunity(input: {name: "Dev", timezone: "UTC"}) { __typename } }'
            )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as anonymous:
            ide = await anonymous.get("/graphql", headers={"Accept": "text/html"})
    finally:
        codes = processes.stop_all()

    assert body == {"data": {"createCommunity": {"__typename": "CreateCommunitySuccess"}}}
    assert "graphiql" in ide.text.lower()
    assert list(codes.values()) == [0]
    assert f"data in {data_dir.resolve()}" in banner
    assert (data_dir / "gateway.db").exists() and not (tmp_path / "not-this").exists()


def _dev_flags() -> list[str]:
    dev = typer.main.get_command(app).commands["dev"]  # type: ignore[attr-defined]
    return [flag for param in dev.params for flag in param.opts if flag != "--help"]


def test_dev_help_names_every_flag_and_the_readme_lists_them() -> None:
    result = runner.invoke(app, ["dev", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    flags = _dev_flags()

    assert result.exit_code == 0, result.output
    assert {"--host", "--port", "--data-dir", "--public-url"} <= set(flags)
    assert [flag for flag in flags if flag not in result.output] == []
    assert [flag for flag in flags if f"`{flag}" not in readme] == [], "README's ./scripts/dev flags lag behind"
