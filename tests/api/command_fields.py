"""The fields of the write commands that hold one field type (tags, ids), found by walking the
models, so that a table test covering that type fails when a new such field is added."""

from __future__ import annotations

import json
from typing import Any, get_args

from pydantic import BaseModel

from app.domain.commands import nested_commands


def fields_of_type(model: type[BaseModel], field_type: Any, prefix: str = "") -> set[str]:
    """The dotted paths (`customer.tags`) of `model`'s fields of `field_type` (an Annotated type
    with a validator of its own), optional or not, in its nested commands too: the fields
    validated by `field_type`'s validators."""
    marks = _validators(field_type.__metadata__)
    found = set()
    for name, field in model.model_fields.items():
        metadata = [*field.metadata, *(item for arg in get_args(field.annotation) for item in _metadata(arg))]
        if marks <= _validators(metadata):
            found.add(prefix + name)
    for name, nested in nested_commands(model):
        found |= fields_of_type(nested, field_type, f"{prefix}{name}.")
    return found


_SENTINEL = "__THE_VALUE__"


def with_raw(body: dict[str, Any], field: str, text: str) -> str:
    """`body` as JSON text with the raw JSON `text` at `field` (dotted: `customer.tags`), so that
    a number keeps the form it is written in (`1e3`, `1.0`)."""
    changed = json.loads(json.dumps(body))
    *parents, name = field.split(".")
    place = changed
    for parent in parents:
        place = place[parent]
    place[name] = _SENTINEL
    return json.dumps(changed).replace(f'"{_SENTINEL}"', text)


def _metadata(annotation: Any) -> tuple[Any, ...]:
    return getattr(annotation, "__metadata__", ())


def _validators(metadata: Any) -> set[Any]:
    return {item.func for item in metadata if callable(getattr(item, "func", None))}
