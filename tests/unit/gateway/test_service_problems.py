"""A service's refusal that a query's resolver lets through is answered by the one rule, not masked as a fault."""

from __future__ import annotations

from graphql import GraphQLError

from gateway.clients import ServiceProblem
from gateway.schema.faults import answer_service_problems, is_unexpected
from kit.errors import ProblemBody


def _raised_by_a_resolver(status: int, code: str, detail: str) -> GraphQLError:
    problem = ServiceProblem("membership", ProblemBody(title="x", status=status, code=code, detail=detail))
    return GraphQLError(str(problem), path=["tier"], original_error=problem)


def test_a_refusal_is_answered_with_its_graphql_code_and_the_services_reason() -> None:
    error = _raised_by_a_resolver(404, "tier_not_found", "no tier has the id 'tier_x'")

    answer_service_problems([error])

    assert error.message == "no tier has the id 'tier_x'"
    assert error.extensions == {"code": "NOT_FOUND", "reason": "tier_not_found"}
    assert not is_unexpected(error)


def test_a_service_that_is_down_stays_a_fault_with_its_code() -> None:
    error = _raised_by_a_resolver(503, "service_unavailable", "membership did not answer (ConnectError)")

    answer_service_problems([error])

    assert error.extensions == {"code": "SERVICE_UNAVAILABLE", "reason": "service_unavailable"}


def test_any_other_exception_is_left_to_be_masked() -> None:
    error = GraphQLError("boom", path=["tier"], original_error=RuntimeError("boom"))

    answer_service_problems([error])

    assert error.extensions == {}
    assert is_unexpected(error)
