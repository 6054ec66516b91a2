"""Which paths of a body a command keeps: unknown fields are ignored (README "Endpoints"), so
nothing in them, not even text no engine can store, refuses the body."""

from __future__ import annotations

from functools import cache
from typing import Any, get_args

from pydantic import BaseModel


def kept(model: type[BaseModel], path: tuple[str | int, ...]) -> bool:
    """Whether the value at `path` (object keys and list indexes from the body's root) is one
    `model` reads: every name on it a field of the model it is in (or of a model that keeps
    unknown keys, as a line item does), down to a value that is not a model (text, a list,
    free-form JSON such as metadata, kept whole). A path that ends on a model's object names
    that object's own keys (a key no engine can store is reported there): not kept unless the
    model keeps unknown keys, since every field name is plain ASCII."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return True  # inside a value kept whole
        if isinstance(part, int):
            continue  # an item of a list of models: the same model
        fields = _fields(current)
        if part not in fields:
            return _keeps_unknown(current)
        current = fields[part]
    return current is None or _keeps_unknown(current)


@cache
def _fields(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    """`model`'s fields, each with the model its value is read into (None: not a model)."""
    return {name: _model_in(field.annotation) for name, field in model.model_fields.items()}


def _keeps_unknown(model: type[BaseModel]) -> bool:
    return model.model_config.get("extra") == "allow"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field's annotation reads into, through Optional, list and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
