"""A message goes only to a contact whose consent meets its store's policy (issue 15; README,
"WhatsApp consent"; WhatsApp Business Messaging Policy: opt-in before marketing messages).
Each store sets the consent each automation needs with `kanal stores set-consent-policy`.

A store's policy names, for each automation, the requirement on the contact's consent for the
automation's purpose (cart recovery: marketing; shipping notification: utility). The default
follows WhatsApp's business policy: marketing only to contacts who opted in, utility messages
to anyone who did not opt out. The check is made when the trigger is recorded and again when
its delivery is claimed."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from app.domain.automations import Automation, Reason
from app.domain.consent import ConsentState, Purpose, stored


class Requirement(StrEnum):
    SUBSCRIBED = "subscribed"  # the contact opted in
    NOT_UNSUBSCRIBED = "not_unsubscribed"  # the contact did not opt out
    ANY = "any"  # no check (a store that collects consent elsewhere)


PURPOSE = {Automation.CART_RECOVERY: Purpose.MARKETING, Automation.SHIPPING_NOTIFICATION: Purpose.UTILITY}
DEFAULT = {
    Automation.CART_RECOVERY: Requirement.SUBSCRIBED,
    Automation.SHIPPING_NOTIFICATION: Requirement.NOT_UNSUBSCRIBED,
}

# The store's column holding each automation's requirement.
COLUMN = {automation: f"{automation}_consent" for automation in Automation}


def allows(requirement: str, state: ConsentState) -> bool:
    """Whether a contact whose consent is `state` meets `requirement`."""
    if requirement == Requirement.SUBSCRIBED:
        return state == ConsentState.SUBSCRIBED
    if requirement == Requirement.NOT_UNSUBSCRIBED:
        return state != ConsentState.UNSUBSCRIBED
    return True


def decide(automation: Automation, policy: Mapping[str, Any], contact: Mapping[Any, Any]) -> Reason:
    """`fired`, `erased` or `no_consent` for `automation` to `contact` (a contact row with its
    consent columns) under `policy` (a store row, or any mapping of COLUMN to a Requirement)."""
    if contact["erased_at"] is not None:
        return Reason.ERASED
    requirement = policy[COLUMN[automation]]
    if not allows(requirement, stored(contact, PURPOSE[automation]).state):
        return Reason.NO_CONSENT
    return Reason.FIRED
