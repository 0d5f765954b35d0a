"""The README's five-minute tour, run as written: every ```graphql block and every curl in a ```sh block of
the tour, in order, against an embedded Guildhall over HTTP (httpx, in process).

Placeholders are filled from earlier answers, so an edited example is followed rather than copied here:
- ``ghk_…`` is the platform-admin key the tour starts with;
- ``<prefix>_…`` (``cmty_…``, ``mbr_…``, ``chl_…``, any id prefix) is the id of that kind created earlier in the
  same block, else the first one of the tour (the community the tour is about);
- ``<prefix>_<key>…`` (``tier_lead…``) is the one created by an operation with ``key: "<key>"``;
- a code argument (``invitationCode: "5HYE9SCC"``) takes the last code an answer handed out.

Each answer must carry no errors and have the shape the example selects: every field named is there, and
where a selection lists typed answers (``... on CreateCommunitySuccess``) the first one is what comes back.
A query is retried for a few seconds, since the tour reads what events fill in (levels, the welcome). A block
right after a ``<!-- tour: skip -->`` line is not run.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode, parse

from guildhall.embedded import EmbeddedGuildhall
from kit.clock import ManualClock
from tests.support.guildhall import ADMIN_KEY

README = Path(__file__).parents[2] / "README.md"
TOUR_HEADING = "## A five-minute tour"
SKIP_MARKER = "<!-- tour: skip -->"
# The README's challenge starts on 2026-03-01 in Shanghai with a 05:00-08:00 window: the tour happens at 05:30
# on that first morning, so its enrollment and check-in examples answer as the README says.
TOUR_TIME = datetime(2026, 2, 28, 21, 30, tzinfo=UTC)
QUERY_PATIENCE_SECONDS = 5.0
ID = re.compile(r"^([a-z]+)_[0-9a-z]{16,}$")
PLACEHOLDER = re.compile(r"\b([a-z]+)_(\w*)…")
CODE_ARGUMENT = re.compile(r'(\w*Code):\s*"[^"]*"')
HANDED_OUT_CODE = re.compile(r"^[A-Z0-9]{6,16}$")


@dataclass(frozen=True)
class Step:
    block: int  # which block of the tour, counted from 1
    kind: str  # "graphql" or "curl"
    text: str


def tour_text(readme: str) -> str:
    start = readme.index(TOUR_HEADING)
    end = readme.find("\n## ", start + len(TOUR_HEADING))
    return readme[start : end if end != -1 else len(readme)]


def blocks_of(tour: str) -> list[tuple[str, str]]:
    """The fenced blocks of the tour, (language, body), leaving out those marked to skip."""
    found = []
    for match in re.finditer(r"^```(\w*)[^\n]*\n(.*?)^```", tour, re.M | re.S):
        before = tour[: match.start()].rstrip().rsplit("\n", 1)[-1].strip()
        if before != SKIP_MARKER:
            found.append((match.group(1), match.group(2)))
    return found


def operations_of(body: str) -> list[str]:
    """The top-level operations of a graphql block (several may follow one another; ``#`` lines are prose)."""
    text = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("#"))
    operations, i = [], 0
    while (match := re.compile(r"\b(query|mutation|subscription)\b|\{").search(text, i)) is not None:
        start, depth, j, in_string = match.start(), 0, match.start(), False
        while j < len(text):
            char = text[j]
            if in_string:
                if char == "\\":
                    j += 1
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        operations.append(text[start : j + 1].strip())
        i = j + 1
    return operations


def curls_of(body: str) -> list[str]:
    """The curl commands of a sh block, continuation lines joined, with the block's ``VAR=value`` lines
    applied (comments dropped)."""
    joined = re.sub(r"\\\n\s*", " ", body)
    commands = []
    for line in joined.splitlines():
        line = line.strip()
        if re.match(r"^[A-Z_]+=", line) or line.startswith("curl "):
            commands.append(re.sub(r"\s+#.*$", "", line) if not line.startswith("curl ") else line)
    return commands


def steps_of(readme: str) -> list[Step]:
    steps = []
    for number, (language, body) in enumerate(blocks_of(tour_text(readme)), start=1):
        if language == "graphql":
            steps += [Step(number, "graphql", op) for op in operations_of(body)]
        elif language == "sh" and "curl " in body:
            steps += [Step(number, "curl", command) for command in curls_of(body)]
    return steps


@dataclass
class Answers:
    """What earlier answers handed out, for the placeholders of later examples."""

    key: str
    first: dict[str, str] = field(default_factory=dict)  # prefix (or prefix_key) → the tour's first
    in_block: dict[int, dict[str, str]] = field(default_factory=dict)  # block → prefix → that block's last
    code: str | None = None

    def record(self, step: Step, answer: Any) -> None:
        keys = re.findall(r'\bkey:\s*"(\w+)"', step.text)
        for value, parent in _strings(answer, None):
            if (match := ID.match(value)) is not None:
                names = [match.group(1)] + [f"{match.group(1)}_{k}" for k in keys]
                for name in names:
                    self.first.setdefault(name, value)
                    self.in_block.setdefault(step.block, {})[name] = value
            elif parent == "code" and HANDED_OUT_CODE.match(value):
                self.code = value

    def fill(self, step: Step) -> str:
        def placeholder(match: re.Match[str]) -> str:
            prefix, key = match.group(1), match.group(2)
            if prefix == "ghk":
                return self.key
            name = f"{prefix}_{key}" if key else prefix
            value = self.in_block.get(step.block, {}).get(name) or self.first.get(name)
            assert value is not None, f"README tour: no earlier answer gave {match.group(0)} in\n{step.text}"
            return value

        text = PLACEHOLDER.sub(placeholder, step.text)
        if self.code is not None:
            text = CODE_ARGUMENT.sub(lambda m: f'{m.group(1)}: "{self.code}"', text)
        return text


