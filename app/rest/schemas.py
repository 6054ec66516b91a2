"""Response bodies, described for the OpenAPI document (render.py produces them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from app.domain.types import CartStatusChoice, ShipmentStatusChoice

MoneyString = Annotated[str, Field(pattern=r"^\d+\.\d{2,4}$", examples=["49.90"])]


class ContactRef(BaseModel):
    id: int
    phone: str | None = Field(description="E.164; null once the contact was erased")


class Order(BaseModel):
    id: int
    external_id: str
    store_id: int
    placed_at: datetime
    total_price: MoneyString
    currency: str | None
    financial_status: str | None
    fulfillment_status: str | None
    customer_external_id: str | None
    contact: ContactRef
    line_items: list[dict[str, Any]]
    tags: list[str]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class Shipment(BaseModel):
    id: int
    external_id: str
    store_id: int
    order_id: int
    order_external_id: str
    tracking_number: str | None
    tracking_url: str | None
    carrier: str | None
    status: ShipmentStatusChoice | None
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class Cart(BaseModel):
    id: int
    external_id: str
    store_id: int
    status: CartStatusChoice
    abandoned_at: datetime
    total_price: MoneyString
    currency: str | None
    recovery_url: str | None
    customer_external_id: str | None
    contact: ContactRef
    line_items: list[dict[str, Any]]
    tags: list[str]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class Customer(BaseModel):
    external_id: str | None
    store_id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    locale: str | None
    tags: list[str]
    lifetime_value: int | None
    orders_count: int | None
    contact_id: int
    phone_type: str | None = Field(description="mobile, fixed_line, …; null once erased")
    created_at: datetime
    updated_at: datetime


class Error(BaseModel):
    error: str


class ValidationError(BaseModel):
    message: str = Field(description="The first error")
    errors: dict[str, list[str]] = Field(description="Messages per failing field, in dot notation")
    codes: dict[str, list[str]] = Field(description="Stable error codes per failing field")


class TooManyAttempts(BaseModel):
    message: Literal["Too Many Attempts."]
