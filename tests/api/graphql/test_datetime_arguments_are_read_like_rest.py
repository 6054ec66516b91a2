"""Issue 13: a DateTime argument is read by the REST rule (`app.domain.types.parse_utc_datetime`
through `app.read.filters.moment`): RFC 3339 §5.6, seconds optional, an offset's colon and
minutes optional; so a date alone (`"2026-01-01"`) is refused, and so are the other ISO 8601
forms Python's fromisoformat reads (week and ordinal dates, basic format, a decimal comma),
and every refusal is BAD_USER_INPUT
naming the argument — as a literal or as a variable — like every other bad argument. Walks the schema for the DateTime arguments."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLInputObjectType

from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql

HINT = "Must be an RFC 3339 datetime, e.g. 2026-05-18T10:00:00Z."

# argument path -> document with the value at $v (declared as DateTime) and the other instant valid
# (before every `to` tried: the analytics refuse an empty period)
DOCUMENTS = {
    ("storeStats", ("from",)): 'storeStats(storeId: 123, from: {v}, to: "2027-01-01T00:00:00Z") {{ orderCount }}',
    ("storeStats", ("to",)): 'storeStats(storeId: 123, from: "2025-01-01T00:00:00Z", to: {v}) {{ orderCount }}',
    ("storeTimeseries", ("from",)): (
        'storeTimeseries(storeId: 123, from: {v}, to: "2027-01-01T00:00:00Z", interval: MONTH) {{ orderCount }}'
    ),
    ("storeTimeseries", ("to",)): (
        'storeTimeseries(storeId: 123, from: "2025-06-01T00:00:00Z", to: {v}, interval: MONTH) {{ orderCount }}'
    ),
    (
        "recoveryFunnel",
        ("from",),
    ): 'recoveryFunnel(storeId: 123, from: {v}, to: "2027-01-01T00:00:00Z") {{ cartsAbandoned }}',
    (
        "recoveryFunnel",
        ("to",),
    ): 'recoveryFunnel(storeId: 123, from: "2025-06-01T00:00:00Z", to: {v}) {{ cartsAbandoned }}',
    ("carrierPerformance", ("from",)): (
        'carrierPerformance(storeId: 123, from: {v}, to: "2027-01-01T00:00:00Z") {{ shipments }}'
    ),
    (
        "carrierPerformance",
        ("to",),
    ): 'carrierPerformance(storeId: 123, from: "2025-06-01T00:00:00Z", to: {v}) {{ shipments }}',
    ("topProducts", ("from",)): 'topProducts(storeId: 123, from: {v}, to: "2027-01-01T00:00:00Z") {{ sku }}',
    ("topProducts", ("to",)): 'topProducts(storeId: 123, from: "2025-06-01T00:00:00Z", to: {v}) {{ sku }}',
    ("orders", ("filter", "placedAfter")): "orders(storeId: 123, filter: {{placedAfter: {v}}}) {{ totalCount }}",
    ("orders", ("filter", "placedBefore")): "orders(storeId: 123, filter: {{placedBefore: {v}}}) {{ totalCount }}",
}
# value -> message (None: read)
VALUES: dict[Any, str | None] = {
    "2026-01-01": HINT,  # a date alone
    "2026-01": HINT,
    "yesterday": HINT,
    "": HINT,  # a required instant; a blank optional filter is no filter (test_a_blank_filter_is_no_filter)
    " ": HINT,
    "2026-01-01T25:00:00Z": HINT,
    "2026-02-30T00:00:00Z": HINT,
    "2026-01-01T00:00:00+25:00": HINT,
    20260101: HINT,
    1.5: HINT,
    True: HINT,
    # ISO 8601 forms fromisoformat reads but a write refuses (`parse_utc_datetime`)
    "2026-W01-1T00:00:00Z": HINT,  # a week date
    "2026-W01-1 00:00:00": HINT,
    "2026-001T00:00:00Z": HINT,  # an ordinal date
    "20260101T000000Z": HINT,  # basic format
    "2026-01-01T000000Z": HINT,
    "2026-01-01T00Z": HINT,  # no minutes
    "2026-01-01T00:00:00+01:99": HINT,  # an offset's minutes past 59, hours past 23
    "2026-01-01T00:00:00+0099": HINT,
    "2026-01-01T00:00:00+24:00": HINT,
    "2026-01-01T00:00:00,5Z": HINT,  # a decimal comma
    "2026-01-01T00:00:00+02:00:30": HINT,  # offset seconds
    "2026-01-01T00:00:00 Z": HINT,
    "0001-01-01T00:00:00+01:00": "The datetime is out of range.",
    "2026-01-01T00:00:00Z": None,
    "2026-01-01T00:00:00": None,  # no offset: UTC
    "2026-01-01 00:00:00+02:00": None,
    "2026-01-01t00:00:00.123456789z": None,
    # the liberties relayed payloads take, each one instant: no seconds, an offset without its colon or minutes
    "2026-01-01T00:00Z": None,
    "2026-01-01T00:00:00+0200": None,
    "2026-01-01T00:00:00+02": None,
}


def _datetime_arguments() -> set[tuple[str, tuple[str, ...]]]:
    root = graphql_schema._schema
    found = set()
    for name, field in {**root.query_type.fields, **root.mutation_type.fields}.items():
        for argument, definition in field.args.items():
            type_ = definition.type
            while hasattr(type_, "of_type"):
                type_ = type_.of_type
            if type_.name == "DateTime":
                found.add((name, (argument,)))
            elif isinstance(type_, GraphQLInputObjectType):
                for inner, f in type_.fields.items():
                    inner_type = f.type
                    while hasattr(inner_type, "of_type"):
                        inner_type = inner_type.of_type
                    if inner_type.name == "DateTime":
                        found.add((name, (argument, inner)))
    return found


def test_the_table_covers_every_datetime_argument():
    assert set(DOCUMENTS) == _datetime_arguments()


def _literal(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


@pytest.mark.parametrize("form", ["literal", "variable"])
@pytest.mark.parametrize("value", list(VALUES), ids=[repr(v) for v in VALUES])
@pytest.mark.parametrize("argument", list(DOCUMENTS), ids=[f"{n}.{'.'.join(p)}" for n, p in DOCUMENTS])
async def test_a_datetime_argument_is_read_like_rest(api, argument, value, form):
    field = DOCUMENTS[argument]
    if form == "literal":
        body = await gql(api, "{ " + field.format(v=_literal(value)) + " }")
    else:
        nullable = argument[0] == "orders"
        declared = "DateTime" if nullable else "DateTime!"
        body = await gql(api, f"query($v: {declared}) {{ " + field.format(v="$v") + " }", {"v": value})
    blank_filter = argument[0] == "orders" and isinstance(value, str) and not value.strip()
    message = None if blank_filter else VALUES[value]
    if message is None:
        assert "errors" not in body, body
        return
    (error,) = body["errors"]
    assert (error["message"], error["extensions"]) == (message, {"code": "BAD_USER_INPUT", "field": list(argument[1])})
    assert error["path"] == [argument[0]]


async def test_a_date_alone_is_not_midnight(api):
    """Once read as midnight UTC without a word: now refused, whatever the form."""
    body = await gql(api, '{ storeStats(storeId: 123, from: "2026-01-01", to: "2026-02-01") { orderCount } }')
    assert [e["extensions"]["field"] for e in body["errors"]] == [["from"]]
