"""Erasure (SPEC §4.3, GDPR art. 17): DELETE customer erases the personal data of every contact
the customer id reaches; orders and carts stay for accounting, detached from personal data; no
automation fires for an erased contact afterwards. Never fails, idempotent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

# What identifies or describes the person: nulled on the contact.
PERSONAL_FIELDS = (
    "phone",
    "phone_type",
    "external_id",
    "first_name",
    "last_name",
    "email",
    "locale",
    "tags",
    "lifetime_value",
    "orders_count",
    # WhatsApp consent (issue 15): what the person agreed to is about the person.
    "marketing_consent",
    "marketing_consented_at",
    "marketing_consent_source",
    "utility_consent",
    "utility_consented_at",
    "utility_consent_source",
)


def erased_contact(now: datetime) -> dict[str, Any]:
    """The column values that erase a contact at `now` (UTC): personal fields null, `erased_at` set."""
    return {**dict.fromkeys(PERSONAL_FIELDS), "erased_at": now, "updated_at": now}


def can_be_messaged(contact: Mapping[str, Any] | None) -> bool:
    """Whether an automation may reach this contact: it exists and was not erased."""
    return contact is not None and contact["erased_at"] is None


def scrubbed(event_data: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded event's data without its copy of the contact (names, phone, locale): what an
    erased contact's events keep. The subject and what changed stay, for accounting, but for
    an event about the contact itself (its consent changes): what changed was personal, and
    the subject's `external_id` is the contact's customer id, which erasure nulls on the
    contact, its orders and carts (`customer.erased` names none either)."""
    subject = event_data.get("subject") or {}
    if subject.get("type") == "contact":
        anonymous = {**subject, "external_id": None}
        return {**event_data, "subject": anonymous, "contact": None, "before": None, "after": None}
    return {**event_data, "contact": None}
