"""Validation of commands (app/domain/commands.py, SPEC §3 and §7), called directly: no database,
no HTTP. One table per class of input; each case pins the one outcome (the value kept, or the
exact (field path, code) errors)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.domain.commands import CartInput, CartUpdate, CustomerInput, OrderInput, OrderUpdate, ShipmentInput, validate
from app.domain.errors import ValidationFailed


def order(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": "ORDER-1001",
        "placed_at": "2026-05-18T10:00:00Z",
        "total_price": "49.90",
        "customer": {"phone": "+33612345678"},
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not ...}


def failures(model: Any, data: Any, region: str = "FR") -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate(model, data, region)
    return [(error.dotted, error.code) for error in caught.value.errors]


# --- required fields (SPEC §3.1: external_id, placed_at, total_price, a phone) ---


@pytest.mark.parametrize("name", ["external_id", "placed_at", "total_price"])
@pytest.mark.parametrize("value", [..., None], ids=["absent", "null"])
def test_a_required_order_field_absent_or_null_is_required(name, value):
    assert failures(OrderInput, order(**{name: value})) == [(name, "required")]


@pytest.mark.parametrize("value", [..., None, {}], ids=["absent", "null", "without a phone"])
def test_a_customer_without_a_phone_and_no_address_phone_is_customer_phone_required(value):
    """README, "Phones as shops send them": with no phone anywhere the error names customer.phone."""
    assert failures(OrderInput, order(customer=value)) == [("customer.phone", "required")]


def test_an_empty_external_id_is_required():
    assert failures(OrderInput, order(external_id="")) == [("external_id", "required")]


def test_every_failing_field_is_listed_in_one_answer():
    assert failures(OrderInput, {}) == [
        ("external_id", "required"),
        ("placed_at", "required"),
        ("total_price", "required"),
        ("customer.phone", "required"),
    ]


# --- money (SPEC §3.1: exact decimal >= 0, numeric strings accepted, at most 4 decimals) ---


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        (49.9, Decimal("49.9")),
        ("49.90", Decimal("49.90")),
        (" 12 ", Decimal("12")),
        ("12\u00a0", Decimal("12")),  # text: whitespace as str.isspace reads it (SPEC §10)
        (0, Decimal("0")),
        ("0.1234", Decimal("0.1234")),
        ("99999999999999.9999", Decimal("99999999999999.9999")),
        (Decimal("1e2"), Decimal("1e2")),
    ],
)
def test_money_is_kept_exactly(sent, kept):
    assert validate(OrderInput, order(total_price=sent)).total_price == kept


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        (-1, "out_of_range"),
        ("-0.01", "out_of_range"),
        ("100000000000000", "out_of_range"),
        ("0.12345", "too_precise"),
        ("1e-40", "too_precise"),
        ("1e40", "out_of_range"),
        ("abc", "invalid_type"),
        ("", "required"),  # a blank string is absent (SPEC §10)
        ("   ", "required"),
        (True, "invalid_type"),
        ("NaN", "invalid_type"),
        ([], "invalid_type"),
        # ASCII digits only: Decimal() reads other scripts' digits too
        ("١٢", "invalid_type"),  # Arabic-Indic
        ("۱۲.۵", "invalid_type"),  # Extended Arabic-Indic
        ("१२", "invalid_type"),  # Devanagari
        ("１２", "invalid_type"),  # full-width
        ("1٢", "invalid_type"),  # mixed
    ],
)
def test_money_out_of_its_rules_is_refused_with_its_code(sent, code):
    assert failures(OrderInput, order(total_price=sent)) == [("total_price", code)]


# --- times (SPEC §3.1; RFC 3339 §5.6, seconds and an offset's colon optional; stored in UTC; no offset is UTC) ---


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("2026-05-18T10:00:00Z", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T10:00:00", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T12:00:00+02:00", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18 10:00", datetime(2026, 5, 18, 10, tzinfo=UTC)),  # seconds left out
        ("2026-05-18T12:00:00+0200", datetime(2026, 5, 18, 10, tzinfo=UTC)),  # PHP's DATE_ISO8601
        ("2026-05-18T12:00+02", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T10:00:00-23:59", datetime(2026, 5, 19, 9, 59, tzinfo=UTC)),  # the widest offsets
        ("2026-05-18T10:00:00+2359", datetime(2026, 5, 17, 10, 1, tzinfo=UTC)),
        # every RFC 3339 §5.6 form
        ("2026-05-18t10:00:00z", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18t10:00:00Z", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T10:00:00z", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18 10:00:00Z", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T10:00:00.5Z", datetime(2026, 5, 18, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2026-05-18T10:00:00.123Z", datetime(2026, 5, 18, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2026-05-18T10:00:00.123456Z", datetime(2026, 5, 18, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2026-05-18T10:00:00.123456789Z", datetime(2026, 5, 18, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2026-05-18T10:00:00." + "9" * 30 + "Z", datetime(2026, 5, 18, 10, 0, 0, 999999, tzinfo=UTC)),
        ("2026-05-18T10:00:00-00:00", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T10:00:00+00:00", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T15:30:00+05:30", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-18T04:15:00-05:45", datetime(2026, 5, 18, 10, tzinfo=UTC)),
        ("2026-05-19T09:59:59.999+23:59", datetime(2026, 5, 18, 10, 0, 59, 999000, tzinfo=UTC)),
        ("2026-05-18 15:30:00.25+05:30", datetime(2026, 5, 18, 10, 0, 0, 250000, tzinfo=UTC)),
        # leap seconds (RFC 3339 §5.7): the last second of a UTC month, kept as its last microsecond
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2016-12-31t23:59:60.5z", datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2015-06-30T23:59:60Z", datetime(2015, 6, 30, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2017-01-01T05:29:60+05:30", datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2016-12-31T18:59:60-05:00", datetime(2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_times_are_kept_in_utc(sent, kept):
    placed_at = validate(OrderInput, order(placed_at=sent)).placed_at
    assert placed_at == kept and placed_at.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("sent", "code"),
    [
        ("2026-05-18", "invalid_datetime"),
        ("yesterday", "invalid_datetime"),
        ("2026-13-01T00:00:00Z", "invalid_datetime"),
        ("2026-05-18T10:00:61Z", "invalid_datetime"),
        ("2026-05-18T10:00:60Z", "invalid_datetime"),  # no leap second but at a month's end
        ("2016-12-30T23:59:60Z", "invalid_datetime"),
        ("2016-12-31T23:59:60+01:00", "invalid_datetime"),  # 22:59:60 UTC
        ("2026-05-18T10:00:00Zz", "invalid_datetime"),
        # RFC 3339 time-secfrac is "." 1*DIGIT, digits are ASCII
        ("2026-05-18T10:00:00.Z", "invalid_datetime"),
        ("2026-05-18T10:00:00.+02:00", "invalid_datetime"),
        ("2026-05-18T10:00:00.", "invalid_datetime"),
        ("٢٠٢٦-٠٥-١٨T10:00:00Z", "invalid_datetime"),
        ("2026-05-18T１０:00:00Z", "invalid_datetime"),
        ("2026-05-18T10:00:00.５Z", "invalid_datetime"),
        # ISO 8601 forms fromisoformat reads, refused
        ("2026-05-18T10Z", "invalid_datetime"),  # no minutes
        ("2026-W21-1T10:00:00Z", "invalid_datetime"),  # a week date
        ("2026-W21-1 10:00:00", "invalid_datetime"),
        ("2026-138T10:00:00Z", "invalid_datetime"),  # an ordinal date
        ("20260518T100000Z", "invalid_datetime"),  # basic format
        ("2026-05-18T100000Z", "invalid_datetime"),
        ("2026-05-18T10:00:00+02:00:30", "invalid_datetime"),  # an offset with seconds
        # an offset's hours past 23 or minutes past 59 (RFC 3339 §5.6), in each of its forms
        ("2026-05-18T10:00:00+01:99", "invalid_datetime"),
        ("2026-05-18T10:00:00+00:60", "invalid_datetime"),
        ("2026-05-18T10:00:00+0099", "invalid_datetime"),
        ("2026-05-18T10:00+00:75", "invalid_datetime"),
        ("2026-05-18T10:00:00-23:60", "invalid_datetime"),
        ("2026-05-18T10:00:00+24:00", "invalid_datetime"),
        ("2026-05-18T10:00:00+24", "invalid_datetime"),
        ("2026-05-18T10:00:00,5Z", "invalid_datetime"),  # a decimal comma
        (1747562400, "invalid_type"),
    ],
)
def test_times_out_of_their_rules_are_refused(sent, code):
    assert failures(OrderInput, order(placed_at=sent)) == [("placed_at", code)]


# --- currency (ISO 4217, upper-cased) ---


@pytest.mark.parametrize(("sent", "kept"), [("EUR", "EUR"), ("eur", "EUR"), (" usd ", "USD"), (None, None)])
def test_currency_is_an_iso_4217_code(sent, kept):
    assert validate(OrderInput, order(currency=sent)).currency == kept


@pytest.mark.parametrize("sent", ["EUX", "EURO", "€", "12"])
def test_unknown_currencies_are_refused(sent):
    assert failures(OrderInput, order(currency=sent)) == [("currency", "invalid_currency")]


# --- phones (SPEC §4.1) ---


@pytest.mark.parametrize(
    ("sent", "region", "e164"),
    [
        ("+33612345678", "FR", "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("(06) 12-34-56-78", "FR", "+33612345678"),
        ("0033612345678", "DE", "+33612345678"),
        ("+49 1512 3456789", "FR", "+4915123456789"),
        ("0151 23456789", "DE", "+4915123456789"),
    ],
)
def test_phones_are_read_in_the_store_region_and_kept_in_e164(sent, region, e164):
    assert validate(CustomerInput, {"phone": sent}, region).phone.e164 == e164


@pytest.mark.parametrize("sent", ["12", "+33 6", "not a phone", "+999 123456789"])
def test_invalid_phones_are_refused_on_their_field(sent):
    assert failures(OrderInput, order(customer={"phone": sent})) == [("customer.phone", "invalid_phone")]


# --- URLs, email, lengths, choices ---


@pytest.mark.parametrize(
    ("model", "data", "expected"),
    [
        (ShipmentInput, {"tracking_url": "ftp://x.example.com/1"}, [("tracking_url", "invalid_url")]),
        (ShipmentInput, {"tracking_url": "https://" + "x" * 1020 + ".com"}, [("tracking_url", "too_long")]),
        (ShipmentInput, {"status": "lost"}, [("status", "invalid_choice")]),
        (ShipmentInput, {"carrier": "c" * 256}, [("carrier", "too_long")]),
        (ShipmentInput, {"order_external_id": None}, [("order_external_id", "required")]),
    ],
)
def test_shipment_fields_are_checked(model, data, expected):
    body = {"external_id": "SHIP-1", "order_external_id": "ORDER-1", **data}
    assert failures(model, body) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"email": "not-an-email"}, [("email", "invalid_email")]),
        ({"first_name": "n" * 256}, [("first_name", "too_long")]),
        ({"locale": "fr-FR-x-long1"}, [("locale", "too_long")]),
        ({"lifetime_value": -1}, [("lifetime_value", "out_of_range")]),
        ({"orders_count": "7.5"}, [("orders_count", "invalid_type")]),
        ({"tags": ["ok", "t" * 256]}, [("tags.1", "too_long")]),
    ],
)
def test_customer_fields_are_checked(data, expected):
    assert failures(CustomerInput, {"phone": "+33612345678", **data}) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"recovery_url": "javascript:alert(1)"}, [("recovery_url", "invalid_url")]),
        ({"abandoned_at": "2026-05-18"}, [("abandoned_at", "invalid_datetime")]),
    ],
)
def test_cart_fields_are_checked(data, expected):
    body = {"external_id": "CART-1", "abandoned_at": "2026-05-18T09:40:00Z", "total_price": 1}
    assert failures(CartInput, {**body, "customer": {"phone": "+33612345678"}, **data}) == expected


# --- line items, tags, metadata ---


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([{"quantity": -1}], [("line_items.0.quantity", "out_of_range")]),
        ([{"quantity": 0.12345}], [("line_items.0.quantity", "too_precise")]),
        ([{"price": "x"}], [("line_items.0.price", "invalid_type")]),
        ([{"title": "ok"}, "not an object"], [("line_items.1", "invalid_type")]),
    ],
)
def test_line_item_numbers_are_checked(items, expected):
    assert failures(OrderInput, order(line_items=items)) == expected


# A quantity's decimals counted exactly at any length (README "Line items": at most 4): counted
# in the default 28-digit context, one of 30 significant digits was rounded to a whole number
# first and taken. The quantity as sent (text, and the Decimal a JSON number is read as) ->
# refused `too_precise` or taken (None).
QUANTITY_DECIMALS: dict[str, str | None] = {
    "1.00000000000000000000000000001": "too_precise",
    "1234567890123456789012345678901.23456": "too_precise",
    "12345678901234567890123456789.00001": "too_precise",
    "0.00001": "too_precise",
    "1E-5": "too_precise",
    "0.12345": "too_precise",
    "1234567890123456789012345678901.2345": None,
    "1.23450000000000000000000000000": None,
    "1000000000000000000000000000000.0000000000": None,
    "1.2345E+3": None,
    "12E+29": None,
    "7": None,
    "0.00000000": None,
    "0E-10": None,
}


@pytest.mark.parametrize("as_text", [True, False], ids=["text", "number"])
@pytest.mark.parametrize("quantity", QUANTITY_DECIMALS)
def test_a_quantitys_decimals_are_counted_exactly(quantity: str, as_text: bool) -> None:
    sent = quantity if as_text else Decimal(quantity)
    code = QUANTITY_DECIMALS[quantity]
    if code is not None:
        assert failures(OrderInput, order(line_items=[{"quantity": sent}])) == [("line_items.0.quantity", code)]
        return
    command = validate(OrderInput, order(line_items=[{"quantity": sent}]))
    assert command.line_items[0].quantity == Decimal(quantity)


def test_null_lists_and_objects_are_empty():
    command = validate(OrderInput, order(line_items=None, tags=None, metadata=None))
    assert (command.line_items, command.tags, command.metadata) == ([], [], {})


def test_json_deeper_than_32_levels_is_refused():
    deep: Any = "leaf"
    for _ in range(40):
        deep = {"k": deep}
    assert failures(OrderInput, order(metadata=deep)) == [("metadata", "too_deep")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"external_id": "a\x00b"}, [("external_id", "invalid_characters")]),
        ({"metadata": {"k": "a\ud800"}}, [("metadata.k", "invalid_characters")]),
        (
            {"customer": {"phone": "+33612345678", "first_name": "\x00"}},
            [("customer.first_name", "invalid_characters")],
        ),
    ],
)
def test_text_no_engine_can_store_is_refused(data, expected):
    assert failures(OrderInput, order(**data)) == expected


# --- PATCH (SPEC §3.1, §3.3): patchable fields only; absent vs null ---


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (OrderUpdate, "total_price"),
        (OrderUpdate, "external_id"),
        (OrderUpdate, "customer"),
        (CartUpdate, "total_price"),
        (CartUpdate, "abandoned_at"),
    ],
)
def test_a_patch_may_not_change_other_fields(model, field):
    assert failures(model, {field: "1"}) == [(field, "not_allowed")]


def test_a_patch_tells_absent_from_null():
    command = validate(OrderUpdate, {"tags": None})  # null: clear the list (services/patching.py)
    assert command.model_fields_set == {"tags"} and command.tags is None
    assert validate(OrderUpdate, {}).model_fields_set == set()


def test_a_cart_status_may_not_be_null():
    assert failures(CartUpdate, {"status": None}) == [("status", "required")]


def test_unknown_fields_are_ignored():
    command = validate(OrderInput, order(coupon="SUMMER", note={"x": 1}))
    assert command.external_id == "ORDER-1001" and not hasattr(command, "coupon")


# --- emails are kept without surrounding whitespace; pydantic's errors in the API's words ---


@pytest.mark.parametrize("sent", ["marie@example.com", " marie@example.com ", "\tmarie@example.com\n"])
def test_an_email_is_kept_without_surrounding_whitespace(sent):
    assert validate(CustomerInput, {"phone": "+33612345678", "email": sent}).email == "marie@example.com"
    embedded = validate(OrderInput, order(customer={"phone": "+33612345678", "email": sent})).customer
    assert embedded is not None and embedded.email == "marie@example.com"


@pytest.mark.parametrize(
    ("changed", "path", "message"),
    [
        (
            {"external_id": 5.5},
            "external_id",
            "Must be a string, or a whole number written without a decimal point or exponent.",
        ),
        (
            {"external_id": Decimal("1E+3")},
            "external_id",
            "Must be a string, or a whole number written without a decimal point or exponent.",
        ),
        (
            {"external_id": True},
            "external_id",
            "Must be a string, or a whole number written without a decimal point or exponent.",
        ),
        (
            {"external_id": [1]},
            "external_id",
            "Must be a string, or a whole number written without a decimal point or exponent.",
        ),
        (
            {"external_id": {"id": 1}},
            "external_id",
            "Must be a string, or a whole number written without a decimal point or exponent.",
        ),
        ({"tags": 7}, "tags", "Must be a list of strings, or one comma-separated string."),
        ({"metadata": [1]}, "metadata", "Must be an object."),
        ({"customer": "x"}, "customer", "Must be an object."),
        ({"line_items": [1]}, "line_items.0", "Must be an object."),
        ({"shipping_address": 5}, "shipping_address", "Must be an object."),
        ({"financial_status": "x" * 65}, "financial_status", "Must be at most 64 characters."),
        ({"tags": ["x" * 256]}, "tags.0", "Must be at most 255 characters."),
        ({"customer": {"phone": "+33612345678", "orders_count": "five"}}, "customer.orders_count", "Must be a number."),
        (
            {"customer": {"phone": "+33612345678", "orders_count": "5.5"}},
            "customer.orders_count",
            "Must be an integer.",
        ),
        (
            {"customer": {"phone": "+33612345678", "orders_count": -1}},
            "customer.orders_count",
            "Must be greater than or equal to 0.",
        ),
        (
            {"customer": {"phone": "+33612345678", "orders_count": 2**62 + 1}},
            "customer.orders_count",
            f"Must be less than or equal to {2**62}.",
        ),
        (
            {"customer": {"phone": "+33612345678", "locale": "x" * 11}},
            "customer.locale",
            "Must be at most 10 characters.",
        ),
    ],
)
def test_errors_are_in_the_apis_words(changed, path, message):
    """Not pydantic's ("Input should be a valid dictionary", "at most 64 items")."""
    with pytest.raises(ValidationFailed) as raised:
        validate(OrderInput, order(**changed), "FR")
    assert [(".".join(map(str, e.path)), e.message) for e in raised.value.errors] == [
        (path, f"The {path} field is invalid: {message}")
    ]


