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
        # community -> its connections -> their chats, each in turn order: the first ones go next
        self._turns: OrderedDict[str, OrderedDict[str, OrderedDict[ChatKey, None]]] = OrderedDict()
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
        connections = self._turns.setdefault(item.community_id, OrderedDict())
        connections.setdefault(item.connection_id, OrderedDict()).setdefault(item.chat, None)
        return True

    def _chat_ready_at(self, chat: ChatKey) -> float:
        return max(self._queues[chat][0].not_before, self._chat_parked.get(chat, 0.0))

    def take(self, now: float) -> Pending | None:
        """The head of the next ready chat in turn, marked busy until ``finish``/``release``; None if none is.
        A parked connection is passed over whole, however many chats it has."""
        for community, connections in self._turns.items():
            for connection, chats in connections.items():
                if self._connection_parked.get(connection, 0.0) > now:
                    continue
                for chat in chats:
                    if chat not in self._busy and self._chat_ready_at(chat) <= now:
                        chats.move_to_end(chat)
                        connections.move_to_end(connection)
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

    def hold(self, item: Pending, *, chat_until: float, connection_until: float) -> None:
        """The head is going now; its chat and its connection have no free slot before these times."""
        if chat_until > self._chat_parked.get(item.chat, 0.0):
            self._chat_parked[item.chat] = chat_until
        if connection_until > self._connection_parked.get(item.connection_id, 0.0):
            self._connection_parked[item.connection_id] = connection_until

    def unpark_connection(self, connection_id: str) -> None:
        """The slot the connection was parked for is not needed after all (another replica took the delivery):
        its next chat may go at once, as far as this replica knows."""
        self._connection_parked.pop(connection_id, None)

    def drop_chat(self, item: Pending) -> None:
        """Forget ``item``'s chat, its later deliveries too: another replica holds its head, and only the
        holder may go on with the chat (the log hands it to us again once it is free), or it would be out
        of order."""
        queue = self._queues.get(item.chat)
        if queue is None:
            return
        self._busy.discard(item.chat)
        self._known.difference_update(queued.delivery_id for queued in queue)
        self._forget_chat(item)

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
            self._forget_chat(item)

    def _forget_chat(self, item: Pending) -> None:
        del self._queues[item.chat]
        self._chat_parked.pop(item.chat, None)
        connections = self._turns.get(item.community_id, OrderedDict())
        chats = connections.get(item.connection_id)
        if chats is None:
            return
        chats.pop(item.chat, None)
        if not chats:
            del connections[item.connection_id]
            if not any(item.connection_id in other for other in self._turns.values()):
                self._connection_parked.pop(item.connection_id, None)
        if not connections:
            self._turns.pop(item.community_id, None)

    def next_time(self, now: float) -> float | None:
        """The earliest time a waiting chat may be ready (``now`` if one is ready now). A parked connection
        counts as ready when its park ends: at worst that is one pass too early, never one too late."""
        earliest: float | None = None
        for connections in self._turns.values():
            for connection, chats in connections.items():
                parked = self._connection_parked.get(connection, 0.0)
                if parked > now:
                    at: float | None = parked
                else:
                    at = min((self._chat_ready_at(chat) for chat in chats if chat not in self._busy), default=None)
                if at is None:
                    continue
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
