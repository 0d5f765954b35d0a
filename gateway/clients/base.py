"""The shared shape of the gateway's service clients: one httpx client per service, the signed
principal and the request id set on every call, problem+json turned into ``ServiceProblem``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal
from kit.context import REQUEST_ID_HEADER, current_request_id
from kit.errors import FieldError, ProblemBody

M = TypeVar("M", bound=BaseModel)


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


def create_http_client(
    *, base_url: str | None, transport: httpx.AsyncBaseTransport | None, timeout: float
) -> httpx.AsyncClient:
    if transport is None and base_url is None:
        raise ValueError("a service client needs a base url or an in-process transport")
    return httpx.AsyncClient(
        base_url=base_url or "http://embedded",
        transport=transport,
        timeout=timeout,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
    )


class ServiceClient:
    """Calls one service on behalf of one principal (one per GraphQL request)."""

    service: str = "service"

    def __init__(self, http: httpx.AsyncClient, *, principal: Principal, secret: str) -> None:
        self._http = http
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
        try:
            response = await self._http.request(method, path, params=params, json=json, headers=self._headers(headers))
        except httpx.TransportError as error:
            raise ServiceProblem(
                self.service,
                ProblemBody(
                    title="Service unavailable",
                    status=503,
                    code="service_unavailable",
                    detail=f"{self.service} did not answer ({type(error).__name__})",
                ),
            ) from error
        if response.is_error:
            raise ServiceProblem(self.service, self._problem_of(response))
        return model.model_validate_json(response.content)

    @staticmethod
    def _problem_of(response: httpx.Response) -> ProblemBody:
        try:
            return ProblemBody.model_validate_json(response.content)
        except ValidationError:
            return ProblemBody(
                title=response.reason_phrase or "Service error",
                status=response.status_code,
                code="service_error",
                detail=response.text[:200] or None,
            )
