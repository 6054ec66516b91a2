"""JSON values as every body is read and every JSON column and body writes them (RFC 8259
numbers)."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

# The most digits Python reads into an int (CPython's guard against quadratic conversion,
# `sys.get_int_max_str_digits`); a longer whole number is read as a Decimal, as an exponent is.
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300


# The largest exponent a Decimal holds (decimal.MAX_EMAX on 64-bit builds).
_LARGEST_EXPONENT = "999999999999999999"


def exact_decimal(text: str) -> Decimal:
    """The Decimal a number's text (JSON's grammar, or an amount sent as text) spells, every
    digit kept. An exponent past what a Decimal holds (`1e99999999999999999999`: Decimal raises
    InvalidOperation, which was a 500) is read as the largest one of its sign, a number still
    past every field's range or precision, so refused as `1e999999999` is."""
    try:
        return Decimal(text)
    except InvalidOperation:
        mantissa, _, exponent = text.strip().lower().partition("e")
        if not exponent:
            raise
        sign = "-" if mantissa.startswith("-") else ""
        return Decimal(f"{sign}1E{'-' if exponent.startswith('-') else '+'}{_LARGEST_EXPONENT}")


def is_long_whole(value: object) -> bool:
    """Whether `value` is a JSON whole number past `MAX_INT_DIGITS` digits as `read_json` reads
    it: a Decimal of exponent 0 (no other number is read so)."""
    if value.__class__ is not Decimal:
        return False
    digits = value.as_tuple()
    return bool(digits.exponent == 0 and len(digits.digits) > MAX_INT_DIGITS)


def _whole(text: str) -> int | Decimal:
    return int(text) if len(text) - (text[0] == "-") <= MAX_INT_DIGITS else Decimal(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")  # RFC 8259 has no NaN nor Infinity; Python's json reads them


_DECODER = json.JSONDecoder(parse_float=exact_decimal, parse_int=_whole, parse_constant=_no_constant)
# The common case without a Python call per number (C's int, Decimal's own constructor); it
# raises on what only `_DECODER` reads (a whole number past MAX_INT_DIGITS, an exponent past a
# Decimal's), and on what neither does, which `_DECODER` then refuses with its own message.
_FAST_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)


def read_json(text: str) -> Any:
    """JSON text (RFC 8259) with exact numbers: a number with a fraction or an exponent is a
    Decimal (every digit kept), a whole number an int, or a Decimal past `MAX_INT_DIGITS`
    digits (no field takes it: each refuses it as out of range, as it does `1e999999999`),
    where Python's own limit made valid JSON "not valid JSON". `NaN` and `Infinity`, which
    Python's json reads, are refused. A byte order mark first (U+FEFF, which editors and
    some PHP sources put before the text) is ignored, as RFC 8259 §8.1 lets a parser do.
    Raises ValueError (json.JSONDecodeError for a syntax error) or RecursionError (nested too
    deeply)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return _FAST_DECODER.decode(text)
    except (ValueError, ArithmeticError):  # InvalidOperation is an ArithmeticError
        return _DECODER.decode(text)


def json_default(value: Any) -> Any:
    """orjson's `default`: a Decimal becomes an int when integral (and 64-bit), else the double
    nearest it, itself an int when that double is whole (`9007199254740993.5` is the double
    9007199254740994, `2e-324` is 0, `1.00…001` is 1): a whole double answered in its shortest
    form past 1e16 (`9.223372036854775e+18`) was read back as another integer, and a whole
    value is answered as an integer (README "Free-form JSON"). `app.domain.types` refuses a
    value whose whole double is past 64 bits. Raises TypeError for anything else JSON cannot
    hold."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and -(2**63) <= value < 2**63:
            return int(value)
        nearest = float(value)
        return int(nearest) if nearest.is_integer() and -(2**63) <= nearest < 2**63 else nearest
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    """`value` as the JSON text the JSON columns store (orjson, a Decimal by `json_default`).
    Raises TypeError for what JSON cannot hold."""
    return orjson.dumps(value, default=json_default).decode()


def as_text(value: Any) -> str | None:
    """A free-form JSON value read as text (a line item's `sku` or `title`): a string is itself,
    null None, any other value its JSON text (`123`, `true`, `{"a":1}`), read from what is
    stored so the same on both engines. GraphQL's line items and topProducts read them so."""
    if value is None or isinstance(value, str):
        return value
    return dumps(value)
