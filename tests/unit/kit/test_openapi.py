"""Each service's OpenAPI document says what its routes answer when they refuse (ADR 0025): problem+json, for every
status the route's code can raise, in the shape ``kit.errors`` really emits."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from kit.errors import PROBLEM_JSON, FieldError, InvalidInput, NotFound, Problem, problem_response, validation_problem
from kit.ids import ID_PATTERN
from kit.openapi import document_problems
from kit.raises import Raised, problems_raised
from services.content.app import create_app as content_app
from services.gamification.app import create_app as gamification_app
from services.membership.api.schemas.community import CommunityCreate
from services.membership.app import create_app as membership_app
from tests.support.openapi import schema_errors

SERVICES: dict[str, Callable[[], FastAPI]] = {
    "membership": membership_app,
    "gamification": gamification_app,
    "content": content_app,
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


@cache
def app_of(service: str) -> FastAPI:
    return SERVICES[service]()


@cache
def document_of(service: str) -> dict[str, Any]:
    # Through JSON, as /openapi.json serves it.
    document: dict[str, Any] = json.loads(json.dumps(app_of(service).openapi()))
    return document


def operations(service: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in document_of(service)["paths"].items() for method, op in ops.items()]


def codes(service: str, method: str, path: str, status: int) -> set[str]:
    return set(document_of(service)["paths"][path][method]["responses"][str(status)]["x-problem-codes"])


@pytest.mark.parametrize("service", SERVICES)
def test_every_refusal_an_operation_documents_is_problem_json_of_the_problem_schema(service: str) -> None:
    document = document_of(service)
    for path, method, operation in operations(service):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}, (method, path, status)
    assert "HTTPValidationError" not in json.dumps(document)
    assert "ValidationError" not in document["components"]["schemas"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_lists_each_status_its_code_can_raise(service: str) -> None:
    """The statuses come from the endpoint and every dependency, and each 4xx of any of them is listed."""
    app = app_of(service)
    paths = document_of(service)["paths"]
    checked = 0
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None or route.path_format not in paths:
            continue
        calls = [d.call for d in [dependant, *_dependencies(dependant)] if d.call is not None]
        raised = {problem.status for problem in problems_raised(calls)}
        for method in route.methods or ():
            listed = {int(s) for s in paths[route.path_format][method.lower()]["responses"] if int(s) >= 400}
            assert raised <= listed, (method, route.path_format)
            checked += 1
    assert checked == len(operations(service))


def _dependencies(dependant: Any) -> list[Any]:
    return [d for sub in dependant.dependencies for d in [sub, *_dependencies(sub)]]


def test_what_routes_are_known_to_answer_is_listed_with_its_codes() -> None:
    """Read from the code, not declared: the statuses and codes of routes whose refusals are known by heart."""
    tiers = "/v1/communities/{community_id}/tiers"
    create_tier = document_of("membership")["paths"][tiers]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(create_tier)
    assert {"community_not_found", "tier_not_found"} <= codes("membership", "post", tiers, 404)
    assert {"tier_key_taken", "idempotency_key_in_use"} <= codes("membership", "post", tiers, 409)
    assert {"invalid_input", "idempotency_key_reused"} <= codes("membership", "post", tiers, 422)
    assert "platform_admin_required" in codes("membership", "post", "/v1/communities", 403)
    assert "member_banned" in codes("membership", "post", "/v1/communities/{community_id}/joins", 403)

    community = document_of("membership")["paths"]["/v1/communities/{community_id}"]["get"]["responses"]
    assert set(community) == {"200", "401", "404"}  # a read of one community: nothing to conflict, nothing to refuse

    checkins = "/v1/communities/{community_id}/challenges/{challenge_id}/checkins"
    assert {"checkin_already_recorded", "checkin_window_closed"} <= codes("gamification", "post", checkins, 409)
    assert {"challenge_not_found", "not_enrolled"} <= codes("gamification", "post", checkins, 404)
    welcome = "/v1/communities/{community_id}/welcome-template"
    assert "welcome_template_not_found" in codes("content", "get", welcome, 404)
    assert all(int(s) < 400 for s in document_of("membership")["paths"]["/healthz"]["get"]["responses"])


def test_fastapis_own_validation_is_a_422_where_a_body_or_a_parameter_can_be_wrong() -> None:
    paths = document_of("gamification")["paths"]
    # No body, only path strings, no InvalidInput raised: nothing FastAPI or the code refuses as input.
    assert "422" not in paths["/v1/communities/{community_id}/badges/{badge_id}"]["get"]["responses"]
    # An enum in the path and bounded integers in the query.
    assert "422" in paths["/v1/communities/{community_id}/leaderboards/{window}"]["get"]["responses"]


def test_a_route_declaring_a_status_keeps_its_description_and_gets_the_problem_shape() -> None:
    operation: dict[str, Any] = {"responses": {"409": {"description": "Already there"}, "200": {"description": "OK"}}}
    document_problems(operation, frozenset({Raised(409, "tier_key_taken"), Raised(401, "unauthenticated")}))
    assert list(operation["responses"]) == ["200", "401", "409"]
    assert operation["responses"]["409"]["description"] == "Already there"
    assert operation["responses"]["409"]["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}
    assert operation["responses"]["401"]["description"] == "Unauthorized: unauthenticated"


def test_the_walk_reads_only_guildhalls_own_code() -> None:
    def elsewhere() -> None:  # a test's function: not Guildhall's, so not read
        raise NotFound("x")

    assert problems_raised([elsewhere, json.dumps]) == frozenset()


def test_the_problem_schema_has_exactly_the_fields_the_handler_emits() -> None:
    document = document_of("membership")
    schema = document["components"]["schemas"]["Problem"]
    answered = [
        NotFound("community cmty_x not found", code="community_not_found").body(),
        InvalidInput.of("timezone", "is not an IANA time zone name").body(),
        Problem().body(),  # no detail: it is left out, not null
        validation_problem([{"loc": ("body", "routes", 0, "group_id"), "msg": "Field required"}]),
    ]
    for body in answered:
        emitted = json.loads(bytes(problem_response(body).body))
        assert schema_errors(document, PROBLEM_REF, emitted) == [], emitted
        assert set(emitted) <= set(schema["properties"])
        assert set(schema["required"]) <= set(emitted)
    assert set(schema["properties"]) == {"type", "title", "status", "code", "detail", "errors"}
    assert document["components"]["schemas"]["FieldError"]["required"] == list(FieldError.model_fields)
    assert schema_errors(document, PROBLEM_REF, {"title": "t", "status": 404, "code": "x", "detail": None}) != []


def request_schemas(service: str) -> dict[str, dict[str, Any]]:
    """The components a request body refers to, directly or nested."""
    document = document_of(service)
    components = document["components"]["schemas"]
    todo = [ref for _, _, op in operations(service) for ref in _refs(op.get("requestBody", {}))]
    found: dict[str, dict[str, Any]] = {}
    while todo:
        name = todo.pop()
        if name not in found:
            found[name] = components[name]
            todo.extend(_refs(components[name]))
    return found


def _refs(value: Any) -> list[str]:
    text = json.dumps(value)
    return [part.split('"')[0] for part in text.split('"#/components/schemas/')[1:]]


def _integers(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = [schema] if schema.get("type") == "integer" else []
    for branch in [*schema.get("anyOf", []), *([schema["items"]] if "items" in schema else [])]:
        found += _integers(branch)
    for value in schema.get("properties", {}).values():
        found += _integers(value)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_integer_a_request_carries_shows_its_bounds(service: str) -> None:
    parameters = [
        (f"{path} {p['name']}", p["schema"]) for path, _, op in operations(service) for p in op.get("parameters", [])
    ]
    unbounded = [
        (where, integer)
        for where, schema in [*parameters, *request_schemas(service).items()]
        for integer in _integers(schema)
        if not ({"minimum", "exclusiveMinimum"} & set(integer) and {"maximum", "exclusiveMaximum"} & set(integer))
    ]
    assert unbounded == []


def test_rules_checked_by_validators_are_published_on_their_fields() -> None:
    schemas = document_of("membership")["components"]["schemas"]
    name = schemas["CommunityCreate"]["properties"]["name"]
    assert (name["minLength"], name["pattern"], name["maxLength"]) == (1, r"\S", 100)
    assert schemas["CommunityCreate"]["properties"]["timezone"]["format"] == "iana-time-zone"
    [timezone, _] = schemas["CommunityUpdate"]["properties"]["timezone"]["anyOf"]
    assert timezone["format"] == "iana-time-zone"
    assert schemas["CommunityCreate"]["properties"]["mission"]["anyOf"][0]["maxLength"] == 2_000
    assert schemas["TierCreate"]["properties"]["key"]["pattern"] == "^[a-z][a-z0-9_-]{0,39}$"
    assert schemas["MemberCreate"]["properties"]["display_name"]["minLength"] == 1
    gamification = document_of("gamification")["components"]["schemas"]
    assert gamification["ChallengeCreate"]["properties"]["timezone"]["format"] == "iana-time-zone"
    assert gamification["DueWorkRun"]["properties"]["timezone"]["format"] == "iana-time-zone"


@pytest.mark.parametrize(
    ("name", "accepted"), [("Morning readers", True), ("", False), ("   ", False), ("x" * 101, False)]
)
def test_a_published_rule_refuses_what_the_validator_refuses(name: str, accepted: bool) -> None:
    document = document_of("membership")
    body = {"name": name, "timezone": "Asia/Shanghai"}
    published = schema_errors(document, {"$ref": "#/components/schemas/CommunityCreate"}, body) == []
    try:
        CommunityCreate.model_validate(body)
        validated = True
    except ValueError:
        validated = False
    assert published == validated == accepted


def test_path_ids_show_the_shape_of_guildhalls_ids() -> None:
    operation = document_of("membership")["paths"]["/v1/communities/{community_id}/tiers/{tier_id}"]["get"]
    patterns = {p["name"]: p["schema"].get("pattern") for p in operation["parameters"]}
    assert patterns == {"community_id": ID_PATTERN.pattern, "tier_id": ID_PATTERN.pattern}
