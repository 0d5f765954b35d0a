"""Errors as RFC 9457 problem details (``application/problem+json``) with a stable ``code``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kit.logging import level_of_status

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("guildhall.problem")


class FieldError(BaseModel):
    field: str = Field(description="The field refused, dotted for nested ones (`routes.0.group_id`)")
    reason: str = Field(description="Why, in words (`must not be empty`)")


class ProblemBody(BaseModel):
    type: str = "about:blank"
    title: str = Field(description="The kind of problem, in words")
    status: int = Field(description="The HTTP status, repeated")
    code: str = Field(description="Stable and machine-readable: `community_not_found`, `invalid_input`, ...")
    detail: str | None = Field(default=None, description="This occurrence, in words")
    errors: list[FieldError] = Field(default=[], description="The fields refused and why: every 422 names one or more")


class Problem(Exception):
    """Raise one of these anywhere below an endpoint; it is rendered as problem+json."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] = (),
        code: str | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors)
        if code is not None:
            self.code = code

    def body(self) -> ProblemBody:
        return ProblemBody(title=self.title, status=self.status, code=self.code, detail=self.detail, errors=self.errors)


class InvalidInput(Problem):
    status = 422
    code = "invalid_input"
    title = "Invalid input"

    @classmethod
    def of(cls, field: str, reason: str) -> InvalidInput:
        return cls(f"{field}: {reason}", errors=[FieldError(field=field, reason=reason)])

    @classmethod
    def raise_any(cls, problems: Sequence[tuple[str, str]]) -> None:
        """Raise one error naming every (field, reason) of a domain validation, if there are any."""
        if problems:
            raise cls(
                "; ".join(f"{f}: {r}" for f, r in problems), errors=[FieldError(field=f, reason=r) for f, r in problems]
            )


class Unauthenticated(Problem):
    status = 401
    code = "unauthenticated"
    title = "Authentication required"


class Forbidden(Problem):
    status = 403
    code = "forbidden"
    title = "Not allowed"


class NotFound(Problem):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(Problem):
    status = 409
    code = "conflict"
    title = "Conflict"


class Unavailable(Problem):
    status = 503
    code = "unavailable"
    title = "Service unavailable"


def problem_response(body: ProblemBody, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=body.status, media_type=PROBLEM_JSON, headers=headers
    )


def _field_name(loc: Sequence[Any]) -> str:
    # ("body", "timezone") → "timezone"; ("query", "ids", 0) → "ids.0"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _reason(message: str) -> str:
    # Our validators raise ValueError("must not be empty"); pydantic words that as "Value error, must ...".
    return str(message).removeprefix("Value error, ")


def log_problem(request: Request, body: ProblemBody, exc: BaseException | None = None) -> None:
    """One line per problem answered: info without a traceback for 4xx, error with ``exc``'s for 5xx."""
    level = level_of_status(body.status)
    if log.isEnabledFor(level):
        log.log(
            level,
            "problem: %s",
            body.detail or body.title,
            exc_info=exc if level >= logging.ERROR else None,
            extra={"status": body.status, "code": body.code, "method": request.method, "path": request.url.path},
        )


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    body = exc.body()
    log_problem(request, body, exc)
    return problem_response(body)


def validation_problem(errors: Sequence[Any]) -> ProblemBody:
    """A 422 naming each field of a request pydantic refused (FastAPI's or a model's errors), and why."""
    fields = [FieldError(field=_field_name(e["loc"]), reason=_reason(e["msg"])) for e in errors]
    detail = "; ".join(f"{e.field}: {e.reason}" for e in fields)
    return ProblemBody(title=InvalidInput.title, status=422, code=InvalidInput.code, detail=detail, errors=fields)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = validation_problem(exc.errors())
    log_problem(request, body)
    return problem_response(body)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated"}.get(exc.status_code, "http_error")
    body = ProblemBody(title=str(exc.detail), status=exc.status_code, code=code)
    log_problem(request, body, exc)
    return problem_response(body, headers=dict(exc.headers) if exc.headers else None)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
