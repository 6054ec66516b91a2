"""Error bodies, described for the OpenAPI document (records describe the others: app.domain.records)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from app.domain.automations import Automation, Reason


class Error(BaseModel):
    """A refusal that is not a validation failure: what was wrong, in a sentence."""

    error: str = Field(description="What was wrong, in a sentence (e.g. the key missing, or the store unknown)")


class ValidationError(BaseModel):
    """A body that did not validate (422): nothing was written."""

    message: str = Field(description="The first error")
    errors: dict[str, list[str]] = Field(description="Messages per failing field, in dot notation")
    codes: dict[str, list[str]] = Field(description="Stable error codes per failing field")


class TooManyAttempts(BaseModel):
    """The store's rate limit is spent (429): nothing was done; Retry-After says when to try again."""

    message: Literal["Too Many Attempts."] = Field(description="Always this text")


class Subject(BaseModel):
    """The record an automation is about: the cart it would recover, the shipment it would announce."""

    type: Literal["order", "cart", "shipment"] = Field(description="The kind of record")
    external_id: str | None = Field(description="The record's external id, as the shop sent it")


class AutomationDecision(BaseModel):
    """One automation a write caused or suppressed, and why (README, the reasons vocabulary)."""

    automation: Automation = Field(description="The automation: cart_recovery or shipping_notification")
    reason: Reason = Field(description="Why it fired or not")
    subject: Subject = Field(description="The record it is about")


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _left_out(description: str) -> Any:
    """A field an answer carries only where it applies: described as its type, not null, and
    with no default (`/docs` showed `null` for each as its example)."""
    return Field(default=None, description=description, json_schema_extra=_no_default)


class BatchResult(BaseModel):
    """One item's outcome in a batch's answer (README, "Batches")."""

    index: int = Field(description="The item's position in `items`, from 0")
    external_id: str | None = Field(description="The item's external_id (null when it gave none a text or number)")
    status: Literal[201, 200, 422] = Field(description="As the single upsert would answer: created, updated, refused")
    stale: Literal[True] | SkipJsonSchema[None] = _left_out(
        "Present on a stale write (the single upsert's Kanal-Stale): nothing written"
    )
    automations: list[AutomationDecision] | SkipJsonSchema[None] = _left_out(
        "On 201 and 200: what the write caused or suppressed, as the single upsert's body"
    )
    message: str | SkipJsonSchema[None] = _left_out("On 422: the first error")
    errors: dict[str, list[str]] | SkipJsonSchema[None] = _left_out("On 422: messages per failing field")
    codes: dict[str, list[str]] | SkipJsonSchema[None] = _left_out("On 422: error codes per failing field")


class BatchResults(BaseModel):
    """A batch's answer: each item's outcome (README, "Batches")."""

    results: list[BatchResult] = Field(description="One per item, in the order of `items`")
