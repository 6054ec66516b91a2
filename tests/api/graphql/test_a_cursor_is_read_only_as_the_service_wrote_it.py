"""README "IDs and cursors" (`app.policies.ids`): a cursor argument takes exactly the cursors the
service issues. Text Python's `fromisoformat` or base64 decoder would also read — an ISO week
or ordinal date, a NUL, another offset, JSON spelt otherwise, base64 with skipped characters —
is no cursor the service wrote: it is refused as any malformed cursor is (BAD_USER_INPUT on
`["after"]`, the same message, no data), where it was read as a position. Every cursor
argument of the schema (each list's `after`; there is no `before`, and REST has no cursor
parameter) × every malformed cursor, and the cursors the lists hand out walk them whole."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body, shipment_body

CURSOR = "after is not a cursor of this list: pass a cursor or endCursor the same list returned."

# every list taking a cursor -> whether its sort key holds a time (orders and carts: the time, then the id)
CONNECTIONS = {"orders": True, "contacts": False, "shipments": False, "carts": True, "events": False}

PLUS_TWO = timezone(timedelta(hours=2))
Forge = Callable[[str], str]  # a real cursor -> a malformed one


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def _json(cursor: str) -> list[Any]:
    loaded: list[Any] = json.loads(base64.urlsafe_b64decode(cursor))
    return loaded


def _compact(values: list[Any]) -> str:
    """The cursor of `values` as the service writes it (compact JSON), but for what a case changes."""
    return _b64(json.dumps(values, separators=(",", ":")).encode())


def _values(change: Callable[[list[Any]], list[Any]]) -> Forge:
    return lambda cursor: _compact(change(_json(cursor)))


def _json_text(change: Callable[[str], str]) -> Forge:
    """A case that edits the JSON text of the cursor."""
    return lambda cursor: _b64(change(base64.urlsafe_b64decode(cursor).decode()).encode())


def _time(change: Callable[[datetime, str], str]) -> Forge:
    """A case that writes the cursor's time (the UTC instant it holds) another way."""

    def forge(cursor: str) -> str:
        values = _json(cursor)
        values[1] = change(datetime.fromisoformat(values[1]), values[1])
        return _compact(values)

    return forge


def _week_date(moment: datetime, _: str) -> str:
    year, week, day = moment.isocalendar()
    return f"{year}-W{week:02}-{day}T{moment:%H:%M:%S}+00:00"


def _ordinal_date(moment: datetime, _: str) -> str:
    return f"{moment:%Y-%j}T{moment:%H:%M:%S}+00:00"


EVERY_LIST: dict[str, Forge] = {
    "empty": lambda cursor: "",
    "huge": lambda cursor: cursor * 400,
    "just past the longest accepted": lambda cursor: _b64(b"[" + b"1," * 200 + b"1]")[:257],
    "trailing garbage after the base64": lambda cursor: cursor + "!!",
    "trailing base64 after the cursor": lambda cursor: cursor + "AAAA",
    "a character base64 skips, inside": lambda cursor: cursor[:4] + "*" + cursor[4:],
    "a line break base64 skips, at the end": lambda cursor: cursor + "\n",
    "padding removed": lambda cursor: cursor.rstrip("=") if cursor.endswith("=") else cursor + "=",
    "a NUL after the cursor": lambda cursor: cursor + "\x00",
    "a NUL inside the cursor": lambda cursor: cursor[:4] + "\x00" + cursor[4:],
    "a lone surrogate after the cursor": lambda cursor: cursor + "\ud800",
    "a lone surrogate alone": lambda cursor: "\udc00",
    "JSON with spaces": _json_text(lambda text: text.replace(",", ", ")),
    "JSON with a trailing space": _json_text(lambda text: text + " "),
    "JSON with trailing garbage": _json_text(lambda text: text + "x"),
    "JSON with a trailing NUL": _json_text(lambda text: text + "\x00"),
    "the list's name escaped": _json_text(lambda text: text.replace(text[2], f"\\u{ord(text[2]):04x}", 1)),
    "a NUL after the list's name": _values(lambda values: [values[0] + "\x00", *values[1:]]),
    "a lone surrogate in the list's name": _json_text(lambda text: text.replace('",', '\\ud800",', 1)),
    "one part too few": _values(lambda values: values[:-1]),
    "one part too many": _values(lambda values: [*values, values[-1]]),
    "the name alone": _values(lambda values: values[:1]),
    "no name": _values(lambda values: values[1:]),
    "an empty array": _values(lambda values: []),
    "the id as a float": _json_text(lambda text: text[:-1] + ".0]"),
    "the id with an exponent": _json_text(lambda text: text[:-1] + "e0]"),
    "the id as text": _values(lambda values: [*values[:-1], str(values[-1])]),
    "the id with a leading zero": _json_text(
        lambda text: text[: text.rindex(",") + 1] + "0" + text[text.rindex(",") + 1 :]
    ),
}

