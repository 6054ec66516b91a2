"""Mutations of one document run in order (GraphQL spec §6.2.2), each answering the records as
its write left them, as its REST twin would: a later payload's nested fields (an order's
contact and shipments, a cart's contact) are read after the mutations before it, where they
answered what an earlier payload of the document had loaded."""

import pytest

from tests.api.graphql.documents import UPSERT_ORDER, gql, order_input

# An order's nested records, read before and after another mutation changes them
TOUCH_ORDER = 'updateOrder(storeId: 123, externalId: "ORDER-1001", input: {{tags: ["{tag}"]}})'
READ = "{ order { contact { firstName } shipments { status } } }"
SHIP = 'createShipment(storeId: 123, input: {{externalId: "S1", orderExternalId: "ORDER-1001", status: "{status}"}})'
RENAME = 'upsertCustomer(storeId: 123, input: {phone: "+33612345678", firstName: "Zoé"}) { created }'
ERASE = 'deleteCustomer(storeId: 123, externalId: "CUST-42") { erasedContacts }'

# the mutation between two reads of the order -> what the second read answers
BETWEEN_TWO_READS = [
    (RENAME, {"order": {"contact": {"firstName": "Zoé"}, "shipments": [{"status": "in_transit"}]}}),
    (
        SHIP.format(status="delivered") + " { created }",
        {"order": {"contact": {"firstName": "Marie"}, "shipments": [{"status": "delivered"}]}},
    ),
    (ERASE, {"order": {"contact": {"firstName": None}, "shipments": [{"status": "in_transit"}]}}),
]


@pytest.mark.parametrize(("between", "second_read"), BETWEEN_TWO_READS)
async def test_a_later_payload_reads_what_the_mutations_before_it_wrote(api, between, second_read):
    await gql(api, UPSERT_ORDER, {"input": order_input()})
    await gql(api, f"mutation {{ {SHIP.format(status='in_transit')} {{ created }} }}")
    document = f"""mutation {{
      first: {TOUCH_ORDER.format(tag="a")} {READ}
      between: {between}
      second: {TOUCH_ORDER.format(tag="b")} {READ}
    }}"""
    answer = await gql(api, document)
    assert "errors" not in answer, answer
    assert answer["data"]["first"] == {
        "order": {"contact": {"firstName": "Marie"}, "shipments": [{"status": "in_transit"}]}
    }
    assert answer["data"]["second"] == second_read
