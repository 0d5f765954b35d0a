"""Member imports: a file's rows as the service takes them, and the report of what each row became."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kit.errors import FieldError
from kit.types import INT32_MAX

# How many rows one import call may carry; a larger file is sent in several calls.
MAX_BATCH_ROWS = 500


class ImportRecord(BaseModel):
    """One row of the file as it was read: its number (for the report) and its cells by column name."""

    model_config = ConfigDict(extra="forbid")

    row: int = Field(ge=1, le=INT32_MAX)
    fields: dict[str, str | None]


class MemberImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[ImportRecord] = Field(min_length=1, max_length=MAX_BATCH_ROWS)
    tier: str | None = Field(default=None, description="the tier key for rows that name none")
    dry_run: bool = Field(default=False, description="check every row, keep nothing")
    acting_member_id: str | None = None


class ImportRowRead(BaseModel):
    row: int
    status: Literal["created", "skipped", "failed", "valid"]
    member_id: str | None
    errors: list[FieldError]


class MemberImportResult(BaseModel):
    created: int
    skipped: int
    failed: int
    valid: int
    results: list[ImportRowRead]
