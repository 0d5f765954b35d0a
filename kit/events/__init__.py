"""The event backbone: typed envelopes, the outbox, the relay to Redis Streams, and consumer groups."""

from kit.events.consumer import ConsumerGroup, Subscriptions
from kit.events.envelope import Envelope, EventData
from kit.events.outbox import Emission, emit, emit_many
from kit.events.relay import OutboxRelay

__all__ = [
    "ConsumerGroup",
    "Emission",
    "Envelope",
    "EventData",
    "OutboxRelay",
    "Subscriptions",
    "emit",
    "emit_many",
]
