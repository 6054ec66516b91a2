"""Command models: the one place input is validated (REST and GraphQL both call `validate`).

The same models generate the OpenAPI request schemas.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from . import records
from .errors import ErrorCode, FieldError, ValidationFailed
from .text import unsafe_text_errors
from .types import (
    CartStatusChoice,
    Count,
    CurrencyCode,
    Email,
    ExternalId,
    HttpUrl,
    LineItems,
    Metadata,
    MetadataPatch,
    Money,
    PhoneNumber,
    ShipmentStatusChoice,
    Status,
    Tags,
    Text,
    UtcDateTime,
    currency_in_context,
)


# The source's last-modified time: a write older than the stored one is stale (rules/stale_writes).
def _source_updated_at() -> Any:
    return Field(
        default=None,
        description="The source's last-modified time (RFC 3339): a write older than the stored one changes nothing",
    )


class Command(BaseModel):
    # Unknown fields are ignored for forward compatibility; known fields a PATCH may not
    # change (readonly_fields) are rejected.
    model_config = ConfigDict(extra="ignore", frozen=True)
    readonly_fields: ClassVar[frozenset[str]] = frozenset()


class CustomerInput(Command):
    external_id: ExternalId | None = None
    phone: PhoneNumber
    first_name: Text | None = None
    last_name: Text | None = None
    email: Email | None = None
    locale: str | None = Field(default=None, max_length=10)
    tags: Tags | None = None
    lifetime_value: Count | None = None
    orders_count: Count | None = None
    updated_at: UtcDateTime | None = _source_updated_at()  # unused on a customer embedded in an order or cart


class Priced(Command):
    """An order or a cart: its amounts are checked against its currency's minor unit."""

    @model_validator(mode="before")
    @classmethod
    def _note_currency(cls, data: Any, info: ValidationInfo) -> Any:
        currency_in_context(data, info)
        return data


class OrderInput(Priced):
    external_id: ExternalId
    placed_at: UtcDateTime
    total_price: Money
    currency: CurrencyCode | None = None
    financial_status: Status | None = None
    fulfillment_status: Status | None = None
    customer: CustomerInput
    line_items: LineItems = []
    tags: Tags = []
    metadata: Metadata = {}
    updated_at: UtcDateTime | None = _source_updated_at()


class ShipmentInput(Command):
    external_id: ExternalId
    order_external_id: ExternalId
    tracking_number: Text | None = None
    tracking_url: HttpUrl | None = None
    carrier: Text | None = None
    status: ShipmentStatusChoice | None = None
    metadata: Metadata = {}
    updated_at: UtcDateTime | None = _source_updated_at()


class CartInput(Priced):
    external_id: ExternalId
    abandoned_at: UtcDateTime
    total_price: Money
    currency: CurrencyCode | None = None
    recovery_url: HttpUrl | None = None
    customer: CustomerInput
    line_items: LineItems = []
    tags: Tags = []
    metadata: Metadata = {}
    updated_at: UtcDateTime | None = _source_updated_at()


class OrderUpdate(Command):
    """PATCH: only the fields present change; `fields_set` tells absent from explicit null."""

    financial_status: Status | None = None
    fulfillment_status: Status | None = None
    tags: Tags | None = None
    metadata: MetadataPatch | None = Field(default=None, description="JSON merge patch (RFC 7386)")
    updated_at: UtcDateTime | None = _source_updated_at()


class CartUpdate(Command):
    status: CartStatusChoice | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status_not_null(cls, value: Any) -> Any:
        if value is None:
            raise PydanticCustomError(ErrorCode.REQUIRED, "The status cannot be null.")
        return value

    recovery_url: HttpUrl | None = None
    tags: Tags | None = None
    metadata: MetadataPatch | None = Field(default=None, description="JSON merge patch (RFC 7386)")
    updated_at: UtcDateTime | None = _source_updated_at()


