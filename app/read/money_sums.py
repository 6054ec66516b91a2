"""Sums of money columns, exact on every engine.

An amount is stored as an integer count of ten-thousandths (`types.ExactMoney`). SQLite's SUM
of integers stops at 2^63 (`integer overflow`): about 922 billion in a currency's major unit,
which a period of a shop selling in dong or rupiah reaches. So a sum is read in two halves
that each stay far below it, the high part (units // 10^9) and the low one (units % 10^9),
and put together in Python: exact at any size, on SQLite as on PostgreSQL (whose SUM of a
bigint is NUMERIC), and still summed by the database, not row by row.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, func, type_coerce
from sqlalchemy.sql.elements import Label

from app.domain.money import from_units

# An amount is under 10^18 ten-thousandths: each half under 10^9, so 9 billion orders a group
# before a half's sum could overflow.
HALF = 10**9


def money_sum(column: Any, name: str) -> tuple[Label[Any], Label[Any]]:
    """The two halves of SUM(`column`) (ten-thousandths), labelled `name_high` and `name_low`:
    select both, and read the sum with `summed(row, name)`."""
    units = type_coerce(column, BigInteger)
    return func.sum(units // HALF).label(f"{name}_high"), func.sum(units % HALF).label(f"{name}_low")


def summed(row: Mapping[Any, Any], name: str) -> Decimal:
    """The exact sum `money_sum(…, name)` read in `row` (a row's mapping), as an amount; 0 for
    a group of no amount (SQL's SUM of no row, or of nulls only, is NULL)."""
    return from_units(summed_units(row, name))


def summed_units(row: Mapping[Any, Any], name: str) -> int:
    """`summed` in ten-thousandths."""
    high, low = row[f"{name}_high"], row[f"{name}_low"]
    return int(high or 0) * HALF + int(low or 0)
