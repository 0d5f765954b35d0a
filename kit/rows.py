"""Table-model instances built from a row's values, for rows nothing will add to a session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy.orm import configure_mappers
from sqlmodel import SQLModel

M = TypeVar("M", bound=SQLModel)


def detached(model: type[M], values: Mapping[str, Any]) -> M:
    """An instance of ``model`` holding ``values`` (every field, no defaults filled in), outside any session.

    A table model's ``__init__`` sends every value through the ORM's attribute events and pydantic's field
    handling, about 40 µs for a dozen columns; this sets the instance's state and fields directly, about 5 µs.
    It reads, changes and dumps like a constructed one. For rows a driver statement read or will write (the
    check-in path builds three of them per request); anything to be added to a session is constructed."""
    if values.keys() != model.model_fields.keys():
        raise ValueError(f"{model.__name__}: values for exactly its fields are needed, got {sorted(values)}")
    if not model.__mapper__.configured:  # type: ignore[attr-defined]
        configure_mappers()  # what a first __init__ would have done: the attributes' implementations
    instance: M = model.__new__(model)
    model._sa_class_manager._new_state_if_none(instance)  # type: ignore[attr-defined]
    instance.__dict__.update(values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    return instance
