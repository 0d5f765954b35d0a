"""How fast each chat platform lets a bot send: a table of limits per platform, overridable in settings.

A platform limits a bot per chat (Telegram about 20 messages a minute in a group) and overall (30 a
second per bot). Each limit is a ``Rate``: ``count`` calls per ``seconds``. The dispatcher paces calls
evenly at ``seconds / count`` (no bursts), which keeps to every sliding window the platform may count
in, whatever its bookkeeping. Sends take a slot of every per-chat and per-connection rate; actions
(moderation) only the per-connection ones, as platforms count them as API calls, not messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Scope = str  # "chat" or "connection"
RateSetting = Sequence[Sequence[float]]  # [[count, seconds], ...] as written in settings


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.seconds <= 0:
            raise ValueError(f"a rate needs count >= 1 and seconds > 0, got {self.count}/{self.seconds}s")

    def interval(self, *, scale: float = 1.0, headroom: float = 0.0) -> float:
        """Seconds between two calls: ``scale`` multiplies the rate, ``headroom`` keeps that share below it."""
        return self.seconds / (self.count * scale) * (1.0 + headroom)


@dataclass(frozen=True)
class PlatformLimits:
    per_chat: tuple[Rate, ...] = ()
    per_connection: tuple[Rate, ...] = ()


# Published limits (2026): Telegram Bot API FAQ; Slack chat.postMessage "special" tier; Discord global
# rate limit; Feishu/Lark message APIs and custom bots; WeCom and DingTalk group robots.
DEFAULT_LIMITS: Mapping[str, PlatformLimits] = {
    "telegram": PlatformLimits(per_chat=(Rate(20, 60),), per_connection=(Rate(30, 1),)),
    "slack": PlatformLimits(per_chat=(Rate(1, 1),)),
    "discord": PlatformLimits(per_connection=(Rate(50, 1),)),
    "feishu": PlatformLimits(per_chat=(Rate(5, 1), Rate(100, 60)), per_connection=(Rate(50, 1),)),
    "wecom": PlatformLimits(per_chat=(Rate(20, 60),)),
    "dingtalk": PlatformLimits(per_chat=(Rate(20, 60),)),
    "generic": PlatformLimits(),
}


def _rates(value: RateSetting, where: str) -> tuple[Rate, ...]:
    rates = []
    for item in value:
        if len(item) != 2:
            raise ValueError(f"{where}: each rate is [count, seconds]")
        rates.append(Rate(int(item[0]), float(item[1])))
    return tuple(rates)


def limits_table(overrides: Mapping[str, Mapping[str, RateSetting]] | None = None) -> dict[str, PlatformLimits]:
    """The default table with ``overrides`` applied: ``{"telegram": {"per_chat": [[20, 60]]}}`` replaces
    Telegram's per-chat rates and keeps its per-connection ones; ``[]`` removes a limit."""
    table = dict(DEFAULT_LIMITS)
    for platform, scopes in (overrides or {}).items():
        unknown = set(scopes) - {"per_chat", "per_connection"}
        if unknown:
            raise ValueError(f"dispatch_limits.{platform}: unknown scope(s) {sorted(unknown)}")
        base = table.get(platform, PlatformLimits())
        table[platform] = PlatformLimits(
            per_chat=_rates(scopes["per_chat"], f"dispatch_limits.{platform}.per_chat")
            if "per_chat" in scopes
            else base.per_chat,
            per_connection=_rates(scopes["per_connection"], f"dispatch_limits.{platform}.per_connection")
            if "per_connection" in scopes
            else base.per_connection,
        )
    return table


def minimum_seconds(messages: int, rate: Rate, *, scale: float = 1.0) -> float:
    """The least time ``messages`` calls paced by ``rate`` can take, first to last."""
    return max(messages - 1, 0) * rate.interval(scale=scale)
