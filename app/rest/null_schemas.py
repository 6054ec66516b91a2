"""What the OpenAPI document says of `null`, as the API reads it (SPEC §3: an omitted or null
optional field is absent; platforms send `null` for "no value" as often as `""`).

A command field that takes `null` by a validator of its own (line items, metadata and tags
read `null` as none) is described by its type alone, without `null`: a client validating its
requests against the document refused a `null` the API takes. Here every property of a command
whose field validates `null` also allows it, found by validating `null` with the field's own
type, so a new field follows."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from app.domain.commands import Command

from .blank_schemas import commands_within

NULL = {"type": "null"}


def allow_nulls(definitions: dict[str, Any], models: list[type[Command]]) -> None:
    """Mark, in place, the schemas of `models` and of the commands within them in `definitions`
    (as `blank_schemas.allow_blanks` finds them): each property whose field takes `null`."""
    within = [model for top in models for model in commands_within(top)]
    for model in dict.fromkeys(within):
        schema = definitions.get(f"{model.__name__}-Input") or definitions.get(model.__name__)
        if schema is None:
            continue
        for name, field in model.model_fields.items():
            prop = schema["properties"][name]
            options = prop.get("anyOf", [prop])
            if NULL not in options and _takes_null(model, name, field):
                if "anyOf" in prop:
                    prop["anyOf"] = [*options, NULL]
                else:
                    described = {key: prop.pop(key) for key in ("title", "description", "default") if key in prop}
                    schema["properties"][name] = {"anyOf": [prop, NULL], **described}


def _takes_null(model: type[Command], name: str, field: FieldInfo) -> bool:
    """Whether the field `name` of `model`, validated alone, takes `null`."""
    annotated: Any = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    try:
        TypeAdapter(annotated).validate_python(None, context={"region": "FR"})
    except (ValidationError, ValueError, TypeError):
        return False
    return True
