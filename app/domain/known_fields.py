"""Which paths of a body a command keeps: unknown fields are ignored (README "Endpoints"), so
nothing in them, not even text no engine can store, refuses the body."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel


def kept(model: type[BaseModel], path: tuple[str | int, ...]) -> bool:
    """Whether the value at `path` (object keys and list indexes from the body's root) is one
    `model` reads: every name on it a field of the model it is in, or another name it reads
    into one (`Command.other_names`: WooCommerce's `address_1`, Magento's `street`) or into
    another command's (`Command.read_elsewhere`: Magento's `customer_email`), or any key of a
    model that keeps unknown keys (a line item), down to a value that is not a model (text, a list,
    free-form JSON such as metadata, kept whole). A path that ends on a model's object names
    that object's own keys (a key no engine can store is reported there): not kept unless the
    model keeps unknown keys, since every field name is plain ASCII."""
    found, current = _walk(model, path)
    return found if current is None else _keeps_unknown(current)


def names_a_field(model: type[BaseModel], path: tuple[str | int, ...]) -> bool:
    """Whether `path` names something `model` reads, as `kept` says, or a field whose value is
    a model (`customer`: a value there is read, and refused unless an object): a generic CSV's
    column that no field reads is left out (`app.imports.sources.columns_left_out`)."""
    found, _current = _walk(model, path)
    return found


def _walk(model: type[BaseModel], path: tuple[str | int, ...]) -> tuple[bool, type[BaseModel] | None]:
    """(whether every name on `path` is read, the model the path ends on: None for a value
    that is not one)."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return True, None  # inside a value kept whole
        if isinstance(part, int):
            continue  # an item of a list of models: the same model
        fields = _fields(current)
        name = part if part in fields else _other_names(current).get(part)
        if name is None:  # read into another command's field (`customer_email`), or unknown
            return part in getattr(current, "read_elsewhere", ()) or _keeps_unknown(current), None
        current = fields[name]
    return True, current


def read_as(model: type[BaseModel], path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """`path` with each other name (`Command.other_names`) replaced by the field it is read
    into: where the field's own errors are placed (`shipping_address.state` is read as
    `shipping_address.province`). What is below an other name that is read into text is that
    field's (`billing_address.region.region`, Magento's region object, is
    `billing_address.province`), and a line of a name holding lines (`Command.other_lines`) is
    the field that line is read into (`billing_address.street.1` is `billing_address.address2`)."""
    current: type[BaseModel] | None = model
    read: list[str | int] = []
    for index, part in enumerate(path):
        if current is None or not isinstance(part, str):  # inside a value kept whole, a list index
            read.append(part)
            continue
        fields = _fields(current)
        if part in fields:
            current = fields[part]
            read.append(part)
            continue
        lines = getattr(current, "other_lines", {}).get(part)
        below = path[index + 1 :]
        if lines and below and isinstance(below[0], int):
            return (*read, lines[min(below[0], len(lines) - 1)])
        name = _other_names(current).get(part)
        if name is None:  # an unknown key: as sent
            return (*read, *path[index:])
        current = fields[name]
        read.append(name)
        if current is None:
            return tuple(read)
    return tuple(read)


def _other_names(model: type[BaseModel]) -> Mapping[str, str]:
    names: Mapping[str, str] = getattr(model, "other_names", {})
    return names


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
