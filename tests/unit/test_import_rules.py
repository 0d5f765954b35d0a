"""Imports point one way (ARCHITECTURE.md §4, STYLE.md "Each service, laid out the same way").

Every ``.py`` file of the project is parsed with ``ast``, never imported, so a violation is found even in a
module that would fail to import, and checking costs no start-up time. Imports inside functions and under
``if TYPE_CHECKING:`` count too: a dependency is a dependency.

- no module under ``services/<a>/`` imports ``services.<b>`` for b ≠ a;
- ``kit`` imports none of ``services``, ``gateway``, ``guildhall``, ``contracts``;
- ``contracts`` imports only ``kit`` (and itself), the standard library and third-party packages;
- ``gateway`` imports no ``services.*``: it reaches the services through its typed HTTP clients;
- inside a service, ``domain/`` is pure rules: nothing from its own ``api``, ``usecases``, ``repo``, ``models``
  and no database, web, HTTP or Redis library;
- the other layers point one way too: ``api → usecases → domain, repo → models``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED_PACKAGES = ("kit", "contracts", "services", "gateway", "guildhall")
FIRST_PARTY = frozenset({*CHECKED_PACKAGES, "tests", "bench"})
IO_LIBRARIES = frozenset(
    {"sqlalchemy", "sqlmodel", "fastapi", "starlette", "httpx", "redis", "fakeredis", "asyncpg", "aiosqlite", "alembic"}
)
# layer → layers of the same service it must not import
LAYER_FORBIDS: dict[str, frozenset[str]] = {
    "domain": frozenset({"api", "usecases", "repo", "models"}),
    "usecases": frozenset({"api"}),
    "repo": frozenset({"api", "usecases"}),
    "models": frozenset({"api", "usecases", "repo"}),
}


@dataclass(frozen=True)
class Import:
    line: int
    name: str  # absolute dotted name; for ``from a import b`` this is ``a.b``


def _package_parts(path: PurePosixPath) -> list[str]:
    parts = list(path.with_suffix("").parts)
    return parts[:-1]  # the package a module (or an __init__) lives in


def imports_in(source: str, path: PurePosixPath) -> Iterator[Import]:
    """Every name ``source`` imports, resolved to absolute dotted names as seen from ``path``."""
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module.split(".") if node.module else []
            if node.level:
                package = _package_parts(path)
                base = package[: len(package) - (node.level - 1)] + base
            for alias in node.names:
                yield Import(node.lineno, ".".join([*base, alias.name]) if alias.name != "*" else ".".join(base))


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(f"{prefix}.")


def _broken_rule(importer: PurePosixPath, name: str) -> str | None:
    """Why ``importer`` may not import ``name``; None when it may."""
    top = name.split(".")[0]
    where = importer.parts
    if where[0] == "kit" and top in {"services", "gateway", "guildhall", "contracts"}:
        return "kit imports no service, gateway, composition root or contract"
    if where[0] == "contracts" and top in FIRST_PARTY - {"kit", "contracts"}:
        return "contracts import only kit, the standard library and third-party packages"
    if where[0] == "gateway" and top == "services":
        return "the gateway reaches services through its clients, never by import"
    if where[0] == "services" and len(where) > 2:
        own = where[1]
        target = name.split(".")
        if top == "services" and len(target) > 1 and target[1] != own:
            return "no service imports another service"
        layer = where[2].removesuffix(".py")
        forbidden = LAYER_FORBIDS.get(layer, frozenset())
        if any(_within(name, f"services.{own}.{other}") for other in forbidden):
            return f"{layer} must not import {'/'.join(sorted(forbidden))} of its own service"
        if layer == "domain" and top in IO_LIBRARIES:
            return "domain holds pure rules: no database, web, HTTP or Redis library"
    return None


def violations_in(source: str, path: PurePosixPath) -> list[str]:
    """``"file:line imports X (rule)"`` for each import in ``source`` that breaks a rule; ``path`` is from the root."""
    found = []
    for imported in imports_in(source, path):
        rule = _broken_rule(path, imported.name)
        if rule is not None:
            found.append(f"{path}:{imported.line} imports {imported.name} ({rule})")
    return found


def project_files() -> list[PurePosixPath]:
    return sorted(
        PurePosixPath(file.relative_to(ROOT).as_posix())
        for package in CHECKED_PACKAGES
        for file in (ROOT / package).rglob("*.py")
    )


def test_the_checker_sees_every_package_and_service() -> None:
    files = project_files()

    seen = {file.parts[0] for file in files} | {"/".join(file.parts[:2]) for file in files}
    assert {
        *CHECKED_PACKAGES,
        "services/membership",
        "services/gamification",
        "services/content",
    } <= seen
    assert any(file.parts[2:3] == ("domain",) for file in files)


def test_imports_point_one_way() -> None:
    violations = [
        violation
        for path in project_files()
        for violation in violations_in((ROOT / path).read_text(encoding="utf-8"), path)
    ]

    assert not violations, "imports that break ARCHITECTURE.md §4:\n" + "\n".join(violations)


# The checker itself: each rule is proved to catch what it should, and to let pass what it should.


def test_the_checker_reports_a_service_importing_another_service() -> None:
    source = "from __future__ import annotations\n\nfrom services.gamification.domain.level import level_for\n"

    violations = violations_in(source, PurePosixPath("services/membership/x.py"))

    assert len(violations) == 1
    assert violations[0].startswith("services/membership/x.py:3 imports services.gamification.domain.level.level_for")


@pytest.mark.parametrize(
    ("path", "source", "imported"),
    [
        pytest.param("services/membership/x.py", "import services.gamification", "services.gamification", id="import"),
        pytest.param(
            "services/membership/x.py", "from services import gamification", "services.gamification", id="from"
        ),
        pytest.param(
            "services/membership/x.py",
            "from ..gamification import models",
            "services.gamification.models",
            id="relative",
        ),
        pytest.param(
            "services/membership/api/x.py",
            "def f():\n    from services.content.usecases import welcome",
            "services.content.usecases.welcome",
            id="inside-a-function",
        ),
        pytest.param("kit/x.py", "from services.membership import app", "services.membership.app", id="kit-service"),
        pytest.param("kit/x.py", "import contracts.events", "contracts.events", id="kit-contracts"),
        pytest.param("kit/x.py", "from guildhall import cli", "guildhall.cli", id="kit-guildhall"),
        pytest.param(
            "kit/events/x.py", "from gateway.app import create_app", "gateway.app.create_app", id="kit-gateway"
        ),
        pytest.param(
            "contracts/x.py", "from services.content import models", "services.content.models", id="contracts"
        ),
        pytest.param("contracts/x.py", "import gateway", "gateway", id="contracts-gateway"),
        pytest.param(
            "gateway/clients/x.py",
            "from services.membership.api.schemas import community",
            "services.membership.api.schemas.community",
            id="gateway",
        ),
        pytest.param(
            "services/content/domain/x.py",
            "from services.content.models import W",
            "services.content.models.W",
            id="domain-models",
        ),
        pytest.param(
            "services/content/domain/x.py",
            "from ..repo import welcome",
            "services.content.repo.welcome",
            id="domain-repo-relative",
        ),
        pytest.param(
            "services/content/domain/x.py", "from services.content import api", "services.content.api", id="domain-api"
        ),
        pytest.param("services/content/domain/x.py", "import sqlalchemy.orm", "sqlalchemy.orm", id="domain-sqlalchemy"),
        pytest.param(
            "services/content/domain/x.py", "from sqlmodel import Field", "sqlmodel.Field", id="domain-sqlmodel"
        ),
        pytest.param(
            "services/content/domain/x.py", "from fastapi import Depends", "fastapi.Depends", id="domain-fastapi"
        ),
        pytest.param("services/content/domain/x.py", "import httpx", "httpx", id="domain-httpx"),
        pytest.param(
            "services/content/domain/x.py", "from redis.asyncio import Redis", "redis.asyncio.Redis", id="domain-redis"
        ),
        pytest.param(
            "services/content/domain/__init__.py",
            "from .. import usecases",
            "services.content.usecases",
            id="domain-init-relative",
        ),
        pytest.param(
            "services/content/usecases/x.py",
            "from services.content.api import deps",
            "services.content.api.deps",
            id="usecases-api",
        ),
        pytest.param(
            "services/content/repo/x.py",
            "from ..usecases import welcome",
            "services.content.usecases.welcome",
            id="repo-usecases",
        ),
        pytest.param(
            "services/content/models.py",
            "from services.content.repo import welcome",
            "services.content.repo.welcome",
            id="models-repo",
        ),
    ],
)
def test_the_checker_reports_each_kind_of_violation(path: str, source: str, imported: str) -> None:
    violations = violations_in(source, PurePosixPath(path))

    assert len(violations) == 1, violations
    assert violations[0].startswith(f"{path}:")
    assert violations[0].split(" ")[2] == imported


@pytest.mark.parametrize(
    ("path", "source"),
    [
        pytest.param(
            "services/membership/api/x.py", "from services.membership.usecases import community", id="api-own"
        ),
        pytest.param(
            "services/membership/usecases/x.py", "from ..domain.community import clean_name", id="relative-own"
        ),
        pytest.param("services/membership/usecases/x.py", "from ..repo.community import Repo", id="usecases-repo"),
        pytest.param("services/membership/repo/x.py", "from ..models import Community", id="repo-models"),
        pytest.param(
            "services/membership/x.py", "import kit.db\nfrom contracts.events import CommunityCreated", id="kit"
        ),
        pytest.param("services/membership/domain/x.py", "from kit.errors import InvalidInput", id="domain-kit"),
        pytest.param("services/membership/domain/x.py", "from . import rules\nimport zoneinfo", id="domain-stdlib"),
        pytest.param("services/membership/domain/x.py", "import pydantic", id="domain-third-party"),
        pytest.param("kit/events/x.py", "from kit.db import Base\nfrom .envelope import Envelope", id="kit-kit"),
        pytest.param(
            "contracts/x.py", "from kit.events import EventData\nfrom contracts import events", id="contracts"
        ),
        pytest.param("gateway/x.py", "from gateway.clients import base\nimport kit.auth", id="gateway"),
        pytest.param("guildhall/parts.py", "from services.content import app", id="composition-root"),
        pytest.param("services/membership/x.py", "import servicesx\nimport gatewayed", id="similar-names"),
    ],
)
def test_the_checker_lets_allowed_imports_pass(path: str, source: str) -> None:
    assert violations_in(source, PurePosixPath(path)) == []


@pytest.mark.parametrize(
    ("path", "source", "resolved"),
    [
        pytest.param(
            "services/content/usecases/welcome.py", "from . import x", "services.content.usecases.x", id="one"
        ),
        pytest.param(
            "services/content/usecases/welcome.py", "from ..repo import y", "services.content.repo.y", id="two"
        ),
        pytest.param(
            "services/content/usecases/__init__.py",
            "from .welcome import z",
            "services.content.usecases.welcome.z",
            id="init",
        ),
    ],
)
def test_relative_imports_resolve_from_the_importing_module(path: str, source: str, resolved: str) -> None:
    names = [imported.name for imported in imports_in(source, PurePosixPath(path))]

    assert names == [resolved]
