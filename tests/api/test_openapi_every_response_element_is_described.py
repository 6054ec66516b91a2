"""/docs is an API user's reference: every schema the document holds, the bodies a request sends
and the answers it gets alike, and each of its properties, says what it is (the GraphQL schema's
counterpart: tests/api/graphql/test_every_schema_element_is_described.py). And no description in
the document names the code (a module, a private name: an API user has no source to look in) or
stops mid-sentence (tests/api/descriptions.py).

Before, `AutomationDecision`'s automation, reason and subject, `Subject` and its fields, and
`Error.error` were bare types; `Reason` said "see the module's docstring for each"; `LineItem`
named `_money` and `platform_names.line_item_in_our_names`; `Cart.completed_at` ended "null until".
And the request bodies said little: `OrderInput`, `CartInput`, `CustomerInput` and the batch
bodies had no description, and `total_price`, `currency`, `external_id`, a batch's `items` and
some forty other properties were bare types, where GraphQL's inputs described every field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.rest.openapi import openapi_document
from tests.api.descriptions import code_names, is_cut_off

DOCUMENT = openapi_document()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]


def _refs(node: Any) -> Iterator[str]:
    """The component schemas a part of the document refers to, directly."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value.rsplit("/", 1)[-1]
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _reached() -> set[str]:
    """Every component schema an operation names, its request body or an answer, and theirs in turn."""
    found = {name for path in DOCUMENT["paths"].values() for operation in path.values() for name in _refs(operation)}
    pending = list(found)
    while pending:
        for name in set(_refs(SCHEMAS[pending.pop()])) - found:
            found.add(name)
            pending.append(name)
    return found


def test_the_walk_reaches_every_schema_requests_and_answers_alike() -> None:
    """Every schema /docs lists is one an operation sends or answers (none left over), and the
    checks below go through the request bodies' as through the answers'."""
    assert _reached() == set(SCHEMAS)
    assert {"Order", "Cart", "AutomationDecision", "Subject", "Error", "LineItem"} <= set(SCHEMAS)
    assert {"OrderInput", "OrderInputBatch", "EmbeddedCustomer", "Address-Input", "WhatsappConsent-Input"} <= set(
        SCHEMAS
    )


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_and_property_is_described(name: str) -> None:
    schema = SCHEMAS[name]
    missing = [name] if not (schema.get("description") or "").strip() else []
    missing += [
        f"{name}.{field}"
        for field, described in schema.get("properties", {}).items()
        if not (described.get("description") or "").strip()
    ]
    assert missing == [], f"without a description: {', '.join(missing)}"


def _descriptions(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, description) for every description in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                yield where or "/", value
            else:
                yield from _descriptions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _descriptions(value, f"{where}/{index}")


DESCRIPTIONS = list(_descriptions(DOCUMENT))


def test_no_description_names_the_code() -> None:
    found = [f"{where}: {names}" for where, text in DESCRIPTIONS if (names := code_names(text))]
    assert found == [], "\n".join(found)


def test_no_description_is_cut_off() -> None:
    found = [f"{where}: …{text[-60:]!r}" for where, text in DESCRIPTIONS if is_cut_off(text)]
    assert found == [], "\n".join(found)


def test_no_description_speaks_of_graphql() -> None:
    """A request field's meaning is shared with GraphQL's input field: where GraphQL's says a
    refusal is a userError, REST's says what REST answers."""
    found = [f"{where}: {text}" for where, text in DESCRIPTIONS if "userError" in text]
    assert found == [], "\n".join(found)


_SCHEMA = "/components/schemas/"
# what the new user read as false, or could not learn, and what the description says now
PINNED = [
    (f"{_SCHEMA}Order/properties/line_items", "exact to 15 significant digits"),
    (f"{_SCHEMA}Cart/properties/line_items", "99999999999999.99 is answered as 99999999999999.98"),
    (f"{_SCHEMA}LineItem/properties/price", "99999999999999.99 is answered as 99999999999999.98"),
    (f"{_SCHEMA}Reason", "`marked_by_shop`"),
    (f"{_SCHEMA}Cart/properties/completed_at", "null until it is bought"),
    # a request's numbers, codes and limits
    (f"{_SCHEMA}OrderInput/properties/total_price", "Exact, >= 0"),
    (f"{_SCHEMA}CartInput/properties/total_price", "in at most its currency's decimals (4 without one)"),
    (f"{_SCHEMA}OrderInput/properties/currency", "ISO 4217 code"),
    (f"{_SCHEMA}OrderInput/properties/external_id", "at most 255 characters"),
    (f"{_SCHEMA}OrderInputBatch/properties/items", "1 to 1,000 items"),
    (f"{_SCHEMA}CartInputBatch/properties/items", "at most 5 MiB (413 beyond)"),
    (f"{_SCHEMA}CustomerInputBatch/properties/items", "each the body POST /customers takes"),
    (f"{_SCHEMA}ShipmentInputBatch/properties/items", "refused on its own, code too_large"),
    # what REST reads otherwise than GraphQL: a refusal, a lone tags string, the top-level phone
    (f"{_SCHEMA}ShipmentInput/properties/order_external_id", "else 422, code not_found"),
    (f"{_SCHEMA}CartUpdate/properties/tags", '`"vip, web"` is two tags'),
    (f"{_SCHEMA}EmbeddedCustomer/properties/phone", "the order's or cart's top-level `phone` is used"),
    (f"{_SCHEMA}OrderInput", "else its top-level `phone`, else its shipping address's"),
    (f"{_SCHEMA}CustomerInput", "those left out, null or blank are kept"),
    (f"{_SCHEMA}OrderUpdate", "null clears tags and metadata"),
]


@pytest.mark.parametrize(
    ("where", "said"), PINNED, ids=[f"{where.removeprefix(_SCHEMA)}: {said}" for where, said in PINNED]
)
def test_a_description_says_what_is_true(where: str, said: str) -> None:
    assert said in dict(DESCRIPTIONS)[where], dict(DESCRIPTIONS)[where]
