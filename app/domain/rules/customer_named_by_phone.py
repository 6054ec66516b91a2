"""A customer written without `external_id` is keyed by its phone (SPEC §3: the customers'
natural key is "`external_id`, or `phone` when no `external_id`"), so its phone names it where
a customer id is taken: `GET` and `DELETE /customers/{id}`, GraphQL's `contact(externalId:)`
and `deleteCustomer`. An id names a customer first (a shop's own id that looks like a phone is
that customer); only one that names none and is written as an international number (`+` and
the country code, the form the API answers `phone` in) names the contact of that phone. Not a
national number nor bare digits: an unknown numeric customer id (`7261536452`) would then name,
and erase, a stranger's contact."""

from __future__ import annotations

from app.domain.phone import InvalidPhone, Phone, parse_phone


def phone_named(external_id: str) -> Phone | None:
    """The phone (E.164) the customer id `external_id` is written as, when it is one with `+`
    and the country code (`+33612345678`, `+33 6 12 34 56 78`), else None."""
    if not external_id.lstrip().startswith("+"):
        return None
    try:
        return parse_phone(external_id, None)
    except InvalidPhone:
        return None