def test_a_shipment_status_error_names_the_choices():
    with pytest.raises(ValidationFailed) as raised:
        validate(ShipmentInput, {"external_id": "S", "order_external_id": "O", "status": "lost"})
    (error,) = raised.value.errors
    assert error.message == (
        "The status field is invalid: Must be 'pending', 'in_transit', 'delivered', 'failed' or 'returned'."
    )


# --- shapes the platforms relay (README, "Platform payloads") ---

WOO_ADDRESS = {"address_1": "1 Main St", "address_2": "Apt 2", "state": "MA", "postcode": "02108", "country": "US"}
RELAYED = {
    "a numeric id": ({"external_id": 820982911946154508}, lambda c: c.external_id == "820982911946154508"),
    "a numeric customer id": (
        {"customer": {"phone": "+33612345678", "external_id": 115310627314723954}},
        lambda c: c.customer.external_id == "115310627314723954",
    ),
    "Shopify's tag string": ({"tags": "vip, web ,,"}, lambda c: c.tags == ["vip", "web"]),
    "an empty tag string": ({"tags": ""}, lambda c: c.tags == []),
    "a customer's tag string": (
        {"customer": {"phone": "+33612345678", "tags": "a,b"}},
        lambda c: c.customer.tags == ["a", "b"],
    ),
    "a numeric-string quantity": ({"line_items": [{"quantity": "3"}]}, lambda c: c.line_items[0].quantity == 3),
    "numeric-string counts": (
        {"customer": {"phone": "+33612345678", "lifetime_value": "1299", "orders_count": " 7 "}},
        lambda c: (c.customer.lifetime_value, c.customer.orders_count) == (1299, 7),
    ),
    "WooCommerce's address names": (
        {"shipping_address": WOO_ADDRESS},
        lambda c: (
            (c.shipping_address.address1, c.shipping_address.address2, c.shipping_address.province)
            == ("1 Main St", "Apt 2", "MA")
            and (c.shipping_address.zip, c.shipping_address.country_code) == ("02108", "US")
        ),
    ),
    "a country name is not a code": (
        {"shipping_address": {"country": "France", "city": "Lyon"}},
        lambda c: c.shipping_address.country_code is None and c.shipping_address.city == "Lyon",
    ),
    "ours win over WooCommerce's": (
        {"shipping_address": {"zip": "75001", "postcode": "99999"}},
        lambda c: c.shipping_address.zip == "75001",
    ),
    "PHP's empty array as an address": ({"billing_address": []}, lambda c: c.billing_address is None),
}


@pytest.mark.parametrize(("changed", "check"), RELAYED.values(), ids=RELAYED.keys())
def test_what_platforms_relay_is_read(changed, check):
    assert check(validate(OrderInput, order(**changed), "FR"))


def test_a_woocommerce_address_country_reads_the_phone():
    body = order(customer=None, shipping_address={"country": "BE", "phone": "0470 12 34 56"})
    command = validate(OrderInput, body, "FR")
    assert (command.phone.e164, command.phone_source) == ("+32470123456", "shipping_address")
