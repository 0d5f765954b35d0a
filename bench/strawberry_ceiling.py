"""Strawberry's own ceiling on the ``graphql_slice`` query shape: the same fields, resolved from memory, behind
the same FastAPI router with the parser and validation caches the gateway uses (``uvicorn
bench.strawberry_ceiling:app``). What the gateway costs beyond strawberry is the slice's rate against this one.
"""

from __future__ import annotations

from functools import partial

import strawberry
from fastapi import FastAPI
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.fastapi import GraphQLRouter


@strawberry.type
class Level:
    rank: int
    name: str
    threshold: int


@strawberry.type
class WelcomeTemplate:
    body: str
    batch_window_seconds: int


@strawberry.type
class Community:
    id: strawberry.ID
    name: str
    timezone: str
    levels: list[Level]
    welcome_template: WelcomeTemplate | None


LEVELS = [Level(rank=n, name=f"Level {n}", threshold=100 * n * n) for n in range(1, 6)]
WELCOME = WelcomeTemplate(body="Welcome, {name}!", batch_window_seconds=60)


@strawberry.type
class Query:
    @strawberry.field
    async def community(self, id: strawberry.ID) -> Community | None:
        return Community(id=id, name="Bench", timezone="Asia/Shanghai", levels=LEVELS, welcome_template=WELCOME)


schema = strawberry.Schema(
    query=Query,
    extensions=[partial(ParserCache, maxsize=1_000), partial(ValidationCache, maxsize=1_000)],
)
app = FastAPI(title="strawberry ceiling", openapi_url=None, docs_url=None, redoc_url=None)
app.include_router(GraphQLRouter(schema, graphql_ide=None), prefix="/graphql")


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"pong": True}
