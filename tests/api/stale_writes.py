"""What the stale-write tests of each resource share (README, "Stale and out-of-order writes"):
a record stored with a source `updated_at`, then a write carrying an older, equal, newer or no
`updated_at`, through POST or PATCH; what each must answer, store and emit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.conftest import Api

STORED_AT = "2026-05-18T12:00:00Z"
# The updated_at a second write carries, by how it compares with the stored one.
SENT = {
    "older": "2026-05-18T11:59:59.999999Z",
    "equal": "2026-05-18T14:00:00+02:00",  # the same instant, written in another offset
    "newer": "2026-05-18T12:00:01Z",
    "absent": None,
}
# The source time stored after a write that is not stale: an undated write keeps the stored one.
STORED_AFTER = {
    "equal": datetime(2026, 5, 18, 12, tzinfo=UTC),
    "newer": datetime(2026, 5, 18, 12, 0, 1, tzinfo=UTC),
    "absent": datetime(2026, 5, 18, 12, tzinfo=UTC),
}
ARRIVALS = tuple(SENT)
# The automation each resource's writes can fire (issue 15): a stale write or a replay answers
# it with `stale` / `unchanged`; orders and customers fire none of their own.
AUTOMATION = {"carts": "cart_recovery", "shipments": "shipping_notification"}


def record_and_reasons(response: httpx.Response) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A write's answer: the record, and its `automations` as (automation, reason)."""
    body = response.json()
    return body, [(item["automation"], item["reason"]) for item in body.pop("automations")]


def only(table: str, reason: str) -> list[tuple[str, str]]:
    return [(AUTOMATION[table], reason)] if table in AUTOMATION else []


@dataclass(frozen=True)
class Write:
    """A second write to a stored record: its method and path, its body without `updated_at`,
    the field it changes (and to what), and the events it emits when applied."""

    method: str  # POST or PATCH
    path: str
    body: dict[str, Any]
    changed: tuple[str, Any]
    events: tuple[str, ...] = ()
    in_row: Any = None  # the changed value as the row holds it, when not as the response renders it
    # Tables a stale write must leave as they are, beside the resource's own.
    untouched: tuple[str, ...] = field(default=("contacts", "events"))

    def dated(self, arrival: str) -> dict[str, Any]:
        sent = SENT[arrival]
        return self.body if sent is None else {**self.body, "updated_at": sent}


async def send(api: Api, write: Write, arrival: str) -> httpx.Response:
    if write.method == "POST":
        return await api.post(write.path, write.dated(arrival))
    return await api.patch(write.path, write.dated(arrival))


async def check_write(api: Api, table: str, record_path: str, write: Write, arrival: str) -> None:
    """Send `write` with the `arrival`'s updated_at to the one stored row of `table` (read back
    at `record_path`), and assert the whole outcome: a stale write answers 200 with the stored
    record and `Kanal-Stale: true`, and changes no row and emits no event; any other is written
    as before (the last write wins) and emits its events."""
    stored = (await api.get(record_path)).json()
    before = {name: await api.rows(name) for name in (table, *write.untouched)}
    events_before = len(before["events"]) if "events" in before else len(await api.rows("events"))
    response = await send(api, write, arrival)
    assert response.status_code == 200, response.text
    after = {name: await api.rows(name) for name in (table, *write.untouched)}
    new_events = [row["type"] for row in (await api.rows("events"))[events_before:]]
    name, value = write.changed
    if arrival == "older":
        assert response.headers.get("kanal-stale") == "true"
        assert record_and_reasons(response) == (stored, only(table, "stale"))
        assert after == before
        assert new_events == []
        return
    assert "kanal-stale" not in response.headers
    assert response.json()[name] == value
    (row,) = after[table]
    in_row = value if write.in_row is None else write.in_row
    assert (row[name], row["source_updated_at"]) == (in_row, STORED_AFTER[arrival])
    assert row["updated_at"] > before[table][0]["updated_at"]
    assert new_events == list(write.events)


async def check_replay(api: Api, table: str, record_path: str, method: str, path: str, body: dict[str, Any]) -> None:
    """Sending `body` again changes nothing: 200, the same record, our own updated_at and the
    revision as they were, no event."""
    stored = (await api.get(record_path)).json()
    before, events = await api.rows(table), await api.rows("events")
    response = await (api.post(path, body) if method == "POST" else api.patch(path, body))
    assert (response.status_code, record_and_reasons(response)) == (200, (stored, only(table, "unchanged")))
    assert "kanal-stale" not in response.headers
    assert await api.rows(table) == before
    assert await api.rows("events") == events
