"""/docs is an API user's reference: every schema an answer carries, and each of its properties,
says what it is (the GraphQL schema's counterpart: tests/api/graphql/test_every_schema_element_is_described.py).
And no description in the document names the code (a module, a private name: an API user has
no source to look in) or stops mid-sentence (tests/api/descriptions.py).

Before, `AutomationDecision`'s automation, reason and subject, `Subject` and its fields, and
`Error.error` were bare types; `Reason` said "see the module's docstring for each"; `LineItem`
named `_money` and `platform_names.line_item_in_our_names`; `Cart.completed_at` ended "null until".

The request schemas (command models) are not all described yet: `REQUEST_ONLY` lists them, so
that a response schema added later is checked, and one moved from them is too."""

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


def _answered() -> set[str]:
    """Every component schema an answer carries: those the responses name, and theirs in turn."""
    found = {
        name
        for path in DOCUMENT["paths"].values()
        for operation in path.values()
        for name in _refs(operation["responses"])
    }
    pending = list(found)
    while pending:
        for name in set(_refs(SCHEMAS[pending.pop()])) - found:
            found.add(name)
            pending.append(name)
    return found


ANSWERED = sorted(_answered())
REQUEST_ONLY = sorted(set(SCHEMAS) - set(ANSWERED))


def test_the_walk_finds_the_answers_and_the_requests() -> None:
    assert {"Order", "Cart", "Shipment", "Customer", "AutomationDecision", "Subject", "Error"} <= set(ANSWERED)
    assert {"OrderInput", "CartInput", "LineItem"} <= set(REQUEST_ONLY)


@pytest.mark.parametrize("name", ANSWERED)
def test_every_response_schema_and_property_is_described(name: str) -> None:
    schema = SCHEMAS[name]
    missing = [name] if not (schema.get("description") or "").strip() else []
    missing += [
        f"{name}.{field}"
        for field, described in schema.get("properties", {}).items()
        if not (described.get("description") or "").strip()
    ]
    assert missing == [], f"without a description: {', '.join(missing)}"


# the request schema properties a client most needs described, pinned until all of them are
REQUEST_PROPERTIES = [("LineItem", "quantity"), ("LineItem", "price")]


@pytest.mark.parametrize(("name", "field"), REQUEST_PROPERTIES)
def test_a_request_property_is_described(name: str, field: str) -> None:
    assert (SCHEMAS[name]["properties"][field].get("description") or "").strip()


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


# what the new user read as false, and what the description says now
PINNED = {
    "/components/schemas/Order/properties/line_items": "exact to 15 significant digits",
    "/components/schemas/Cart/properties/line_items": "99999999999999.99 is answered as 99999999999999.98",
    "/components/schemas/LineItem/properties/price": "99999999999999.99 is answered as 99999999999999.98",
    "/components/schemas/Reason": "`marked_by_shop`",
    "/components/schemas/Cart/properties/completed_at": "null until it is bought",
}


@pytest.mark.parametrize(("where", "said"), PINNED.items(), ids=list(PINNED))
def test_a_description_says_what_is_true(where: str, said: str) -> None:
    assert said in dict(DESCRIPTIONS)[where], dict(DESCRIPTIONS)[where]
