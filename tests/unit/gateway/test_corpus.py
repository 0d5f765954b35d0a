"""Every file of the shared webhook corpus is exercised by a connector test here."""

from __future__ import annotations

from pathlib import Path

from tests.support.webhooks import FIXTURES, load


def test_every_corpus_file_is_used_by_a_connector_test() -> None:
    listed = {entry["file"] for entry in load("manifest.json")["entries"]}
    on_disk = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*.json")}
    tests = "\n".join(
        p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py") if p.name != Path(__file__).name
    )
    referenced = {name for name in on_disk if name in tests}

    assert listed == on_disk
    assert on_disk - referenced == set()
