"""The OpenAPI document says what each route answers when it refuses: problem+json, per status (ADR 0025).

FastAPI documents a route's success and a 422 in its own ``HTTPValidationError`` shape, which is not what
Guildhall answers. Here, once per app, its document is completed from the code itself:

- ``Problem`` (and ``FieldError``) become components, in the shape ``kit.errors`` really emits;
- each operation lists ``application/problem+json`` for every status its endpoint and dependencies can raise
  (``kit.raises`` reads them from the source, with the codes), plus 422 where FastAPI validates a body or a
  parameter that can be wrong;
- FastAPI's own validation schemas go, since no route answers with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from kit.errors import PROBLEM_JSON, InvalidInput, ProblemBody
from kit.raises import Raised, problems_raised

PROBLEM_REF = "#/components/schemas/Problem"
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
# A parameter FastAPI can't refuse: an optional (or path) string without rules of its own.
_FREE_STRING: tuple[dict[str, Any], ...] = ({"type": "string"}, {"anyOf": [{"type": "string"}, {"type": "null"}]})


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and so ``/openapi.json``) say what each route answers when it refuses."""
    build = app.openapi
    completed: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI's, cached until the routes change
        if not completed or completed[0] is not document:
            complete_document(app, document)
            completed[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document


def complete_document(app: FastAPI, document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(problem_schemas())
    paths = document.get("paths", {})
    for route in iter_route_contexts(app.routes):
        dependant: Dependant | None = getattr(route, "dependant", None)
        path = getattr(route, "path_format", None)
        if dependant is None or path not in paths or not getattr(route, "include_in_schema", True):
            continue
        for method in route.methods or ():
            operation = paths[path].get(method.lower())
            if operation is not None:
                document_problems(operation, problems_raised(_calls(dependant)) | _validation(operation))
    text = repr(paths)
    for name in _FASTAPI_VALIDATION:
        if f"#/components/schemas/{name}'" not in text:
            schemas.pop(name, None)


def problem_schemas() -> dict[str, dict[str, Any]]:
    """``Problem`` and ``FieldError`` as emitted: ``model_dump(exclude_none=True)``, so every field but
    ``detail`` is always there and ``detail`` is a string when it is."""
    schema = ProblemBody.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    definitions: dict[str, dict[str, Any]] = schema.pop("$defs", {})
    schema["title"] = "Problem"
    schema["description"] = "An RFC 9457 problem detail, with a stable code and the fields refused (422)."
    detail = schema["properties"]["detail"]
    schema["properties"]["detail"] = {k: v for k, v in detail.items() if k not in ("anyOf", "default")} | {
        "type": "string"
    }
    schema["required"] = [name for name in schema["properties"] if name != "detail"]
    return {"Problem": schema, **definitions}


def document_problems(operation: dict[str, Any], raised: frozenset[Raised]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if "422" in responses and "HTTPValidationError" in repr(responses["422"]):
        del responses["422"]  # FastAPI's guess, in a shape nobody answers with; kept below if it can happen
    by_status: dict[int, set[str]] = defaultdict(set)
    for problem in raised:
        codes = by_status[problem.status]
        if problem.code is not None:
            codes.add(problem.code)
    for status, codes in sorted(by_status.items()):
        declared = responses.get(str(status), {})
        description = declared.get("description")
        if description in (None, "Validation Error"):
            description = HTTPStatus(status).phrase + (f": {', '.join(sorted(codes))}" if codes else "")
        responses[str(status)] = {
            **{k: v for k, v in declared.items() if k not in ("content", "description")},
            "description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
            "x-problem-codes": sorted(codes),
        }
    operation["responses"] = dict(sorted(responses.items()))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    if dependant.call is not None:
        yield dependant.call
    for dependency in dependant.dependencies:
        yield from _calls(dependency)


def _validation(operation: dict[str, Any]) -> frozenset[Raised]:
    """FastAPI's own 422 (answered as ``invalid_input``): a body, or a parameter that can be wrong."""
    refusable = "requestBody" in operation or any(
        (parameter.get("required") and parameter.get("in") != "path")
        or _rules_of(parameter.get("schema", {})) not in _FREE_STRING
        for parameter in operation.get("parameters", [])
    )
    return frozenset({Raised(InvalidInput.status, InvalidInput.code)}) if refusable else frozenset()


def _rules_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("title", "description", "default", "examples")}
