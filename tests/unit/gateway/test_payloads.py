"""A GraphQL input becomes the service's body by one rule, and a service's answer becomes the payload by one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import Enum

import pytest
import strawberry
from graphql import GraphQLError

from gateway.clients import ServiceProblem
from gateway.schema.errors import ConflictError, InvalidInputError, NotFoundError
from gateway.schema.payloads import body_of, payload
from kit.errors import FieldError, ProblemBody


class Proof(Enum):
    KEYWORD = "keyword"


@strawberry.input
class Override:
    group_id: strawberry.ID
    body: str | None = None


@strawberry.input
class MakeInput:
    community_id: strawberry.ID
    name: str
    starts: date
    opens: time | None
    at: datetime
    proof: Proof
    overrides: list[Override]
    rank: int | None = strawberry.UNSET
    idempotency_key: str | None = None


def a_problem(status: int, code: str, *errors: FieldError) -> ServiceProblem:
    return ServiceProblem("membership", ProblemBody(title="t", status=status, code=code, errors=list(errors)))


def test_an_input_is_the_body_by_its_own_names_in_json_values() -> None:
    made = MakeInput(
        community_id=strawberry.ID("cm_1"),
        name="早起",
        starts=date(2026, 12, 7),
        opens=time(5, 0),
        at=datetime(2026, 12, 7, 5, 0, tzinfo=UTC),
        proof=Proof.KEYWORD,
        overrides=[Override(group_id=strawberry.ID("gr_1"))],
        idempotency_key="k",
    )

    body = body_of(made)

    assert body == {
        "name": "早起",
        "starts": "2026-12-07",
        "opens": "05:00:00",
        "at": "2026-12-07T05:00:00+00:00",
        "proof": "keyword",
        "overrides": [{"group_id": "gr_1", "body": None}],
    }


def a_make_input(**changes: object) -> MakeInput:
    fields: dict[str, object] = {
        "community_id": strawberry.ID("cm_1"),
        "name": "n",
        "starts": date(2026, 1, 1),
        "opens": None,
        "at": datetime(2026, 1, 1, tzinfo=UTC),
        "proof": Proof.KEYWORD,
        "overrides": [],
    }
    return MakeInput(**{**fields, **changes})  # type: ignore[arg-type]


def test_an_unset_field_stays_out_and_a_set_one_even_when_null_travels() -> None:
    assert "rank" not in body_of(a_make_input())
    assert body_of(a_make_input(rank=None))["rank"] is None
    assert body_of(a_make_input())["opens"] is None


def test_omit_none_leaves_nulls_out_at_every_depth_and_keeps_falsy_values() -> None:
    made = a_make_input(rank=0, overrides=[Override(group_id=strawberry.ID("gr_1"))])

    body = body_of(made, omit_none=True)

    assert "opens" not in body
    assert body["rank"] == 0
    assert body["overrides"] == [{"group_id": "gr_1"}]


def test_overrides_replace_what_the_wire_names_otherwise() -> None:
    made = a_make_input()

    body = body_of(made, leave_out={"community_id", "idempotency_key", "overrides"}, name="m", extra=1)

    assert body["name"] == "m"
    assert body["extra"] == 1
    assert "overrides" not in body


async def test_an_answer_is_the_success() -> None:
    async def answered() -> int:
        return 41

    assert await payload(answered(), lambda n: n + 1) == 42


@pytest.mark.parametrize(("status", "kind"), [(422, InvalidInputError), (404, NotFoundError), (409, ConflictError)])
async def test_a_refusal_is_the_user_error_its_status_maps_to(status: int, kind: type) -> None:
    async def refused() -> int:
        raise a_problem(status, "some_code", FieldError(field="period_days", reason="must be positive"))

    answer = await payload(refused(), lambda n: n)

    assert isinstance(answer, kind)
    assert not isinstance(answer, int)
    assert answer.code == "some_code"
    if isinstance(answer, InvalidInputError):
        assert [(f.field, f.reason) for f in answer.fields] == [("periodDays", "must be positive")]


async def test_a_problem_not_the_callers_to_fix_is_a_graphql_error() -> None:
    async def failed() -> int:
        raise a_problem(503, "service_unavailable")

    with pytest.raises(GraphQLError) as raised:
        await payload(failed(), lambda n: n)

    assert raised.value.extensions == {"code": "SERVICE_UNAVAILABLE", "reason": "service_unavailable"}
