"""The event envelope and typed payloads.

A payload model names its event type; the envelope carries it as plain JSON between services:
``id`` (sortable), ``type``, ``community_id``, ``occurred_at``, ``producer``, ``data``, ``trace``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    """Base of every event payload. Subclasses set ``event_type`` (``noun.verb``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    community_id: str | None
    occurred_at: datetime
    producer: str
    data: dict[str, Any]
    trace: str | None = None


def stream_of(producer: str) -> str:
    """Streams are named by producer: ``events.membership``."""
    return f"events.{producer}"


def dead_letter_stream_of(group: str) -> str:
    return f"dead.{group}"
