"""Certificates' rules: serials people can read out, what triggers a template, and the credential itself.

A serial is 15 random Crockford base32 characters (75 bits: unguessable) and a Luhn mod 32 check character,
grouped ``7K3M-Q9XD-2B4R-HT6W``; a typo in one character, or two neighbours swapped, fails the check before
any lookup. The credential is an Open Badges 3.0 ``OpenBadgeCredential`` (a VC Data Model 2.0 credential);
signing it is ``kit.dataintegrity``'s job.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from kit.dataintegrity import SigningKey
from kit.jsonld import OB3_CONTEXT, VC_CONTEXT

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 15
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

# W3C Bitstring Status List v1.0: at least 131,072 entries, so that one certificate's check hides among many.
STATUS_LIST_LENGTH = 131_072


class TriggerKind(StrEnum):
    MANUAL = "manual"
    CHALLENGE = "challenge"  # challenge.completed of ``trigger_ref``
    BADGE = "badge"  # badge.awarded of ``trigger_ref``
    COURSE = "course"  # course.completed (content's event) of ``trigger_ref``


def check_character(body: str) -> str:
    """Luhn mod 32 over ``body`` (characters of ``ALPHABET``)."""
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_serial() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format_serial(body + check_character(body))


def format_serial(chars: str) -> str:
    return "-".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))


def parse_serial(text: str) -> str | None:
    """The canonical serial ``text`` spells (any case, with or without dashes, O/I/L read as 0/1), or None
    when it cannot be one: wrong length, a character outside the alphabet, or a failed check."""
    chars = text.strip().upper().replace("-", "").replace(" ", "").translate(_READ_AS)
    if len(chars) != RANDOM_LENGTH + 1 or any(c not in ALPHABET for c in chars):
        return None
    if check_character(chars[:-1]) != chars[-1]:
        return None
    return format_serial(chars)


def trigger_problems(kind: str, ref: str | None) -> list[tuple[str, str]]:
    if kind not in set(TriggerKind):
        return [("trigger_kind", f"must be one of {', '.join(TriggerKind)}")]
    if kind == TriggerKind.MANUAL and ref is not None:
        return [("trigger_ref", "must be empty for a manual template")]
    if kind != TriggerKind.MANUAL and not ref:
        return [("trigger_ref", f"names the {kind} that issues this certificate")]
    return []


@dataclass(frozen=True)
class Issuer:
    """Who signs: the key in use, the public keys of retired ones (still trusted), and the public base URL
    of the gateway, under which certificates are verified."""

    key: SigningKey
    public_url: str
    retired_keys: tuple[str, ...] = field(default=())

    @property
    def trusted_keys(self) -> list[str]:
        return [self.key.multikey, *(k for k in self.retired_keys if k != self.key.multikey)]

    @property
    def did(self) -> str:
        """The issuer's id: the ``did:key`` of the key that signs, so the issuer named is the one that controls
        the key (a verifier resolves it offline)."""
        return f"did:key:{self.key.multikey}"

    def page_url(self, serial: str) -> str:
        return f"{self.public_url.rstrip('/')}/certificates/{serial}"

    def profile_url(self, community_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/certificates/issuers/{community_id}"

    def status_list_url(self, community_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/certificates/status-lists/{community_id}"


@dataclass(frozen=True)
class CredentialFacts:
    serial: str
    community_id: str
    template_id: str
    recipient_name: str
    achievement_name: str
    description: str
    issuer_name: str
    issued_at: datetime
    status_index: int


def iso(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_status_index() -> int:
    """A random place in the list (the Bitstring Status List's advice: sequential places leak issuance order)."""
    return secrets.randbelow(STATUS_LIST_LENGTH)


def credential_of(facts: CredentialFacts, *, issuer: Issuer) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of a certificate."""
    base = issuer.public_url.rstrip("/")
    page = issuer.page_url(facts.serial)
    status_list = issuer.status_list_url(facts.community_id)
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": page,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": facts.achievement_name,
        "issuer": {
            "id": issuer.did,
            "type": ["Profile"],
            "name": facts.issuer_name,
            "url": issuer.profile_url(facts.community_id),
        },
        "validFrom": iso(facts.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": facts.recipient_name,
                }
            ],
            "achievement": {
                "id": f"{base}/certificates/achievements/{facts.template_id}",
                "type": ["Achievement"],
                "name": facts.achievement_name,
                "description": facts.description or facts.achievement_name,
                "criteria": {"narrative": facts.description or facts.achievement_name},
            },
        },
        "credentialStatus": {
            "id": f"{status_list}#{facts.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(facts.status_index),
            "statusListCredential": status_list,
        },
    }


def encoded_list(set_bits: Iterable[int], *, length: int = STATUS_LIST_LENGTH) -> str:
    """A Bitstring Status List's ``encodedList``: the bits (index 0 the left-most bit of the first byte),
    GZIP-compressed, in multibase base64url without padding (``u…``)."""
    bits = bytearray(length // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_list_credential(
    *, issuer: Issuer, community_id: str, revoked: Iterable[int], valid_from: datetime
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential of a community's certificates: a set bit is revoked."""
    url = issuer.status_list_url(community_id)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did,
        "validFrom": iso(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked),
        },
    }
