"""Leaderboard windows and their periods, in the community's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from contracts.gamification.leaderboard import Window as Window
from services.gamification.domain.rule import zone


def period_of(window: Window, at: datetime, timezone: str) -> str:
    """The period of ``window`` that ``at`` falls in, e.g. ``2026-03-02``, ``2026-W10``, ``2026-03``."""
    return _period(window, at.astimezone(zone(timezone)))


def periods_of(at: datetime, timezone: str) -> dict[Window, str]:
    """The period of every window that ``at`` falls in."""
    local = at.astimezone(zone(timezone))
    return {window: _period(window, local) for window in Window}


def _period(window: Window, local: datetime) -> str:
    if window is Window.DAY:
        return local.date().isoformat()
    if window is Window.WEEK:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    if window is Window.MONTH:
        return f"{local.year}-{local.month:02d}"
    return "all"


def bounds_of(window: Window, at: datetime, timezone: str) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC of the period of ``window`` containing ``at``; (None, None) for all time."""
    tz = zone(timezone)
    local = at.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if window is Window.DAY:
        start, end = midnight, (midnight + timedelta(days=1))
    elif window is Window.WEEK:
        start = midnight - timedelta(days=local.weekday())
        end = start + timedelta(days=7)
    elif window is Window.MONTH:
        start = midnight.replace(day=1)
        end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    else:
        return None, None
    # Re-attach the zone so a DST change inside the period lands on the right UTC instant.
    return start.replace(tzinfo=tz), end.replace(tzinfo=tz)


def key_of(community_id: str, window: Window, period: str) -> str:
    return f"gh:lb:{community_id}:{window.value}:{period}"


# How long a closed period stays readable in Redis; the ledger can always rebuild it.
RETENTION = {Window.DAY: timedelta(days=8), Window.WEEK: timedelta(days=60), Window.MONTH: timedelta(days=400)}
