"""Small pieces for lean ASGI paths that answer a hot route ahead of FastAPI's router (ADR 0017, ADR 0023)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import Scope


def route_path(scope: Scope) -> str:
    """The path below the app's root path (behind a proxy's prefix), as Starlette's router matches it."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] == "/":
        return path[len(root) :]
    return path


@dataclass(frozen=True)
class RouteTemplate:
    """What ``RequestContextMiddleware`` reads of a matched route: the template its metrics are labelled with."""

    path: str
