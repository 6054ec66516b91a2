"""Exact money: Decimal in, Decimal stored (as integer ten-thousandths), string out.

How many decimals an amount has is its currency's: the ISO 4217 minor unit (exponent) as
published by the ISO 4217 maintenance agency, from the `iso4217` package (JPY 0, EUR 2,
KWD 3). An amount without a currency, or in one without a minor unit (XAU, XXX), has two."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from iso4217 import Currency
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

MAX_DECIMALS = 4
MAX_AMOUNT = Decimal("100000000000000")  # 10^14 fits a signed 64-bit integer of 1/10,000 units
DEFAULT_PLACES = 2
# Digits rounding works with: a sum of line totals (up to 10^31 x 10^14 each) has more than
# the default context's 28.
WIDE_DIGITS = 120
_WIDE = Context(prec=WIDE_DIGITS)

# ISO 4217 exponents; the list's "N.A." (precious metals, testing codes) is left out.
MINOR_UNITS: dict[str, int] = {
    currency.code: currency.exponent for currency in Currency if currency.exponent is not None
}
QUANTA = {places: Decimal(1).scaleb(-places) for places in range(MAX_DECIMALS + 1)}


def to_units(amount: Decimal) -> int:
    return int(amount.scaleb(MAX_DECIMALS))


def from_units(units: int) -> Decimal:
    """Ten-thousandths as the Decimal they are, exactly at any size (a sum of line totals may
    have more digits than the default context's 28)."""
    return Decimal(units).scaleb(-MAX_DECIMALS, context=_WIDE)


def places_of(currency: str | None) -> int:
    """The decimals an amount in `currency` (ISO 4217 code, stored upper case) renders with:
    its minor unit, or 2 when there is no currency or it has none (ISO 4217 "N.A.")."""
    return MINOR_UNITS.get(currency, DEFAULT_PLACES) if currency else DEFAULT_PLACES


def max_decimals_of(currency: str | None) -> int:
    """The decimals an amount in `currency` may have: its ISO 4217 minor unit, or the stored
    precision (4) when there is no currency or it has no minor unit."""
    return MINOR_UNITS.get(currency, MAX_DECIMALS) if currency else MAX_DECIMALS


def format_money(amount: Decimal, places: int = DEFAULT_PLACES) -> str:
    """`places` decimals, more only when the value has more (an amount is never rounded):
    (49.9, 2) -> "49.90", (1500, 0) -> "1500", (0.125, 2) -> "0.125". Zero is never signed:
    -0 -> "0.00"."""
    rounded = amount.quantize(QUANTA[places], context=_WIDE)  # no `localcontext`: 2 µs a body
    if rounded != amount:
        # In the wide context: the default one cuts a sum past 28 digits (its decimals first).
        return f"{amount.normalize(_WIDE):f}"
    return f"{rounded if rounded else rounded.copy_abs():f}"


def money_text(amount: Decimal, currency: str | None) -> str:
    """The amount as REST renders it in `currency` (`format_money` with the currency's places)."""
    return format_money(amount, places_of(currency))


def round_to_unit(amount: Decimal, currency: str | None) -> Decimal:
    """The amount rounded half-even (banker's rounding) to the currency's minor unit."""
    return amount.quantize(QUANTA[places_of(currency)], rounding=ROUND_HALF_EVEN, context=_WIDE)


def average_of(total: Decimal, count: int, currency: str | None) -> Decimal:
    """`total` / `count` (count > 0) rounded half-even to the currency's minor unit. Divided in
    the wide context: a sum of line totals may have more digits than the default context's 28,
    which would cut the quotient before it is rounded."""
    return round_to_unit(_WIDE.divide(total, count), currency)


def decimal_places(amount: Decimal) -> int:
    """The decimals `amount` (finite) needs, trailing zeros not counted ("1.2300" -> 2, "1E+3"
    -> 0); exact at any length (`normalize` in the default context rounds to 28 digits first,
    and `1.00000000000000000000000000001` would need none)."""
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    places, end = -exponent, len(digits)
    while places and end and not digits[end - 1]:  # the trailing zeros
        places, end = places - 1, end - 1
    return places if end else 0  # every digit a zero: 0.000 is 0


class Amount(Decimal):
    """An amount of money in a record: a Decimal that knows how many decimals its currency has
    (`places`, see `places_of`), and renders as a money string (`format_money`) in REST bodies
    and as the `Decimal` scalar in GraphQL (SPEC §3.1). Arithmetic on it gives plain Decimals."""

    __slots__ = ("places",)
    places: int

    def __new__(cls, value: Any = "0", places: int = DEFAULT_PLACES) -> Amount:
        amount = Decimal.__new__(cls, value)
        amount.places = places
        return amount

    @classmethod
    def of(cls, value: Any, currency: str | None) -> Amount:
        """The amount `value` in `currency` (ISO 4217 code or None)."""
        return cls(value, places_of(currency))

    def text(self) -> str:
        return format_money(self, self.places)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls, serialization=core_schema.plain_serializer_function_ser_schema(cls.text)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": r"^\d+(\.\d{1,4})?$", "examples": ["49.90", "1500", "12.345"]}
