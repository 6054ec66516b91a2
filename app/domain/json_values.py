"""JSON values as every JSON column and body writes them (RFC 8259 numbers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def json_default(value: Any) -> Any:
    """orjson's `default`: a Decimal becomes an int when integral (and 64-bit), else a float.
    Raises TypeError for anything else JSON cannot hold."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and -(2**63) <= value < 2**63:
            return int(value)
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
