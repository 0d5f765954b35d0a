"""Which requests the webhook middleware serves itself and which it hands on to the app it wraps."""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from types import SimpleNamespace
from typing import Any

import pytest

from gateway.ingress import WebhookIngress


async def _call(path: str, *, root_path: str = "") -> tuple[str, int, dict[str, Any] | None]:
    """(who answered, status, problem body) for a POST to ``path``."""
    answered_by = "webhooks"
    messages: list[MutableMapping[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        nonlocal answered_by
        answered_by = "app"
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "root_path": root_path,
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "app": SimpleNamespace(state=SimpleNamespace(connectors={})),
    }
    await WebhookIngress(inner)(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return answered_by, messages[0]["status"], json.loads(body) if body else None


@pytest.mark.parametrize(
    ("path", "root_path"),
    [("/webhooks/nowhere/conn_1", ""), ("/api/webhooks/nowhere/conn_1", "/api")],
)
async def test_a_webhook_path_is_served_by_the_ingress_also_below_a_root_path(path: str, root_path: str) -> None:
    answered_by, status, problem = await _call(path, root_path=root_path)

    assert (answered_by, status) == ("webhooks", 404)
    assert problem is not None and problem["code"] == "platform_not_found"


@pytest.mark.parametrize("path", ["/graphql", "/webhooks/telegram", "/webhooks/telegram/conn_1/extra", "/webhooks//x"])
async def test_any_other_path_goes_to_the_app(path: str) -> None:
    answered_by, status, _ = await _call(path)

    assert (answered_by, status) == ("app", 204)
