"""Domain errors: one list of (field path, code, message) that every entry point renders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable machine-readable codes, shared by REST (the `codes` of 422 bodies, by value) and
    GraphQL (`UserError.code`, the enum of the same name, by member name: `INVALID_PHONE`)."""

    REQUIRED = "required"
    INVALID_TYPE = "invalid_type"
    TOO_LONG = "too_long"
    OUT_OF_RANGE = "out_of_range"
    TOO_PRECISE = "too_precise"
    INVALID_PHONE = "invalid_phone"
    AMBIGUOUS_PHONE = "ambiguous_phone"  # digits that are two numbers: write it with +
    INVALID_CURRENCY = "invalid_currency"
    INVALID_DATETIME = "invalid_datetime"
    INVALID_URL = "invalid_url"
    INVALID_EMAIL = "invalid_email"
    INVALID_CHOICE = "invalid_choice"
    INVALID_CHARACTERS = "invalid_characters"
    TOO_DEEP = "too_deep"
    TOO_LARGE = "too_large"  # larger than a single POST may carry: a batch item, a PATCHed metadata
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    INVALID = "invalid"  # any other refusal


@dataclass(frozen=True)
class FieldError:
    """One failing field: its path in the input (`("customer", "phone")`), code and message."""

    path: tuple[str | int, ...]
    code: ErrorCode
    message: str

    @property
    def dotted(self) -> str:
        return ".".join(str(part) for part in self.path)


class DomainError(Exception):
    """Base of every error a command can raise on purpose."""


class ValidationFailed(DomainError):
    """The input is wrong: every failing field, in input order. REST answers 422, GraphQL userErrors."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(errors[0].message if errors else "Invalid input")
        self.errors = errors


class NotFound(DomainError):
    """The named record does not exist in this store. REST answers 404."""

    def __init__(self, resource: str):
        super().__init__(f"{resource} not found")
        self.resource = resource
