"""The OpenAPI document says what each route answers when it refuses: problem+json, per status (ADR 0025).

FastAPI documents a route's success and a 422 in its own ``HTTPValidationError`` shape, which is not what
Guildhall answers. Here, once per app, its document is completed from the code itself:

- ``Problem`` (and ``FieldError``) become components, in the shape ``kit.errors`` really emits;
- each operation lists ``application/problem+json`` for every status its endpoint and dependencies can raise
  (``kit.raises`` reads them from the source, with the codes), plus 422 where FastAPI validates a body or a
  parameter that can be wrong;
- FastAPI's own validation schemas go, since no route answers with them;
- a request field checked by a validator that calls a rule marked ``@publishes`` (``kit.schema_rules``) gets
  that rule's JSON Schema (non-empty, maximum length, IANA time zone, pattern).
"""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel

from kit.errors import PROBLEM_JSON, InvalidInput, ProblemBody
from kit.ids import ID_PATTERN
from kit.raises import Raised, direct_calls, problems_raised
from kit.schema_rules import published

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
    document_field_rules(_request_models(app), schemas)
    for route in iter_route_contexts(app.routes):
        dependant: Dependant | None = getattr(route, "dependant", None)
        path = getattr(route, "path_format", None)
        if dependant is None or path not in paths or not getattr(route, "include_in_schema", True):
            continue
        for method in route.methods or ():
            operation = paths[path].get(method.lower())
            if operation is not None:
                document_problems(operation, problems_raised(_calls(dependant)) | _validation(operation))
                document_ids(operation)  # after: a pattern that only documents must not read as a 422
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


def document_ids(operation: dict[str, Any]) -> None:
    """A path's ``…_id`` is one of Guildhall's ids (``kit.ids``): no other value names anything there. Not
    enforced: any other value is looked up like an id and found to be nothing."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and parameter["name"].endswith("_id") and schema.get("type") == "string":
            schema["pattern"] = ID_PATTERN.pattern
            parameter.setdefault("description", "a Guildhall id: a short prefix, _, then a ULID in lower case")


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


def document_field_rules(models: Iterable[type[BaseModel]], schemas: dict[str, Any]) -> None:
    """Each field whose validator calls a published rule says the rule, in the component of its model."""
    for model in models:
        rules = _field_rules(model)
        component = _component_of(model, schemas) if rules else None
        if component is None:
            continue
        properties = component.get("properties", {})
        for field, rule in rules.items():
            name = model.model_fields[field].alias or field
            if name in properties:
                for schema in _string_schemas(properties[name]):
                    schema.update(rule)


def _field_rules(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for validator in model.__pydantic_decorators__.field_validators.values():
        found: dict[str, Any] = {}
        for called, keywords in direct_calls(validator.func):
            found |= published(called, keywords) or {}
        for field in validator.info.fields if found else ():
            if field in model.model_fields:
                rules.setdefault(field, {}).update(found)
    return rules


def _component_of(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, Any] | None:
    """The component FastAPI named for ``model``: by its name, or the longer name it takes on a clash."""
    for key, schema in schemas.items():
        named = key.removesuffix("-Input") == model.__name__ or key.endswith(f"__{model.__name__}")
        if named and schema.get("title") == model.__name__:
            return typing.cast(dict[str, Any], schema)
    return None


def _string_schemas(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if schema.get("type") == "string":
        yield schema
    for branch in schema.get("anyOf", []):
        yield from _string_schemas(branch)


def _request_models(app: FastAPI) -> list[type[BaseModel]]:
    """The models of request bodies, and the models nested in them."""
    found: list[type[BaseModel]] = []
    todo: list[Any] = []
    for route in iter_route_contexts(app.routes):
        dependant: Dependant | None = getattr(route, "dependant", None)
        todo.extend(param.field_info.annotation for param in (dependant.body_params if dependant else []))
    while todo:
        annotation = todo.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
                todo.extend(field.annotation for field in annotation.model_fields.values())
        else:
            todo.extend(typing.get_args(annotation))
    return found
