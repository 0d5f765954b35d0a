"""The shared webhook acceptance corpus (``<repo>/../shared/fixtures/webhooks``) and helpers to replay it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gateway.connectors.base import ConnectionRef, WebhookRequest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = (REPO / ".." / "shared" / "fixtures" / "webhooks").resolve()
CONNECTION = ConnectionRef(id="conn_test", community_id="cmty_test", platform="telegram")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def raw(name: str) -> bytes:
    """A payload file as compact JSON, the way a platform would send it (for bodies nobody signs)."""
    return json.dumps(load(name), separators=(",", ":"), ensure_ascii=False).encode()


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def request(
    body: bytes | str = b"",
    *,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    method: str = "POST",
    content_type: str = "application/json",
) -> WebhookRequest:
    return WebhookRequest(
        method=method,
        headers={k.lower(): v for k, v in (headers or {}).items()},
        query=query or {},
        body=body.encode() if isinstance(body, str) else body,
        content_type=content_type,
    )


def connection(platform: str) -> ConnectionRef:
    return ConnectionRef(id="conn_test", community_id="cmty_test", platform=platform)  # type: ignore[arg-type]
