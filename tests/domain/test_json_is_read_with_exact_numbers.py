"""`app.domain.json_values.read_json`, the one reader of REST bodies, GraphQL requests and
`kanal import`'s JSON Lines: numbers exact, any length of whole number read (a Decimal past
Python's 4,300-digit `int`, where valid JSON was "not valid JSON: Exceeds the limit (4300
digits)…, use sys.set_int_max_str_digits()"), and no NaN or Infinity (RFC 8259)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.domain.json_values import MAX_INT_DIGITS, read_json

# text -> the value read
READ = {
    "1": 1,
    "-12": -12,
    "0.1": Decimal("0.1"),
    "1e400": Decimal("1e400"),
    "9" * MAX_INT_DIGITS: int("9" * MAX_INT_DIGITS),
    "-" + "9" * MAX_INT_DIGITS: -int("9" * MAX_INT_DIGITS),
    "9" * (MAX_INT_DIGITS + 1): Decimal("9" * (MAX_INT_DIGITS + 1)),
    "-" + "9" * 5000: Decimal("-" + "9" * 5000),
    '{"n": [%s]}' % ("1" * 5000): {"n": [Decimal("1" * 5000)]},
    # past a Decimal's exponent: the largest one of its sign (json_values.exact_decimal)
    "1e99999999999999999999": Decimal("1E+999999999999999999"),
    '{"n": [1, -1e-99999999999999999999]}': {"n": [1, Decimal("-1E-999999999999999999")]},
}
# text -> the ValueError's message
REFUSED = {
    "NaN": "NaN is not valid JSON",
    "[Infinity]": "Infinity is not valid JSON",
    "-Infinity": "-Infinity is not valid JSON",
    "[1,": "Expecting value: line 1 column 4 (char 3)",
}


@pytest.mark.parametrize("text", READ, ids=[text[:12] + f"…({len(text)})" for text in READ])
def test_numbers_are_read_exactly_at_any_length(text: str) -> None:
    value = read_json(text)
    assert (type(value), value) == (type(READ[text]), READ[text])


@pytest.mark.parametrize("text", REFUSED)
def test_what_is_not_json_is_refused(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        read_json(text)
    assert str(refused.value) == REFUSED[text]
    assert isinstance(refused.value, json.JSONDecodeError) == (text == "[1,")
