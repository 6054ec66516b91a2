"""The fields of the write commands that hold one field type (tags, ids), found by walking the
models, so that a table test covering that type fails when a new such field is added."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel

from app.domain.commands import nested_commands


def fields_of_type(model: type[BaseModel], field_type: Any, prefix: str = "") -> set[str]:
    """The dotted paths (`customer.tags`) of `model`'s fields of `field_type`, optional or not,
    in its nested commands too."""
    found = set()
    for name, field in model.model_fields.items():
        annotation = field.rebuild_annotation()
        if field_type in (annotation, *get_args(annotation)):
            found.add(prefix + name)
    for name, nested in nested_commands(model):
        found |= fields_of_type(nested, field_type, f"{prefix}{name}.")
    return found
