"""The shared shape of the gateway's service clients: one channel per service, the signed
principal and the request id set on every call, problem+json turned into ``ServiceProblem``."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter, ValidationError

from gateway.service_channel import Answer, Channel, Unreachable
from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal
from kit.context import REQUEST_ID_HEADER, current_request_id
from kit.errors import FieldError, ProblemBody, validation_problem

M = TypeVar("M", bound=BaseModel)

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY_LENGTH = 255
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Our ids: a lower-case prefix and a body (a ULID when we made it). Anything else names nothing.
_ID_SHAPE = re.compile(r"^[a-z]{2,8}_[0-9A-Za-z]{1,64}$")
# Printable ASCII without "%": such a key travels as it is, in a header httpx and every proxy accept.
_PLAIN_KEY = re.compile(r"^[\x20-\x24\x26-\x7e]+$")


class ServiceProblem(Exception):
    """A service answered with a problem: its status, stable code, detail and field errors."""

    def __init__(self, service: str, body: ProblemBody) -> None:
        super().__init__(f"{service}: {body.code}: {body.detail or body.title}")
        self.service = service
        self.body = body

    @property
    def code(self) -> str:
        return self.body.code

    @property
    def status(self) -> int:
        return self.body.status

    @property
    def errors(self) -> list[FieldError]:
        return self.body.errors


class IdRefused(Exception):
    """An id that cannot name anything, caught before it is put into a service's URL."""

    def __init__(self, field: str, value: str) -> None:
        noun = field.removesuffix("_id")
        super().__init__(f"{field}: {value!r} is not an id")
        self.problem = ProblemBody(
            title="Not found",
            status=404,
            code=f"{noun}_not_found",
            detail=f"{_camel(field)}: no {noun.replace('_', ' ')} has the id {value!r}",
        )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def route(template: str, **values: str) -> str:
    """A service path from its route template (``/v1/communities/{community_id}/tiers/{tier_id}``), each value
    checked and percent-escaped: a ``../``, a ``/``, a control character or an empty value can never re-route
    the call or break the URL. Values for ``…_id`` placeholders must have the shape of our ids; an id that
    does not is ``<noun>_not_found``, as an id of nothing would be."""

    def segment(match: re.Match[str]) -> str:
        name = match[1]
        value = str(values[name])
        if name.endswith("_id") and _ID_SHAPE.match(value) is None:
            raise ServiceProblem("gateway", IdRefused(name, value).problem)
        if value in ("", ".", ".."):
            raise ServiceProblem("gateway", IdRefused(name, value).problem)
        return quote(value, safe="")

    return _PLACEHOLDER.sub(segment, template)


def wire(model: type[M], /, **values: Any) -> M:
    """A request body of the service's contract (``contracts/<service>/``), built at the gateway. What the contract
    refuses is the 422 the service would answer, naming the same fields, and no call is made; the service still
    applies its own domain rules when the body arrives."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ServiceProblem("gateway", validation_problem(error.errors())) from error


def given(**values: Any) -> dict[str, Any]:
    """The fields of a body that were given: None stands for left out, so the service's default applies (and a field
    that may not be null is not sent as null)."""
    return {name: value for name, value in values.items() if value is not None}


def idempotency_header(key: str | None) -> dict[str, str] | None:
    """The ``Idempotency-Key`` header for a client's key. A printable ASCII key travels as it is; any other key
    (Chinese, emoji, a ``%``) as the SHA-256 of its UTF-8 bytes, so a retry with the same key is recognised and
    two keys never meet. A key that is empty, longer than 255 characters or not printable is refused, naming
    ``idempotencyKey``, before any call."""
    if key is None:
        return None
    if (reason := idempotency_key_problem(key)) is not None:
        raise ServiceProblem(
            "gateway",
            ProblemBody(
                title="Invalid input",
                status=422,
                code="invalid_input",
                detail=f"idempotencyKey: {reason}",
                errors=[FieldError(field="idempotency_key", reason=reason)],
            ),
        )
    if _PLAIN_KEY.match(key):
        return {IDEMPOTENCY_HEADER: key}
    return {IDEMPOTENCY_HEADER: "sha256:" + hashlib.sha256(key.encode()).hexdigest()}


def idempotency_key_problem(key: str) -> str | None:
    """Why a client's idempotency key is refused, or None."""
    if not 0 < len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        return f"must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters"
    if not key.isprintable():
        return "must be printable (no control characters)"
    return None


@cache
def _list_adapter(item: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[item])  # type: ignore[valid-type]


class ServiceClient:
    """Calls one service on behalf of one principal (one per GraphQL request)."""

    service: str = "service"

    def __init__(self, channel: Channel, *, principal: Principal, secret: str) -> None:
        self._channel = channel
        self._principal_header = sign_principal(principal, secret)

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {PRINCIPAL_HEADER: self._principal_header}
        if (request_id := current_request_id()) is not None:
            headers[REQUEST_ID_HEADER] = request_id
        if extra:
            headers.update(extra)
        return headers

    async def _request(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> M:
        """The call, its answer parsed into the service's response model (``contracts/<service>/``)."""
        return model.model_validate_json(await self._send(method, path, params=params, json=json, headers=headers))

    async def _request_list(
        self,
        method: str,
        path: str,
        item: type[M],
        *,
        params: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> list[M]:
        """The call, for a route that answers a JSON list of ``item``."""
        content = await self._send(method, path, params=params, json=None, headers=headers)
        return _list_adapter(item).validate_json(content)

    async def _send(
        self, method: str, path: str, *, params: Any, json: Any, headers: Mapping[str, str] | None
    ) -> bytes:
        if isinstance(json, BaseModel):
            # Only what was set travels: a field left out keeps the service's default (or, in a PATCH, its value).
            json = json.model_dump(mode="json", exclude_unset=True)
        try:
            answer = await self._channel.request(method, path, params=params, json=json, headers=self._headers(headers))
        except Unreachable as error:
            raise ServiceProblem(
                self.service,
                ProblemBody(
                    title="Service unavailable",
                    status=503,
                    code="service_unavailable",
                    detail=f"{self.service} did not answer ({error})",
                ),
            ) from error
        if answer.is_error:
            raise ServiceProblem(self.service, self._problem_of(answer))
        return answer.content

    @staticmethod
    def _problem_of(answer: Answer) -> ProblemBody:
        try:
            return ProblemBody.model_validate_json(answer.content)
        except ValidationError:
            return ProblemBody(
                title=answer.reason or "Service error",
                status=answer.status,
                code="service_error",
                detail=answer.content.decode("utf-8", "replace")[:200] or None,
            )
