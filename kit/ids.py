"""Prefixed, time-sortable identifiers such as ``cmty_01jd3k…``.

The body is a ULID (48 bits of milliseconds, 80 random bits) in lower-case Crockford base32, so ids
sort by creation time as plain strings, in every database and in Redis. Within one millisecond the
random part is incremented, so ids made by one process are strictly increasing.
"""

from __future__ import annotations

import os
import re
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RANDOM_BITS = 80
_lock = threading.Lock()
_last_ms = -1
_last_random = 0

PREFIXES = {
    "community": "cmty",
    "member": "mbr",
    "membership": "mshp",
    "membership_transition": "mtr",
    "identity": "idn",
    "group": "grp",
    "tier": "tier",
    "event": "evt",
    "api_key": "key",
    "level": "lvl",
    "welcome_template": "wtpl",
    "connection": "conn",
}

ID_PATTERN = re.compile(r"^[a-z]{2,8}_[0-9a-hjkmnp-tv-z]{26}$")


# Every pair of base32 digits (10 bits): an id is 13 lookups instead of 26 ``divmod``s in a loop, which were
# a visible part of a webhook's CPU (two ids a delivery).
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]


def _encode(value: int, length: int) -> str:
    """The low ``5 * length`` bits of ``value`` as ``length`` base32 digits, most significant first."""
    paired = 10 * (length // 2)
    text = "".join([_PAIRS[(value >> shift) & 1023] for shift in range(paired - 10, -1, -10)])
    return text if length % 2 == 0 else _ALPHABET[(value >> paired) & 31] + text


def ulid() -> str:
    global _last_ms, _last_random
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms <= _last_ms:
            now_ms = _last_ms
            _last_random = (_last_random + 1) % (1 << _RANDOM_BITS)
        else:
            _last_ms = now_ms
            _last_random = int.from_bytes(os.urandom(10), "big") >> 1  # room to increment
        return _encode((now_ms << _RANDOM_BITS) | _last_random, 26)


def new_id(prefix: str) -> str:
    """A new id with ``prefix``, e.g. ``new_id("cmty")``."""
    return f"{prefix}_{ulid()}"


def has_prefix(value: str, prefix: str) -> bool:
    return value.startswith(f"{prefix}_") and ID_PATTERN.fullmatch(value) is not None
