"""Pure rules of the dispatcher: the limits table, fair turns across communities and chats, backoff, and
reading a platform's Retry-After."""

from __future__ import annotations

import random

import httpx
import pytest

from gateway.connectors.base import PlatformError, ensure_ok, retry_after_of
from gateway.dispatch.limits import DEFAULT_LIMITS, Rate, limits_table, minimum_seconds
from gateway.dispatch.schedule import ChatQueues, Pending, backoff_seconds


def pending(delivery_id: str, community: str, chat: str, *, connection: str = "conn_a") -> Pending:
    return Pending(delivery_id, community, connection, "telegram", chat, "send")


def _id(item: Pending | None) -> str | None:
    return item.delivery_id if item is not None else None


# Limits


def test_the_table_holds_the_published_limits() -> None:
    telegram = DEFAULT_LIMITS["telegram"]
    assert (telegram.per_chat, telegram.per_connection) == ((Rate(20, 60),), (Rate(30, 1),))
    assert DEFAULT_LIMITS["feishu"].per_chat == (Rate(5, 1), Rate(100, 60))
    assert DEFAULT_LIMITS["wecom"].per_chat == DEFAULT_LIMITS["dingtalk"].per_chat == (Rate(20, 60),)


def test_settings_override_one_scope_and_keep_the_other() -> None:
    table = limits_table({"telegram": {"per_chat": [[10, 60]]}, "slack": {"per_chat": []}})

    assert table["telegram"].per_chat == (Rate(10, 60),)
    assert table["telegram"].per_connection == (Rate(30, 1),)
    assert table["slack"].per_chat == ()
    assert table["discord"] == DEFAULT_LIMITS["discord"]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"telegram": {"per_group": [[1, 1]]}}, id="unknown-scope"),
        pytest.param({"telegram": {"per_chat": [[0, 1]]}}, id="zero-count"),
        pytest.param({"telegram": {"per_chat": [[1]]}}, id="not-a-pair"),
    ],
)
def test_bad_overrides_are_refused(overrides: dict[str, dict[str, list[list[float]]]]) -> None:
    with pytest.raises(ValueError, match=r"dispatch_limits|rate"):
        limits_table(overrides)


def test_intervals_scale_and_keep_headroom() -> None:
    assert Rate(20, 60).interval() == 3.0
    assert Rate(20, 60).interval(scale=15) == pytest.approx(0.2)
    assert Rate(30, 1).interval(headroom=0.1) == pytest.approx(1 / 30 * 1.1)
    assert minimum_seconds(1000, Rate(30, 1)) == pytest.approx(33.3)


# Fair turns


def test_turns_go_round_communities_then_their_chats() -> None:
    queues = ChatQueues()
    for n in range(3):
        queues.add(pending(f"a{n}", "busy", "-1"))
    queues.add(pending("a-other", "busy", "-2"))
    queues.add(pending("b0", "quiet", "-9", connection="conn_b"))

    order = []
    while (item := queues.take(now=0)) is not None:
        order.append(item.delivery_id)
        queues.finish(item)

    # One chat sends one at a time, but a finished head frees the chat for the next turn.
    assert order[:3] == ["a0", "b0", "a-other"]
    assert sorted(order) == sorted(["a0", "a1", "a2", "a-other", "b0"])


def test_a_chat_sends_in_order_one_at_a_time() -> None:
    queues = ChatQueues()
    queues.add(pending("first", "c", "-1"))
    queues.add(pending("second", "c", "-1"))

    head = queues.take(now=0)
    while_out = queues.take(now=0)

    assert head is not None and head.delivery_id == "first"
    assert while_out is None
    queues.finish(head)
    assert _id(queues.take(now=0)) == "second"


def test_a_parked_chat_waits_while_others_go() -> None:
    queues = ChatQueues()
    queues.add(pending("slow", "c", "-1"))
    queues.add(pending("fast", "c", "-2"))

    slow = queues.take(now=0)
    assert slow is not None
    queues.release(slow, until=3.0, scope="chat")

    fast = queues.take(now=0)
    assert fast is not None and fast.delivery_id == "fast"
    queues.finish(fast)
    assert queues.take(now=1.0) is None
    assert queues.next_time(now=1.0) == 3.0
    assert _id(queues.take(now=3.0)) == "slow"


