"""Opaque cursors and pages over id-ordered rows (kit/pagination.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.errors import FieldError, InvalidInput
from kit.pagination import Page, PageRequest, decode_cursor, encode_cursor


@given(st.text(min_size=1))
def test_a_cursor_decodes_to_the_key_it_was_made_from(key: str) -> None:
    cursor = encode_cursor(key)

    assert decode_cursor(cursor) == key


@given(st.text())
def test_a_cursor_is_safe_in_a_url_without_escaping(key: str) -> None:
    cursor = encode_cursor(key)

    assert re.fullmatch(r"[A-Za-z0-9_-]*", cursor), cursor


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not a cursor", id="words"),
        pytest.param("a", id="one-character"),
        pytest.param("abcde", id="impossible-length"),
        pytest.param("_w", id="not-utf8"),
        pytest.param("!!!!", id="no-base64-characters"),
        pytest.param("ab!c", id="stray-character"),
        pytest.param("\u00e9t\u00e9", id="non-ascii"),
    ],
)
def test_a_garbage_cursor_is_refused_naming_the_cursor_field(cursor: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        decode_cursor(cursor)

    assert raised.value.errors == [FieldError(field="cursor", reason="is not a cursor this API returned")]
    assert raised.value.status == 422


def test_a_full_page_with_one_extra_row_points_at_its_last_item() -> None:
    rows = ["id_1", "id_2", "id_3", "id_4"]

    page = Page.from_rows(rows, page=PageRequest(after=None, limit=3), key=str)

    assert page.items == ["id_1", "id_2", "id_3"]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor) == "id_3"


@pytest.mark.parametrize("row_count", [0, 1, 3])
def test_a_page_with_no_more_rows_than_the_limit_is_the_last(row_count: int) -> None:
    rows = [f"id_{n}" for n in range(row_count)]

    page = Page.from_rows(rows, page=PageRequest(after=None, limit=3), key=str)

    assert page.items == rows
    assert page.next_cursor is None


def test_the_cursor_is_made_from_the_key_of_the_last_item() -> None:
    rows = [{"id": "cmty_b", "name": "B"}, {"id": "cmty_c", "name": "C"}]

    page = Page.from_rows(rows, page=PageRequest(after="cmty_a", limit=1), key=lambda row: row["id"])

    assert page.items == [{"id": "cmty_b", "name": "B"}]
    assert page.next_cursor == encode_cursor("cmty_b")
