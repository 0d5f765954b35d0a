"""Authentication at the edge: ``Authorization: Bearer <key>`` → a principal, or a 401."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from gateway.keys import KeyAuthenticator
from kit.auth import Principal


class GraphQLUnauthenticated(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _wants_ide(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


async def authenticate(request: Request, authenticator: KeyAuthenticator) -> Principal | None:
    """The caller, or None for an unauthenticated look at GraphiQL (which then sends its own header)."""
    header = request.headers.get("authorization")
    if header is None:
        if _wants_ide(request):
            return None
        raise GraphQLUnauthenticated("missing API key: send `Authorization: Bearer <key>`")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise GraphQLUnauthenticated("malformed Authorization header: expected `Bearer <key>`")
    principal = await authenticator.authenticate(presented.strip())
    if principal is None:
        raise GraphQLUnauthenticated("unknown or revoked API key")
    return principal


async def on_unauthenticated(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GraphQLUnauthenticated)
    return JSONResponse(
        {"data": None, "errors": [{"message": exc.message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="guildhall"'},
    )
