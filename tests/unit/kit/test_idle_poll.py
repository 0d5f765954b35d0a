"""How long idle workers wait before looking for work another process made: 1 s with a Redis server, 5 s with
the in-process stand-in (no other process can write its streams), or what the settings say."""

from __future__ import annotations

import pytest

from gateway.dispatch.sender import DispatchSettings
from gateway.settings import GatewaySettings
from kit.settings import IN_PROCESS_IDLE_POLL_SECONDS, KitSettings


@pytest.mark.parametrize(
    ("redis_url", "expected"),
    [
        ("memory://", IN_PROCESS_IDLE_POLL_SECONDS),
        ("memory://bench", IN_PROCESS_IDLE_POLL_SECONDS),
        ("redis://127.0.0.1:6379/0", 1.0),
    ],
)
def test_the_idle_poll_follows_where_the_streams_are(redis_url: str, expected: float) -> None:
    settings = KitSettings(redis_url=redis_url)

    assert (settings.idle_poll, settings.test_clock_refresh) == (expected, expected)


def test_an_idle_poll_that_is_set_wins_and_the_test_clock_refresh_can_differ() -> None:
    settings = KitSettings(redis_url="memory://", idle_poll_seconds=0.5, test_clock_refresh_seconds=2.0)

    assert (settings.idle_poll, settings.test_clock_refresh) == (0.5, 2.0)


def test_an_idle_poll_of_zero_or_less_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="idle_poll_seconds"):
        KitSettings(idle_poll_seconds=0)


def test_the_chat_dispatcher_polls_at_the_idle_poll_unless_told_otherwise() -> None:
    default = DispatchSettings.of(GatewaySettings(redis_url="memory://"))
    told = DispatchSettings.of(GatewaySettings(redis_url="memory://", dispatch_poll_seconds=0.2))

    assert (default.poll_seconds, told.poll_seconds) == (IN_PROCESS_IDLE_POLL_SECONDS, 0.2)
