"""README "Free-form JSON": a number is its value, not its spelling (RFC 8259 §6). A whole value
is a signed 64-bit integer, and one past 64 bits is refused `422 out_of_range`, "Integers must
fit in 64 bits.", however it is written: `10000000000000000000` was refused where `1e19` and
`10000000000000000000.0`, the same value, were stored as the double 1e+19, and a whole number
of thousands of digits was refused as "Numbers must fit in a 64-bit float.". A value that is
not whole is its double, an integer when that double is whole, refused `out_of_range` past
64-bit integers' range (`10000000000000000000.5` was stored as 1e+19, refused when sent back):
whatever is stored is taken again, as the same value, when sent back as answered. One table: each spelling × each place free-form JSON is taken."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Api, cart_body, order_body

INTEGERS = "Integers must fit in 64 bits."
PAST = "Numbers must be within 64-bit integers' range: past it a 64-bit float keeps no fraction."

# the number's JSON text -> the value stored and answered (a JSON value), or the refusal's message
NUMBERS: dict[str, Any | tuple[str]] = {
    "10000000000000000000": (INTEGERS,),
    "1e19": (INTEGERS,),
    "1E+19": (INTEGERS,),
    "10000000000000000000.0": (INTEGERS,),
    "1.0e19": (INTEGERS,),
    "-1e19": (INTEGERS,),
    "9.3e18": (INTEGERS,),  # 9,300,000,000,000,000,000: past 2**63 - 1
    "9223372036854775808.000": (INTEGERS,),  # 2**63
    "1e20": (INTEGERS,),
    "1e400": (INTEGERS,),
    "1" * 5000: (INTEGERS,),
    "-" + "9" * 5000: (INTEGERS,),
    "9.2e18": 9200000000000000000,  # whole, within 64 bits: an integer
    "9223372036854775807.0": 9223372036854775807,
    "-9223372036854775808": -9223372036854775808,
    "1e2": 100,
    # not whole: its double, an integer when that double is whole (past 2**53, or a fraction a
    # double cannot hold), within 64-bit integers' range (`…0.5` was stored as 1e+19, refused
    # when sent back; `9223372036854774784.5` was answered 9.223372036854775e+18, read back as
    # 9223372036854775000)
    "10000000000000000000.5": (PAST,),
    "9223372036854775807.5": (PAST,),  # the double 2**63
    "-1e19.5".replace("e19", "0" * 19): (PAST,),
    "-9223372036854775808.5": -9223372036854775808,  # the double -2**63
    "9223372036854775295.5": 9223372036854774784,
    "9223372036854774784.5": 9223372036854774784,
    "-9223372036854775295.5": -9223372036854774784,
    "4611686018427387904.5": 4611686018427387904,
    "922337203685477580.75": 922337203685477632,
    "9007199254740993.5": 9007199254740994,
    "4503599627370497.5": 4503599627370498,  # 2**52 + 1.5: a double there holds no half
    "1125899906842624.25": 1125899906842624.25,  # 2**50 + 0.25: a double there holds it
    "1.0000000000000000000000000000000000001": 1,
    "2e-324": 0,
    "1e-400": 0,
    "1.5e-7": 1.5e-7,
    "0.1": 0.1,
}

# where free-form JSON is taken: (method, path, body with the number at "@N", the path refused)
PLACES: dict[str, tuple[str, str, dict[str, Any], str]] = {
    "order metadata": ("POST", "/orders", order_body(metadata={"n": "@N"}), "metadata"),
    "order line item field": (
        "POST",
        "/orders",
        order_body(line_items=[{"title": "Mug", "quantity": 1, "price": 2, "size": "@N"}]),
        "line_items.0",
    ),
    "cart metadata": ("POST", "/carts", cart_body(metadata={"n": "@N"}), "metadata"),
    "order metadata in a batch": ("POST", "/orders/batch", {"items": [order_body(metadata={"n": "@N"})]}, "metadata"),
}


def _read(stored: dict[str, Any], place: str) -> Any:
    if "line item" in place:
        return stored["line_items"][0]["size"]
    return stored["metadata"]["n"]


@pytest.mark.parametrize("number", NUMBERS, ids=[text[:30] for text in NUMBERS])
@pytest.mark.parametrize("place", PLACES)
async def test_a_number_is_taken_by_its_value(api: Api, place: str, number: str) -> None:
    method, path, body, refused_at = PLACES[place]
    before = await api.snapshot()
    content = json.dumps(body).replace('"@N"', number).encode()
    response = await api.raw(method, path, content, **{"Content-Type": "application/json"})
    expected = NUMBERS[number]
    batch = path.endswith("/batch")
    if isinstance(expected, tuple):
        answer = response.json()["results"][0] if batch else response.json()
        status = 200 if batch else 422
        assert (response.status_code, answer["status"] if batch else 422) == (status, 422)
        message = f"The {refused_at} field is invalid: {expected[0]}"
        assert (answer["codes"], answer["errors"]) == ({refused_at: ["out_of_range"]}, {refused_at: [message]})
        assert await api.snapshot() == before
        return
    assert response.status_code == (200 if batch else 201), response.text[:300]
    record = "/carts/CART-7700" if "cart" in place else "/orders/ORDER-1001"
    read = (await api.get(record)).json()
    assert _read(read, place) == expected
    assert type(_read(read, place)) is type(expected)
    # sent back as it was answered, it is taken, and answered as the same value
    again = json.dumps(body).replace('"@N"', json.dumps(_read(read, place))).encode()
    response = await api.raw(method, path, again, **{"Content-Type": "application/json"})
    assert response.status_code == 200, response.text[:300]
    back = _read((await api.get(record)).json(), place)
    assert (back, type(back)) == (expected, type(expected))
