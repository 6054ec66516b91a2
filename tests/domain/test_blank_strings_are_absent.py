"""Blank strings are absent (SPEC §10, issue 11), called directly on the command models: a blank
(`""` or only whitespace) in any string field of any command is the field left out, so an optional
field is unset (a POST stores null, the merge keeps, a PATCH leaves alone) and a required one is
`required`. The fields come from the models (`string_fields`)."""

from __future__ import annotations

import copy
from typing import Any, get_args

import pytest

from app.domain.commands import (
    CartInput,
    CartUpdate,
    Command,
    CustomerInput,
    OrderInput,
    OrderUpdate,
    ShipmentInput,
    is_blank,
    string_fields,
    validate,
)
from app.domain.errors import ValidationFailed

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
FIELDS = [(model, name) for model in VALID for name in sorted(string_fields(model))]


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
    assert "tags" not in string_fields(OrderInput)


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
def test_a_blank_string_field_is_absent(model: type[Command], name: str, blank: str) -> None:
    data = {**VALID[model], name: blank}
    if model.model_fields[name].is_required():
        with pytest.raises(ValidationFailed) as caught:
            validate(model, data, "FR")
        assert [(e.dotted, e.code) for e in caught.value.errors] == [(name, "required")]
    else:
        command = validate(model, data, "FR")
        assert name not in command.model_fields_set and getattr(command, name) is None


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("name", sorted(string_fields(CustomerInput) - {"phone"}))
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


def _optional_paths(model: type[Command], at: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every optional field of `model`, those of its nested commands (customer, addresses) too."""
    found: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        nested = next((arg for arg in get_args(field.annotation) if arg is not type(None)), field.annotation)
        if not field.is_required():
            found.append((*at, name))
        if isinstance(nested, type) and issubclass(nested, Command):
            found.extend(_optional_paths(nested, (*at, name)))
    return found


# null where null is refused: an order's or cart's phone (no phone anywhere), a cart PATCH's status
NULL_REFUSED = {
    (OrderInput, ("customer",)),
    (OrderInput, ("customer", "phone")),
    (CartInput, ("customer",)),
    (CartInput, ("customer", "phone")),
    (CartUpdate, ("status",)),
}
NULLABLE = [(model, path) for model in VALID for path in _optional_paths(model) if (model, path) not in NULL_REFUSED]


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
