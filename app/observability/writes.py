"""Records written, counted once per command at the two edges that run commands (REST's
`app.rest.routes`, GraphQL's `graphql_schema.inputs.run_command`), from what the service
returned (`written`) or from the refusal of its input (`Refusals`: a ValidationFailed, which
REST answers 422 and GraphQL as userErrors).

The outcome of a `Written`: `stale` (older than the stored record, nothing written),
`created`, `unchanged` (a replay that changed nothing) or `updated`. The resource is named
from the record's type (`Order` -> `order`)."""

from __future__ import annotations

from typing import Any, Protocol

from app.domain.errors import ValidationFailed

from . import facts, metrics


class Written(Protocol):
    """What `app.services.results.Written` holds (this layer is below the services)."""

    @property
    def record(self) -> Any: ...
    @property
    def created(self) -> bool: ...
    @property
    def stale(self) -> bool: ...
    @property
    def unchanged(self) -> bool: ...


# Every outcome, in the order the request log lists them (README, "Metrics").
OUTCOMES = ("created", "updated", "unchanged", "stale", "rejected")
_RESOURCES: dict[type, str] = {}


def outcome(result: Written) -> str:
    if result.stale:
        return "stale"
    if result.created:
        return "created"
    return "unchanged" if result.unchanged else "updated"


def resource_of(record_type: type) -> str:
    """`Order` -> `order`, `Customer` -> `customer` (the record types of `app.domain.records`)."""
    name = _RESOURCES.get(record_type)
    if name is None:
        name = _RESOURCES[record_type] = record_type.__name__.lower()
    return name


def written(result: Written, resource: str | None = None) -> None:
    """Count a command's stored (or stale) record and note it for the request's log line, as
    `resource` (`command_resource`: a batch's, whose records may not be built) or else as its
    record's type names it."""
    resource, happened = resource or resource_of(type(result.record)), outcome(result)
    metrics.count_record(resource, happened)
    facts.note_record(resource, happened)


def command_resource(model: type) -> str:
    """`OrderInput`, `OrderUpdate` -> `order` (the commands of `app.domain.commands`)."""
    name = _RESOURCES.get(model)
    if name is None:
        name = _RESOURCES[model] = model.__name__.removesuffix("Input").removesuffix("Update").lower()
    return name


def rejected(model: type) -> None:
    """Count a command of type `model` whose input was refused (422, or GraphQL userErrors):
    nothing written."""
    resource = command_resource(model)
    metrics.count_record(resource, "rejected")
    facts.note_record(resource, "rejected")


class Refusals:
    """`with Refusals(model):` around building and running a command: a ValidationFailed
    raised inside (by `validate`, or by the service) is counted as `rejected`, then goes on."""

    __slots__ = ("model",)

    def __init__(self, model: type):
        self.model = model

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if kind is not None and issubclass(kind, ValidationFailed):
            rejected(self.model)
