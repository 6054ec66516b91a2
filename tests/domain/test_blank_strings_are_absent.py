"""Blank strings are absent (SPEC §10, issue 11), called directly on the command models: a blank
(`""` or only whitespace) in any string field of any command, and in any field no string fills
(an address, the customer, a consent, line items, metadata, a count), is the field left out, so
an optional field is unset (a POST stores its default, the merge keeps, a PATCH leaves alone)
and a required one is `required`. The fields come from the models (`blank_fields`)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.domain.commands import (
    CartInput,
    CartUpdate,
    Command,
    CustomerInput,
    OrderInput,
    OrderUpdate,
    ShipmentInput,
    blank_fields,
    string_fields,
    validate,
)
from app.domain.errors import ValidationFailed
from app.domain.text import is_blank
from tests.domain.optional_fields import NULL_REFUSED, optional_paths

BLANKS = ["", " ", "   ", "\t\n", "\r\n", "\u00a0", "\u2003\u3000"]
# Both purposes, so that either one null still leaves a consent (one without any purpose is refused).
CONSENT = {"marketing": "subscribed", "utility": "subscribed"}
VALID: dict[type[Command], dict[str, Any]] = {
    OrderInput: {
        "external_id": "O-1",
        "placed_at": "2026-05-18T10:00:00Z",
        "total_price": 1,
        "customer": {"phone": "+33612345678", "whatsapp_consent": CONSENT},
    },
    CartInput: {
        "external_id": "C-1",
        "abandoned_at": "2026-05-18T10:00:00Z",
        "total_price": 1,
        "customer": {"phone": "+33612345678", "whatsapp_consent": CONSENT},
    },
    ShipmentInput: {"external_id": "S-1", "order_external_id": "O-1"},
    CustomerInput: {"phone": "+33612345678", "whatsapp_consent": CONSENT},
    OrderUpdate: {},
    CartUpdate: {},
}
FIELDS = [(model, name) for model in VALID for name in sorted(blank_fields(model))]
# A blank customer of an order or a cart is its phone left out: required, as no address gives one.
HOLDS_THE_PHONE = {(OrderInput, "customer"), (CartInput, "customer")}


def test_every_string_field_is_found() -> None:
    assert {(model.__name__, name) for model, name in FIELDS} >= {
        ("OrderInput", "currency"),
        ("OrderInput", "placed_at"),
        ("ShipmentInput", "status"),
        ("CustomerInput", "phone"),
        ("CustomerInput", "email"),
        ("CartUpdate", "recovery_url"),
    }
    # money is a number also sent as a string: a blank one is absent, so a blank total is `required`
    assert "total_price" in string_fields(OrderInput)
    assert "tags" not in blank_fields(OrderInput)  # Shopify's comma-separated tags: "" is no tag
    assert blank_fields(OrderInput) - string_fields(OrderInput) == {
        "customer", "shipping_address", "billing_address", "line_items", "metadata",
    }  # fmt: skip
    assert blank_fields(CustomerInput) - string_fields(CustomerInput) == {
        "whatsapp_consent", "tags",  # a contact's tags: merged
    }  # fmt: skip
    # a count is also sent as text ("7"): a blank one is absent
    assert {"lifetime_value", "orders_count"} <= string_fields(CustomerInput)


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
def test_a_blank_string_field_is_absent(model: type[Command], name: str, blank: str) -> None:
    data = {**VALID[model], name: blank}
    field = model.model_fields[name]
    if field.is_required() or (model, name) in HOLDS_THE_PHONE:
        with pytest.raises(ValidationFailed) as caught:
            validate(model, data, "FR")
        missing = "customer.phone" if (model, name) in HOLDS_THE_PHONE else name
        assert [(e.dotted, e.code) for e in caught.value.errors] == [(missing, "required")]
    else:
        command = validate(model, data, "FR")
        left_out = validate(model, {key: value for key, value in VALID[model].items() if key != name}, "FR")
        assert name not in command.model_fields_set and getattr(command, name) == getattr(left_out, name)


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("name", sorted(blank_fields(CustomerInput) - {"phone"}))
def test_a_blank_embedded_customer_field_is_absent(name: str, blank: str) -> None:
    customer = {"phone": "+33612345678", name: blank}
    command = validate(OrderInput, {**VALID[OrderInput], "customer": customer}, "FR")
    assert command.customer.model_fields_set == {"phone"}


@pytest.mark.parametrize(
    ("value", "blank"),
    [("", True), ("  \t\n", True), ("\u00a0", True), (" a ", False), ("\u200b", False), (None, False), (0, False)],
)
def test_blank_is_empty_or_only_whitespace(value: Any, blank: bool) -> None:
    assert is_blank(value) is blank


def test_blanks_inside_lists_and_free_form_json_are_kept() -> None:
    command = validate(OrderInput, {**VALID[OrderInput], "tags": [""], "metadata": {"note": " "}}, "FR")
    assert (command.tags, command.metadata) == ([""], {"note": " "})


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("name", ["quantity", "price"])
def test_a_blank_line_item_quantity_or_price_is_left_out(name: str, blank: str) -> None:
    """A line item is free-form (its blank sku stays), but its quantity and price are typed: a
    blank one is the key left out, not a 422."""
    line = {"title": "Pen", "sku": "", "quantity": 2, "price": "1.50", name: blank}
    command = validate(OrderInput, {**VALID[OrderInput], "line_items": [line]}, "FR")
    expected = {key: value for key, value in line.items() if key != name}
    left_out = validate(OrderInput, {**VALID[OrderInput], "line_items": [expected]}, "FR")
    assert [item.as_json() for item in command.line_items] == [item.as_json() for item in left_out.line_items]
    assert name not in command.line_items[0].as_json() and command.line_items[0].as_json()["sku"] == ""


NULLABLE = [(model, path) for model in VALID for path in optional_paths(model) if (model, path) not in NULL_REFUSED]


def _with_null(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = None
    return data


@pytest.mark.parametrize(("model", "path"), NULLABLE, ids=[f"{m.__name__}.{'.'.join(p)}" for m, p in NULLABLE])
def test_null_in_an_optional_field_is_accepted(model: type[Command], path: tuple[str, ...]) -> None:
    """Platforms send null for "no value" as often as "": every optional field takes it."""
    validate(model, _with_null(VALID[model], path), "FR")


@pytest.mark.parametrize(("model", "path"), sorted(NULL_REFUSED, key=str), ids=lambda case: str(case))
def test_null_where_a_value_is_needed_is_required(model: type[Command], path: tuple[str, ...]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate(model, _with_null(VALID[model], path), "FR")
    expected = "status" if model is CartUpdate else "customer.phone"
    assert [(e.dotted, e.code) for e in caught.value.errors] == [(expected, "required")]


def test_every_address_field_is_in_the_null_table() -> None:
    assert (OrderInput, ("shipping_address", "country_code")) in NULLABLE
    assert (CartInput, ("billing_address", "phone")) in NULLABLE
