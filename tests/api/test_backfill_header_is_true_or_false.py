"""README "Backfill": `Kanal-Backfill` is `true` (a historical import: stored, its events never
delivered) or `false`; no header, or an empty one, is a live write. Any other value is refused
with 400 before anything is written, on every write route, rather than taken as live."""

from __future__ import annotations

import pytest

from tests.conftest import order_body

# header value (None: no header) -> the order's event recorded as backfill, or the 400's message
VALUES = {
    "true": True,
    "TRUE": True,
    " true ": True,
    "True": True,
    "false": False,
    "FALSE": False,
    "": False,
    None: False,
    "1": "Kanal-Backfill must be true or false, got '1'.",
    "yes": "Kanal-Backfill must be true or false, got 'yes'.",
    "on": "Kanal-Backfill must be true or false, got 'on'.",
    "0": "Kanal-Backfill must be true or false, got '0'.",
    "truee": "Kanal-Backfill must be true or false, got 'truee'.",
}


@pytest.mark.parametrize("value", VALUES, ids=[repr(v) for v in VALUES])
async def test_an_order_is_backfilled_live_or_refused_by_the_header(api, value):
    headers = {**api.auth(), **({} if value is None else {"Kanal-Backfill": value})}
    response = await api.client.post("/api/v1/stores/123/orders", json=order_body(), headers=headers)
    expected = VALUES[value]
    if isinstance(expected, str):
        assert (response.status_code, response.json()) == (400, {"error": expected})
        assert await api.rows("orders") == [] and await api.rows("events") == []
        return
    assert response.status_code == 201, response.text
    assert [(row["type"], row["backfill"]) for row in await api.rows("events")] == [("order.created", expected)]


# every write route refuses a bad value first (before reading the body) and writes nothing
WRITES = {
    "order patch": ("PATCH", "/orders/ORDER-1001", {"financial_status": "paid"}),
    "order batch": ("POST", "/orders/batch", {"items": [order_body(external_id="B-1")]}),
    "customer": ("POST", "/customers", {"external_id": "C-1", "phone": "+33612345678"}),
    "customer erasure": ("DELETE", "/customers/CUST-1", None),
    "invalid body": ("POST", "/orders", {"currency": "EURO"}),
}


@pytest.mark.parametrize("route", WRITES, ids=list(WRITES))
async def test_every_write_route_refuses_a_bad_value_and_writes_nothing(api, route):
    assert (await api.post("/orders", order_body())).status_code == 201
    before = await api.snapshot()
    method, path, body = WRITES[route]
    headers = {**api.auth(), "Kanal-Backfill": "yes"}
    response = await api.client.request(method, f"/api/v1/stores/123{path}", json=body, headers=headers)
    assert (response.status_code, response.json()) == (
        400,
        {"error": "Kanal-Backfill must be true or false, got 'yes'."},
    )
    assert await api.snapshot() == before


# the header on several lines (RFC 9110 §5.3: their values joined by ", "; blank lines left out)
# -> backfill, or the 400's message: never the first line's value alone
LINES = {
    ("false", "true"): "Kanal-Backfill must be true or false, got 'false, true'.",
    ("true", "false"): "Kanal-Backfill must be true or false, got 'true, false'.",
    ("true", "true"): "Kanal-Backfill must be true or false, got 'true, true'.",
    ("yes", "true"): "Kanal-Backfill must be true or false, got 'yes, true'.",
    ("", "true"): True,
    ("true", " "): True,
    (" false ", ""): False,
    ("", ""): False,
}
# route -> (path, body, status of a write)
ROUTES = {
    "order": ("/orders", order_body(), 201),
    "order batch": ("/orders/batch", {"items": [order_body()]}, 200),
}


@pytest.mark.parametrize("route", ROUTES, ids=list(ROUTES))
@pytest.mark.parametrize("lines", LINES, ids=[repr(lines) for lines in LINES])
async def test_a_header_sent_on_several_lines_reads_as_their_values_joined(api, lines, route):
    path, body, written = ROUTES[route]
    headers = [*api.auth().items(), *(("Kanal-Backfill", line) for line in lines)]
    response = await api.client.post(f"/api/v1/stores/123{path}", json=body, headers=headers)
    expected = LINES[lines]
    if isinstance(expected, str):
        assert (response.status_code, response.json()) == (400, {"error": expected})
        assert await api.rows("orders") == [] and await api.rows("events") == []
        return
    assert response.status_code == written, response.text
    assert [(row["type"], row["backfill"]) for row in await api.rows("events")] == [("order.created", expected)]
