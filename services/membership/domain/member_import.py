"""Rows of a member import (a CSV file, one record per person): columns, and what makes a row valid.

Columns: ``display_name`` (required), ``external_ref``, ``tier`` (a tier key), ``role`` (member,
moderator, admin), one column per platform holding that platform's user id (``telegram``, ``wecom``,
...), ``attr.<name>`` for profile attributes, ``tags`` (separated by ``;``), ``joined_at`` and
``expires_at`` (ISO 8601; a date alone means midnight UTC). Empty cells count as absent.

A row needs an ``external_ref`` or a platform identity: that is how a second run of the same file
recognises the people it already imported, and skips them instead of adding them twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from services.membership.domain import member as member_rules
from services.membership.domain.role import Role

BASE_COLUMNS = ("display_name", "external_ref", "tier", "role", "tags", "joined_at", "expires_at")
ATTRIBUTE_PREFIX = "attr."
IMPORTABLE_ROLES = (Role.MEMBER, Role.MODERATOR, Role.ADMIN)
EXTERNAL_REF_MAX_LENGTH = 200


@dataclass(frozen=True)
class RowError:
    field: str
    reason: str


@dataclass(frozen=True)
class ImportRow:
    display_name: str
    external_ref: str | None = None
    tier_key: str | None = None
    role: Role = Role.MEMBER
    identities: tuple[tuple[str, str], ...] = ()  # (platform, platform user id)
    attributes: dict[str, Any] = field(default_factory=dict)
    joined_at: datetime | None = None
    expires_at: datetime | None = None


def unknown_columns(columns: Iterable[str]) -> list[str]:
    """Columns this import does not understand; a file with any is refused before anything is sent."""
    known = set(BASE_COLUMNS) | member_rules.PLATFORMS
    return [c for c in columns if c not in known and not (c.startswith(ATTRIBUTE_PREFIX) and len(c) > 5)]


def parse_row(
    record: Mapping[str, str | None], *, default_tier: str | None, now: datetime
) -> ImportRow | list[RowError]:
    """One record as a row to import, or every reason it cannot be one."""
    cells = {name.strip(): (value or "").strip() for name, value in record.items() if name}
    errors = [RowError(name, "is not a column an import understands") for name in unknown_columns(cells)]
    display_name = _clean(errors, "display_name", cells.get("display_name", ""), member_rules.clean_display_name)
    external_ref = cells.get("external_ref") or None
    if external_ref is not None and len(external_ref) > EXTERNAL_REF_MAX_LENGTH:
        errors.append(RowError("external_ref", f"must be at most {EXTERNAL_REF_MAX_LENGTH} characters"))
    identities = tuple(
        (platform, cells[platform]) for platform in sorted(member_rules.PLATFORMS) if cells.get(platform)
    )
    for platform, user_id in identities:
        if len(user_id) > 200:
            errors.append(RowError(platform, "must be at most 200 characters"))
    if external_ref is None and not identities:
        errors.append(RowError("external_ref", "needed, or a platform identity, so a re-run can recognise this person"))
    role = _role(errors, cells.get("role") or "member")
    attributes = _attributes(errors, cells)
    joined_at = _time(errors, "joined_at", cells.get("joined_at"))
    expires_at = _time(errors, "expires_at", cells.get("expires_at"))
    if joined_at is not None and joined_at > now:
        errors.append(RowError("joined_at", "is in the future"))
    if expires_at is not None and expires_at <= max(now, joined_at or now):
        errors.append(RowError("expires_at", "must be in the future (a member whose time ran out is not imported)"))
    if errors or display_name is None:
        return errors
    return ImportRow(
        display_name=display_name,
        external_ref=external_ref,
        tier_key=cells.get("tier") or default_tier,
        role=role,
        identities=identities,
        attributes=attributes,
        joined_at=joined_at,
        expires_at=expires_at,
    )


def _clean(errors: list[RowError], name: str, value: str, clean: Any) -> Any:
    try:
        return clean(value)
    except ValueError as error:
        errors.append(RowError(name, str(error)))
        return None


def _role(errors: list[RowError], value: str) -> Role:
    if value.lower() not in IMPORTABLE_ROLES:
        choices = ", ".join(IMPORTABLE_ROLES)
        errors.append(RowError("role", f"must be one of {choices} (ownership moves only by transfer)"))
        return Role.MEMBER
    return Role(value.lower())


def _attributes(errors: list[RowError], cells: Mapping[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {
        name.removeprefix(ATTRIBUTE_PREFIX): value
        for name, value in cells.items()
        if name.startswith(ATTRIBUTE_PREFIX) and value
    }
    if cells.get("tags"):
        raw["tags"] = cells["tags"].split(";")
    try:
        return member_rules.clean_attributes(raw)
    except ValueError as error:
        errors.append(RowError("attributes", str(error)))
        return {}


def _time(errors: list[RowError], name: str, value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors.append(RowError(name, "must be an ISO 8601 date or time, like 2026-03-01 or 2026-03-01T08:00:00+08:00"))
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
