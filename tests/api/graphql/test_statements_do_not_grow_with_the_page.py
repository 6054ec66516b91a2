"""SPEC §5: N+1 is forbidden: the number of SQL statements of a query does not grow with the page size."""

import contextlib

from sqlalchemy import event

from tests.api.graphql.documents import gql, seed_orders


@contextlib.contextmanager
def counting_statements(db):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    for engine in db.engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", record)


async def test_no_n_plus_one_statements_do_not_grow_with_the_page(api):
    await seed_orders(api, 120)
    query = """query($first: Int!) { orders(storeId: 123, first: $first) { edges { node {
        externalId contact { phone totals { ordersCount } orders(first: 2) { externalId } } shipments { carrier }
        lineItems { title } } } } }"""
    counts = []
    for first in (10, 100):
        with counting_statements(api.db) as statements:
            data = await gql(api, query, {"first": first})
        assert len(data["data"]["orders"]["edges"]) == first
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
