"""Link codes: how one person proves that two platform accounts are theirs.

The member asks for a code from an account Guildhall knows; the code is then presented from the other
account. Codes are short enough to type, live ten minutes, work once, and only their hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

# No 0/O, 1/I/L: people read these off one screen and type them into another.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
LIFETIME = timedelta(minutes=10)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(code: str) -> str:
    """What people type: any case, spaces or dashes between groups of characters."""
    return "".join(ch for ch in code.upper() if ch not in " -")


def hash_code(community_id: str, code: str) -> str:
    return hashlib.sha256(f"{community_id}:{normalize(code)}".encode()).hexdigest()


def looks_like_code(code: str) -> bool:
    text = normalize(code)
    return len(text) == LENGTH and all(ch in ALPHABET for ch in text)


def expires_at(created_at: datetime) -> datetime:
    return created_at + LIFETIME
