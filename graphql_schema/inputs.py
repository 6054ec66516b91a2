"""From GraphQL inputs to the domain: the REST field names, absent fields left out."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain.errors import ErrorCode, FieldError, NotFound, ValidationFailed
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
    command: Callable[..., Awaitable[Written]],
    *args: Any,
    backfill: bool | None = None,
) -> Written | list[UserError]:
    """Authorise the store, run the domain command, and turn its failures into userErrors.
    `backfill` is passed on unless None (a command that records no event takes none)."""
    context = info.context
    store = await context.store(store_id)
    flags = {} if backfill is None else {"backfill": backfill}
    try:
        return await command(context.db, store, *args, **flags)
    except ValidationFailed as failure:
        return user_errors(failure)
    except NotFound as missing:
        return user_errors(ValidationFailed([FieldError(("externalId",), ErrorCode.NOT_FOUND, str(missing))]), root="")