TIMED_LISTS: dict[str, Forge] = {
    "an ISO week date": _time(_week_date),
    "an ordinal date": _time(_ordinal_date),
    "an ordinal date, basic": _time(lambda moment, _: f"{moment:%Y%jT%H%M%S}+00:00"),
    "the basic format": _time(lambda moment, _: f"{moment:%Y%m%dT%H%M%S}Z"),
    "a NUL for the T": _time(lambda moment, text: text.replace("T", "\x00")),
    "a space for the T": _time(lambda moment, text: text.replace("T", " ")),
    "a NUL after the offset": _time(lambda moment, text: text + "\x00"),
    "a lone surrogate after the offset": _time(lambda moment, text: text + "\ud800"),
    "Z for +00:00": _time(lambda moment, text: text.replace("+00:00", "Z")),
    "another offset, the same instant": _time(lambda moment, _: moment.astimezone(PLUS_TWO).isoformat()),
    "no offset": _time(lambda moment, text: text.replace("+00:00", "")),
    "microseconds of zero": _time(lambda moment, text: text.replace("+00:00", ".000000+00:00")),
    "milliseconds": _time(lambda moment, text: text.replace("+00:00", ".000+00:00")),
    "a comma for the decimal point": _time(lambda moment, text: text.replace("+00:00", ",5+00:00")),
    "no seconds": _time(lambda moment, text: text.replace(f":{moment:%S}+", "+")),
    "a date alone": _time(lambda moment, _: f"{moment:%Y-%m-%d}"),
    "the time as epoch seconds": _values(
        lambda values: [values[0], int(datetime.fromisoformat(values[1]).timestamp()), values[2]]
    ),
}


def _cases() -> list[Any]:
    cases = []
    for field, timed in CONNECTIONS.items():
        forges = {**EVERY_LIST, **(TIMED_LISTS if timed else {})}
        cases += [pytest.param(field, forge, id=f"{field}: {label}") for label, forge in forges.items()]
    return cases


async def _seed(api: Api) -> None:
    """Two of each: orders (of two contacts), shipments, carts; the newest order and cart at a
    whole second (the cursor the cases forge), the other with microseconds."""
    for external_id, phone, placed_at in (
        ("O-1", "+33611111111", "2026-05-18T09:59:59.123456Z"),
        ("O-2", "+33622222222", "2026-05-18T10:00:00Z"),
    ):
        customer = {"phone": phone}
        body = order_body(external_id=external_id, placed_at=placed_at, customer=customer)
        assert (await api.post("/orders", body)).status_code == 201
    for external_id, order in (("S-1", "O-1"), ("S-2", "O-2")):
        body = shipment_body(external_id=external_id, order_external_id=order)
        assert (await api.post("/shipments", body)).status_code == 201
    for external_id, abandoned_at in (("C-1", "2026-05-17T08:59:59.5Z"), ("C-2", "2026-05-17T09:00:00Z")):
        assert (
            await api.post("/carts", cart_body(external_id=external_id, abandoned_at=abandoned_at))
        ).status_code == 201


def _query(field: str) -> str:
    return (
        f"query($first: Int!, $after: String) {{ {field}(storeId: 123, first: $first, after: $after) {{"
        " edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"
    )


async def _page(api: Api, field: str, first: int, after: str | None) -> dict[str, Any]:
    body = await gql(api, _query(field), {"first": first, "after": after})
    assert "errors" not in body, body
    page: dict[str, Any] = body["data"][field]
    return page


def test_the_table_covers_every_cursor_argument() -> None:
    """Walks every field of every type of the schema: a cursor argument (`after`, `before`) is
    on the root lists of the table and nowhere else."""
    taking_cursors = {
        (type_name, field_name)
        for type_name, type_ in graphql_schema._schema.type_map.items()
        for field_name, field in (getattr(type_, "fields", None) or {}).items()
        if {"after", "before"} & set(getattr(field, "args", None) or {})
    }
    assert taking_cursors == {("Query", field) for field in CONNECTIONS}
    assert not any("before" in graphql_schema._schema.query_type.fields[field].args for field in CONNECTIONS)


@pytest.mark.parametrize(("field", "forge"), _cases())
async def test_a_cursor_the_service_never_wrote_is_refused(api: Api, field: str, forge: Forge) -> None:
    await _seed(api)
    real = (await _page(api, field, 1, None))["pageInfo"]["endCursor"]
    assert (await _page(api, field, 1, real))["edges"]  # the real one is read
    forged = forge(real)
    assert forged != real
    before = await api.snapshot()
    body = await gql(api, _query(field), {"first": 1, "after": forged})
    assert body["data"] is None
    errors = [(error["message"], error["extensions"], error["path"]) for error in body["errors"]]
    assert errors == [(CURSOR, {"code": "BAD_USER_INPUT", "field": ["after"]}, [field])]
    assert await api.snapshot() == before


@pytest.mark.parametrize("field", list(CONNECTIONS))
async def test_the_cursors_a_list_hands_out_walk_it_whole(api: Api, field: str) -> None:
    """Page by page, one row at a time, each `endCursor` sent back as `after` (and each edge's
    `cursor` is the page's `endCursor`): the rows of the whole list, once each, in its order,
    times with and without microseconds included."""
    await _seed(api)
    whole = await _page(api, field, 100, None)
    expected = [edge["node"]["id"] for edge in whole["edges"]]
    assert len(expected) >= 2 and not whole["pageInfo"]["hasNextPage"]
    walked, after = [], None
    while True:
        page = await _page(api, field, 1, after)
        [edge] = page["edges"]
        assert edge["cursor"] == page["pageInfo"]["endCursor"]
        walked.append(edge["node"]["id"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == expected
    last = await _page(api, field, 1, after=whole["pageInfo"]["endCursor"])
    assert last == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
