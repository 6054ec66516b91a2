"""What the OpenAPI document says of `null`, as the API reads it (SPEC §3: an omitted or null
optional field is absent; platforms send `null` for "no value" as often as `""`).

A command field that takes `null` by a validator of its own (line items, metadata and tags
read `null` as none) is described by its type alone, without `null`: a client validating its
requests against the document refused a `null` the API takes. Here every property of a command
whose field validates `null` also allows it, found by validating `null` with the field's own
type, so a new field follows; and one whose model refuses `null` there (a cart's `status`,
`X | None` only so that it may be absent from a PATCH) does not."""

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
            if NULL in options and _refuses_null(model, name):
                others = [option for option in options if option != NULL]
                kept = {key: value for key, value in prop.items() if key not in ("anyOf", "default")}
                schema["properties"][name] = {**others[0], **kept} if len(others) == 1 else {**kept, "anyOf": others}
            elif NULL not in options and _takes_null(model, name, field):
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


def _refuses_null(model: type[Command], name: str) -> bool:
    """Whether `model` refuses `null` in the field `name` itself (a validator of the model's
    own), the other fields as they may be: an error placed on that field alone (one placed
    elsewhere, as the customer's missing phone on `customer.phone`, is not about its null)."""
    try:
        model.model_validate({name: None}, context={"region": "FR"})
    except ValidationError as exc:
        return any(tuple((error.get("ctx") or {}).get("at", error["loc"])) == (name,) for error in exc.errors())
    return False
