"""Domain errors: one list of (field path, code, message) that every entry point renders."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    path: tuple[str | int, ...]
    code: str
    message: str

    @property
    def dotted(self) -> str:
        return ".".join(str(part) for part in self.path)


class DomainError(Exception):
    """Base of every error a command can raise on purpose."""


class ValidationFailed(DomainError):
    def __init__(self, errors: list[FieldError]):
        super().__init__(errors[0].message if errors else "Invalid input")
        self.errors = errors


class NotFound(DomainError):
    def __init__(self, resource: str):
        super().__init__(f"{resource} not found")
        self.resource = resource


# Stable machine-readable codes, shared by REST (422 bodies) and GraphQL (userErrors).
REQUIRED = "required"
INVALID_TYPE = "invalid_type"
INVALID = "invalid"
TOO_LONG = "too_long"
OUT_OF_RANGE = "out_of_range"
TOO_PRECISE = "too_precise"
INVALID_PHONE = "invalid_phone"
INVALID_CURRENCY = "invalid_currency"
INVALID_DATETIME = "invalid_datetime"
INVALID_URL = "invalid_url"
INVALID_EMAIL = "invalid_email"
INVALID_CHOICE = "invalid_choice"
INVALID_CHARACTERS = "invalid_characters"
TOO_DEEP = "too_deep"
NOT_FOUND = "not_found"
NOT_ALLOWED = "not_allowed"
