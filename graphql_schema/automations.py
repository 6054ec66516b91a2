"""Why an automation fired or not, as GraphQL shows it: the payloads' `automations` (what a
write caused or suppressed) and `Contact.automationLog` (the same reasons afterwards)."""

from __future__ import annotations

from typing import Any

import strawberry

from app.services.results import Written


@strawberry.type(description="One automation a write caused or suppressed, and why (README, the reasons vocabulary).")
class AutomationDecision:
    automation: str = strawberry.field(description="cart_recovery or shipping_notification")
    reason: str = strawberry.field(
        description=(
            "fired, not_due_yet, unchanged, stale, backfill, no_consent, erased, recovered_by_order or completed"
        )
    )
    subject_type: str = strawberry.field(description="order, cart or shipment")
    external_id: str | None = strawberry.field(description="The external id of its subject")


AUTOMATIONS: Any = strawberry.field(description="What this write caused or suppressed, and why", default_factory=list)


def decisions(result: Written[Any]) -> list[AutomationDecision]:
    """The decisions of a write, as GraphQL types."""
    return [
        AutomationDecision(
            automation=item.automation, reason=item.reason, subject_type=item.subject_type, external_id=item.external_id
        )
        for item in result.automations
    ]
