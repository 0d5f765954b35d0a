"""Fair scheduling of deliveries: one queue per chat, round-robin across communities and, inside a
community, across its chats. Pure: no I/O, time is passed in (epoch seconds).

A chat sends one delivery at a time, in order (its head); while the head is out, or waiting for its
next slot or a retry, the chat is skipped and every other chat goes on. A connection whose overall
limit is spent is parked as a whole. So a community with 200 messages queued for one group takes one
turn in each round, like a community with one.
"""

from __future__ import annotations

import random
from collections import OrderedDict, deque
from dataclasses import dataclass

ChatKey = tuple[str, str]  # (connection_id, platform_chat_id)


@dataclass
class Pending:
    delivery_id: str
    community_id: str
    connection_id: str
    platform: str
    platform_chat_id: str
    kind: str  # "send" or "action"
    not_before: float = 0.0

    @property
    def chat(self) -> ChatKey:
        return (self.connection_id, self.platform_chat_id)


class ChatQueues:
    def __init__(self) -> None:
        # community -> its chats in turn order; the first community and chat go next
        self._turns: OrderedDict[str, OrderedDict[ChatKey, None]] = OrderedDict()
        self._queues: dict[ChatKey, deque[Pending]] = {}
        self._known: set[str] = set()
        self._busy: set[ChatKey] = set()
        self._chat_parked: dict[ChatKey, float] = {}
        self._connection_parked: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._known)

    def __contains__(self, delivery_id: object) -> bool:
        return delivery_id in self._known

    def add(self, item: Pending) -> bool:
        """Queue ``item`` behind its chat's earlier deliveries; False if it is queued already."""
        if item.delivery_id in self._known:
            return False
        self._known.add(item.delivery_id)
        queue = self._queues.setdefault(item.chat, deque())
        queue.append(item)
        self._turns.setdefault(item.community_id, OrderedDict()).setdefault(item.chat, None)
        return True

    def _ready(self, chat: ChatKey, now: float) -> bool:
        if chat in self._busy or self._chat_parked.get(chat, 0.0) > now:
            return False
        if self._connection_parked.get(chat[0], 0.0) > now:
            return False
        return self._queues[chat][0].not_before <= now

    def take(self, now: float) -> Pending | None:
        """The head of the next ready chat in turn, marked busy until ``finish``/``release``; None if none is."""
        for community, chats in self._turns.items():
            for chat in chats:
                if self._ready(chat, now):
                    chats.move_to_end(chat)
                    self._turns.move_to_end(community)
                    self._busy.add(chat)
                    return self._queues[chat][0]
        return None

    def release(self, item: Pending, *, until: float, scope: str | None) -> None:
        """The head did not go: its chat (or its whole connection) waits until ``until``."""
        self._busy.discard(item.chat)
        if scope == "connection":
            self._connection_parked[item.connection_id] = max(until, self._connection_parked.get(item.connection_id, 0))
        else:
            self._chat_parked[item.chat] = max(until, self._chat_parked.get(item.chat, 0.0))

    def finish(self, item: Pending, *, retry_at: float | None = None) -> None:
        """The head went (sent, failed for good, or taken by another replica), or waits for a retry."""
        self._busy.discard(item.chat)
        if retry_at is not None:
            item.not_before = retry_at
            return
        queue = self._queues.get(item.chat)
        if queue and queue[0] is item:
            queue.popleft()
        elif queue and item in queue:
            queue.remove(item)
        self._known.discard(item.delivery_id)
        if queue is not None and not queue:
            del self._queues[item.chat]
            self._chat_parked.pop(item.chat, None)
            chats = self._turns.get(item.community_id)
            if chats is not None:
                chats.pop(item.chat, None)
                if not chats:
                    del self._turns[item.community_id]

    def next_time(self, now: float) -> float | None:
        """The earliest time a chat that is waiting becomes ready (``now`` if one is ready now)."""
        earliest: float | None = None
        for chat, queue in self._queues.items():
            if chat in self._busy:
                continue
            at = max(queue[0].not_before, self._chat_parked.get(chat, 0.0), self._connection_parked.get(chat[0], 0.0))
            earliest = at if earliest is None else min(earliest, at)
            if earliest <= now:
                return now
        return earliest


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter before retry ``attempt`` + 1: half fixed, half random, so
    replicas that failed together do not retry together."""
    ceiling = min(cap, base * 2.0 ** max(attempt - 1, 0))
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
