"""README "A respelled tracking number or carrier": a `tracking_url` or a `recovery_url` is sent on
in shipping and recovery messages, a link a customer opens (SPEC §3.2, §3.3: an http(s) URL).

- It is stored without the whitespace and the invisible format characters (Unicode Cf) around it,
  what a copied link brings: a zero-width space, a word joiner or a soft hyphen at its end was
  stored and sent in messages, a broken link, and a byte order mark at its start was refused.
- Inside a URL, either is still refused `invalid_url`, the record unwritten; so is a control
  character anywhere in it (Unicode Cc: C0, DEL, C1; RFC 3986 §2 has no place for one), which
  was stored and sent on, and a host with an empty label (`https://.com`, `https://a..b/`; RFC
  1123). Percent-encoded, a control is the URL's own business; a host's final dot (a fully
  qualified name) and IP literals are hosts. (A NUL is refused in any text, `invalid_characters`.)
"""

from __future__ import annotations

import pytest

from tests.conftest import Api, cart_body, order_body, shipment_body

URL = "https://t.example.com/1"
# the URL as sent -> the URL stored, or None: refused `invalid_url`
SENT: dict[str, tuple[str, str | None]] = {
    "a zero-width space after": (URL + "\u200b", URL),
    "a word joiner after": (URL + "\u2060", URL),
    "a soft hyphen after": (URL + "\u00ad", URL),
    "a byte order mark before": ("\ufeff" + URL, URL),
    "an em space and a zero-width space around": ("\u2003" + URL + "\u200b", URL),
    "an ideographic space and a byte order mark around": ("\u3000" + URL + "\ufeff", URL),
    "a zero-width space inside": ("https://t.example.com/\u200b1", None),
    "a soft hyphen inside": ("https://t.\u00adexample.com/1", None),
    "a no-break space inside": ("https://t.example.com/\u00a01", None),
    "a start of heading inside": ("https://t.example.com/r\u0001x", None),
    "a backspace inside": ("https://t.example.com/\u0008", None),
    "an escape inside": ("https://t.example.com/\u001b[0m", None),
    "a DEL inside": ("https://t.example.com/r\u007fx", None),
    "a DEL in the host": ("https://t.exa\u007fmple.com/", None),
    "a C1 control inside": ("https://t.example.com/\u0090", None),
    "a C1 control at the end": ("https://t.example.com/1\u009f", None),
    "a host of one dot": ("https://./1", None),
    "a host starting with a dot": ("https://.com/1", None),
    "a host with an empty label": ("https://a..b/1", None),
    "a host of two final dots": ("https://example.com../1", None),
    "a percent-encoded control": ("https://t.example.com/r%01x", "https://t.example.com/r%01x"),
    "a fully qualified host": ("https://t.example.com./1", "https://t.example.com./1"),
    "an IPv4 host": ("http://192.0.2.1:8080/1", "http://192.0.2.1:8080/1"),
    "an IPv6 host": ("http://[2001:db8::1]/1", "http://[2001:db8::1]/1"),
    "a query and a fragment": ("https://t.example.com/1?a=b&c=%7F#top", "https://t.example.com/1?a=b&c=%7F#top"),
}
# (path, the body with the URL, the record to read back, the URL's field)
WRITES = {
    "tracking_url": ("/shipments", lambda url: shipment_body(tracking_url=url), "/shipments/SHIP-9001"),
    "recovery_url": ("/carts", lambda url: cart_body(recovery_url=url), "/carts/CART-7700"),
}


@pytest.mark.parametrize("sent", SENT)
@pytest.mark.parametrize("field", WRITES)
async def test_a_url_is_stored_without_its_invisible_ends_or_refused(api: Api, field: str, sent: str) -> None:
    path, body, read = WRITES[field]
    url, stored = SENT[sent]
    assert (await api.post("/orders", order_body())).status_code == 201
    before = await api.snapshot()
    response = await api.post(path, body(url))
    if stored is None:
        assert (response.status_code, response.json()["codes"]) == (422, {field: ["invalid_url"]})
        assert await api.snapshot() == before
        return
    assert (response.status_code, response.json()[field]) == (201, stored)
    assert (await api.get(read)).json()[field] == stored
