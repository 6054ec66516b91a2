"""Exact money: Decimal in, Decimal stored (as integer ten-thousandths), string out."""

from __future__ import annotations

from decimal import Decimal

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
