"""Error codes are one enum: every code validation produces is an ErrorCode member, README lists
each of them, and GraphQL exposes the same codes as its ErrorCode enum (by member name)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
from graphql import build_schema
from pydantic_core.core_schema import ErrorType

from app.domain import commands
from app.domain.commands import CartInput, CartUpdate, OrderInput, OrderUpdate, ShipmentInput, validate
from app.domain.errors import ErrorCode, ValidationFailed
from graphql_schema.schema import schema

README = Path(__file__).resolve().parents[2] / "README.md"

PHONE = "+33612345678"
ORDER = {"external_id": "O-1", "placed_at": "2026-05-18T10:00:00Z", "total_price": "1", "customer": {"phone": PHONE}}
CART = {"external_id": "C-1", "abandoned_at": "2026-05-18T10:00:00Z", "total_price": "1", "customer": {"phone": PHONE}}
SHIPMENT = {"external_id": "S-1", "order_external_id": "O-1"}


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


# One input per code that validation produces: (model, input, failing field, its code).
CASES = {
    "missing field": (OrderInput, {**ORDER, "external_id": None}, "external_id", ErrorCode.REQUIRED),
    "a list for a number": (OrderInput, {**ORDER, "total_price": [1]}, "total_price", ErrorCode.INVALID_TYPE),
    "256 characters": (OrderInput, {**ORDER, "external_id": "x" * 256}, "external_id", ErrorCode.TOO_LONG),
    "negative total": (OrderInput, {**ORDER, "total_price": "-1"}, "total_price", ErrorCode.OUT_OF_RANGE),
    "five decimals": (OrderInput, {**ORDER, "total_price": "1.00001"}, "total_price", ErrorCode.TOO_PRECISE),
    "short phone": (OrderInput, {**ORDER, "customer": {"phone": "12"}}, "customer.phone", ErrorCode.INVALID_PHONE),
    "digits of two numbers": (
        OrderInput,
        {**ORDER, "customer": {"phone": "51965123456"}, "shipping_address": {"country_code": "BR"}},
        "customer.phone",
        ErrorCode.AMBIGUOUS_PHONE,
    ),
    "unknown currency": (OrderInput, {**ORDER, "currency": "EUX"}, "currency", ErrorCode.INVALID_CURRENCY),
    "date only": (OrderInput, {**ORDER, "placed_at": "2026-05-18"}, "placed_at", ErrorCode.INVALID_DATETIME),
    "ftp URL": (CartInput, {**CART, "recovery_url": "ftp://x.example"}, "recovery_url", ErrorCode.INVALID_URL),
    "no @": (
        OrderInput,
        {**ORDER, "customer": {"phone": PHONE, "email": "nope"}},
        "customer.email",
        ErrorCode.INVALID_EMAIL,
    ),
    "unknown shipment status": (ShipmentInput, {**SHIPMENT, "status": "lost"}, "status", ErrorCode.INVALID_CHOICE),
    "unknown cart status": (CartUpdate, {"status": "lost"}, "status", ErrorCode.INVALID_CHOICE),
    "NUL character": (OrderInput, {**ORDER, "external_id": "a\x00"}, "external_id", ErrorCode.INVALID_CHARACTERS),
    "33 levels": (OrderInput, {**ORDER, "metadata": _nested(33)}, "metadata", ErrorCode.TOO_DEEP),
    "PATCH of placed_at": (OrderUpdate, {"placed_at": "2026-05-18T10:00:00Z"}, "placed_at", ErrorCode.NOT_ALLOWED),
}
# NOT_FOUND comes from the services (an unknown order), TOO_LARGE from a batch (an item larger
# than a single POST may be: app.services.batches), INVALID is the fallback for any other refusal.
NOT_FROM_AN_INPUT = {ErrorCode.NOT_FOUND, ErrorCode.TOO_LARGE, ErrorCode.INVALID}


@pytest.mark.parametrize(("model", "data", "field", "code"), CASES.values(), ids=CASES.keys())
def test_validation_reports_each_code_as_an_error_code_member(model: Any, data: Any, field: str, code: ErrorCode):
    with pytest.raises(ValidationFailed) as failed:
        validate(model, data, "FR")
    assert [(error.dotted, error.code) for error in failed.value.errors] == [(field, code)]
    assert all(type(error.code) is ErrorCode for error in failed.value.errors)


def test_every_code_but_the_service_ones_has_an_input_above():
    assert {case[3] for case in CASES.values()} == set(ErrorCode) - NOT_FROM_AN_INPUT


@pytest.mark.parametrize("kind", sorted(set(get_args(ErrorType)) | {code.value for code in ErrorCode}))
def test_every_pydantic_error_kind_maps_to_an_error_code(kind: str):
    """Whatever a field type raises (pydantic's kinds, or ours by value) reaches the entry points
    as an ErrorCode member: no code outside the enum can appear in a 422 body or a userError."""
    assert type(commands._code(kind, "")) is ErrorCode


def test_readme_lists_every_error_code():
    text = " ".join(README.read_text().split())
    listed = re.search(r"\*\*422 bodies\*\* carry, .*?\((.*?)\)", text)
    assert listed is not None
    codes = re.findall(r"`(\w+)`", listed.group(1))
    assert sorted(codes) == sorted(code.value for code in ErrorCode)


def test_graphql_exposes_the_codes_as_the_error_code_enum():
    graphql = build_schema(schema.as_str())
    assert list(graphql.get_type("ErrorCode").values) == [code.name for code in ErrorCode]
    assert str(graphql.get_type("UserError").fields["code"].type) == "ErrorCode!"
