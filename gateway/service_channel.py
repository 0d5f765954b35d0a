"""How the gateway's service clients reach a service: over HTTP (distributed mode), or by calling the service's
ASGI app in this process (embedded mode, tests) with the same method, path, query, headers and JSON body.

The in-process channel calls the app with ``kit.asgi.call_app`` instead of going through httpx: a request through
``httpx.AsyncClient`` and ``httpx.ASGITransport`` costs about as much CPU in the gateway as the simplest service
read costs in the service (URL parsing, header and cookie models, auth and redirect flows, anyio events), and an
embedded GraphQL query makes several (ADR 0038).
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import quote_plus

import httpx
from starlette.types import ASGIApp

from kit.asgi import call_app

JSON_CONTENT_TYPE = b"application/json"


@dataclass(frozen=True)
class Answer:
    """A service's answer: what the clients read of it."""

    status: int
    content: bytes
    reason: str

    @property
    def is_error(self) -> bool:
        return self.status >= 400


class Unreachable(Exception):
    """The service did not answer at all (refused, timed out, hung up)."""


class Channel(Protocol):
    async def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None, json: Any, headers: Mapping[str, str]
    ) -> Answer: ...

    async def aclose(self) -> None: ...


class HttpChannel:
    """A service at a URL, through one long-lived httpx client (its connection pool); or through a given httpx
    transport (a test's fake)."""

    def __init__(
        self, *, base_url: str | None, transport: httpx.AsyncBaseTransport | None = None, timeout: float
    ) -> None:
        if transport is None and base_url is None:
            raise ValueError("a service channel needs a base url or a transport")
        self._http = httpx.AsyncClient(
            base_url=base_url or "http://embedded",
            transport=transport,
            timeout=timeout,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )

    async def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None, json: Any, headers: Mapping[str, str]
    ) -> Answer:
        try:
            response = await self._http.request(method, path, params=params, json=json, headers=headers)
        except httpx.TransportError as error:
            raise Unreachable(type(error).__name__) from error
        return Answer(response.status_code, response.content, response.reason_phrase)

    async def aclose(self) -> None:
        await self._http.aclose()


def query_string(params: Mapping[str, Any] | None) -> bytes:
    """``params`` as httpx encodes them: a list is the key repeated, True and False are ``true`` and ``false``,
    None is empty, keys and values form-escaped (a space is ``+``)."""
    if not params:
        return b""
    pairs = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else (value,):
            pairs.append(f"{quote_plus(str(key), safe='')}={quote_plus(_primitive(item), safe='')}")
    return "&".join(pairs).encode("ascii")


def _primitive(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


class AsgiChannel:
    """A service's ASGI app in this process, called directly."""

    def __init__(self, app: ASGIApp, *, host: str = "embedded") -> None:
        self._app = app
        self._host = host.encode()

    async def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None, json: Any, headers: Mapping[str, str]
    ) -> Answer:
        body = b""
        raw_headers = []
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            raw_headers.append((b"content-type", JSON_CONTENT_TYPE))
        raw_headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        if query := query_string(params):
            path += ("&" if "?" in path else "?") + query.decode("ascii")
        content = bytearray()
        answer = None if method == "HEAD" else content
        status = await call_app(self._app, method, path, raw_headers, body, answer, host=self._host)
        if status == 0:
            raise Unreachable("the service returned without an answer")
        return Answer(status, bytes(content), _reason(status))

    async def aclose(self) -> None:
        return None


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
