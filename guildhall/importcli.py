"""``guildhall import members``: a CSV file into a community, through the membership service's REST API.

The rows go in batches to ``POST /v1/communities/{id}/members:import`` — the same endpoint, checks and
transaction per batch as any other caller — signed as Guildhall itself (the internal principal).
With ``GUILDHALL_MEMBERSHIP_URL`` set (distributed mode) that is the running service; without it
(embedded mode) the service runs inside this command over the data directory's database (ADR 0011).
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gateway.settings import GatewaySettings
from guildhall.parts import SERVICES
from kit.auth import PRINCIPAL_HEADER, SYSTEM, sign_principal
from kit.migrations import upgrade
from services.membership.domain.member_import import unknown_columns


class ImportRefused(Exception):
    """The file or the batch as a whole cannot be imported; nothing (more) was sent."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    failed: int = 0
    valid: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """The file's records numbered as a spreadsheet shows them (the header is row 1)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [name.strip() for name in reader.fieldnames or []]
            if "display_name" not in columns:
                raise ImportRefused(f"{path}: the header needs a display_name column (found: {', '.join(columns)})")
            if unknown := unknown_columns(columns):
                raise ImportRefused(f"{path}: unknown columns {', '.join(unknown)}")
            rows, problems = [], []
            for record in reader:
                number = reader.line_num
                if None in record:
                    problems.append(RowProblem(number, "row", "has more cells than the header has columns"))
                    continue
                rows.append((number, {name: value or "" for name, value in record.items() if name is not None}))
    except UnicodeDecodeError:
        raise ImportRefused(f"{path}: not UTF-8 text (save the sheet as CSV UTF-8)") from None
    return rows, problems


@asynccontextmanager
async def membership_http() -> AsyncIterator[httpx.AsyncClient]:
    settings = GatewaySettings()
    headers = {PRINCIPAL_HEADER: sign_principal(SYSTEM, settings.internal_secret.get_secret_value())}
    if settings.membership_url:
        async with httpx.AsyncClient(base_url=settings.membership_url, headers=headers, timeout=120) as http:
            yield http
        return
    part = SERVICES["membership"]
    service_settings = part.settings()
    await upgrade("membership", part.database_url(service_settings))
    app = part.build(service_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://membership", headers=headers) as http:
            yield http


async def import_members(
    http: httpx.AsyncClient,
    rows: list[tuple[int, dict[str, str]]],
    *,
    community_id: str,
    tier: str | None,
    dry_run: bool,
    batch_size: int,
    on_batch: Callable[[int], None] = lambda _: None,
) -> ImportReport:
    report = ImportReport()
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        body: dict[str, Any] = {"rows": [{"row": n, "fields": cells} for n, cells in batch], "dry_run": dry_run}
        if tier is not None:
            body["tier"] = tier
        response = await http.post(f"/v1/communities/{community_id}/members:import", json=body)
        if response.is_error:
            raise ImportRefused(_problem_text(response))
        result = response.json()
        for name in ("created", "skipped", "failed", "valid"):
            setattr(report, name, getattr(report, name) + result[name])
        for row in result["results"]:
            report.problems += [RowProblem(row["row"], e["field"], e["reason"]) for e in row["errors"]]
        on_batch(len(batch))
    return report


def write_problems(path: Path, problems: list[RowProblem]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "field", "reason"])
        writer.writerows([problem.row, problem.field, problem.reason] for problem in problems)


def _problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"membership answered {response.status_code}: {response.text[:200]}"
    return f"{body.get('code', response.status_code)}: {body.get('detail') or body.get('title')}"
