"""A write's times (`placedAt`, `abandonedAt`, `updatedAt`, `completedAt`) are read by the rule of every
DateTime argument (`app.domain.types.parse_utc_datetime`: RFC 3339 §5.6, seconds and an
offset's colon optional): another ISO 8601 form (week or ordinal date, basic format, a decimal
comma), which Python's fromisoformat read, is a userError `INVALID_DATETIME` on the field, in GraphQL
as in REST (`422`), and nothing is written.

Walks the schema: every field of a mutation's `input` documented as RFC 3339."""

from __future__ import annotations

import re
from typing import Any

import pytest

from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql
from tests.api.graphql.test_error_paths_name_real_arguments import INPUTS
from tests.conftest import Api, order_body

HINT = "Must be an RFC 3339 datetime, e.g. 2026-05-18T10:00:00Z."
NOT_RFC_3339 = [
    "2026-W21-1T10:00:00Z",
    "2026-138T10:00:00Z",
    "20260518T100000Z",
    "2026-05-18T100000Z",
    "2026-05-18T10:00:00,5Z",
    "2026-05-18T10:00:00+01:99",
    "2026-05-18T10:00:00+0060",
]
MUTATIONS = graphql_schema._schema.mutation_type.fields


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def _datetime_fields() -> list[tuple[str, str]]:
    """(mutation, input field) of every single-record mutation's RFC 3339 input field."""
    return [
        (name, inner)
        for name, field in MUTATIONS.items()
        if "input" in field.args
        for inner, definition in _named(field.args["input"].type).fields.items()
        if "RFC 3339" in (definition.description or "")
    ]


FIELDS = _datetime_fields()


def test_every_write_time_is_found():
    assert {inner for _, inner in FIELDS} == {"placedAt", "abandonedAt", "updatedAt", "completedAt"}


@pytest.mark.parametrize("value", NOT_RFC_3339)
@pytest.mark.parametrize(("mutation", "field"), FIELDS, ids=[f"{m}.{f}" for m, f in FIELDS])
async def test_a_time_outside_rfc_3339_is_a_user_error(api: Api, mutation: str, field: str, value: str) -> None:
    assert (await api.post("/orders", order_body(external_id="O-1"))).status_code == 201
    before = await api.snapshot()
    given = re.sub(rf"\b{field}: \"[^\"]*\"", "", INPUTS[mutation]).replace("{, ", "{").replace(", }", "}")
    given = given.replace("{", f'{{{field}: "{value}", ', 1).replace(", }", "}")
    arguments = 'storeId: 123, externalId: "O-1"' if mutation.startswith("update") else "storeId: 123"
    body = await gql(
        api, f"mutation {{ {mutation}({arguments}, input: {given}) {{ userErrors {{ field code message }} }} }}"
    )
    assert body["data"][mutation]["userErrors"] == [
        {
            "field": ["input", field],
            "code": "INVALID_DATETIME",
            "message": f"The {field} field is invalid: {HINT}",  # named as its field path names it
        }
    ]
    assert await api.snapshot() == before


@pytest.mark.parametrize("value", NOT_RFC_3339)
async def test_rest_refuses_them_alike(api: Api, value: str) -> None:
    response = await api.post("/orders", order_body(placed_at=value))
    assert response.status_code == 422
    assert response.json()["errors"] == {"placed_at": [f"The placed_at field is invalid: {HINT}"]}
