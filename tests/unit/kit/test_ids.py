"""Prefixed, time-sortable ids (kit/ids.py)."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

import kit.ids as ids_module
from kit.ids import ID_PATTERN, PREFIXES, has_prefix, new_id, ulid


@pytest.mark.parametrize("prefix", sorted(PREFIXES.values()))
def test_a_new_id_matches_the_id_pattern_for_every_known_prefix(prefix: str) -> None:
    value = new_id(prefix)

    assert ID_PATTERN.match(value), value
    assert value.startswith(f"{prefix}_")


def test_the_body_of_an_id_is_26_lower_case_crockford_characters() -> None:
    body = ulid()

    assert len(body) == 26
    assert set(body) <= set("0123456789abcdefghjkmnpqrstvwxyz")


def test_the_body_is_the_milliseconds_then_the_random_bits_in_crockford_base32(
    frozen_ms: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ids_module, "_last_ms", -1)
    monkeypatch.setattr(os, "urandom", lambda size: b"\xff" * size)
    frozen_ms(1_469_918_176_385)  # the ULID specification's example time: 01ARYZ6S41

    body = ulid()

    assert body == "01aryz6s41" + "f" + "z" * 15  # 79 one bits (one kept free for increments)


def _time_part(value: str) -> str:
    return value.split("_", 1)[1][:10]  # 48 bits of milliseconds are the first 10 base32 characters


@pytest.fixture
def frozen_ms(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Pins ``time.time_ns`` inside kit.ids; the module's last-id state is restored afterwards."""
    monkeypatch.setattr(ids_module, "_last_ms", ids_module._last_ms)
    monkeypatch.setattr(ids_module, "_last_random", ids_module._last_random)

    def freeze(ms: int) -> None:
        monkeypatch.setattr(ids_module, "time", SimpleNamespace(time_ns=lambda: ms * 1_000_000))

    return freeze


def test_ids_made_in_sequence_sort_strictly_increasing_as_strings() -> None:
    ids = [new_id("cmty") for _ in range(10_000)]

    assert all(earlier < later for earlier, later in itertools.pairwise(ids))
    assert len({_time_part(value) for value in ids}) < len(ids), "expected many ids within one millisecond"


def test_ids_made_within_one_millisecond_still_increase(frozen_ms: Callable[[int], None]) -> None:
    frozen_ms(time.time_ns() // 1_000_000 + 1)

    ids = [new_id("evt") for _ in range(1_000)]

    assert len({_time_part(value) for value in ids}) == 1
    assert all(earlier < later for earlier, later in itertools.pairwise(ids))


def test_an_id_made_a_millisecond_later_sorts_after_one_made_earlier(frozen_ms: Callable[[int], None]) -> None:
    now_ms = time.time_ns() // 1_000_000 + 1
    frozen_ms(now_ms)
    earlier = new_id("mbr")
    frozen_ms(now_ms + 1)

    later = new_id("mbr")

    assert _time_part(earlier) < _time_part(later)
    assert earlier < later


@pytest.mark.parametrize(
    ("value", "prefix"),
    [
        pytest.param(new_id("cmty"), "cmty", id="own-prefix"),
        pytest.param(new_id("wtpl"), "wtpl", id="longer-prefix"),
    ],
)
def test_has_prefix_accepts_a_well_formed_id_with_that_prefix(value: str, prefix: str) -> None:
    assert has_prefix(value, prefix)


@pytest.mark.parametrize(
    ("value", "prefix"),
    [
        pytest.param(new_id("mbr"), "cmty", id="other-prefix"),
        pytest.param(new_id("cmty"), "cmt", id="prefix-of-the-prefix"),
        pytest.param("cmty_" + "0" * 25, "cmty", id="body-too-short"),
        pytest.param("cmty_" + "0" * 27, "cmty", id="body-too-long"),
        pytest.param("cmty_" + "0" * 25 + "u", "cmty", id="letter-u-not-in-alphabet"),
        pytest.param("cmty_" + "0" * 25 + "A", "cmty", id="upper-case"),
        pytest.param("cmty" + "0" * 26, "cmty", id="no-underscore"),
        pytest.param("", "cmty", id="empty"),
        pytest.param(new_id("cmty") + "\n", "cmty", id="trailing-newline"),
    ],
)
def test_has_prefix_refuses_anything_else(value: str, prefix: str) -> None:
    assert not has_prefix(value, prefix)
