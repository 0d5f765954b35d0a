"""The one interface every chat platform sits behind, and the small types it speaks.

A connector is stateless apart from cached access tokens. For a webhook it **verifies** the raw
request exactly as its platform specifies and opens it (decrypts where the platform encrypts) into a
document, then **parses** the document into normalized ``chat.*`` payloads, a dedupe key and the
reply the platform expects (handshakes included). For outbound work it **sends** messages and
**acts** (moderation and membership actions) through the platform's HTTP API.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol

import httpx

from contracts.chat import ChatAction, ChatSend, Platform
from kit.events import EventData

Credentials = Mapping[str, str]
Document = dict[str, Any]


@dataclass(frozen=True)
class WebhookRequest:
    """One delivery as received: raw bytes and lower-cased header names."""

    method: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    content_type: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class ConnectionRef:
    """What a connector needs to know about the connection a delivery came through."""

    id: str
    community_id: str
    platform: Platform


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    media_type: str | None = None

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(value, separators=(",", ":")).encode(), "application/json")

    @classmethod
    def text(cls, value: str, status: int = 200) -> Reply:
        return cls(status, value.encode(), "text/plain; charset=utf-8")


EMPTY_REPLY = Reply()


@dataclass(frozen=True)
class Inbound:
    """What one verified delivery means: events to publish (none for handshakes and ignored types), the
    key that makes a redelivery harmless, and the answer the platform expects."""

    events: Sequence[EventData] = ()
    dedupe_key: str | None = None
    reply: Reply = EMPTY_REPLY


IGNORED = Inbound()


class WebhookRejected(Exception):
    """Authentication failed (bad or missing signature, token, stale timestamp, undecryptable): 401."""

    status = 401

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WebhookMalformed(WebhookRejected):
    """The body cannot be read as the platform's format: 400."""

    status = 400


@dataclass(frozen=True)
class CredentialFields:
    required: frozenset[str]
    optional: frozenset[str] = frozenset()

    @property
    def allowed(self) -> frozenset[str]:
        return self.required | self.optional


@dataclass(frozen=True)
class Delivered:
    platform_message_id: str | None = None


class PlatformError(Exception):
    """The platform refused or failed; ``retryable`` when trying again later may help (429, 5xx, network)."""

    def __init__(
        self, reason: str, *, retryable: bool = False, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.status = status
        # Seconds the platform asked us to wait (429 Retry-After, Telegram's parameters.retry_after).
        self.retry_after = retry_after

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or self.retry_after is not None


class ActionUnsupported(PlatformError):
    def __init__(self, platform: str, action: str) -> None:
        super().__init__(f"{platform}: {action} is not supported by the platform's API", retryable=False)


@dataclass
class PlatformCall:
    """What a connector needs to reach its platform: a shared client and the clock."""

    http: httpx.AsyncClient
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


class Connector(Protocol):
    platform: ClassVar[Platform]
    methods: ClassVar[frozenset[str]]  # GET only where the platform has a GET handshake
    content_types: ClassVar[frozenset[str]]  # of POST bodies
    credential_fields: ClassVar[CredentialFields]

    def verify(self, request: WebhookRequest, credentials: Credentials, *, now: datetime) -> Document:
        """Authenticate ``request`` over its raw bytes and open it; raise ``WebhookRejected`` / ``WebhookMalformed``."""
        ...

    def parse(self, document: Document, *, connection: ConnectionRef) -> Inbound:
        """Normalize a verified document. Unknown types and fields are ignored, never an error."""
        ...

    async def send(self, call: PlatformCall, credentials: Credentials, command: ChatSend) -> Delivered: ...

    async def act(self, call: PlatformCall, credentials: Credentials, command: ChatAction) -> Delivered: ...


def json_document(body: bytes) -> Document:
    """A JSON object, or ``WebhookMalformed``."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookMalformed("body: not valid JSON") from None
    if not isinstance(value, dict):
        raise WebhookMalformed("body: expected a JSON object")
    return value


def text_of(value: Any) -> str | None:
    """A platform id or text as a string, whatever JSON type carried it; None when absent."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def utc_from_seconds(value: Any, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return fallback


def utc_from_millis(value: Any, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(float(value) / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return fallback


def command_of(text: str) -> tuple[str | None, str | None]:
    """``/say 12345`` → (``/say``, ``12345``); ``/start@MyBot`` → (``/start``, None)."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None, None
    head, _, rest = stripped.partition(" ")
    name = head.split("@", 1)[0]
    return name, rest.strip() or None


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if 0 <= seconds < 86_400 else None


def retry_after_of(response: httpx.Response) -> float | None:
    """How long a 429 asks us to wait: the ``Retry-After`` header (Slack, Discord, most HTTP APIs), else
    the body's ``retry_after`` (Discord, in seconds with a fraction) or ``parameters.retry_after`` (Telegram)."""
    if (header := _seconds(response.headers.get("retry-after"))) is not None:
        return header
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    if (direct := _seconds(body.get("retry_after"))) is not None:
        return direct
    return _seconds(obj(body.get("parameters")).get("retry_after"))


def ensure_ok(response: httpx.Response, platform: str) -> Any:
    """The JSON body of a successful platform call, or ``PlatformError``."""
    if response.status_code == 429:
        raise PlatformError(f"{platform}: HTTP 429", retryable=True, status=429, retry_after=retry_after_of(response))
    if response.status_code >= 500:
        raise PlatformError(f"{platform}: HTTP {response.status_code}", retryable=True, status=response.status_code)
    if response.status_code >= 400:
        raise PlatformError(f"{platform}: HTTP {response.status_code}", status=response.status_code)
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        raise PlatformError(f"{platform}: the answer was not JSON", status=response.status_code) from None


async def request_json(call: PlatformCall, platform: str, method: str, url: str, **kwargs: Any) -> Any:
    try:
        response = await call.http.request(method, url, **kwargs)
    except httpx.HTTPError as error:
        raise PlatformError(f"{platform}: {type(error).__name__}", retryable=True) from None
    return ensure_ok(response, platform)


def message_text(command: ChatSend, mention: str) -> str:
    """The text of a send with its mentions rendered in the platform's syntax (``mention`` holds ``{id}``)."""
    mentions = " ".join(mention.format(id=user) for user in command.mentions)
    return " ".join(part for part in (mentions, command.text) if part)


class TokenCache:
    """Access tokens of platforms that issue them (Feishu, WeCom, DingTalk), per app, until shortly before expiry."""

    MARGIN = timedelta(minutes=5)

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, datetime]] = {}

    def get(self, key: str, now: datetime) -> str | None:
        cached = self._tokens.get(key)
        return cached[0] if cached is not None and cached[1] > now else None

    def put(self, key: str, token: str, *, now: datetime, expires_in: Any) -> str:
        try:
            lifetime = timedelta(seconds=float(expires_in))
        except (TypeError, ValueError):
            lifetime = timedelta(minutes=30)
        self._tokens[key] = (token, now + max(lifetime - self.MARGIN, timedelta(seconds=30)))
        return token

    def forget(self, key: str) -> None:
        self._tokens.pop(key, None)


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one: tolerant reading of optional nested fields."""
    return value if isinstance(value, dict) else {}
