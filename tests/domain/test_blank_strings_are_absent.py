"""Blank strings are absent (SPEC §10, issue 11), called directly on the command models: a blank
(`""` or only whitespace) in any string field of any command is the field left out, so an optional
field is unset (a POST stores null, the merge keeps, a PATCH leaves alone) and a required one is
`required`. The fields come from the models (`string_fields`)."""

from __future__ import annotations

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
    is_blank,
    string_fields,
    validate,
)
from app.domain.errors import ValidationFailed

BLANKS = ["", " ", "   ", "\t\n", "\r\n", "\u00a0", "\u2003\u3000"]
VALID: dict[type[Command], dict[str, Any]] = {
    OrderInput: {
        "external_id": "O-1",
        "placed_at": "2026-05-18T10:00:00Z",
        "total_price": 1,
        "customer": {"phone": "+33612345678"},
    },
    CartInput: {
        "external_id": "C-1",
        "abandoned_at": "2026-05-18T10:00:00Z",
        "total_price": 1,
        "customer": {"phone": "+33612345678"},
    },
    ShipmentInput: {"external_id": "S-1", "order_external_id": "O-1"},
    CustomerInput: {"phone": "+33612345678"},
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
