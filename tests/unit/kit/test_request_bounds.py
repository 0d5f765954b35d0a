"""Every integer a service accepts is bounded by its column's width, and a field's own bounds are not lost to
``Int32``/``Int64``: money in minor units and points are 64-bit (ADR 0029), everything else 32-bit."""

from __future__ import annotations

import importlib
import pathlib
import re
import types
import typing

from pydantic import BaseModel

from kit.types import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN

ROOT = pathlib.Path(__file__).resolve().parents[3]
# The REST bodies: the contracts' (ADR 0036; their events are no request) and what the services keep in schemas/.
SCHEMAS = sorted(
    [*(p for p in ROOT.glob("contracts/*/*.py") if p.name != "events.py"), *ROOT.glob("services/*/api/schemas/*.py")]
)
ANSWERS = ("Read", "Page", "Result", "Out", "Report", "Advanced", "Batch")
# Request fields that land in a ``BigInteger`` column (or, for the deposit preview, stand for one): money in minor
# units and points. Counts, days, ranks, seconds and the like stay 32-bit.
WIDE = {
    "ChallengeCreate.stake_amount",
    "StakeConfirm.amount",
    "PayoutCreate.amount",
    "DepositPreviewCreate.stake_amount",
    "GrantCreate.points",
    "SpendCreate.points",
    "CorrectionCreate.points",
    "LevelIn.threshold",
    "ProbeCreate.points_per_claim",
    "RewardCreate.cost",
    "RuleCreate.points",
    "RuleCreate.daily_cap",
    "RuleUpdate.points",
    "RuleUpdate.daily_cap",
    "SurpriseRuleCreate.bonus",
    "SurpriseRuleCreate.daily_budget",
    "PaymentCreate.amount",
    "TierCreate.price_amount",
    "TierUpdate.price_amount",
}


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
    if typing.get_origin(annotation) is typing.Annotated:
        return is_int(typing.get_args(annotation)[0])
    if annotation is int:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(is_int(arg) for arg in typing.get_args(annotation))
    return False


def bounds(schema: dict[str, typing.Any]) -> tuple[int | None, int | None]:
    branch = next((b for b in schema.get("anyOf", [schema]) if b.get("type") == "integer"), schema)
    low = branch.get("minimum", None if "exclusiveMinimum" not in branch else branch["exclusiveMinimum"] + 1)
    high = branch.get("maximum", None if "exclusiveMaximum" not in branch else branch["exclusiveMaximum"] - 1)
    return low, high


def test_no_field_gives_its_own_bounds_next_to_int32_or_int64() -> None:
    # pydantic lets Int32's bounds replace the field's, so ``Int32 = Field(ge=1)`` would accept 0.
    mixed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SCHEMAS
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bInt(32|64)\b", line) and re.search(r"Field\(.*\b(ge|gt|le|lt)=", line)
    ]
    assert mixed == []


def request_integers() -> dict[str, tuple[int | None, int | None]]:
    found = {}
    for model in request_models():
        properties = model.model_json_schema()["properties"]
        for name, field in model.model_fields.items():
            if is_int(field.annotation):
                found[f"{model.__name__}.{name}"] = bounds(properties[field.alias or name])
    return found


def test_every_request_integer_is_bounded_by_its_column() -> None:
    integers = request_integers()
    unbounded = []
    for name, (low, high) in integers.items():
        floor, ceiling = (INT64_MIN, INT64_MAX) if name in WIDE else (INT32_MIN, INT32_MAX)
        if low is None or high is None or low < floor or high > ceiling:
            unbounded.append(f"{name}: {low}..{high}")
    assert integers, "no request models found"
    assert unbounded == []


def test_money_and_point_fields_take_64_bits() -> None:
    integers = request_integers()
    assert integers.keys() >= WIDE, "a wide field was renamed or removed"
    narrow = [f"{name}: ..{integers[name][1]}" for name in sorted(WIDE) if integers[name][1] != INT64_MAX]
    assert narrow == []
