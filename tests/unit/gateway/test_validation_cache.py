"""A document the gateway has validated once is not validated again: the validation cache is keyed by the rules
too, so the depth and alias limits must be the same rule classes on every request."""

from __future__ import annotations

from functools import _lru_cache_wrapper
from typing import Any, cast

from strawberry.extensions.validation_cache import _get_validate_cache

from gateway.schema.root import create_schema


async def test_the_same_document_is_validated_once() -> None:
    schema = create_schema()
    cache = cast("_lru_cache_wrapper[Any]", _get_validate_cache(1_000))
    query = "query Twice { __typename }"
    await schema.execute(query)
    before = cache.cache_info()

    answers = [await schema.execute(query) for _ in range(3)]

    after = cache.cache_info()
    assert [answer.errors for answer in answers] == [None, None, None]
    assert (after.hits - before.hits, after.misses - before.misses) == (3, 0)


async def test_the_limits_still_refuse_a_document_too_deep_or_with_too_many_aliases() -> None:
    schema = create_schema()
    deep = '{ community(id: "x") { ' + "levels { " * 13 + "rank" + " }" * 13 + " } }"
    aliased = "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }"

    too_deep = await schema.execute(deep)
    too_many = await schema.execute(aliased)

    assert too_deep.errors is not None and too_many.errors is not None
    assert "exceeds maximum operation depth of 12" in too_deep.errors[0].message
    assert "aliases" in too_many.errors[0].message
