"""Dependencies of the gamification API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis

from kit.auth import PrincipalDep
from kit.clock import Clocks
from kit.db import SessionDep
from kit.idempotency import IdempotencyDep
from kit.pagination import PageRequestDep


# Async, so FastAPI does not hand them to its thread pool on every request.
async def get_clocks(request: Request) -> Clocks:
    clocks: Clocks = request.app.state.clocks
    return clocks


async def get_redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


ClocksDep = Annotated[Clocks, Depends(get_clocks)]
RedisDep = Annotated[Redis, Depends(get_redis)]

__all__ = ["ClocksDep", "IdempotencyDep", "PageRequestDep", "PrincipalDep", "RedisDep", "SessionDep"]
