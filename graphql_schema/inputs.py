"""From GraphQL inputs to domain commands: the REST field names, absent fields left out."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain.commands import Command, validate
from app.domain.errors import ErrorCode, FieldError, NotFound, ValidationFailed
from app.observability import writes
from app.services import batches
from app.services.results import Written

from .context import Context
from .errors import UserError, bad_input, user_errors

Backfill = Annotated[
    bool,
    strawberry.argument(description="A historical import: stored, its events recorded but never delivered."),
]
# A mutation's `input` and a batch's `inputs`: `input: Annotated[OrderInput, INPUT]`.
INPUT = strawberry.argument(description="The record to write: REST's fields, camelCased.")
INPUTS = strawberry.argument(
    description=f"The records to write, 1 to {batches.MAX_ITEMS:,}, each as the single mutation takes it; each is "
    "written or refused on its own, as REST's batches are."
)
WrittenExternalId = Annotated[
    str, strawberry.argument(description="The external id of the record to change, as REST's path names it.")
]


def created_field() -> Any:
    """A payload's `created`: true for a new record (REST's 201), false for one replaced (200)."""
    return strawberry.field(
        description="True when the record was new (REST's 201), false when it replaced one (200); null when refused"
    )


def stale_field() -> Any:
    """A payload's `stale` (README, "Stale and out-of-order writes")."""
    return strawberry.field(
        description="True when the write was older than the stored record: nothing written, the stored record back"
    )


def user_errors_field() -> Any:
    """A payload's `userErrors`: why the input was refused, empty when it was written."""
    return strawberry.field(description="Why the input was refused, one per field; empty when it was written")


class InputView(Mapping[str, Any]):
    """A strawberry input seen as the mapping of the fields it was given: an UNSET field is
    absent, an explicit null is None (so a PATCH tells "leave alone" from "clear"). Nested inputs
    are seen the same way. The command models validate this view directly, as they validate a
    REST body: no copy into a dict on the way."""

    __slots__ = ("_input", "_given")

    def __init__(self, value: Any):
        self._input = value
        self._given = tuple(
            item.name for item in dataclasses.fields(value) if getattr(value, item.name) is not strawberry.UNSET
        )

    def __getitem__(self, name: str) -> Any:
        if name not in self._given:
            raise KeyError(name)
        return _viewed(getattr(self._input, name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._given)

    def __len__(self) -> int:
        return len(self._given)


def _viewed(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return InputView(value)
    if isinstance(value, list):
        return [_viewed(item) for item in value]
    return value


async def run_command(
    info: Info[Context, None],
    store_id: strawberry.ID,
    model: type[Command],
    input: Any,
    service: Callable[..., Awaitable[Written[Any]]],
    *args: Any,
    backfill: bool | None = None,
) -> Written[Any] | list[UserError]:
    """Authorise the store, build the command `model` from the input here at the edge (the same
    `validate` as REST: the same error list), run the service with `(*args, command)`, and turn
    expected failures into userErrors. `backfill` is passed on unless None (a service that
    records no event takes none)."""
    context = info.context
    store = await context.store(store_id)
    flags = {} if backfill is None else {"backfill": backfill}
    try:
        with writes.Refusals(model):
            command = validate(model, InputView(input), store.region)
            result = await service(context.db, store, *args, command, **flags)
            context.wrote()
    except ValidationFailed as failure:
        return user_errors(failure, given=input)
    except NotFound as missing:
        return user_errors(ValidationFailed([FieldError(("externalId",), ErrorCode.NOT_FOUND, str(missing))]), root="")
    writes.written(result)
    return result


async def run_batch(
    info: Info[Context, None], store_id: strawberry.ID, kind: batches.Kind, inputs: list[Any], backfill: bool
) -> list[Written[Any] | list[UserError]]:
    """Authorise the store and write `inputs` as the REST batch does (`app.services.batches`):
    one outcome per input, in order, a refused one as userErrors under `[inputs, index]`. An
    empty list or one over `batches.MAX_ITEMS` is a BAD_USER_INPUT error naming `inputs`."""
    context = info.context
    store = await context.store(store_id)
    try:
        items = batches.check_items(list(inputs), "inputs")
    except ValidationFailed as failure:
        raise bad_input(failure) from None
    results = await batches.write_batch(context.db, store, kind, [InputView(item) for item in items], backfill)
    context.wrote()
    return [
        user_errors(outcome, ["inputs", str(result.index)], given=items[result.index])
        if isinstance(outcome, ValidationFailed)
        else batches.with_record(outcome)
        for result in results
        for outcome in (result.outcome,)
    ]
