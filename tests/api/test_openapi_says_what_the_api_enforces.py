"""/openapi.json (rendered at /docs) says what the API takes and answers, no more and no less
(README "Money", "Endpoints"; SPEC §3.4). It said less or other than the service did:

- an amount (an order's or a cart's `total_price`, a line item's `price`) below 10^14 was not
  in the document, which took 10^14 while the API refuses it (`out_of_range`);
- an email of "at most 255 characters", while an address is at most 254 (RFC 5321): 255 was
  valid to the document and refused `invalid_email`;
- `Kanal-Backfill` as `enum ["true", "false"]`, beside its own description (case and spaces
  do not matter, empty is live), and what the service takes (`TRUE`, ` true `, empty);
- `/healthz` with no body, where it answers `{"status", "database", "rate_limit_storage"}`.

Each row: what the document says, and the service doing just that."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, cart_body, order_body

MAX = 100_000_000_000_000
# (schema, property path) of every amount -> the request carrying a value there
AMOUNTS: dict[tuple[str, str], Any] = {
    ("OrderInput", "total_price"): lambda value: ("/orders", order_body(total_price=value)),
    ("CartInput", "total_price"): lambda value: ("/carts", cart_body(total_price=value)),
    ("LineItem", "price"): lambda value: ("/orders", order_body(line_items=[{"title": "Mug", "price": value}])),
}
LONGEST_EMAIL = "a@" + ".".join(["b" * 63, "c" * 63, "d" * 63, "e" * 60])  # 254 characters


async def _document(api: Api) -> dict[str, Any]:
    return (await api.client.get("/openapi.json")).json()


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    return schemas.get(name) or schemas[f"{name}-Input"]


@pytest.mark.parametrize("field", AMOUNTS, ids=[".".join(field) for field in AMOUNTS])
async def test_an_amount_is_documented_below_ten_to_the_fourteen_as_taken(api: Api, field: tuple[str, str]) -> None:
    schema, name = field
    described = _schema(await _document(api), schema)["properties"][name]
    described = next(part for part in described.get("anyOf", [described]) if "minimum" in part)
    assert (described["minimum"], described["exclusiveMaximum"]) == (0, MAX)
    path, body = AMOUNTS[field](MAX)
    refused = await api.post(path, body)
    assert (refused.status_code, refused.json()["codes"]) == (
        422,
        {f"{'line_items.0.' if schema == 'LineItem' else ''}{name}": ["out_of_range"]},
    )
    path, body = AMOUNTS[field]("99999999999999")
    assert (await api.post(path, body)).status_code == 201


# the email's length -> the service's answer to a customer with it
EMAILS = {254: (201, None), 255: (422, "invalid_email"), 256: (422, "too_long")}


@pytest.mark.parametrize("length", EMAILS)
async def test_an_email_is_documented_at_most_254_characters_as_taken(api: Api, length: int) -> None:
    document = await _document(api)
    for schema in ("CustomerInput", "EmbeddedCustomer"):
        described = _schema(document, schema)["properties"]["email"]
        (text,) = [part for part in described["anyOf"] if part.get("format") == "email"]
        assert (text["maxLength"], described["description"]) == (
            254,
            "A valid email address (RFC 5321: at most 254 characters)",
        )
    address = LONGEST_EMAIL[:-3] + "e" * (length - 251)
    assert len(address) == length
    response = await api.post("/customers", {"external_id": "CUST-9", "phone": "+33612345678", "email": address})
    status, code = EMAILS[length]
    assert (response.status_code, response.json().get("codes")) == (status, None if code is None else {"email": [code]})


BACKFILL_VALUES = ["true", "TRUE", " true ", "false", "False", ""]


@pytest.mark.parametrize("value", BACKFILL_VALUES, ids=repr)
async def test_the_backfill_header_is_documented_as_the_text_it_takes(api: Api, value: str) -> None:
    operation = (await _document(api))["paths"]["/api/v1/stores/{store_id}/orders"]["post"]
    (header,) = [parameter for parameter in operation["parameters"] if parameter["name"] == "Kanal-Backfill"]
    assert header["schema"] == {"type": "string", "examples": ["true"]}
    response = await api.client.post(
        "/api/v1/stores/123/orders", json=order_body(), headers={**api.auth(), "Kanal-Backfill": value}
    )
    assert response.status_code == 201
    (event,) = await api.rows("events")
    assert event["backfill"] is (value.strip().lower() == "true")


async def test_healthz_is_documented_with_the_body_it_answers(api: Api) -> None:
    operation = (await _document(api))["paths"]["/healthz"]["get"]
    for status in ("200", "503"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert (set(schema["properties"]), set(schema["required"])) == (
            {"status", "database", "rate_limit_storage"},
        ) * 2
    response = await api.client.get("/healthz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": True, "rate_limit_storage": True},
    )
