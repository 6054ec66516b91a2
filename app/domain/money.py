"""Exact money: Decimal in, Decimal stored (as integer ten-thousandths), string out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

MAX_DECIMALS = 4
MAX_AMOUNT = Decimal("100000000000000")  # 10^14 fits a signed 64-bit integer of 1/10,000 units


def to_units(amount: Decimal) -> int:
    return int(amount.scaleb(MAX_DECIMALS))


def from_units(units: int) -> Decimal:
    return Decimal(units).scaleb(-MAX_DECIMALS)


def format_money(amount: Decimal) -> str:
    """Two decimals, more only when the value has more: 49.9 -> "49.90", 0.125 -> "0.125"."""
    normalized = amount.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return f"{normalized:f}"
    return f"{amount.quantize(Decimal('0.01')):f}"


def decimal_places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class Amount(Decimal):
    """An amount of money in a record: a Decimal that renders as a money string (`format_money`)
    in REST bodies and as the `Decimal` scalar in GraphQL (SPEC §3.1). Elsewhere (event
    payloads, JSON columns) it is the number it holds."""

    __slots__ = ()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls, serialization=core_schema.plain_serializer_function_ser_schema(format_money)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": r"^\d+\.\d{2,4}$", "examples": ["49.90"]}
