"""The automations Kanal fires and the one vocabulary of reasons saying why each fired or not.

Every write's answer (REST `automations`, GraphQL payloads' `automations`) lists a `Decision`
per automation the write caused or suppressed; the same reason is stored on the event
(`events.reason`) and read back by `Contact.automationLog` and `Order.events` / `Cart.events`.

Reasons (README, "Why an automation fired or not"):

- `fired`: the trigger was recorded and its message goes out (cart recovery: the cart became
  due and `cart.recovery_due` was recorded; shipping notification: the shipment event).
- `not_due_yet`: cart recovery is scheduled; it fires once the store's delay has passed, if the
  cart is still abandoned and the contact's consent still allows it then.
- `unchanged`: a replay — the write changed nothing, so it fires nothing again.
- `stale`: the write was older than the stored record (`rules.stale_writes`): nothing written.
- `backfill`: a historical import (`Kanal-Backfill: true`): recorded, never delivered.
- `no_consent`: the contact's WhatsApp consent for the automation's purpose does not meet the
  store's consent policy (`app.domain.rules.consent_policy`), when recorded or at delivery time.
- `erased`: the contact was erased (SPEC §4.3): nothing is ever sent to it.
- `recovered_by_order`: the contact placed an order after abandoning the cart: no recovery.
- `completed`: the checkout was bought (its `completed_at`,
  `app.domain.rules.completed_checkout_is_a_purchase`): no recovery.
- `marked_by_shop`: the shop marked the cart `recovered`, `completed`, `expired` or `active`
  (`PATCH`, no purchase Kanal knows of) after its recovery became due and before it went out
  (SPEC §6: marked so, a recovery is cancelled). Given by the claim of its delivery only.

A message's reason is changed when its delivery is claimed and may no longer go out (consent
withdrawn, contact erased, cart no longer abandoned: `app.automations.delivery`), unless a
delivery of it was delivered, or its fan-out gave it none (no subscription took it: it went out
as it fell due); a delivery of it delivered makes it `fired` again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .event_types import EventType


class Automation(StrEnum):
    """A message Kanal sends from the events (SPEC §6), and the consent purpose it needs."""

    CART_RECOVERY = "cart_recovery"  # marketing
    SHIPPING_NOTIFICATION = "shipping_notification"  # utility


class Reason(StrEnum):
    """Why an automation fired or not (README, "WhatsApp consent, and why an automation fired or
    not"): `fired` (its message goes out); `not_due_yet` (cart recovery scheduled, for once the
    store's delay has passed); `unchanged` (a replay: nothing changed, nothing fires again);
    `stale` (older than the stored record: nothing written); `backfill` (a historical import:
    recorded, never delivered); `no_consent` (the contact's consent for its purpose does not meet
    the store's policy); `erased` (the contact was erased); `recovered_by_order` (the contact
    ordered after abandoning the cart); `completed` (the checkout was bought); `marked_by_shop`
    (the shop marked the cart after its recovery fell due and before it went out)."""

    FIRED = "fired"
    NOT_DUE_YET = "not_due_yet"
    UNCHANGED = "unchanged"
    STALE = "stale"
    BACKFILL = "backfill"
    NO_CONSENT = "no_consent"
    ERASED = "erased"
    RECOVERED_BY_ORDER = "recovered_by_order"
    COMPLETED = "completed"
    MARKED_BY_SHOP = "marked_by_shop"


# Events that are a message's trigger: delivered only when their reason is `fired`.
MESSAGES: dict[str, Automation] = {
    EventType.CART_RECOVERY_DUE: Automation.CART_RECOVERY,
    EventType.SHIPMENT_CREATED: Automation.SHIPPING_NOTIFICATION,
    EventType.SHIPMENT_STATUS_CHANGED: Automation.SHIPPING_NOTIFICATION,
    EventType.SHIPMENT_TRACKING_UPDATED: Automation.SHIPPING_NOTIFICATION,
}

# Events that schedule or settle an automation without being its message (a decision only
# when given a reason: a `cart.status_changed` carries one when a purchase settled the cart).
SETTLES: dict[str, Automation] = {
    EventType.CART_ABANDONED: Automation.CART_RECOVERY,
    EventType.CART_RECOVERED: Automation.CART_RECOVERY,
    EventType.CART_STATUS_CHANGED: Automation.CART_RECOVERY,
}


def suppressed(event_type: str, reason: str | None) -> bool:
    """Whether an event is a message's trigger whose automation was decided against when it was
    recorded: it is kept, never delivered (events recorded before reasons existed have none,
    and go out as they did)."""
    return event_type in MESSAGES and reason is not None and reason != Reason.FIRED


@dataclass(frozen=True, slots=True)
class Decision:
    """One automation a write caused or suppressed: which, about what (`subject_type` order,
    cart or shipment, and its external id), and the reason."""

    automation: Automation
    reason: Reason
    subject_type: str
    external_id: str | None

    def as_json(self) -> dict[str, object]:
        """As REST answers carry it: `{"automation", "reason", "subject": {"type", "external_id"}}`."""
        return {
            "automation": self.automation,
            "reason": self.reason,
            "subject": {"type": self.subject_type, "external_id": self.external_id},
        }
