"""WhatsApp consent, per purpose (issue 15; modelled on Shopify's `sms_marketing_consent`:
`state`, `consent_updated_at`, `consent_collected_from`).

WhatsApp's business policy asks for a customer's opt-in before marketing messages; utility
messages (a shipping notification) need no opt-in but stop when the customer opts out. A
contact's consent is stored per purpose as a state, the time it was given (`consented_at`) and
where it was collected (`source`, free text such as `checkout`); a purpose never given reads as
`not_subscribed`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ConsentState(StrEnum):
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    NOT_SUBSCRIBED = "not_subscribed"  # never asked, or never answered


class Purpose(StrEnum):
    MARKETING = "marketing"
    UTILITY = "utility"


@dataclass(frozen=True, slots=True)
class PurposeConsent:
    """One purpose's consent: its state, when it was given (UTC) and where it was collected."""

    state: ConsentState
    consented_at: datetime | None
    source: str | None


def columns(purpose: Purpose) -> tuple[str, str, str]:
    """The contact's columns holding `purpose`: state, consented_at, source."""
    return f"{purpose}_consent", f"{purpose}_consented_at", f"{purpose}_consent_source"


def stored(contact: Any, purpose: Purpose) -> PurposeConsent:
    """The consent a contact row (a mapping) holds for `purpose`; `not_subscribed` when never given."""
    state, at, source = columns(purpose)
    return PurposeConsent(ConsentState(contact[state] or ConsentState.NOT_SUBSCRIBED), contact[at], contact[source])


# The contact's consent columns, every purpose.
CONSENT_COLUMNS = tuple(column for purpose in Purpose for column in columns(purpose))
