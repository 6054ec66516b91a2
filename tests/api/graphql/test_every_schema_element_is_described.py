"""GraphiQL's Docs pane is a dashboard author's reference: every type, field, argument, input
field and enum value this schema defines says what it is (README, "GraphQL and GraphiQL"),
read from introspection as GraphiQL reads it. GraphQL's own scalars and introspection types
are graphql-core's, described there.

A record's fields are described once, in its dataclass (`app.domain.records`), and a command's
in its model or `app.domain.field_descriptions.FIELDS`: a new field without a description fails
here. A few descriptions are pinned to the rules they must state, in the README's words."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from graphql import get_introspection_query, graphql_sync

from graphql_schema.schema import schema as graphql_schema
from tests.api.descriptions import code_names, is_cut_off

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def _types() -> list[dict[str, Any]]:
    """The schema's own types as introspection describes them (descriptions included)."""
    result = graphql_sync(graphql_schema._schema, get_introspection_query(descriptions=True))
    assert result.errors is None, result.errors
    return [
        kind
        for kind in result.data["__schema"]["types"]  # type: ignore[index]
        if not kind["name"].startswith("__") and kind["name"] not in BUILT_IN
    ]


TYPES = _types()
Element = tuple[str, str | None]  # (schema coordinate, description)


def _types_of() -> Iterator[Element]:
    for kind in TYPES:
        yield kind["name"], kind["description"]


def _fields() -> Iterator[Element]:
    for kind in TYPES:
        for field in kind["fields"] or ():
            yield f"{kind['name']}.{field['name']}", field["description"]


def _arguments() -> Iterator[Element]:
    for kind in TYPES:
        for field in kind["fields"] or ():
            for argument in field["args"]:
                yield f"{kind['name']}.{field['name']}({argument['name']}:)", argument["description"]


def _input_fields() -> Iterator[Element]:
    for kind in TYPES:
        for field in kind["inputFields"] or ():
            yield f"{kind['name']}.{field['name']}", field["description"]


def _enum_values() -> Iterator[Element]:
    for kind in TYPES:
        for value in kind["enumValues"] or ():
            yield f"{kind['name']}.{value['name']}", value["description"]


ELEMENTS: dict[str, Callable[[], Iterator[Element]]] = {
    "type": _types_of,
    "field": _fields,
    "argument": _arguments,
    "input field": _input_fields,
    "enum value": _enum_values,
}


@pytest.mark.parametrize("element", ELEMENTS)
def test_every_element_has_a_description(element: str) -> None:
    found = list(ELEMENTS[element]())
    assert found, f"no {element} found: the walk is wrong"
    missing = [coordinate for coordinate, description in found if not (description or "").strip()]
    assert missing == [], f"{len(missing)} {element}s without a description: {', '.join(missing)}"


def _described() -> dict[str, str]:
    return {coordinate: description or "" for walk in ELEMENTS.values() for coordinate, description in walk()}


DESCRIBED = _described()
PERIOD_FIELDS = ["storeStats", "storeTimeseries", "topProducts", "recoveryFunnel", "carrierPerformance"]
LISTS_TAKING_FIRST = sorted(coordinate for coordinate in DESCRIBED if coordinate.endswith("(first:)"))

# schema coordinate -> what its description must say (README, "GraphQL and GraphiQL", "Decisions")
PINNED = {
    # Revenue is gross, everywhere
    "Revenue": "refunded, voided or cancelled orders count in full",
    "Revenue.amount": "(gross)",
    "ContactTotals.spent": "gross (refunded or cancelled orders count in full)",
    "Order.totalPrice": "in full whatever its financial status",
    # Revenue's orders and average under storeStats and under topProducts
    "Revenue.orders": "under topProducts, those holding the product, each once",
    "Revenue.average": "amount / orders, rounded half-even to the currency's minor unit; under topProducts, "
    "the product's revenue per order holding it",
    # a period is half-open, its end after its start
    **{f"Query.{name}(from:)": "half-open, [from, to)" for name in PERIOD_FIELDS},
    **{f"Query.{name}(to:)": 'must be after from (BAD_USER_INPUT on ["to"])' for name in PERIOD_FIELDS},
    "OrderFilter.placedAfter": "inclusive, as storeStats' from",
    "OrderFilter.placedBefore": "exclusive, as storeStats' to",
    "StatsBucket.end": "[start, end)",
    # `first` is 0 to 100 on every list
    **{coordinate: "0 to 100" for coordinate in LISTS_TAKING_FIRST},
    # the series is counted in the store's timezone
    "Query.storeTimeseries": "in the store's timezone",
    "Query.storeTimeseries(interval:)": "counted in the store's timezone (Store.timezone); at most 1000 buckets",
    "StatsInterval.DAY": "whatever its length: 23, 24.5 or 25 hours where the clocks change",
    "StatsBucket": "the store's local day, whatever its length (23, 24.5 or 25 hours where the clocks change)",
    "StatsInterval.WEEK": "from Monday (ISO 8601)",
    # line items' numbers as stored (README, "Line items"), and no sentence cut off
    "LineItem.price": "exact to 15 significant digits (99999999999999.99 is stored as 99999999999999.98)",
    "LineItem.quantity": "exact to 15 significant digits",
    **{
        f"{kind}.lineItems": "stored as JSON numbers exact to 15 significant digits"
        for kind in ("OrderInput", "CartInput")
    },
    "Contact.erasedAt": "null until it is",
    "Store.timezone": "IANA timezone its dashboards count days in",
    # a cart abandoned, as every dashboard read counts one
    "StoreStats.cartsAbandoned": "checkouts bought at or before that time (completedAt <= abandonedAt)",
    "StoreStats.byFinancialStatus": "counted per financialStatus",
    "ProductMetric.REVENUE": "currency by currency with no exchange rates",
}


def test_every_list_taking_first_is_pinned() -> None:
    assert len(LISTS_TAKING_FIRST) == 8, LISTS_TAKING_FIRST  # 6 root lists, a contact's orders and carts


@pytest.mark.parametrize(("coordinate", "said"), PINNED.items(), ids=list(PINNED))
def test_a_rule_is_stated_where_it_applies(coordinate: str, said: str) -> None:
    assert said in DESCRIBED[coordinate], DESCRIBED[coordinate]


def test_no_description_names_the_code() -> None:
    """A Python module or private name sends a dashboard author into source they do not have
    (`PurposeConsent` named `app.domain.consent`)."""
    found = [f"{coordinate}: {names}" for coordinate, text in DESCRIBED.items() if (names := code_names(text))]
    assert found == [], "\n".join(found)


def test_no_description_is_cut_off() -> None:
    """`Contact.erasedAt` and `Cart.completedAt` ended "null until"."""
    found = [f"{coordinate}: …{text[-60:]!r}" for coordinate, text in DESCRIBED.items() if is_cut_off(text)]
    assert found == [], "\n".join(found)
