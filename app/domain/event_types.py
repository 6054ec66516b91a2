"""The events the outbox records and webhooks deliver, and the kinds of subject they name."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """`<subject>.<what happened>`; webhooks subscribe to these, or to `<subject>.*` and `*`."""

    ORDER_CREATED = "order.created"
    ORDER_FINANCIAL_STATUS_CHANGED = "order.financial_status_changed"
    ORDER_FULFILLMENT_STATUS_CHANGED = "order.fulfillment_status_changed"
    SHIPMENT_CREATED = "shipment.created"
    SHIPMENT_STATUS_CHANGED = "shipment.status_changed"
    SHIPMENT_TRACKING_UPDATED = "shipment.tracking_updated"
    CART_ABANDONED = "cart.abandoned"
    CART_RECOVERED = "cart.recovered"
    CART_STATUS_CHANGED = "cart.status_changed"
    CART_RECOVERY_DUE = "cart.recovery_due"
    CUSTOMER_ERASED = "customer.erased"
    CONTACT_CONSENT_CHANGED = "contact.consent_changed"


class SubjectType(StrEnum):
    """What an event is about: `events.subject_type`, with `events.subject_id` its row id."""

    ORDER = "order"
    SHIPMENT = "shipment"
    CART = "cart"
    CONTACT = "contact"
