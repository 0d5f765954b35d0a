"""The documents that describe our wire, generated from the code: each service's OpenAPI and the gateway's SDL.

Committed copies live in ``docs/openapi/<service>.json`` and ``docs/graphql/schema.graphql``; a test holds the
code to them, so every change to the wire is a diff in review. ``./scripts/wire-documents`` rewrites them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_DIR = ROOT / "docs" / "openapi"
SDL_PATH = ROOT / "docs" / "graphql" / "schema.graphql"


def _service_apps() -> dict[str, Callable[[], FastAPI]]:
    from services.content.app import create_app as content_app
    from services.gamification.app import create_app as gamification_app
    from services.membership.app import create_app as membership_app

    return {"membership": membership_app, "gamification": gamification_app, "content": content_app}


SERVICES = tuple(_service_apps())


def openapi_text(service: str) -> str:
    """The service's OpenAPI document as ``/openapi.json`` serves it, pretty-printed with sorted keys."""
    document: dict[str, Any] = _service_apps()[service]().openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sdl_text() -> str:
    from gateway.schema.root import create_schema

    return create_schema().as_str().rstrip("\n") + "\n"


def openapi_path(service: str) -> Path:
    return OPENAPI_DIR / f"{service}.json"


def write_all() -> list[Path]:
    written = []
    for service in SERVICES:
        path = openapi_path(service)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(openapi_text(service), encoding="utf-8")
        written.append(path)
    SDL_PATH.parent.mkdir(parents=True, exist_ok=True)
    SDL_PATH.write_text(sdl_text(), encoding="utf-8")
    written.append(SDL_PATH)
    return written


if __name__ == "__main__":
    for path in write_all():
        sys.stdout.write(f"wrote {path.relative_to(ROOT)}\n")
