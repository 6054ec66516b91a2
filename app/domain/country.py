"""ISO 3166-1 alpha-2 country codes, from pycountry (the maintained ISO tables)."""

from __future__ import annotations

import pycountry

COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)
