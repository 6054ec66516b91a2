"""A batch result repeats an item's external_id sent as a JSON number as its digits, at any
length (README, "Batches"): past Python's 4,300-digit `int` it was `null`, where a shorter one
and `kanal import`'s report gave the digits. Each is refused as too long (255 characters)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import order_body

DIGITS = [300, 4300, 4301, 5000]


@pytest.mark.parametrize("count", DIGITS)
@pytest.mark.parametrize("resource", ["orders", "customers"])
async def test_the_digits_are_repeated(api, resource: str, count: int) -> None:
    number = "9" * count
    item = json.dumps(order_body(external_id="PLACEHOLDER")).replace('"PLACEHOLDER"', number)
    body = f'{{"items": [{item}]}}'.encode()
    before = await api.snapshot()
    answer = await api.raw("POST", f"/{resource}/batch", body, **{"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text[:300]
    (result,) = answer.json()["results"]
    assert (result["index"], result["external_id"], result["status"]) == (0, number, 422)
    assert result["codes"]["external_id"] == ["too_long"]
    assert await api.snapshot() == before
