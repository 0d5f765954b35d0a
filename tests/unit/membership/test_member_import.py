"""Rows of a member import: what a valid row is, and every reason a row is not."""

from __future__ import annotations

from datetime import UTC, datetime

from services.membership.domain.member_import import ImportRow, RowError, parse_row, unknown_columns
from services.membership.domain.role import Role

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def test_a_full_row_becomes_an_import_row() -> None:
    row = parse_row(
        {
            "display_name": "  Li   Lei ",
            "external_ref": "crm-1",
            "role": "Admin",
            "wecom": "lilei",
            "telegram": "1001",
            "attr.region": "Shanghai",
            "tags": "ai; founder;;ai",
            "joined_at": "2024-03-01T08:00:00+08:00",
            "expires_at": "",
        },
        default_tier="lead",
        now=NOW,
    )

    assert row == ImportRow(
        display_name="Li Lei",
        external_ref="crm-1",
        tier_key="lead",
        role=Role.ADMIN,
        identities=(("telegram", "1001"), ("wecom", "lilei")),
        attributes={"region": "Shanghai", "tags": ["ai", "founder"]},
        joined_at=datetime(2024, 3, 1, tzinfo=UTC),
    )


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    errors = parse_row(
        {"display_name": "", "role": "owner", "expires_at": "2020-01-01", "joined_at": "2030-01-01", "x": "1"},
        default_tier=None,
        now=NOW,
    )

    assert isinstance(errors, list)
    assert {error.field for error in errors} == {"x", "display_name", "external_ref", "role", "joined_at", "expires_at"}


def test_a_bad_attribute_name_is_reported_as_attributes() -> None:
    errors = parse_row({"display_name": "A", "external_ref": "1", "attr.bad name": "x"}, default_tier=None, now=NOW)

    assert errors == [RowError("attributes", "attribute name 'bad name' must be 1-40 letters, digits or _")]


def test_unknown_columns_are_named() -> None:
    assert unknown_columns(["display_name", "telegram", "attr.region", "attr.", "shoe_size"]) == ["attr.", "shoe_size"]
