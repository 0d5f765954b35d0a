"""Standard Webhooks signatures (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``), scheme ``v1``:
base64 HMAC-SHA256 over ``{id}.{timestamp}.{body}`` with the secret's bytes (``whsec_`` + base64)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import datetime

TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format prefix


class SignatureInvalid(Exception):
    pass


def secret_bytes(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("secret: expected whsec_ followed by base64") from None


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()).decode()


def verify(
    secret: str, *, msg_id: str | None, timestamp: str | None, signature: str | None, body: bytes, now: datetime
) -> None:
    """Raise ``SignatureInvalid`` unless one of the space-separated ``v1`` signatures matches and the time is fresh."""
    if not msg_id or not timestamp or not signature:
        raise SignatureInvalid("webhook-id, webhook-timestamp and webhook-signature are required")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise SignatureInvalid("webhook-timestamp: not a number") from None
    if abs(now.timestamp() - sent_at) > TOLERANCE_SECONDS:
        raise SignatureInvalid("webhook-timestamp: outside the 5 minute window")
    expected = sign(secret, msg_id=msg_id, timestamp=sent_at, body=body).encode()
    for candidate in signature.split():
        if candidate.startswith("v1,") and hmac.compare_digest(expected, candidate.encode("utf-8", "surrogateescape")):
            return
    raise SignatureInvalid("webhook-signature: no matching v1 signature")
