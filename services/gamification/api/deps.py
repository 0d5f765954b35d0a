"""Dependencies of the gamification API, as ``Annotated`` aliases."""

from __future__ import annotations

from kit.auth import PrincipalDep
from kit.db import SessionDep

__all__ = ["PrincipalDep", "SessionDep"]
