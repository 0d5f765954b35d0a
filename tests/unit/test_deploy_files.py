"""The deployment files agree with the code they start.

docker-compose.yml, deploy/k8s/, deploy/Dockerfile and deploy/env/*.example are never executed by the test
suite, so a renamed CLI option or settings field would otherwise only show up as a crash-looping container.
Each container that runs the guildhall image is reduced to a ``Workload`` (its CLI arguments and the
environment it would get) and checked against the real Typer app and the real settings classes.
"""

from __future__ import annotations

import base64
import fnmatch
import functools
import json
import os
import re
import shlex
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer.main
import yaml
from pydantic_settings import BaseSettings
from typer._click.core import Command, Context
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from gateway.settings import GatewaySettings
from kit.settings import KitSettings
from services.content.settings import ContentSettings
from services.gamification.settings import GamificationSettings
from services.membership.settings import MembershipSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
K8S_DIR = ROOT / "deploy" / "k8s"
ENV_EXAMPLES = sorted((ROOT / "deploy" / "env").glob("*.example"))
POSTGRES_INIT = ROOT / "deploy" / "postgres" / "init.sql"

IMAGE = "guildhall"
ENV_PREFIX = "GUILDHALL_"
SERVICES = ("membership", "gamification", "content")
PARTS = (*SERVICES, "gateway")  # every part has a database of its own
SETTINGS_CLASSES: tuple[type[BaseSettings], ...] = (
    KitSettings,
    MembershipSettings,
    GamificationSettings,
    ContentSettings,
    GatewaySettings,
)
ENV_VAR = re.compile(rf"\b{ENV_PREFIX}[A-Z0-9_]+")
DEFAULT_PORT = 8000


# --- the CLI ---------------------------------------------------------------------------------------------


@functools.cache
def guildhall_command() -> Command:
    # Imported here, not at the top, so that the checks that do not need the CLI still run without it.
    import guildhall.cli

    return typer.main.get_command(guildhall.cli.app)


def parse_cli(args: Sequence[str]) -> list[str]:
    """Parse ``guildhall ARGS`` as the shell would, without running anything; return the command path.

    Raises ``UsageError`` for an unknown command, option or choice, a missing argument, or extra ones.
    Typer (0.2x) carries its own copy of Click, hence ``typer._click`` rather than ``click``.
    """
    ctx: Context = guildhall_command().make_context("guildhall", list(args), resilient_parsing=False)
    path = ["guildhall"]
    while isinstance(ctx.command, TyperGroup):
        # As in Click, a group's parse leaves the subcommand's name in _protected_args and the rest in args.
        tokens = [*ctx._protected_args, *ctx.args]
        if not tokens:
            if ctx.command.invoke_without_command:
                break
            raise UsageError("Missing command.", ctx)
        name, command, rest = ctx.command.resolve_command(ctx, tokens)
        assert name is not None
        assert command is not None
        ctx = command.make_context(name, rest, parent=ctx, resilient_parsing=False)
        path.append(name)
    return path