def _strings(value: Any, parent: str | None) -> list[tuple[str, str | None]]:
    if isinstance(value, str):
        return [(value, parent)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, parent)]
    return []


def shape_problems(selection: SelectionSetNode, value: Any, path: str) -> list[str]:
    """How ``value`` differs from the shape ``selection`` shows: missing fields, a typed error, a null object."""
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in shape_problems(selection, item, f"{path}[{i}]")]
    if not isinstance(value, dict):
        return [f"{path}: expected an object, got {value!r}"]
    problems = []
    typename = value.get("__typename")
    if isinstance(typename, str) and typename.endswith("Error"):
        problems.append(f"{path}: answered {typename}: {value.get('code')} {value.get('message')}")
    fragments = [s for s in selection.selections if isinstance(s, InlineFragmentNode)]
    fields = [s for s in selection.selections if isinstance(s, FieldNode)]
    if fragments:  # the first typed answer listed is the one the README shows
        fields += [s for s in fragments[0].selection_set.selections if isinstance(s, FieldNode)]
    for node in fields:
        name = node.alias.value if node.alias else node.name.value
        if name not in value:
            problems.append(f"{path}.{name}: missing")
        elif node.selection_set is not None:
            if value[name] is None:
                problems.append(f"{path}.{name}: null")
            else:
                problems += shape_problems(node.selection_set, value[name], f"{path}.{name}")
    return problems


async def run_graphql(http: httpx.AsyncClient, query: str, *, key: str) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, f"README tour: {response.status_code} {response.text}\n{query}"
    body: dict[str, Any] = response.json()
    return body


def parse_curl(command: str, variables: dict[str, str]) -> tuple[str, dict[str, str], str]:
    """The path, headers and body of a README curl (the host is whatever the README says: we are in process)."""
    for name, value in variables.items():
        command = command.replace(f"${{{name}}}", value).replace(f"${name}", value)
    words = shlex.split(command)[1:]
    url, headers, data = None, {}, ""
    while words:
        word = words.pop(0)
        if word in ("-H", "--header"):
            name, _, value = words.pop(0).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            data = words.pop(0)
        elif word.startswith("http"):
            url = word
        else:
            assert word in ("-s", "--silent", "-S", "-f", "--fail", "-X", "POST"), f"README tour: curl {word}?"
    assert url is not None, f"README tour: a curl without a URL: {command}"
    return httpx.URL(url).raw_path.decode(), headers, data


async def answer_of(
    http: httpx.AsyncClient, step: Step, text: str, answers: Answers, env: dict[str, str]
) -> tuple[dict[str, Any], str]:
    """The answer to one step, and the GraphQL query it sent."""
    if step.kind == "graphql":
        return await run_graphql(http, text, key=answers.key), text
    path, headers, data = parse_curl(text, env)
    response = await http.post(path, content=data.encode(), headers=headers)
    assert response.status_code == 200, f"README tour: {response.status_code} {response.text}\n{text}"
    body: dict[str, Any] = response.json()
    query: str = json.loads(data)["query"]
    return body, query


def test_the_tour_is_found_in_the_readme() -> None:
    steps = steps_of(README.read_text())
    names = [re.search(r"\{\s*(\w+)", s.text).group(1) for s in steps if s.kind == "graphql"]  # type: ignore[union-attr]

    assert names[:2] == ["createCommunity", "community"]
    assert {"createTier", "join", "entitlement", "confirmPayment", "createChallenge", "checkIn"} <= set(names)
    assert [s.kind for s in steps].count("curl") >= 1


# The tour is what ./scripts/dev runs: SQLite and the in-process Redis (the other backends have their own tests).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_readme_tour_answers_as_the_readme_shows(guildhall: EmbeddedGuildhall) -> None:
    guildhall.clocks.default = ManualClock(TOUR_TIME)
    answers, env = Answers(key=ADMIN_KEY), {}
    async with guildhall.client() as http:
        for step in steps_of(README.read_text()):
            text = answers.fill(step)
            if step.kind == "curl" and not text.startswith("curl "):
                name, _, value = text.partition("=")
                env[name] = value.strip()
                continue
            deadline = asyncio.get_running_loop().time() + QUERY_PATIENCE_SECONDS
            while True:
                body, query = await answer_of(http, step, text, answers, env)
                [operation] = [d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode)]
                problems = [f"errors: {body['errors']}"] if body.get("errors") else []
                problems += shape_problems(operation.selection_set, body.get("data"), "data")
                retry = operation.operation.value == "query" and asyncio.get_running_loop().time() < deadline
                if not problems or not retry:
                    break
                await asyncio.sleep(0.05)
            assert not problems, f"README tour, block {step.block}:\n{text}\n→ {body}\n" + "\n".join(problems)
            answers.record(step, body)
