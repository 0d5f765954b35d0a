"""Holding an answer to the app's own OpenAPI document: its status is listed for the operation, in the media type
and schema listed, and a problem's ``code`` is one the document names."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from jsonschema import Draft202012Validator

from kit.errors import PROBLEM_JSON


def operation_of(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The operation whose template matches ``path`` (the most literal one when several do, as routing does)."""
    matches = []
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if method.lower() in operations and re.match(pattern, path):
            matches.append((template.count("{"), template))
    assert matches, f"{method} {path} is not in the document"
    return dict(document["paths"][min(matches)[1]][method.lower()])


def schema_errors(document: dict[str, Any], schema: dict[str, Any], value: Any) -> list[str]:
    rooted = {**schema, "components": document["components"]}
    return [error.message for error in Draft202012Validator(rooted).iter_errors(value)]


def assert_documented(app: FastAPI, response: httpx.Response) -> dict[str, Any]:
    """The problem answered, once held to what the document says of its operation."""
    document = app.openapi()
    request = response.request
    operation = operation_of(document, request.method, request.url.path)
    status = str(response.status_code)
    where = f"{request.method} {request.url.path} answered {status} {response.text}"
    assert status in operation["responses"], f"{where}, undocumented: {sorted(operation['responses'])}"
    documented = operation["responses"][status]
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type == PROBLEM_JSON, where
    assert list(documented["content"]) == [PROBLEM_JSON], where
    body: dict[str, Any] = response.json()
    assert schema_errors(document, documented["content"][PROBLEM_JSON]["schema"], body) == [], where
    assert body["code"] in documented["x-problem-codes"], f"{where}, codes: {documented['x-problem-codes']}"
    return body
