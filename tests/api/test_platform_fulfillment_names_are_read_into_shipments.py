"""README "Platform payloads": a shipment's fields under the names of Shopify's fulfillment
(`platform_names.SHIPMENT_OWN_NAMES`) are read where ours is absent (absent, null or blank) and
dropped where ours is present: `tracking_company` is the `carrier`, and the first non-blank
text of the lists `tracking_numbers` and `tracking_urls` the `tracking_number` and
`tracking_url` (a shipment keeps one; the fulfillment's further parcels are not stored). By the
single POST and in a batch alike; GET answers what is stored. A list that is not a list of
strings is refused `invalid_type` at the name sent. Before, all three were unknown fields,
ignored: the carrier was stored null, and a fulfillment relayed with `tracking_numbers` only
stored no tracking number."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.platform_names import SHIPMENT_OWN_NAMES
from tests.api.platform_writes import WAYS, write
from tests.conftest import order_body

PATH, EXTERNAL_ID = "/shipments", "4444"
UPS, URL = "1Z001", "https://ups.example/1Z001"

# the platform's name -> (our field, theirs as sent, the value read from it, ours as sent and stored)
NAMES: dict[str, tuple[str, Any, str, str]] = {
    "tracking_company": ("carrier", "UPS", "UPS", "Colissimo"),
    "tracking_numbers": ("tracking_number", [UPS, "1Z002"], UPS, "6A123"),
    "tracking_urls": ("tracking_url", [URL, "https://ups.example/1Z002"], URL, "https://laposte.example/6A123"),
}
# how ours is sent beside theirs: absent (...), blank, null, or given (GIVEN: ours in NAMES)
GIVEN = object()
OURS: dict[str, Any] = {"ours absent": ..., "ours blank": " ", "ours null": None, "ours given": GIVEN}


def _body(**fields: Any) -> dict[str, Any]:
    return {"external_id": EXTERNAL_ID, "order_external_id": "ORDER-1001", "status": "in_transit", **fields}


async def _stored(api: Any) -> dict[str, Any]:
    response = await api.get(f"{PATH}/{EXTERNAL_ID}")
    assert response.status_code == 200, response.text[:500]
    answer: dict[str, Any] = response.json()
    return answer


@pytest.fixture
async def ordered(api: Any) -> Any:
    assert (await api.post("/orders", order_body())).status_code == 201
    return api


def test_every_name_has_a_case() -> None:
    assert {name: case[0] for name, case in NAMES.items()} == dict(SHIPMENT_OWN_NAMES)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("ours", OURS)
@pytest.mark.parametrize("name", NAMES)
async def test_the_field_is_read_from_the_fulfillments_name(ordered, name, ours, way) -> None:
    field, theirs, read, given = NAMES[name]
    sent = {name: theirs}
    if OURS[ours] is not ...:
        sent[field] = given if OURS[ours] is GIVEN else OURS[ours]
    assert await write(ordered, PATH, _body(**sent), way) == (201, None)
    answer = await _stored(ordered)
    assert (answer[field], name in answer) == (given if OURS[ours] is GIVEN else read, False)


# case -> (the body's fields, what is stored: {field: value})
READ: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "Shopify's fulfillment as relayed": (
        {
            "tracking_company": "UPS",
            "tracking_number": UPS,
            "tracking_numbers": [UPS],
            "tracking_url": URL,
            "tracking_urls": [URL],
        },
        {"carrier": "UPS", "tracking_number": UPS, "tracking_url": URL},
    ),
    "the first non-blank one of a list": (
        {"tracking_numbers": ["", "  ", " 1Z003 ", UPS], "tracking_urls": [" ", URL]},
        {"tracking_number": "1Z003", "tracking_url": URL},
    ),
    "a list of blanks is none": (
        {"tracking_numbers": ["", " "], "tracking_urls": [""]},
        {"tracking_number": None, "tracking_url": None},
    ),
    "an empty list is none": ({"tracking_numbers": [], "tracking_urls": []}, {"tracking_number": None}),
    "null is none": (
        {"tracking_company": None, "tracking_numbers": None, "tracking_urls": None},
        {"carrier": None, "tracking_number": None, "tracking_url": None},
    ),
    "a blank is none": (
        {"tracking_company": " ", "tracking_numbers": "", "tracking_urls": " "},
        {"carrier": None, "tracking_number": None, "tracking_url": None},
    ),
    "ours win over a list that is not one": (
        {"tracking_number": UPS, "tracking_numbers": [1]},
        {"tracking_number": UPS},
    ),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("case", READ)
async def test_what_is_read(ordered, case, way) -> None:
    sent, stored = READ[case]
    assert await write(ordered, PATH, _body(**sent), way) == (201, None)
    answer = await _stored(ordered)
    assert {field: answer[field] for field in stored} == stored


NOT_A_LIST = "Must be a list of strings."
# case -> (the body's fields, {field refused: (its code, its message)})
REFUSED: dict[str, tuple[dict[str, Any], dict[str, tuple[str, str]]]] = {
    **{
        f"{name}: {kind}": ({name: value}, {name: ("invalid_type", NOT_A_LIST)})
        for name in ("tracking_numbers", "tracking_urls")
        for kind, value in {
            "a string": UPS,
            "a number": 1,
            "an object": {"number": UPS},
            "true": True,
            "a list holding a number": [UPS, 1],
            "a list holding null": [None, UPS],
            "a list holding a list": [[UPS]],
        }.items()
    },
    "both lists, each at its name": (
        {"tracking_numbers": 1, "tracking_urls": {}},
        {"tracking_numbers": ("invalid_type", NOT_A_LIST), "tracking_urls": ("invalid_type", NOT_A_LIST)},
    ),
    "a carrier not a string, as ours": ({"tracking_company": 7}, {"carrier": ("invalid_type", "Must be a string.")}),
    "a url the field refuses, as ours": (
        {"tracking_urls": ["not a url"]},
        {"tracking_url": ("invalid_url", "Must be an http(s) URL.")},
    ),
    "text no engine can store, at the name sent": (
        {"tracking_numbers": ["1Z\u0000"]},
        {"tracking_numbers.0": ("invalid_characters", None)},
    ),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("case", REFUSED)
async def test_what_is_refused(ordered, case, way) -> None:
    """Nothing is written; never a 500."""
    sent, refused = REFUSED[case]
    status, answer = await write(ordered, PATH, _body(**sent), way)
    assert (status, answer["codes"]) == (422, {field: [code] for field, (code, _) in refused.items()})
    for field, (_, message) in refused.items():
        if message is not None:
            assert answer["errors"][field] == [f"The {field} field is invalid: {message}"]
    assert await ordered.count("shipments") == 0
