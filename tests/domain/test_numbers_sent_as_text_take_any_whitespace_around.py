"""An amount, a quantity or a count sent as text may carry whitespace around its digits (README,
"Platform payloads"; SPEC §10 reads whitespace as `str.isspace` does, as a blank string or a
currency code is read). Before, only ASCII whitespace was: `" 7 "` was 7 but a no-break space
or a narrow no-break space (what a French locale writes beside a number) around it made the
field `invalid_type`. Every Unicode whitespace character, in every numeric field that takes
text; digits stay ASCII (Decimal would read `"٧"` as 7)."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

import pytest

from app.domain.commands import CartInput, CustomerInput, OrderInput, validate
from app.domain.errors import ValidationFailed

SPACES = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
PHONE = {"phone": "+33612345678"}
ORDER = {"external_id": "O-1", "placed_at": "2026-05-18T10:00:00Z", "total_price": "1", "customer": PHONE}
CART = {"external_id": "C-1", "abandoned_at": "2026-05-18T10:00:00Z", "total_price": "1", "customer": PHONE}


def _item(**given: Any) -> dict[str, Any]:
    return {"title": "Tee", "quantity": 1, "price": "1", **given}


# field -> (model, the body with the field's text put in, what the command holds)
FIELDS = {
    "an order's total_price": (OrderInput, lambda t: {**ORDER, "total_price": t}, lambda c: c.total_price),
    "a cart's total_price": (CartInput, lambda t: {**CART, "total_price": t}, lambda c: c.total_price),
    "a line item's price": (
        OrderInput,
        lambda t: {**ORDER, "line_items": [_item(price=t)]},
        lambda c: c.line_items[0].price,
    ),
    "a line item's quantity": (
        OrderInput,
        lambda t: {**ORDER, "line_items": [_item(quantity=t)]},
        lambda c: c.line_items[0].quantity,
    ),
    "a customer's lifetime_value": (
        CustomerInput,
        lambda t: {"external_id": "CU-1", **PHONE, "lifetime_value": t},
        lambda c: c.lifetime_value,
    ),
    "a customer's orders_count": (
        CustomerInput,
        lambda t: {"external_id": "CU-1", **PHONE, "orders_count": t},
        lambda c: c.orders_count,
    ),
}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("space", SPACES, ids=lambda char: f"U+{ord(char):04X}")
def test_whitespace_around_the_digits_is_cut(space, field):
    model, body, held = FIELDS[field]
    for text in (f"{space}7", f"7{space}", f"{space}{space}7{space}"):
        assert held(validate(model, body(text), "FR")) == Decimal(7), repr(text)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("text", ["\u0667", "7\u00a07", "7\u200b", "-\u00a07"])
def test_other_digits_and_spaces_inside_stay_refused(field, text):
    model, body, _ = FIELDS[field]
    with pytest.raises(ValidationFailed) as refused:
        validate(model, body(text), "FR")
    assert [error.code for error in refused.value.errors] == ["invalid_type"]
