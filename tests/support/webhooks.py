"""The shared webhook acceptance corpus (``shared/fixtures/webhooks``) and helpers to replay it.

The corpus is not copied into the repository: it lives in the team's read-only ``shared`` folder, which
grows between sessions. It is found through ``GUILDHALL_SHARED_DIR``, else beside the checkout
(``<repo>/../shared``), else at ``/work/shared`` (the workplace's copy, for clones made elsewhere).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gateway.connectors.base import ConnectionRef, WebhookRequest

REPO = Path(__file__).resolve().parents[2]


def _shared_dir() -> Path:
    candidates = [Path(os.environ["GUILDHALL_SHARED_DIR"])] if os.environ.get("GUILDHALL_SHARED_DIR") else []
    candidates += [REPO.parent / "shared", Path("/work/shared")]
    for candidate in candidates:
        if (candidate / "fixtures" / "webhooks" / "manifest.json").is_file():
            return candidate.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"the shared webhook corpus was not found (tried {tried}); set GUILDHALL_SHARED_DIR")


FIXTURES = _shared_dir() / "fixtures" / "webhooks"
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
