"""Money per currency (app/domain/money.py; SPEC §3.1 as amended in the README, Money): the
ISO 4217 minor unit decides how many decimals an amount may have and renders with; without a
currency (or in one without a minor unit) an amount has up to 4 decimals and renders with 2."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.domain.commands import CartInput, OrderInput, validate
from app.domain.errors import ValidationFailed
from app.domain.money import MINOR_UNITS, Amount, format_money, money_text, round_to_unit
from app.read.revenue import Revenue


@pytest.mark.parametrize(
    ("currency", "units"),
    [("JPY", 0), ("KRW", 0), ("CLP", 0), ("ISK", 0), ("EUR", 2), ("USD", 2), ("BRL", 2), ("HUF", 2), ("IDR", 2)]
    + [("KWD", 3), ("BHD", 3), ("TND", 3), ("IQD", 3), ("CLF", 4), ("UYW", 4)],
)
def test_minor_units_are_the_iso_4217_exponents(currency, units):
    assert MINOR_UNITS[currency] == units


@pytest.mark.parametrize("currency", ["XAU", "XXX", "XTS", "XDR"])
def test_codes_without_a_minor_unit_have_none(currency):
    assert currency not in MINOR_UNITS


# (currency, amount as sent) -> the one rendering: REST, GraphQL and event payloads alike.
RENDERED = [
    ("EUR", "49.9", "49.90"),
    ("EUR", "49.90", "49.90"),
    ("EUR", "10", "10.00"),
    ("EUR", "0", "0.00"),
    ("EUR", "-0", "0.00"),
    ("EUR", "-0.00", "0.00"),
    ("EUR", "12345678901234.56", "12345678901234.56"),
    ("EUR", "1e2", "100.00"),
    ("USD", "0.01", "0.01"),
    ("JPY", "1500", "1500"),
    ("JPY", "1500.00", "1500"),
    ("JPY", "1.5E+3", "1500"),
    ("JPY", "0", "0"),
    ("JPY", "-0", "0"),
    ("JPY", "99999999999999", "99999999999999"),
    ("KWD", "12.345", "12.345"),
    ("KWD", "12.3", "12.300"),
    ("KWD", "12", "12.000"),
    ("KWD", "-0.000", "0.000"),
    ("CLF", "1.2345", "1.2345"),
    ("CLF", "1", "1.0000"),
    (None, "49.9", "49.90"),
    (None, "0.125", "0.125"),
    (None, "0.0001", "0.0001"),
    (None, "12345678901234.5678", "12345678901234.5678"),
    (None, "-0", "0.00"),
    ("XAU", "1.5", "1.50"),
    ("XAU", "0.0001", "0.0001"),
]


@pytest.mark.parametrize(("currency", "amount", "rendered"), RENDERED)
def test_an_amount_renders_with_its_currency_decimals(currency, amount, rendered):
    assert money_text(Decimal(amount), currency) == rendered
    assert Amount.of(amount, currency).text() == rendered


# Amounts stored before minor units were checked may have more decimals than their currency:
# they render exactly, never rounded.
@pytest.mark.parametrize(
    ("currency", "amount", "rendered"),
    [
        ("JPY", "1500.5", "1500.5"),
        ("JPY", "0.0001", "0.0001"),
        ("EUR", "49.999", "49.999"),
        ("KWD", "1.2345", "1.2345"),
    ],
)
def test_an_amount_with_more_decimals_than_its_currency_renders_exactly(currency, amount, rendered):
    assert money_text(Decimal(amount), currency) == rendered


def test_format_money_has_two_decimals_by_default():
    assert format_money(Decimal("49.9")) == "49.90"


def order(currency: Any, total_price: Any, line_price: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": "ORDER-1",
        "placed_at": "2026-05-18T10:00:00Z",
        "total_price": total_price,
        "customer": {"phone": "+33612345678"},
    }
    if currency is not None:
        body["currency"] = currency
    if line_price is not None:
        body["line_items"] = [{"quantity": 1, "price": line_price}]
    return body


# (currency, amount) accepted as the exact Decimal sent, or refused `too_precise`.
PRECISION = [
    ("EUR", "49.90", True),
    ("EUR", "49.9", True),
    ("EUR", "49.901", False),
    ("EUR", "49.9010", False),
    ("EUR", "49.9000", True),  # the trailing zeros are no decimals of the value
    ("EUR", 0.125, False),
    ("JPY", "1500", True),
    ("JPY", 1500, True),
    ("JPY", "1500.00", True),
    ("JPY", "1500.5", False),
    ("JPY", 0.1, False),
    ("JPY", "1e3", True),
    ("JPY", "1e-1", False),
    ("jpy", "1500.5", False),  # the currency as it is read: trimmed, upper case
    (" JPY ", "0.5", False),
    ("KWD", "12.345", True),
    ("KWD", "12.3456", False),
    ("BHD", "0.001", True),
    ("CLF", "1.2345", True),
    (None, "0.1234", True),
    (None, "0.12345", False),
    ("XAU", "0.1234", True),
    ("XAU", "0.12345", False),
]


@pytest.mark.parametrize(("currency", "amount", "accepted"), PRECISION)
@pytest.mark.parametrize("model", [OrderInput, CartInput])
def test_a_total_with_more_decimals_than_its_currency_is_too_precise(model, currency, amount, accepted):
    body = order(currency, amount)
    if model is CartInput:
        body = {**body, "abandoned_at": body.pop("placed_at")}
    if accepted:
        assert validate(model, body).total_price == Decimal(str(amount))
    else:
        with pytest.raises(ValidationFailed) as caught:
            validate(model, body)
        assert [(e.dotted, e.code) for e in caught.value.errors] == [("total_price", "too_precise")]


@pytest.mark.parametrize(("currency", "amount", "accepted"), PRECISION)
def test_a_line_item_price_with_more_decimals_than_its_currency_is_too_precise(currency, amount, accepted):
    body = order(currency, 0, line_price=amount)
    if accepted:
        assert validate(OrderInput, body).line_items[0].price == Decimal(str(amount))
    else:
        with pytest.raises(ValidationFailed) as caught:
            validate(OrderInput, body)
        assert [(e.dotted, e.code) for e in caught.value.errors] == [("line_items.0.price", "too_precise")]


def test_the_message_names_the_currency_and_its_decimals():
    with pytest.raises(ValidationFailed) as caught:
        validate(OrderInput, order("JPY", "1.5"))
    assert caught.value.errors[0].message == "The total_price field is invalid: JPY amounts have no decimals."
    with pytest.raises(ValidationFailed) as caught:
        validate(OrderInput, order("KWD", "1.2345"))
    assert caught.value.errors[0].message == "The total_price field is invalid: KWD amounts have at most 3 decimals."


def test_an_invalid_currency_is_reported_on_currency_only():
    with pytest.raises(ValidationFailed) as caught:
        validate(OrderInput, order("ZZZ", "1.234"))
    assert [(e.dotted, e.code) for e in caught.value.errors] == [("currency", "invalid_currency")]


@pytest.mark.parametrize(("amount", "kept"), [("-0", "0"), ("-0.00", "0.00"), (-0.0, "0.0")])
def test_negative_zero_is_kept_as_zero(amount, kept):
    total = validate(OrderInput, order("EUR", amount)).total_price
    assert total == 0
    assert str(total) == kept  # unsigned


# (currency, exact average) -> rounded half-even to the currency's unit (storeStats).
@pytest.mark.parametrize(
    ("currency", "average", "rounded"),
    [
        ("EUR", "16.665", "16.66"),
        ("EUR", "16.675", "16.68"),
        ("EUR", "16.6666666", "16.67"),
        ("JPY", "1000.5", "1000"),
        ("JPY", "1001.5", "1002"),
        ("KWD", "3.3335", "3.334"),
        ("KWD", "3.3345", "3.334"),
        (None, "0.125", "0.12"),
        (None, "0.135", "0.14"),
        ("XAU", "0.005", "0.00"),
    ],
)
def test_averages_round_half_even_to_the_currency_unit(currency, average, rounded):
    assert str(round_to_unit(Decimal(average), currency)) == rounded


# (currency, a sum, its orders, the sum's text, the average's text): sums past the default
# decimal context's 28 digits, as topProducts adds up lines of a quantity up to 10^31 and a
# price up to 10^14, render and average with every digit (README, "Top products"), in every
# dashboard's revenue (`Revenue.of`: storeStats, storeTimeseries, recoveryFunnel, topProducts).
WIDE_SUMS = [
    (
        "EUR",
        "9999999999999996000000000001.2304",
        2,
        "9999999999999996000000000001.2304",
        "4999999999999998000000000000.62",
    ),
    ("EUR", "9999999999999996000000000001.23", 1, "9999999999999996000000000001.23", "9999999999999996000000000001.23"),
    ("EUR", "99999999999999960000000000010", 3, "99999999999999960000000000010.00", "33333333333333320000000000003.33"),
    ("JPY", "99999999999998900000000000022", 2, "99999999999998900000000000022", "49999999999999450000000000011"),
    (
        "JPY",
        "123456789012345678901234567890123.5",
        1,
        "123456789012345678901234567890123.5",
        "123456789012345678901234567890124",
    ),
    (
        "KWD",
        "999999999999990000000000000000000000000000.003",
        2,
        "999999999999990000000000000000000000000000.003",
        "499999999999995000000000000000000000000000.002",
    ),
    (
        "KWD",
        "12345678901234567890123456789.1",
        1,
        "12345678901234567890123456789.100",
        "12345678901234567890123456789.100",
    ),
    (
        None,
        "1000000000000000000000000000000000000000000000.0001",
        3,
        "1000000000000000000000000000000000000000000000.0001",
        "333333333333333333333333333333333333333333333.33",
    ),
]


@pytest.mark.parametrize(("currency", "total", "orders", "text", "average"), WIDE_SUMS)
def test_sums_past_28_digits_render_and_average_exactly(
    currency: str | None, total: str, orders: int, text: str, average: str
) -> None:
    revenue = Revenue.of(currency, Decimal(total), orders)
    assert (revenue.amount.text(), revenue.average.text()) == (text, average)
