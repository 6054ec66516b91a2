"""Error bodies, described for the OpenAPI document (records describe the others: app.domain.records)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.domain.automations import Automation, Reason


class Error(BaseModel):
    error: str


class ValidationError(BaseModel):
    message: str = Field(description="The first error")
    errors: dict[str, list[str]] = Field(description="Messages per failing field, in dot notation")
    codes: dict[str, list[str]] = Field(description="Stable error codes per failing field")


class TooManyAttempts(BaseModel):
    message: Literal["Too Many Attempts."]


class Subject(BaseModel):
    type: Literal["order", "cart", "shipment"]
    external_id: str | None


class AutomationDecision(BaseModel):
    """One automation a write caused or suppressed, and why (README, the reasons vocabulary)."""

    automation: Automation
    reason: Reason
    subject: Subject
