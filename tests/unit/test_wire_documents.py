"""The wire is what the committed documents say: each service's OpenAPI and the gateway's printed SDL are
generated from the code and compared with ``docs/``, so a change to either is a visible diff in review."""

from __future__ import annotations

import difflib

import pytest

from tests.support.wire_documents import SDL_PATH, SERVICES, openapi_path, openapi_text, sdl_text

REWRITE = "if the change is meant, run ./scripts/wire-documents and commit the diff"


def _diff(committed: str, generated: str, name: str) -> str:
    lines = difflib.unified_diff(
        committed.splitlines(), generated.splitlines(), f"{name} (committed)", f"{name} (code)", lineterm="", n=2
    )
    return "\n".join(list(lines)[:80])


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_openapi_is_the_committed_one(service: str) -> None:
    path = openapi_path(service)
    committed = path.read_text(encoding="utf-8")

    generated = openapi_text(service)

    assert generated == committed, f"{REWRITE}\n{_diff(committed, generated, path.name)}"


def test_the_gateway_sdl_is_the_committed_one() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8")

    generated = sdl_text()

    assert generated == committed, f"{REWRITE}\n{_diff(committed, generated, SDL_PATH.name)}"


def test_a_changed_document_is_shown_as_a_diff() -> None:
    shown = _diff("type Query {\n  a: Int\n}\n", "type Query {\n  a: Int\n  b: Int\n}\n", "schema.graphql")

    assert "+  b: Int" in shown
    assert shown.startswith("--- schema.graphql (committed)")
