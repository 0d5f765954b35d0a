"""The gateway's clients speak the services' wire and only it: every call targets a method and path the service's
committed OpenAPI document has, and no client restates a service's model (they parse into ``contracts/``)."""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal, get_args, get_origin, get_type_hints

import pytest

from gateway.clients import ContentClient, GamificationClient, MembershipClient
from gateway.clients.base import ServiceClient
from tests.support.wire_documents import openapi_path

CLIENTS: dict[str, type[ServiceClient]] = {
    "membership": MembershipClient,
    "gamification": GamificationClient,
    "content": ContentClient,
}
CALLS = ("_request", "_request_list", "_send")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
CLIENTS_DIR = Path(__file__).resolve().parents[3] / "gateway" / "clients"


@dataclass(frozen=True)
class Call:
    where: str
    method: str | None
    path: str | None

    @property
    def resolved(self) -> bool:
        return self.method is not None and self.path is not None


def _template(node: ast.expr | None, bound: dict[str, ast.expr], helpers: dict[str, ast.expr]) -> str | None:
    """The route template a path expression stands for, or None: a literal, ``route("<template>", ...)``, a local
    name bound to a path in the same method, a ``self._<helper>(...)`` of the class that returns one, and ``+`` or
    an f-string of those."""

    def template(node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Name) and node.id in bound:
            return _template(bound[node.id], {}, helpers)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = template(node.left), template(node.right)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.JoinedStr):
            parts = [template(part.value if isinstance(part, ast.FormattedValue) else part) for part in node.values]
            return None if None in parts else "".join(part for part in parts if part is not None)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "route" and node.args:
            return template(node.args[0])
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
            and node.func.attr in helpers
        ):
            return template(helpers[node.func.attr])
        return None

    return template(node)


def _returned(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    """What a one-statement helper returns (``def _members(self, ...): return route(...)``)."""
    body = [statement for statement in function.body if not isinstance(statement, ast.Expr)]
    if len(body) == 1 and isinstance(body[0], ast.Return):
        return body[0].value
    return None


def calls_in(source: str, owner: str) -> list[Call]:
    """Every service call in a client class's source, with the method and path template it uses."""
    tree = ast.parse(textwrap.dedent(source))
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef)]
    helpers = {f.name: value for f in functions if isinstance(f, ast.FunctionDef) and (value := _returned(f))}
    found = []
    for function in functions:
        bound = {
            target.id: statement.value
            for statement in ast.walk(function)
            if isinstance(statement, ast.Assign)
            for target in statement.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(function):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CALLS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "self"
            ):
                continue
            method = node.args[0] if node.args else None
            found.append(
                Call(
                    where=f"{owner}.{function.name}",
                    method=method.value if isinstance(method, ast.Constant) and isinstance(method.value, str) else None,
                    path=_template(node.args[1] if len(node.args) > 1 else None, bound, helpers),
                )
            )
    return found


@cache
def operations(service: str) -> frozenset[tuple[str, str]]:
    document = json.loads(openapi_path(service).read_text(encoding="utf-8"))
    return frozenset((method.upper(), path) for path, item in document["paths"].items() for method in item)


def client_calls(service: str) -> list[Call]:
    """The calls of a service's client, a path segment typed as a ``Literal`` written out once per value."""
    calls = []
    for cls in CLIENTS[service].__mro__:
        if issubclass(cls, ServiceClient) and cls is not ServiceClient and "_request" not in vars(cls):
            for call in calls_in(inspect.getsource(cls), cls.__name__):
                calls += _written_out(call, get_type_hints(getattr(cls, call.where.rsplit(".", 1)[1])))
    return calls


def _written_out(call: Call, hints: dict[str, object]) -> list[Call]:
    path = call.path or ""
    for name in _PLACEHOLDER.findall(path):
        if get_origin(hints.get(name)) is Literal:
            return [
                written
                for value in get_args(hints[name])
                for written in _written_out(replace(call, path=path.replace(f"{{{name}}}", value)), hints)
            ]
    return [call]


def unknown(service: str, calls: list[Call]) -> list[str]:
    return [
        f"{call.where}: {call.method} {call.path}"
        for call in calls
        if call.resolved and (call.method, call.path) not in operations(service)
    ]


@pytest.mark.parametrize("service", CLIENTS)
def test_every_client_call_targets_an_operation_of_the_services_openapi(service: str) -> None:
    calls = client_calls(service)

    assert calls, "the checker found the client's calls"
    assert [c.where for c in calls if not c.resolved] == [], "a call's method and path are literals or route(...)"
    assert unknown(service, calls) == []


def test_a_call_to_a_path_the_service_lacks_is_named() -> None:
    source = """
    class Calls:
        async def gone(self, community_id):
            path = route("/v1/communities/{community_id}/nothing", community_id=community_id)
            return await self._request("GET", path, Thing)

        async def tiers(self, community_id):
            return await self._request_list("GET", route("/v1/communities/{community_id}/tiers"), Tier)

        async def wrong_method(self):
            return await self._request("DELETE", "/v1/tiers", Thing)
    """

    named = unknown("membership", calls_in(source, "Calls"))

    assert named == [
        "Calls.gone: GET /v1/communities/{community_id}/nothing",
        "Calls.wrong_method: DELETE /v1/tiers",
    ]


def test_a_path_segment_typed_as_a_literal_is_checked_for_each_value() -> None:
    call = Call(where="Calls.move", method="POST", path="/v1/things/{thing_id}/{action}")

    written = _written_out(call, {"thing_id": str, "action": Literal["fulfil", "cancel"]})

    assert [c.path for c in written] == ["/v1/things/{thing_id}/fulfil", "/v1/things/{thing_id}/cancel"]


def test_a_path_built_some_other_way_is_not_resolved() -> None:
    source = """
    class Calls:
        async def built(self, community_id):
            return await self._request("GET", f"/v1/communities/{community_id}", Thing)
    """

    (call,) = calls_in(source, "Calls")

    assert not call.resolved


def test_no_client_module_defines_a_model() -> None:
    """Responses parse into the contracts' classes: a model here would restate one and drift from it."""
    defined = []
    for path in sorted(CLIENTS_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and not _is_client(node):
                defined.append(f"{path.relative_to(CLIENTS_DIR)}:{node.name}")

    assert defined == []


def _is_client(node: ast.ClassDef) -> bool:
    """A class of calls, or the errors a call raises: what a client module may define."""
    bases = {base.id for base in node.bases if isinstance(base, ast.Name)}
    return bool(bases & {"ServiceClient", "Exception"}) or node.name.endswith(("Calls", "Client"))


def test_the_model_check_tells_a_model_from_a_client() -> None:
    tree = ast.parse("class TierDTO(BaseModel): ...\nclass TierCalls(ServiceClient): ...")
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]

    assert [_is_client(node) for node in classes] == [False, True]