def _known_but_not_patchable(update: type[Command], post: type[Command], record: type[Any]) -> frozenset[str]:
    """What a PATCH may not change (SPEC §3.1: 422 `not_allowed`): every field the API knows of
    the resource — its POST body's and its response's — but those the PATCH model takes."""
    known = set(post.model_fields) | {item.name for item in dataclasses.fields(record)}
    return frozenset(known - set(update.model_fields))


OrderUpdate.readonly_fields = _known_but_not_patchable(OrderUpdate, OrderInput, records.Order)
CartUpdate.readonly_fields = _known_but_not_patchable(CartUpdate, CartInput, records.Cart)


C = TypeVar("C", bound=Command)


def validate(model: type[C], data: Any, region: str | None = None) -> C:
    """Validate input into a command, or raise ValidationFailed listing every failing field.
    `data` is a parsed JSON body (REST) or a mapping view of a GraphQL input; `region` (ISO
    3166 alpha-2) reads national phone numbers (SPEC §4.1). Both entry points call this once,
    at the edge, and hand the command to the service."""
    unsafe = unsafe_text_errors(data)
    found = unsafe + _readonly_errors(model, data)
    try:
        command = model.model_validate(data, context={"region": region})
    except ValidationError as exc:
        # text no engine can store is reported once, as such, not again by the field's own type
        refused = {error.path for error in unsafe}
        found.extend(error for error in _field_errors(exc) if error.path not in refused)
    if found:
        raise ValidationFailed(found)
    return command


def _readonly_errors(model: type[Command], data: Any) -> list[FieldError]:
    if not model.readonly_fields or not isinstance(data, dict):
        return []
    return [
        FieldError((name,), ErrorCode.NOT_ALLOWED, f"The {name} field cannot be changed with PATCH.")
        for name in data
        if name in model.readonly_fields
    ]


def _field_errors(exc: ValidationError) -> list[FieldError]:
    found: list[FieldError] = []
    for error in exc.errors(include_url=False):
        path = tuple(error["loc"])
        kind = error["type"]
        if error.get("input", "") is None and kind.endswith("_type"):
            kind = "missing"  # null in a required field reads as missing
        found.append(FieldError(path, _code(kind, error["msg"]), _message(kind, path, error["msg"])))
    return found


_PYDANTIC_CODES = {
    "missing": ErrorCode.REQUIRED,
    "string_too_long": ErrorCode.TOO_LONG,
    "too_long": ErrorCode.TOO_LONG,
    "string_too_short": ErrorCode.REQUIRED,
    "greater_than_equal": ErrorCode.OUT_OF_RANGE,
    "less_than_equal": ErrorCode.OUT_OF_RANGE,
    "literal_error": ErrorCode.INVALID_CHOICE,
    "enum": ErrorCode.INVALID_CHOICE,
    "value_error": ErrorCode.INVALID,
}
_INSTANCE_OF = re.compile(r" or instance of \w+")
_OWN_CODES = {code.value: code for code in ErrorCode}


def _code(kind: str, detail: str) -> ErrorCode:
    """The ErrorCode of one pydantic error: ours as raised by the field types, pydantic's mapped."""
    if kind == "value_error" and "email" in detail:
        return ErrorCode.INVALID_EMAIL
    if kind in _OWN_CODES:
        return _OWN_CODES[kind]
    if kind in _PYDANTIC_CODES:
        return _PYDANTIC_CODES[kind]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return ErrorCode.INVALID_TYPE
    return ErrorCode.INVALID


def _message(kind: str, path: tuple[Any, ...], detail: str) -> str:
    field = ".".join(str(part) for part in path)
    if kind in ("missing", "string_too_short") or (kind == ErrorCode.REQUIRED and "null" not in detail):
        return f"The {field} field is required."
    if kind == "value_error" and "email" in detail:
        return f"The {field} field must be a valid email address."
    detail = _INSTANCE_OF.sub("", detail.removeprefix("Value error, "))
    return f"The {field} field is invalid: {detail}"
