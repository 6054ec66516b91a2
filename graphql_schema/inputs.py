"""From GraphQL inputs to the domain: the REST field names, absent fields left out."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain.commands import Command, validate
from app.domain.errors import FieldError, NotFound, ValidationFailed
from app.services.results import Written

from .context import Context
from .errors import UserError, user_errors

Backfill = Annotated[
    bool,
    strawberry.argument(description="A historical import: stored, its events recorded but never delivered."),
]


def input_data(value: Any) -> Any:
    """A strawberry input as the dict REST would have received (UNSET fields omitted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: input_data(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) is not strawberry.UNSET
        }
    if isinstance(value, list):
        return [input_data(item) for item in value]
    return value


async def run_command(
    info: Info[Context, None],
    store_id: strawberry.ID,
    model: type[Command],
    input: Any,
    service: Callable[..., Awaitable[Written[Any]]],
    *args: Any,
    backfill: bool = False,
) -> Written[Any] | list[UserError]:
    """Authorise the store, build the command `model` from the input here at the edge (the same
    `validate` as REST: the same error list), run the service with `(*args, command)`, and turn
    expected failures into userErrors."""
    context = info.context
    store = await context.store(store_id)
    try:
        command = validate(model, input_data(input), store.region)
        return await service(context.db, store, *args, command, backfill=backfill)
    except ValidationFailed as failure:
        return user_errors(failure)
    except NotFound as missing:
        return user_errors(ValidationFailed([FieldError(("externalId",), "not_found", str(missing))]), root="")
