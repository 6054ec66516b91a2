"""Building GraphQL objects from read-side rows."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")  # strawberry types are dataclasses


def from_row(cls: type[T], row: dict[str, Any]) -> T:
    """Fill a strawberry type's fields (and private fields) from the row's columns of the same name."""
    return cls(**{field.name: row.get(field.name) for field in dataclasses.fields(cls) if field.init})
