"""Every dependency of every route is a coroutine (or an async generator). FastAPI runs a plain ``def``
dependency in a worker thread: a thread hop on each request for work that awaits nothing."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from gateway import app as gateway_app
from gateway.settings import GatewaySettings
from guildhall.parts import SERVICES


def _api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(included.routes)


def _dependencies(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependencies(sub)


def _runs_in_a_thread(call: Callable[..., Any]) -> bool:
    target = call if inspect.isroutine(call) else getattr(call, "__call__", call)  # noqa: B004 - a callable instance
    return not (inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target))


def _apps() -> dict[str, FastAPI]:
    apps = {name: part.build(part.settings()) for name, part in SERVICES.items()}
    apps["gateway"] = gateway_app.create_app(GatewaySettings())
    return apps


def test_no_route_of_any_app_has_a_dependency_that_runs_in_a_worker_thread() -> None:
    threaded = sorted(
        {
            f"{name}: {call.__module__}.{getattr(call, '__qualname__', type(call).__qualname__)}"
            for name, app in _apps().items()
            for route in _api_routes(app.router.routes)
            for call in _dependencies(route.dependant)
            if _runs_in_a_thread(call)
        }
    )
    assert threaded == []


def test_the_check_finds_the_routes_and_names_a_plain_function_dependency() -> None:
    routes = [route for app in _apps().values() for route in _api_routes(app.router.routes)]
    assert len(routes) > 100  # the walk reaches the routers each app includes

    def plain() -> None: ...

    async def awaited() -> None: ...

    assert _runs_in_a_thread(plain)
    assert not _runs_in_a_thread(awaited)
