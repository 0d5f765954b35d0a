"""Events the membership service reacts to. (Chat activity arrives with the webhook ingress.)"""

from __future__ import annotations

from kit.events import Subscriptions

subscriptions = Subscriptions()
STREAMS: list[str] = []
