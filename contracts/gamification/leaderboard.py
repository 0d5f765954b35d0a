"""Response bodies for leaderboards, and their windows."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from kit.types import Int32


class Window(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


class RankedRead(BaseModel):
    member_id: str
    score: int
    rank: int


class LeaderboardRead(BaseModel):
    window: Window
    period: str
    top: list[RankedRead]
    me: RankedRead | None = None
    around: list[RankedRead] = []


class MemberRanksRead(BaseModel):
    member_id: str
    ranks: dict[Window, RankedRead]


class MemberRanksBatch(BaseModel):
    items: list[MemberRanksRead]


class MismatchRead(BaseModel):
    window: Window
    member_id: str
    ledger: int
    board: int


class LeaderboardCheck(BaseModel):
    consistent: bool
    mismatches: list[MismatchRead]


class LeaderboardRebuilt(BaseModel):
    members: dict[Window, Int32]
