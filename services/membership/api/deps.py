"""Dependencies of the membership API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kit.auth import PrincipalDep
from kit.clock import Clocks
from kit.db import SessionDep
from kit.idempotency import IdempotencyDep
from kit.pagination import PageRequestDep


def get_clocks(request: Request) -> Clocks:
    clocks: Clocks = request.app.state.clocks
    return clocks


ClocksDep = Annotated[Clocks, Depends(get_clocks)]

__all__ = ["ClocksDep", "IdempotencyDep", "PageRequestDep", "PrincipalDep", "SessionDep"]
