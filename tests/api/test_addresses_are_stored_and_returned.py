"""README, "Phones as shops send them": orders and carts (also as checkouts) accept a shipping
and a billing address, validated like other texts (the country an ISO 3166 alpha-2 code,
upper-cased), stored as sent and returned by POST, GET and GraphQL (tables and checks in
tests/api/addresses.py)."""

import pytest

from tests.api import addresses
from tests.api.addresses import EMPTY, REFUSED

RESOURCES = list(addresses.RESOURCES)  # order, cart, checkout


@pytest.mark.parametrize("resource", RESOURCES)
async def test_addresses_are_returned_by_post_get_and_graphql(api, resource):
    await addresses.check_addresses_are_returned_by_post_get_and_graphql(api, resource)


@pytest.mark.parametrize("resource", RESOURCES)
async def test_without_addresses_they_are_null(api, resource):
    await addresses.check_without_addresses_they_are_null(api, resource)


@pytest.mark.parametrize("resource", RESOURCES)
async def test_a_replaced_record_replaces_its_addresses(api, resource):
    await addresses.check_a_replaced_record_replaces_its_addresses(api, resource)


@pytest.mark.parametrize(("address", "field", "code"), REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("resource", RESOURCES)
async def test_an_invalid_address_is_422_and_stores_nothing(api, resource, address, field, code):
    await addresses.check_an_invalid_address_is_422_and_stores_nothing(api, resource, address, field, code)


@pytest.mark.parametrize("address", EMPTY.values(), ids=EMPTY.keys())
@pytest.mark.parametrize("resource", RESOURCES)
async def test_an_empty_address_is_no_address(api, resource, address):
    await addresses.check_an_empty_address_is_no_address(api, resource, address)
