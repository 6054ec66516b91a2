"""rules/phone_of_the_order: which phone an order or a cart is attached by, and the region a
number without `+` is read in (README, "Phones as shops send them")."""

from __future__ import annotations

import pytest

from app.domain.commands import CartInput, OrderInput, validate
from app.domain.rules.phone_of_the_order import PhoneSource, phone_given, region_for_phone

C, S, B = PhoneSource.CUSTOMER, PhoneSource.SHIPPING_ADDRESS, PhoneSource.BILLING_ADDRESS


@pytest.mark.parametrize(
    ("customer", "shipping", "billing", "given"),
    [
        ("1", "2", "3", ("1", C)),
        (None, "2", "3", ("2", S)),
        (None, None, "3", ("3", B)),
        ("", "2", "3", ("2", S)),
        (" ", " ", "3", ("3", B)),
        (None, None, None, None),
        ("", "\t", " ", None),
    ],
)
def test_the_first_phone_given_is_used(customer, shipping, billing, given):
    assert phone_given(customer, shipping, billing) == given


@pytest.mark.parametrize(
    ("shipping", "billing", "store", "region"),
    [("BR", "PE", "FR", "BR"), (None, "PE", "FR", "PE"), (None, None, "FR", "FR"), (None, None, None, None)],
)
def test_the_region_is_shipping_then_billing_then_the_store(shipping, billing, store, region):
    assert region_for_phone(shipping, billing, store) == region


ORDER = {"external_id": "O-1", "placed_at": "2026-05-18T10:00:00Z", "total_price": "1"}
CART = {"external_id": "C-1", "abandoned_at": "2026-05-18T10:00:00Z", "total_price": "1"}


@pytest.mark.parametrize(("model", "base"), [(OrderInput, ORDER), (CartInput, CART)])
@pytest.mark.parametrize(
    ("changes", "e164", "source"),
    [
        ({"customer": {"phone": "0612345678"}}, "+33612345678", C),
        ({"shipping_address": {"phone": "0612345678"}}, "+33612345678", S),
        ({"customer": None, "billing_address": {"phone": "11 98123 4567", "country_code": "BR"}}, "+5511981234567", B),
        ({"customer": {"phone": "11 98123 4567"}, "shipping_address": {"country_code": "BR"}}, "+5511981234567", C),
    ],
)
def test_a_validated_command_holds_the_phone_used(model, base, changes, e164, source):
    command = validate(model, {**base, **changes}, "FR")
    assert (command.phone.e164, command.phone_source) == (e164, source)
