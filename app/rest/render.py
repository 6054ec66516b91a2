"""Records to JSON bodies. Money as strings with two decimals or more, times in UTC ISO 8601."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.money import format_money
from app.services.results import Record


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format_money(value)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _line_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return items or []


def order(record: Record) -> dict[str, Any]:
    return {
        "id": record["id"],
        "external_id": record["external_id"],
        "store_id": record["store_id"],
        "placed_at": _time(record["placed_at"]),
        "total_price": _money(record["total_price"]),
        "currency": record["currency"],
        "financial_status": record["financial_status"],
        "fulfillment_status": record["fulfillment_status"],
        "customer_external_id": record["customer_external_id"],
        "contact": {"id": record["contact_id"], "phone": record["contact_phone"]},
        "line_items": _line_items(record["line_items"]),
        "tags": record["tags"] or [],
        "metadata": record["metadata"] or {},
        "created_at": _time(record["created_at"]),
        "updated_at": _time(record["updated_at"]),
    }


def shipment(record: Record) -> dict[str, Any]:
    return {
        "id": record["id"],
        "external_id": record["external_id"],
        "store_id": record["store_id"],
        "order_id": record["order_id"],
        "order_external_id": record["order_external_id"],
        "tracking_number": record["tracking_number"],
        "tracking_url": record["tracking_url"],
        "carrier": record["carrier"],
        "status": record["status"],
        "metadata": record["metadata"] or {},
        "created_at": _time(record["created_at"]),
        "updated_at": _time(record["updated_at"]),
    }


def cart(record: Record) -> dict[str, Any]:
    return {
        "id": record["id"],
        "external_id": record["external_id"],
        "store_id": record["store_id"],
        "status": record["status"],
        "abandoned_at": _time(record["abandoned_at"]),
        "total_price": _money(record["total_price"]),
        "currency": record["currency"],
        "recovery_url": record["recovery_url"],
        "customer_external_id": record["customer_external_id"],
        "contact": {"id": record["contact_id"], "phone": record["contact_phone"]},
        "line_items": _line_items(record["line_items"]),
        "tags": record["tags"] or [],
        "metadata": record["metadata"] or {},
        "created_at": _time(record["created_at"]),
        "updated_at": _time(record["updated_at"]),
    }


def customer(record: Record) -> dict[str, Any]:
    """The phone is not echoed back."""
    return {
        "external_id": record["external_id"],
        "store_id": record["store_id"],
        "first_name": record["first_name"],
        "last_name": record["last_name"],
        "email": record["email"],
        "locale": record["locale"],
        "tags": record["tags"] or [],
        "lifetime_value": record["lifetime_value"],
        "orders_count": record["orders_count"],
        "contact_id": record["contact_id"],
        "phone_type": record["phone_type"],
        "created_at": _time(record["created_at"]),
        "updated_at": _time(record["updated_at"]),
    }
