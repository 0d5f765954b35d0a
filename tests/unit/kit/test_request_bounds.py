"""Every integer a service accepts is bounded by its column, and a field's own bounds are not lost to ``Int32``."""

from __future__ import annotations

import importlib
import pathlib
import re
import types
import typing

from pydantic import BaseModel

from kit.types import INT32_MAX, INT32_MIN

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCHEMAS = sorted(ROOT.glob("services/*/api/schemas/*.py"))
ANSWERS = ("Read", "Page", "Result", "Out", "Report", "Advanced", "Batch")


def request_models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for path in SCHEMAS:
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and not value.__name__.endswith(ANSWERS)
            ):
                found.append(value)
    return found


def is_int(annotation: object) -> bool:
    if annotation is int:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(arg is int for arg in typing.get_args(annotation))
    return False


def bounds(schema: dict[str, typing.Any]) -> tuple[int | None, int | None]:
    branch = next((b for b in schema.get("anyOf", [schema]) if b.get("type") == "integer"), schema)
    low = branch.get("minimum", None if "exclusiveMinimum" not in branch else branch["exclusiveMinimum"] + 1)
    high = branch.get("maximum", None if "exclusiveMaximum" not in branch else branch["exclusiveMaximum"] - 1)
    return low, high


def test_no_field_gives_its_own_bounds_next_to_int32() -> None:
    # pydantic lets Int32's bounds replace the field's, so ``Int32 = Field(ge=1)`` would accept 0.
    mixed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SCHEMAS
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bInt32\b", line) and re.search(r"Field\(.*\b(ge|gt|le|lt)=", line)
    ]
    assert mixed == []


def test_every_request_integer_is_bounded_by_its_column() -> None:
    unbounded = []
    for model in request_models():
        properties = model.model_json_schema()["properties"]
        for name, field in model.model_fields.items():
            if not is_int(field.annotation):
                continue
            low, high = bounds(properties[field.alias or name])
            if low is None or high is None or low < INT32_MIN or high > INT32_MAX:
                unbounded.append(f"{model.__name__}.{name}: {low}..{high}")
    assert request_models(), "no request models found"
    assert unbounded == []
