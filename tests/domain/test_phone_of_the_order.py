"""rules/phone_of_the_order: which phone an order or a cart is attached by, and the region a
number without `+` is read in (README, "Phones as shops send them")."""

from __future__ import annotations

import pytest

from app.domain.commands import CartInput, OrderInput, validate
from app.domain.errors import ValidationFailed
from app.domain.rules.phone_of_the_order import PhoneSource, phone_given, region_for_phone

C, T, S, B = PhoneSource.CUSTOMER, PhoneSource.TOP_LEVEL, PhoneSource.SHIPPING_ADDRESS, PhoneSource.BILLING_ADDRESS


@pytest.mark.parametrize(
    ("customer", "top_level", "shipping", "billing", "given"),
    [
        ("1", "4", "2", "3", ("1", C)),
        (None, "4", "2", "3", ("4", T)),
        ("", "4", "2", "3", ("4", T)),
        (None, None, "2", "3", ("2", S)),
        (None, " ", "2", "3", ("2", S)),
        (None, "", None, "3", ("3", B)),
        (None, None, None, "3", ("3", B)),
        ("", None, "2", "3", ("2", S)),
        (" ", "\n", " ", "3", ("3", B)),
        (None, None, None, None, None),
        ("", "", "\t", " ", None),
    ],
)
def test_the_first_phone_given_is_used(customer, top_level, shipping, billing, given):
    assert phone_given(customer, top_level, shipping, billing) == given


def test_each_source_says_where_its_phone_was_sent():
    assert {source: source.path for source in PhoneSource} == {
        C: ("customer", "phone"),
        T: ("phone",),
        S: ("shipping_address", "phone"),
        B: ("billing_address", "phone"),
    }


@pytest.mark.parametrize(
    ("shipping", "billing", "store", "own", "region"),
    [
        ("BR", "PE", "FR", None, "BR"),
        (None, "PE", "FR", None, "PE"),
        (None, None, "FR", None, "FR"),
        (None, None, None, None, None),
        ("DE", "BE", "FR", "BE", "BE"),  # a billing address's phone: its own country
        ("DE", "BE", "FR", "DE", "DE"),  # a shipping address's phone
        ("DE", None, "FR", None, "DE"),  # its address names no country
    ],
)
def test_the_region_is_the_phones_address_then_shipping_then_billing_then_the_store(
    shipping, billing, store, own, region
):
    assert region_for_phone(shipping, billing, store, own) == region


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
        ({"phone": "+16502530000"}, "+16502530000", T),
        ({"phone": "0612345678", "customer": {"first_name": "Jo"}}, "+33612345678", T),
        (
            {"phone": "(650) 253-0000", "billing_address": {"phone": "0612345678", "country_code": "US"}},
            "+16502530000",
            T,
        ),
        ({"phone": "0612345678", "customer": {"phone": "0698765432"}}, "+33698765432", C),
        ({"phone": "0612345678", "shipping_address": {"phone": "0698765432"}}, "+33612345678", T),
        ({"phone": " ", "shipping_address": {"phone": "0698765432"}}, "+33698765432", S),
        ({"phone": None, "billing_address": {"phone": "0698765432"}}, "+33698765432", B),
    ],
)
def test_a_validated_command_holds_the_phone_used(model, base, changes, e164, source):
    command = validate(model, {**base, **changes}, "FR")
    assert (command.phone.e164, command.phone_source) == (e164, source)


@pytest.mark.parametrize(("model", "base"), [(OrderInput, ORDER), (CartInput, CART)])
@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        (
            {"phone": "12"},
            "invalid_phone",
            "The phone number is not a valid FR number; write it with + and the country code.",
        ),
        (
            {"phone": "51965123456", "shipping_address": {"country_code": "BR"}},
            "ambiguous_phone",
            "The phone number is ambiguous: +5551965123456 here or +51965123456 abroad; "
            "write it with + and the country code.",
        ),
        ({"phone": 16502530000}, "invalid_type", "Must be a string."),
        ({"phone": "1" * 65, "customer": {"phone": "0612345678"}}, "too_long", "Must be at most 64 characters."),
    ],
)
def test_a_top_level_phone_is_refused_at_phone(model, base, changes, code, message):
    with pytest.raises(ValidationFailed) as refused:
        validate(model, {**base, **changes}, "FR")
    assert [(error.path, error.code, error.message) for error in refused.value.errors] == [
        (("phone",), code, f"The phone field is invalid: {message}")
    ]