def option_value(args: Sequence[str], option: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == option and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(f"{option}="):
            return arg.partition("=")[2]
    return None


# --- what every deployment file is reduced to ------------------------------------------------------------

Environment = Mapping[str, str | None]  # None: known only at deploy time (a shell variable, an optional secret)


@dataclass(frozen=True)
class Workload:
    """One container running the guildhall image."""

    where: str
    args: tuple[str, ...]
    env: Environment

    @property
    def command(self) -> str:
        return self.args[0] if self.args else ""

    @property
    def part(self) -> str | None:
        """The part that ``serve PART`` or ``worker PART`` runs."""
        if self.command in ("serve", "worker") and len(self.args) > 1:
            return self.args[1]
        return None

    @property
    def port(self) -> int:
        return int(option_value(self.args, "--port") or DEFAULT_PORT)


@dataclass(frozen=True)
class Stack:
    """A whole deployment: its workloads, and which one answers at each (host name, port)."""

    name: str
    workloads: tuple[Workload, ...]
    endpoints: Mapping[tuple[str, int], Workload]

    def running(self, command: str, part: str | None = None) -> list[Workload]:
        return [w for w in self.workloads if w.command == command and (part is None or w.part == part)]


def is_guildhall_image(image: object) -> bool:
    if not isinstance(image, str):
        return False
    name = image.rsplit("/", 1)[-1]
    return name.split("@")[0].split(":")[0] == IMAGE


# --- the Dockerfile ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def dockerfile_instructions(text: str) -> list[Instruction]:
    """The instructions, with continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        pending += stripped
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip() + " "
            continue
        keyword, _, arguments = pending.partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def final_stage(instructions: Sequence[Instruction]) -> list[Instruction]:
    froms = [i for i, instruction in enumerate(instructions) if instruction.keyword == "FROM"]
    return list(instructions[froms[-1] :])


def exec_form(arguments: str) -> list[str]:
    parsed = json.loads(arguments)
    assert isinstance(parsed, list), f"not in exec (JSON array) form: {arguments}"
    assert all(isinstance(item, str) for item in parsed), f"not all strings: {arguments}"
    return parsed


def last(instructions: Sequence[Instruction], keyword: str) -> Instruction:
    matching = [instruction for instruction in instructions if instruction.keyword == keyword]
    assert matching, f"the Dockerfile's final stage has no {keyword}"
    return matching[-1]


@functools.cache
def dockerfile() -> list[Instruction]:
    return dockerfile_instructions(DOCKERFILE.read_text())


def base_images(instructions: Sequence[Instruction]) -> list[str]:
    """The image each FROM starts from, with the ARG defaults declared before the first FROM filled in."""
    defaults: dict[str, str] = {}
    images: list[str] = []
    for instruction in instructions:
        if instruction.keyword == "ARG" and not images:
            name, _, default = instruction.arguments.partition("=")
            defaults[name.strip()] = default.strip()
        elif instruction.keyword == "FROM":
            image = next(token for token in instruction.arguments.split() if not token.startswith("--"))
            images.append(re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: defaults.get(m[1] or m[2], m[0]), image))
    return images


def image_default_args() -> list[str]:
    return exec_form(last(final_stage(dockerfile()), "CMD").arguments)


# --- docker-compose.yml -----------------------------------------------------------------------------------

_INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}")


def compose_value(raw: object) -> str | None:
    """A value as a container gets it when neither the shell nor .env sets anything; None if it depends on them."""
    if raw is None:
        return None
    text = str(raw).lower() if isinstance(raw, bool) else str(raw)
    unknown = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal unknown
        if match["operator"] in (":-", "-"):
            return match["argument"]
        if match["operator"] in (":+", "+"):
            return ""
        unknown = True
        return ""

    resolved = _INTERPOLATION.sub(substitute, text.replace("$$", "\0")).replace("\0", "$")
    return None if unknown else resolved


def compose_environment(environment: object) -> dict[str, str | None]:
    if isinstance(environment, list):
        env: dict[str, str | None] = {}
        for item in environment:
            key, separator, value = str(item).partition("=")
            env[key] = compose_value(value) if separator else None
        return env
    assert isinstance(environment, dict)
    return {str(key): compose_value(value) for key, value in environment.items()}


def compose_args(service: Mapping[str, Any]) -> list[str]:
    command = service.get("command")
    if command is None:
        return image_default_args()
    if isinstance(command, str):
        return shlex.split(command)
    return [str(arg) for arg in command]


@functools.cache
def compose_file() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(loaded, dict)
    return loaded


def guildhall_compose_services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = compose_file()["services"]
    return {name: service for name, service in services.items() if is_guildhall_image(service.get("image"))}


@functools.cache
def compose_stack() -> Stack:
    workloads: dict[str, Workload] = {}
    for name, service in guildhall_compose_services().items():
        assert "entrypoint" not in service, f"{name}: the image's entrypoint is `guildhall`; use command"
        workloads[name] = Workload(
            where=f"docker-compose.yml services.{name}",
            args=tuple(compose_args(service)),
            env=compose_environment(service.get("environment", {})),
        )
    # Compose's network reaches each container by its service name, on whatever port it listens.
    endpoints = {(name, w.port): w for name, w in workloads.items() if w.command == "serve"}
    return Stack("docker-compose.yml", tuple(workloads.values()), endpoints)


# --- deploy/k8s/ ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    path: Path
    doc: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.doc.get("metadata", {}).get("name", ""))

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)} {self.kind}/{self.name}"


@functools.cache
def k8s_manifests() -> tuple[Manifest, ...]:
    manifests: list[Manifest] = []
    for path in sorted([*K8S_DIR.glob("*.yaml"), *K8S_DIR.glob("*.yml")]):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                assert isinstance(doc, dict), f"{path}: a document is not a mapping"
                manifests.append(Manifest(path, doc))
    return tuple(manifests)


def k8s_resource(kind: str, name: str) -> Manifest | None:
    return next((m for m in k8s_manifests() if m.kind == kind and m.name == name), None)


def k8s_data(kind: str, name: str) -> dict[str, str] | None:
    """A ConfigMap's or Secret's keys and values, or None when the manifests do not define it."""
    resource = k8s_resource(kind, name)
    if resource is None:
        return None
    data = {key: str(value) for key, value in resource.doc.get("stringData", {}).items()}
    for key, value in resource.doc.get("data", {}).items():
        data[key] = base64.b64decode(value).decode() if kind == "Secret" else str(value)
    return data


K8S_REFERENCES = {
    "configMapRef": "ConfigMap",
    "secretRef": "Secret",
    "configMapKeyRef": "ConfigMap",
    "secretKeyRef": "Secret",
}


def k8s_reference(source: Mapping[str, Any], where: str) -> tuple[str, Mapping[str, Any]]:
    """The kind of resource an envFrom entry or a valueFrom refers to, and the reference itself."""
    for field, kind in K8S_REFERENCES.items():
        if field in source:
            return kind, source[field]
    raise AssertionError(f"{where}: unsupported environment source {source}")


def k8s_environment(container: Mapping[str, Any], where: str) -> dict[str, str | None]:
    env: dict[str, str | None] = {}
    for source in container.get("envFrom", []):
        kind, ref = k8s_reference(source, where)
        data = k8s_data(kind, ref["name"])
        assert data is not None or ref.get("optional"), f"{where}: no {kind} {ref['name']} in deploy/k8s"
        env.update({source.get("prefix", "") + key: value for key, value in (data or {}).items()})
    for item in container.get("env", []):
        name = item["name"]
        if "value" in item:
            env[name] = str(item["value"])
            continue
        value_from = item.get("valueFrom", {})
        if "fieldRef" in value_from or "resourceFieldRef" in value_from:
            env[name] = None
            continue
        kind, ref = k8s_reference(value_from, where)
        value = (k8s_data(kind, ref["name"]) or {}).get(ref["key"])
        assert value is not None or ref.get("optional"), f"{where}: {name} needs {kind} {ref['name']}.{ref['key']}"
        env[name] = value
    return env


def pod_template(manifest: Manifest) -> dict[str, Any] | None:
    spec = manifest.doc.get("spec", {})
    if manifest.kind in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        template: dict[str, Any] = spec["template"]
        return template
    if manifest.kind == "CronJob":
        cron_template: dict[str, Any] = spec["jobTemplate"]["spec"]["template"]
        return cron_template
    return None


def pod_containers(manifest: Manifest) -> Iterator[dict[str, Any]]:
    template = pod_template(manifest)
    if template is not None:
        yield from template["spec"].get("initContainers", [])
        yield from template["spec"]["containers"]


def container_port(container: Mapping[str, Any], target: int | str) -> int | None:
    if isinstance(target, int):
        return target
    return next((int(p["containerPort"]) for p in container.get("ports", []) if p.get("name") == target), None)


@functools.cache
def k8s_stack() -> Stack:
    workloads: list[Workload] = []
    # Per container: the pod labels, to find the workloads behind each Service.
    labelled: list[tuple[Mapping[str, str], Mapping[str, Any], Workload]] = []
    for manifest in k8s_manifests():
        for container in pod_containers(manifest):
            if not is_guildhall_image(container.get("image")):
                continue
            where = f"{manifest.where} container {container['name']}"
            assert container.get("command") in (None, [IMAGE]), f"{where}: the entrypoint is `guildhall`; use args"
            workload = Workload(
                where=where,
                args=tuple(str(arg) for arg in container.get("args", image_default_args())),
                env=k8s_environment(container, where),
            )
            workloads.append(workload)
            template = pod_template(manifest)
            assert template is not None
            labelled.append((template["metadata"].get("labels", {}), container, workload))

    endpoints: dict[tuple[str, int], Workload] = {}
    for service in (m for m in k8s_manifests() if m.kind == "Service"):
        selector: Mapping[str, str] = service.doc["spec"].get("selector", {})
        for port in service.doc["spec"]["ports"]:
            for labels, serving, workload in labelled:
                listening = container_port(serving, port.get("targetPort", port["port"]))
                if selector.items() <= labels.items() and listening == workload.port:
                    endpoints[(service.name, int(port["port"]))] = workload
    return Stack("deploy/k8s", tuple(workloads), endpoints)


STACKS = {"compose": compose_stack, "k8s": k8s_stack}


@pytest.fixture(params=sorted(STACKS))
def stack(request: pytest.FixtureRequest) -> Stack:
    return STACKS[request.param]()


# --- settings ---------------------------------------------------------------------------------------------


def settings_env_names() -> set[str]:
    return {ENV_PREFIX + field.upper() for cls in SETTINGS_CLASSES for field in cls.model_fields}


def database_url_var(part: str) -> str:
    return f"{ENV_PREFIX}{part.upper()}_DATABASE_URL"


def service_url_var(service: str) -> str:
    return f"{ENV_PREFIX}{service.upper()}_URL"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def files_naming_env_vars() -> list[Path]:
    return [COMPOSE_FILE, DOCKERFILE, *sorted({m.path for m in k8s_manifests()}), *ENV_EXAMPLES]


def env_example_values(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, separator, value = line.partition("=")
            assert separator, f"{path.name}: not KEY=VALUE: {line}"
            values[key.strip()] = value.strip()
    return values


# --- the checks -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["sevre", "gateway"], id="misspelled-command"),
        pytest.param(["serve", "gateway", "--prot", "8000"], id="misspelled-option"),
        pytest.param(["migrate", "now"], id="extra-argument"),
        pytest.param(["worker"], id="missing-argument"),
    ],
)
def test_the_cli_check_rejects_what_the_shell_would(args: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_cli(args)


def test_every_container_runs_a_real_guildhall_command(stack: Stack) -> None:
    assert stack.workloads, f"{stack.name}: no container runs the {IMAGE} image"
    for workload in stack.workloads:
        try:
            parse_cli(workload.args)
        except UsageError as error:
            pytest.fail(f"{workload.where}: `guildhall {shlex.join(workload.args)}`: {error.format_message()}")


def test_every_part_and_worker_runs_once(stack: Stack) -> None:
    served = sorted(w.part or "" for w in stack.running("serve"))
    workers = sorted(w.part or "" for w in stack.running("worker"))
    assert served == sorted(PARTS), f"{stack.name}: `serve` runs {served}"
    assert workers == sorted(PARTS), f"{stack.name}: `worker` runs {workers}"
    assert len(stack.running("migrate")) == 1, f"{stack.name}: expected one `migrate`"


def test_only_settings_fields_are_set() -> None:
    known = settings_env_names()
    unknown = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files_naming_env_vars()
        for name in ENV_VAR.findall(path.read_text())
        if name not in known
    }
    assert not unknown, f"not a field of any settings class: {sorted(unknown)}"


def test_env_examples_name_only_settings_fields() -> None:
    assert ENV_EXAMPLES, "deploy/env/ has no *.example file"
    known = settings_env_names()
    for path in ENV_EXAMPLES:
        keys = set(env_example_values(path))
        assert keys, f"{path.name} sets nothing"
        assert keys <= known, f"{path.name}: not settings fields: {sorted(keys - known)}"


def test_the_settings_accept_every_workloads_environment(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    for workload in stack.workloads:
        with monkeypatch.context() as patch:
            for name in [name for name in os.environ if name.startswith(ENV_PREFIX)]:
                patch.delenv(name)
            for name, value in workload.env.items():
                if value is not None:
                    patch.setenv(name, value)
            for cls in SETTINGS_CLASSES:
                try:
                    cls()
                except ValueError as error:
                    pytest.fail(f"{workload.where}: {cls.__name__} refuses its environment: {error}")


def test_every_workload_is_set_up_for_distributed_mode(stack: Stack) -> None:
    for workload in stack.workloads:
        env = workload.env
        assert env.get(f"{ENV_PREFIX}ENV") == "prod", f"{workload.where}: GUILDHALL_ENV is not prod"
        redis_url = env.get(f"{ENV_PREFIX}REDIS_URL") or ""
        assert urlsplit(redis_url).scheme in ("redis", "rediss"), f"{workload.where}: no real Redis: {redis_url!r}"
        assert f"{ENV_PREFIX}INTERNAL_SECRET" in env, f"{workload.where}: no GUILDHALL_INTERNAL_SECRET"
    secrets = {w.env.get(f"{ENV_PREFIX}INTERNAL_SECRET") for w in stack.workloads}
    assert len(secrets) == 1, f"{stack.name}: the parts do not share one internal secret"


def databases_needed(workload: Workload) -> set[str]:
    if workload.command == "migrate":
        return set(PARTS)
    return {workload.part} if workload.part else set()


def test_each_part_reaches_its_own_database_and_no_other(stack: Stack) -> None:
    for workload in stack.workloads:
        needed = databases_needed(workload)
        for part in PARTS:
            url = workload.env.get(database_url_var(part))
            if part not in needed:
                assert database_url_var(part) not in workload.env, f"{workload.where}: sees the {part} database"
                continue
            assert url, f"{workload.where}: no {database_url_var(part)}"
            assert urlsplit(url).scheme in ("postgresql", "postgres"), f"{workload.where}: not PostgreSQL: {url}"
            assert database_name(url) == part, f"{workload.where}: {database_url_var(part)} names another database"


def test_workers_run_a_part(stack: Stack) -> None:
    for workload in stack.running("worker"):
        assert workload.part in PARTS, f"{workload.where}: `worker {workload.part}` is not a part"


def test_the_gateway_reaches_each_service(stack: Stack) -> None:
    (gateway,) = stack.running("serve", "gateway")
    for service in SERVICES:
        url = gateway.env.get(service_url_var(service))
        assert url, f"{gateway.where}: no {service_url_var(service)}"
        parts = urlsplit(url)
        target = stack.endpoints.get((parts.hostname or "", parts.port or 80))
        assert target is not None, f"{gateway.where}: nothing in {stack.name} answers at {url}"
        assert target.args[:2] == ("serve", service), f"{gateway.where}: {url} reaches {target.where}"


def test_the_dockerfile_runs_the_cli() -> None:
    stage = final_stage(dockerfile())
    assert exec_form(last(stage, "ENTRYPOINT").arguments) == [IMAGE]
    assert parse_cli(image_default_args())[:2] == ["guildhall", "serve"]


def test_the_dockerfile_builds_a_cached_non_root_image() -> None:
    instructions = dockerfile()
    assert set(base_images(instructions)) == {"python:3.11-slim"}
    runs = [i.arguments for i in instructions if i.keyword == "RUN"]
    assert any("pip install" in run and "uv" in run for run in runs), "uv is not installed from PyPI"
    dependencies = next(n for n, i in enumerate(instructions) if "--no-install-project" in i.arguments)
    first_code = min(n for n, i in enumerate(instructions) if set(copy_sources(i)) & set(wheel_packages()))
    assert dependencies < first_code, "dependencies must be installed before the code is copied, for caching"
    user = last(final_stage(instructions), "USER").arguments.split(":")[0]
    assert user not in ("root", "0"), "the image runs as root"
    healthcheck = last(final_stage(instructions), "HEALTHCHECK").arguments
    assert "/healthz" in healthcheck
    assert "urllib" in healthcheck, "python:3.11-slim has no curl or wget"


def dockerignore_patterns() -> list[str]:
    lines = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "!"))]


def copy_sources(instruction: Instruction) -> list[str]:
    """What a COPY takes from the build context (nothing for COPY --from, which takes from another stage)."""
    if instruction.keyword != "COPY" or "--from=" in instruction.arguments:
        return []
    *sources, _destination = [token for token in shlex.split(instruction.arguments) if not token.startswith("--")]
    return [source.rstrip("/") for source in sources]


def wheel_packages() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages: list[str] = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    return packages


def test_the_dockerfile_copies_every_package_from_the_build_context() -> None:
    ignored = dockerignore_patterns()
    copied = [source for instruction in dockerfile() for source in copy_sources(instruction)]
    for source in copied:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), f"COPY {source}: .dockerignored"
    missing = set(wheel_packages()) - set(copied)
    assert not missing, f"pyproject.toml packages the image never copies: {sorted(missing)}"


def test_compose_starts_the_parts_in_order() -> None:
    services: dict[str, dict[str, Any]] = compose_file()["services"]
    for infrastructure in ("postgres", "redis"):
        assert "healthcheck" in services[infrastructure], f"{infrastructure} has no healthcheck to wait on"
    for name, service in guildhall_compose_services().items():
        depends_on: dict[str, dict[str, str]] = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for infrastructure in ("postgres", "redis"):
            assert depends_on.get(infrastructure, {}).get("condition") == "service_healthy", f"{name}: {infrastructure}"
        if compose_args(service)[:1] == ["migrate"]:
            assert service.get("restart") == "no", f"{name}: a one-shot must not restart"
        else:
            condition = depends_on.get("migrate", {}).get("condition")
            assert condition == "service_completed_successfully", f"{name} may start before migrations ran"


def test_compose_turns_off_the_http_healthcheck_where_nothing_serves_http() -> None:
    for name, service in guildhall_compose_services().items():
        if compose_args(service)[:1] != ["serve"]:
            assert service.get("healthcheck", {}).get("disable") is True, f"{name} would always be unhealthy"


def test_compose_creates_every_database_it_uses() -> None:
    created = set(re.findall(r"CREATE DATABASE (\w+)", POSTGRES_INIT.read_text(), flags=re.IGNORECASE))
    mounted = " ".join(compose_file()["services"]["postgres"].get("volumes", []))
    assert "deploy/postgres/init.sql:/docker-entrypoint-initdb.d/" in mounted
    used = {
        database_name(url)
        for w in compose_stack().workloads
        for part in PARTS
        if (url := w.env.get(database_url_var(part)))
    }
    assert used <= created, f"init.sql does not create {sorted(used - created)}"


def test_compose_publishes_only_the_gateway_on_localhost() -> None:
    for name, service in compose_file()["services"].items():
        ports = [str(port) for port in service.get("ports", [])]
        assert ports == (["127.0.0.1:8000:8000"] if name == "gateway" else []), f"{name} publishes {ports}"


def test_k8s_manifests_are_namespace_less_and_select_their_own_pods() -> None:
    for manifest in k8s_manifests():
        assert "namespace" not in manifest.doc.get("metadata", {}), f"{manifest.where} pins a namespace"
        template = pod_template(manifest)
        if template is not None and manifest.kind in ("Deployment", "StatefulSet", "DaemonSet"):
            selector: dict[str, str] = manifest.doc["spec"]["selector"]["matchLabels"]
            labels: dict[str, str] = template["metadata"]["labels"]
            assert selector.items() <= labels.items(), f"{manifest.where}: the selector misses its own pods"
