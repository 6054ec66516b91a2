"""README "Endpoints": unknown fields are ignored, so text no engine can store (a NUL, a lone
surrogate) refuses a body only where the command keeps it: a known field, metadata, a line
item's own keys (stored as sent). In an unknown field, at any level, or as an unknown key, it
changes nothing: the order is written as without it, by the single POST and in a batch alike."""

from __future__ import annotations

import json

import pytest

from tests.conftest import order_body

NUL, SURROGATE = "a\\u0000b", "\\ud800"
CUSTOMER = order_body()["customer"]
LINE_ITEM = order_body()["line_items"][0]
ADDRESS = {"country_code": "FR", "city": "Paris"}
NOTE = f'"note": "{NUL}"'


def _order(**fields: str) -> str:
    """The order body as JSON text, each of `fields` replacing or adding a member's raw JSON."""
    members = {key: json.dumps(value) for key, value in order_body().items()}
    members.update(fields)
    return "{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in members.items()) + "}"


def _with(base: dict, text: str) -> str:
    """`base` as JSON text with one more member written as `text` (raw JSON, escapes kept)."""
    return json.dumps(base)[:-1] + ", " + text + "}"


# case -> (the order's raw JSON, None: written, the unknown text ignored; else the refused field)
CASES: dict[str, tuple[str, str | None]] = {
    "unknown field, NUL": (_order(pad=f'"{NUL}"'), None),
    "unknown field, lone surrogate": (_order(pad=f'"{SURROGATE}"'), None),
    "unknown key": (_order(**{SURROGATE: '"x"'}), None),
    "unknown object": (_order(pad=f'{{"deep": ["{NUL}"]}}'), None),
    "unknown field of the customer": (_order(customer=_with(CUSTOMER, f'"pad": "{NUL}"')), None),
    "unknown key of the customer": (_order(customer=_with(CUSTOMER, f'"{SURROGATE}": 1')), None),
    "unknown field of an address": (_order(shipping_address=_with(ADDRESS, f'"pad": "{SURROGATE}"')), None),
    "known field": (_order(tags=f'["{NUL}"]'), "tags.0"),
    "known field of the customer": (_order(customer=_with(CUSTOMER, f'"first_name": "{NUL}"')), "customer.first_name"),
    "known field of an address": (_order(shipping_address=_with(ADDRESS, f'"city": "{SURROGATE}"')), "shipping_address.city"),
    "metadata": (_order(metadata="{" + NOTE + "}"), "metadata.note"),
    "a line item's own key": (_order(line_items="[" + _with(LINE_ITEM, NOTE) + "]"), "line_items.0.note"),
}  # fmt: skip
# WooCommerce's and Magento's names of an address's fields are known names (README "Platform
# payloads"): text no engine stores is refused there as in the field itself, at the name sent, on
# either address (a NUL in `address_1` was stored; a lone surrogate in `state` was refused as
# `invalid_type`); within Magento's `street` lines and `region` object, at the line or key sent.
# other name -> (its raw JSON holding the text, where it is refused below the name)
_OTHER_NAMES = {
    "address_1": ('"{}"', ""),
    "address_2": ('"{}"', ""),
    "state": ('"{}"', ""),
    "postcode": ('"{}"', ""),
    "country": ('"{}"', ""),
    "firstname": ('"{}"', ""),
    "lastname": ('"{}"', ""),
    "telephone": ('"{}"', ""),
    "street": ('"{}"', ""),
    "street lines": ('["1 rue X", "{}"]', ".1"),
    "street, third line": ('["1 rue X", "Bat B", "{}"]', ".2"),
    "region": ('"{}"', ""),
    "region object": ('{{"region": "{}", "region_code": "IDF"}}', ".region"),
    "country_id": ('"{}"', ""),
}
for _address in ("shipping_address", "billing_address"):
    for _case, (_raw, _below) in _OTHER_NAMES.items():
        _name = _case.split(" ")[0].rstrip(",")
        for _text, _label in ((NUL, "NUL"), (SURROGATE, "lone surrogate")):
            CASES[f"{_case} of the {_address}, {_label}"] = (
                _order(
                    **{
                        _address: _with(
                            ADDRESS if not _name.startswith("country") else {"city": "Paris"},
                            f'"{_name}": {_raw.format(_text)}',
                        )
                    }
                ),
                f"{_address}.{_name}{_below}",
            )
# ... also when the field itself is there too (the other name is then not read, but is no unknown key)
CASES["WooCommerce's state beside province, NUL"] = (
    _order(shipping_address=_with({**ADDRESS, "province": "IDF"}, f'"state": "{NUL}"')),
    "shipping_address.state",
)
CASES["Magento's street beside address1, lone surrogate"] = (
    _order(shipping_address=_with({**ADDRESS, "address1": "2 rue Y"}, f'"street": ["{SURROGATE}"]')),
    "shipping_address.street.0",
)
# Magento's customer_email, customer_firstname and customer_lastname at the top level, and an
# address's email (WooCommerce's billing), are read as the customer's (README "Platform
# payloads"): refused at the name sent, also beside the customer's own (then not read, but known).
# Magento's customer_id is not read: ignored, as any unknown field.
for _name in ("customer_email", "customer_firstname", "customer_lastname"):
    CASES[f"Magento's {_name}, NUL"] = (_order(**{_name: f'"{NUL}"'}), _name)
    CASES[f"Magento's {_name} beside the customer's own, lone surrogate"] = (
        _order(customer=json.dumps({**CUSTOMER, "email": "jo@example.com"}), **{_name: f'"{SURROGATE}"'}),
        _name,
    )
for _address in ("shipping_address", "billing_address"):
    CASES[f"email of the {_address}, NUL"] = (
        _order(**{_address: _with(ADDRESS, f'"email": "{NUL}"')}),
        f"{_address}.email",
    )
CASES["Magento's customer_id, NUL"] = (_order(customer_id=f'"{NUL}"'), None)


@pytest.mark.parametrize("case", list(CASES))
async def test_text_no_engine_stores_refuses_an_order_only_where_it_is_kept(api, case):
    order, refused = CASES[case]
    answer = await api.raw("POST", "/orders", order.encode(), **{"Content-Type": "application/json"})
    if refused is None:
        assert answer.status_code == 201, answer.text
        assert [row["external_id"] for row in await api.rows("orders")] == ["ORDER-1001"]
        return
    assert (answer.status_code, answer.json()["codes"]) == (422, {refused: ["invalid_characters"]})
    assert await api.rows("orders") == []


@pytest.mark.parametrize("case", list(CASES))
async def test_a_batch_item_is_refused_only_where_it_is_kept(api, case):
    order, refused = CASES[case]
    answer = await api.raw(
        "POST", "/orders/batch", f'{{"items": [{order}]}}'.encode(), **{"Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    if refused is None:
        assert (result["status"], result["external_id"]) == (201, "ORDER-1001")
        return
    assert (result["status"], result["codes"]) == (422, {refused: ["invalid_characters"]})
    assert await api.rows("orders") == []
