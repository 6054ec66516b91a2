"""Revenue per currency, as every dashboard aggregate answers it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.money import Amount, average_of


@dataclass(frozen=True)
class Revenue:
    """Orders of one currency (None: orders sent without one): their total, count and average
    order value, rounded half-even to the currency's minor unit (ISO 4217; two decimals without
    a currency): an average is a statistic, not an amount that was paid."""

    currency: str | None
    amount: Amount
    orders: int
    average: Amount

    @classmethod
    def of(cls, currency: str | None, total: Decimal, orders: int) -> Revenue:
        """From a SQL group: the currency, SUM(total_price) and COUNT(*) (orders > 0); exact at any
        size (`average_of` divides in the wide context)."""
        average = average_of(total, orders, currency)
        return cls(currency, Amount.of(total, currency), orders, Amount.of(average, currency))


def currency_order(currency: str | None) -> tuple[bool, str]:
    """The sort key of every per-currency list but `topProducts`' (ranked by revenue):
    `storeStats`, `storeTimeseries`, `recoveryFunnel` and a contact's `spent` list by ISO 4217
    code, the orders sent without a currency last, on both engines alike (a GROUP BY alone
    promises no order; an ORDER BY puts NULL first on SQLite, last on PostgreSQL)."""
    return (currency is None, currency or "")
