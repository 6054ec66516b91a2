"""README "A respelled tracking number or carrier": a `tracking_url` or a `recovery_url` is stored
without the whitespace and the invisible format characters (Unicode Cf) around it, what a copied
link brings: a zero-width space, a word joiner or a soft hyphen at its end was stored and sent in
messages, a broken link, and a byte order mark at its start was refused. Inside a URL, either is
still refused `invalid_url`, the record unwritten."""

from __future__ import annotations

import pytest

from tests.conftest import Api, cart_body, order_body, shipment_body

URL = "https://t.example.com/1"
# the URL as sent -> stored as URL, or refused (None)
SENT: dict[str, str | None] = {
    "a zero-width space after": URL + "\u200b",
    "a word joiner after": URL + "\u2060",
    "a soft hyphen after": URL + "\u00ad",
    "a byte order mark before": "\ufeff" + URL,
    "an em space and a zero-width space around": "\u2003" + URL + "\u200b",
    "an ideographic space and a byte order mark around": "\u3000" + URL + "\ufeff",
    "a zero-width space inside": "https://t.example.com/\u200b1",
    "a soft hyphen inside": "https://t.\u00adexample.com/1",
    "a no-break space inside": "https://t.example.com/\u00a01",
}
INSIDE = {name for name in SENT if name.endswith("inside")}
# (path, the body with the URL, the record to read back, the URL's field)
WRITES = {
    "tracking_url": ("/shipments", lambda url: shipment_body(tracking_url=url), "/shipments/SHIP-9001"),
    "recovery_url": ("/carts", lambda url: cart_body(recovery_url=url), "/carts/CART-7700"),
}


@pytest.mark.parametrize("sent", SENT)
@pytest.mark.parametrize("field", WRITES)
async def test_a_urls_invisible_ends_are_cut_and_its_inside_refused(api: Api, field: str, sent: str) -> None:
    path, body, read = WRITES[field]
    assert (await api.post("/orders", order_body())).status_code == 201
    before = await api.snapshot()
    response = await api.post(path, body(SENT[sent]))
    if sent in INSIDE:
        assert (response.status_code, response.json()["codes"]) == (422, {field: ["invalid_url"]})
        assert await api.snapshot() == before
        return
    assert (response.status_code, response.json()[field]) == (201, URL)
    assert (await api.get(read)).json()[field] == URL
