"""Which problems a function can answer with, read from its source and the source of what it calls.

The OpenAPI document lists, per route, the problem+json statuses the route can answer (ADR 0025). Declaring
them by hand on each route drifts; instead this walks the endpoint and its dependencies: every call into our
own packages is followed, every ``Problem`` constructed or raised on the way is collected with its ``code``.

The walk resolves names the way Python would at run time (a function's globals and closure, a module's
attributes, the classes its parameters and locals are annotated or built as), so it follows
``usecases.create_tier(...)``, ``TierRepository(session).get_or_raise(...)``, ``self._replay(...)`` and a
dependency's ``idempotency.run(...)``. What it cannot type (an attribute of an attribute, a value from a
container) it does not follow: the result can miss a problem raised that way, never invent one. A test holds
it to known routes (tests/unit/kit/test_raises.py) and the integration tests to problems really answered.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import FunctionType, MethodType, ModuleType
from typing import Any

from kit.errors import Problem

OWN_PACKAGES = frozenset({"kit", "services", "gateway", "contracts"})


@dataclass(frozen=True, order=True)
class Raised:
    """One way a call can fail: the status and, where the source names it, the ``code``."""

    status: int
    code: str | None


def problems_raised(functions: Iterable[Callable[..., Any]]) -> frozenset[Raised]:
    """Every problem any of ``functions`` (and what they call, in our packages) can raise."""
    found: set[Raised] = set()
    for function in functions:
        found |= _WALKER.function(function)
    return frozenset(found)


def direct_calls(function: Callable[..., Any]) -> list[tuple[Any, dict[str, Any]]]:
    """What ``function``'s source calls, resolved, each with the keyword arguments whose values the source names
    (a constant, or a module's constant such as ``rules.MISSION_MAX_LENGTH``); unresolvable calls are left out."""
    target = inspect.unwrap(getattr(function, "__func__", function))
    if not isinstance(target, FunctionType) or (tree := _parse(target)) is None:
        return []
    scope = _Scope(target, tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (called := scope.resolve(node.func)) is not None:
            keywords = {}
            for keyword in node.keywords:
                value = _constant(scope, keyword.value)
                if keyword.arg is not None and value is not None:
                    keywords[keyword.arg] = value
            found.append((called, keywords))
    return found


def _constant(scope: _Scope, node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    value = scope.resolve(node) if isinstance(node, ast.Name | ast.Attribute) else None
    return value if isinstance(value, int | str | float) else None


def _own(obj: object) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.partition(".")[0] in OWN_PACKAGES


def _problem_class(obj: object) -> type[Problem] | None:
    if isinstance(obj, type) and issubclass(obj, Problem):
        return obj
    # ``InvalidInput.of(...)``, ``PayloadTooLarge.at_most(...)``: a classmethod of a problem builds one.
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, type) and issubclass(owner, Problem):
        return owner
    return None


def _literal_code(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            return keyword.value.value
    return None


def _has_code_keyword(call: ast.Call) -> bool:
    return any(keyword.arg == "code" for keyword in call.keywords)


def _class_of_method(function: FunctionType) -> type | None:
    """The class a plain function was defined in, from its qualified name (``Idempotency._replay``)."""
    path = function.__qualname__.split(".")
    if len(path) < 2 or "<locals>" in path:
        return None
    owner: Any = inspect.getmodule(function)
    for name in path[:-1]:
        owner = getattr(owner, name, None)
    return owner if isinstance(owner, type) else None


def _hints(function: FunctionType) -> dict[str, Any]:
    try:
        return typing.get_type_hints(function)
    except Exception:  # noqa: BLE001 - a name only type checkers import, a recursive alias (RecursionError): untyped
        return {}


def _parse(function: FunctionType) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return None
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None


class _Scope:
    """Names as one function sees them: its locals' types, its closure, its module, builtins."""

    def __init__(self, function: FunctionType, tree: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.function = function
        self.owner = _class_of_method(function)
        self.types: dict[str, type] = {
            name: hint for name, hint in _hints(function).items() if isinstance(hint, type) and name != "return"
        }
        closure = inspect.getclosurevars(function).nonlocals
        self.values: dict[str, Any] = {**function.__globals__, **closure}
        self.problems: dict[str, type[Problem]] = {}
        self._learn_locals(tree)

    def _learn_locals(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            name, value = node.targets[0].id, node.value
            produced = self.value_type(value)
            if produced is not None and name not in self.types:
                self.types[name] = produced
            if isinstance(value, ast.Call) and (problem := _problem_class(self.resolve(value.func))) is not None:
                self.problems[name] = problem

    def resolve(self, node: ast.expr) -> Any:
        """The object an expression names, or None when it can't be known without running the code."""
        if isinstance(node, ast.Name):
            if node.id in self.types:
                return None  # a typed local is a value, not something to call
            if node.id in self.values:
                return self.values[node.id]
            return getattr(builtins, node.id, None)
        if isinstance(node, ast.Attribute):
            base_type = self.value_type(node.value)
            if base_type is not None:
                return inspect.getattr_static(base_type, node.attr, None)
            base = self.resolve(node.value)
            if isinstance(base, ModuleType | type):
                return getattr(base, node.attr, None)
        return None

    def value_type(self, node: ast.expr) -> type | None:
        """The class of the value an expression evaluates to, where the source says it."""
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Name):
            if node.id == "self" and self.owner is not None:
                return self.owner
            return self.types.get(node.id)
        if isinstance(node, ast.Call):
            called = self.resolve(node.func)
            if isinstance(called, type):
                return called
            if isinstance(called, FunctionType | MethodType):
                returned = _hints(typing.cast(FunctionType, getattr(called, "__func__", called))).get("return")
                return returned if isinstance(returned, type) else None
        return None


class _Walker:
    def __init__(self) -> None:
        self._done: dict[FunctionType, frozenset[Raised]] = {}
        self._depth: dict[FunctionType, int] = {}  # the functions being walked, by depth on the stack
        self._reached = 0  # the shallowest function being walked that the current walk called back into

    def function(self, target: object) -> frozenset[Raised]:
        function = self._plain_function(target)
        if function is None:
            return frozenset()
        if function in self._done:
            return self._done[function]
        if function in self._depth:  # a call back into a function being walked: its problems come with it
            self._reached = min(self._reached, self._depth[function])
            return frozenset()
        depth = len(self._depth)
        self._depth[function], outer_reached, self._reached = depth, self._reached, depth
        try:
            tree = _parse(function)
            found = frozenset(self._walk(_Scope(function, tree), tree)) if tree is not None else frozenset()
        finally:
            del self._depth[function]
        # A function inside a cycle misses what the cycle's outer functions raise: keep only complete answers.
        if self._reached >= depth:
            self._done[function] = found
        self._reached = min(outer_reached, self._reached)
        return found

    def _plain_function(self, target: object) -> FunctionType | None:
        if isinstance(target, staticmethod | classmethod):
            target = target.__func__
        target = getattr(target, "__func__", target)
        if isinstance(target, type):
            init = target.__dict__.get("__init__")
            target = init if init is not None else None
        if not isinstance(target, FunctionType):
            call = getattr(target, "__call__", None)  # noqa: B004 - a dependency may be an instance with __call__
            target = getattr(call, "__func__", None)
        if not isinstance(target, FunctionType):
            return None
        target = inspect.unwrap(target)
        return target if isinstance(target, FunctionType) and _own(target) else None

    def _walk(self, scope: _Scope, tree: ast.AST) -> Iterator[Raised]:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                yield from self._call(scope, node)
            elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Name | ast.Attribute):
                if (problem := _problem_class(scope.resolve(node.exc))) is not None:
                    yield Raised(problem.status, problem.code)
            elif isinstance(node, ast.Assign):
                yield from self._code_set(scope, node)

    def _call(self, scope: _Scope, node: ast.Call) -> Iterator[Raised]:
        called = scope.resolve(node.func)
        if called is None:
            return
        problem = _problem_class(called)
        if problem is not None:
            code = _literal_code(node)
            yield Raised(problem.status, code if code is not None or _has_code_keyword(node) else problem.code)
            return
        if _own(called) or _own(getattr(called, "__func__", None)):
            yield from self.function(called)

    @staticmethod
    def _code_set(scope: _Scope, node: ast.Assign) -> Iterator[Raised]:
        """``problem.code = "idempotency_key_reused"`` on a problem built a line before."""
        [target] = node.targets if len(node.targets) == 1 else [None]
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "code"
            and isinstance(target.value, ast.Name)
            and target.value.id in scope.problems
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield Raised(scope.problems[target.value.id].status, node.value.value)


# Source doesn't change while the process runs: one walk per function, shared by every app built in it.
_WALKER = _Walker()