def test_a_parked_connection_holds_all_its_chats() -> None:
    queues = ChatQueues()
    queues.add(pending("one", "c", "-1"))
    queues.add(pending("two", "c", "-2"))
    queues.add(pending("elsewhere", "d", "-3", connection="conn_b"))

    first = queues.take(now=0)
    assert first is not None
    queues.release(first, until=1.0, scope="connection")

    other = queues.take(now=0.5)
    assert other is not None and other.delivery_id == "elsewhere"
    queues.finish(other)
    assert queues.take(now=0.5) is None


def test_a_retry_keeps_its_place_at_the_head_until_due() -> None:
    queues = ChatQueues()
    queues.add(pending("first", "c", "-1"))
    queues.add(pending("second", "c", "-1"))

    head = queues.take(now=0)
    assert head is not None
    queues.finish(head, retry_at=2.0)

    assert queues.take(now=1.0) is None
    assert _id(queues.take(now=2.0)) == "first"


def test_a_delivery_is_queued_once() -> None:
    queues = ChatQueues()
    assert queues.add(pending("x", "c", "-1")) is True
    assert queues.add(pending("x", "c", "-1")) is False
    assert len(queues) == 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    waits = [backoff_seconds(attempt, base=2, cap=60, rng=rng) for attempt in range(1, 8)]

    for attempt, wait in enumerate(waits, start=1):
        ceiling = min(60, 2 * 2 ** (attempt - 1))
        assert ceiling / 2 <= wait <= ceiling


# Retry-After


def response(status: int, *, json: object = None, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=json, headers=headers)


def test_retry_after_from_telegram_body_slack_header_and_discord_body() -> None:
    telegram = response(429, json={"ok": False, "error_code": 429, "parameters": {"retry_after": 7}})
    slack = response(429, json={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "30"})
    discord = response(429, json={"message": "You are being rate limited.", "retry_after": 0.25, "global": False})

    assert (retry_after_of(telegram), retry_after_of(slack), retry_after_of(discord)) == (7.0, 30.0, 0.25)
    assert retry_after_of(response(429, json=["not", "an", "object"])) is None


def test_a_429_is_a_retryable_rate_limit_and_a_400_is_permanent() -> None:
    with pytest.raises(PlatformError) as limited:
        ensure_ok(response(429, headers={"Retry-After": "2"}), "slack")
    with pytest.raises(PlatformError) as refused:
        ensure_ok(response(400, json={"ok": False}), "slack")

    assert (limited.value.retryable, limited.value.rate_limited, limited.value.retry_after) == (True, True, 2.0)
    assert (refused.value.retryable, refused.value.rate_limited) == (False, False)


def test_an_unparked_connection_lets_its_next_chat_go() -> None:
    queues = ChatQueues()
    first, second = pending("d1", "c1", "-1"), pending("d2", "c1", "-2")
    queues.add(first)
    queues.add(second)
    assert _id(queues.take(now=0.0)) == "d1"
    queues.hold(first, chat_until=5.0, connection_until=1.0)  # the slot d1 was started for
    assert queues.take(now=0.5) is None

    queues.finish(first)  # another replica had claimed d1: its slot is free
    queues.unpark_connection("conn_a")

    assert _id(queues.take(now=0.5)) == "d2"


def test_a_dropped_chat_forgets_its_later_deliveries_and_may_be_queued_again() -> None:
    queues = ChatQueues()
    for item in (pending("d1", "c1", "g1"), pending("d2", "c1", "g1"), pending("d3", "c1", "g2")):
        queues.add(item)
    head = queues.take(now=0)
    assert _id(head) == "d1"

    assert head is not None
    queues.drop_chat(head)  # another replica holds d1: d2 is its to send after it
    queues.finish(head)

    assert (len(queues), "d2" in queues) == (1, False)
    assert _id(queues.take(now=0)) == "d3"
    assert queues.add(pending("d2", "c1", "g1"))  # the log hands the chat back once it is free
