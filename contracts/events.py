"""Payloads of the events in ARCHITECTURE §6, one model per ``noun.verb`` type."""

from __future__ import annotations

from typing import ClassVar

from kit.events import EventData


class CommunityCreated(EventData):
    event_type: ClassVar[str] = "community.created"

    community_id: str
    name: str
    timezone: str
