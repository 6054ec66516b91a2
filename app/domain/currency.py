"""ISO 4217 currency codes."""

from __future__ import annotations

import pycountry

CURRENCY_CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies)
