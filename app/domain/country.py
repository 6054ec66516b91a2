"""The country codes an address may name: ISO 3166-1 alpha-2's assigned codes, from pycountry
(the maintained ISO tables), and the few others the platforms' country lists give an address
(README "Platform payloads"), each a region phonenumbers reads national numbers in."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pycountry

ISO_CODES = frozenset(country.alpha_2 for country in pycountry.countries)

# Codes ISO 3166-1 has not assigned that Shopify's, WooCommerce's or Magento's checkouts put in
# an address -> why each is taken. Refusing them lost the whole order. Not taken: Shopify's `AN`
# (Netherlands Antilles, dissolved in 2010: no numbering region, no checkout offers it) and `ZZ`
# ("unknown region"), and every other user-assigned code (`AA`, `QM`-`QZ`, `XA`-`XZ`), which
# name no place.
PLATFORM_CODES: Mapping[str, str] = MappingProxyType(
    {
        "XK": "Kosovo: user-assigned, used by the European Commission and CLDR; all three platforms",
        "AC": "Ascension Island: exceptionally reserved by ISO 3166/MA; Shopify's CountryCode",
        "TA": "Tristan da Cunha: exceptionally reserved by ISO 3166/MA; Shopify's CountryCode",
    }
)

COUNTRY_CODES = ISO_CODES | frozenset(PLATFORM_CODES)
