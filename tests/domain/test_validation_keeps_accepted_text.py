"""Validation never changes a text it accepts (README, "Strings": refused, or kept as sent): every
string of the injection corpus (tests/api/corpora/injection_strings.json), cut to the field's
length limit, comes out of `validate` identical in each kind of free string field (a blank one,
absent in an optional field: None; an order status in its one form, trimmed and lower-cased). No database,
no HTTP, no JSON: nothing upstream of storage rewrites it."""

from __future__ import annotations

import copy

import pytest

from app.domain.commands import OrderInput, validate
from app.domain.statuses import order_status
from tests.api.injection_corpus import TEXTS, Text, params
from tests.conftest import order_body


@pytest.mark.parametrize("text", params(TEXTS))
def test_validation_keeps_an_accepted_text_as_it_is(text: Text) -> None:
    value = text.text
    body = order_body(financial_status=value[:64], tags=[value[:255]], metadata={value: value})
    body["customer"]["first_name"] = value[:255]
    command = validate(OrderInput, copy.deepcopy(body), "FR")
    assert command.financial_status == (None if text.is_absent("financial_status") else order_status(value[:64]))
    assert command.tags == [value[:255]]
    assert command.metadata == {value: value}
    assert command.customer.first_name == (None if text.is_absent("customer.first_name") else value[:255])
