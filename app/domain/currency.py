"""ISO 4217 currency codes a record may carry: the current ones (pycountry's, the maintenance
agency's list one) and the withdrawn ones (CLDR's, through babel: list three's HRK, LTL, FRF,
DEM, …), so that a shop's history in a currency since replaced (Croatia's kuna until 2023,
Lithuania's litas until 2015, the franc and the mark until 2002) is taken as it was sold.

A withdrawn code has no minor unit here (`money.MINOR_UNITS` holds the current list's): its
amounts take up to 4 decimals and render with two, as those of a current code without one
(README "Money")."""

from __future__ import annotations

import pycountry
from babel.numbers import list_currencies

CURRENT_CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies)
# CLDR's codes are ISO 4217's, current and withdrawn, and CNH (the offshore yuan, which
# platforms such as payment providers use).
WITHDRAWN_CODES = frozenset(list_currencies()) - CURRENT_CODES
CURRENCY_CODES = CURRENT_CODES | WITHDRAWN_CODES
