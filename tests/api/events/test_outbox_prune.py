"""Outbox lifecycle (issue 13, README "Outbox lifecycle"): `kanal events prune --older-than`
and the worker's retention delete delivered and backfilled events only; a pending event or a
dead letter stays. Deliveries go to a real loopback receiver."""

import asyncio
import contextlib
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app import cli
from app.automations.delivery import Backoff
from app.automations.retention import parse_age
from app.automations.worker import Worker
from app.db import tables
from app.db.tables import deliveries, events
from app.services import webhooks
from app.services.results import utcnow
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver

ONCE = Backoff(base_seconds=0.0, max_attempts=1)  # a failure is dead-lettered at once


async def run_cli(monkeypatch: pytest.MonkeyPatch, database_url: str, argv: list[str]) -> str:
    """`kanal …` in a thread of this process; its stdout (its stderr left to capsys)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run() -> str:
        with contextlib.redirect_stdout(io.StringIO()) as output:
            cli.main(argv)
        return output.getvalue()

    return await asyncio.to_thread(run)


async def run_cli_streams(monkeypatch: pytest.MonkeyPatch, database_url: str, argv: list[str]) -> tuple[str, str]:
    """`kanal …` in a thread of this process; its stdout and its stderr."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run() -> tuple[str, str]:
        with contextlib.redirect_stdout(io.StringIO()) as output, contextlib.redirect_stderr(io.StringIO()) as said:
            cli.main(argv)
        return output.getvalue(), said.getvalue()

    return await asyncio.to_thread(run)


async def age_every_event(api, days: int) -> None:
    await api.db.write(lambda conn: conn.execute(update(events).values(created_at=utcnow() - timedelta(days=days))))


async def event_kinds(api) -> list[tuple[str, str, bool]]:
    rows = await api.db.read(
        lambda conn: conn.execute(select(events.c.type, events.c.data, events.c.backfill).order_by(events.c.id)).all()
    )
    return [(row.type, row.data["subject"]["external_id"], row.backfill) for row in rows]


async def outbox_with_every_kind(api) -> None:
    """O-1 created: delivered; O-1 paid: dead letter; O-2: backfilled; O-3: pending (not fanned out)."""
    with Receiver() as live, Receiver(failures=100) as broken:
        await webhooks.add_webhook(api.db, STORE_ID, live.url, ["order.created"])
        await webhooks.add_webhook(api.db, STORE_ID, broken.url, ["order.financial_status_changed"])
        assert (await api.post("/orders", order_body(external_id="O-1"))).status_code == 201
        assert (await api.patch("/orders/O-1", {"financial_status": "paid"})).status_code == 200
        backfill = order_body(external_id="O-2", customer={"phone": "+33612340002"})
        response = await api.client.post(
            f"/api/v1/stores/{STORE_ID}/orders", json=backfill, headers={**api.auth(), "Kanal-Backfill": "true"}
        )
        assert response.status_code == 201
        worker = Worker(api.db, ONCE)
        tally = await worker.run_once()
        await worker.aclose()
    assert (tally.delivered, tally.failed) == (1, 1)
    assert (
        await api.post("/orders", order_body(external_id="O-3", customer={"phone": "+33612340003"}))
    ).status_code == 201


async def test_prune_deletes_delivered_and_backfilled_events_older_than_the_age(api, database_url, monkeypatch):
    await outbox_with_every_kind(api)
    await age_every_event(api, days=40)
    assert "Pruned 0 " in await run_cli(monkeypatch, database_url, ["events", "prune", "--older-than", "41d"])
    assert len(await event_kinds(api)) == 4

    output = await run_cli(monkeypatch, database_url, ["events", "prune", "--older-than", "30d"])
    assert output.startswith("Pruned 2 delivered or backfilled events created before ")
    assert await event_kinds(api) == [
        ("order.financial_status_changed", "O-1", False),  # its delivery is a dead letter
        ("order.created", "O-3", False),  # pending: not fanned out yet
    ]
    statuses = await api.db.read(lambda conn: conn.execute(select(deliveries.c.status)).scalars().all())
    assert statuses == ["dead"]


async def test_the_worker_applies_the_retention_and_still_delivers_pending_events(api):
    await outbox_with_every_kind(api)
    with Receiver() as live:
        await webhooks.add_webhook(api.db, STORE_ID, live.url, ["order.created"])
        await age_every_event(api, days=40)
        # every webhook a day older still, its first event the outbox's first: subscribed before
        # O-3 was recorded, so the fan-out gives it to them (a subscription receives only the
        # events committed after it)
        older = utcnow() - timedelta(days=41)
        subscribed_first = update(tables.webhooks).values(created_at=older, first_event_id=1)
        await api.db.write(lambda conn: conn.execute(subscribed_first))
        worker = Worker(api.db, ONCE, retention=timedelta(days=30))
        tally = await worker.run_once()
        await worker.aclose()
    assert [item["event"]["data"]["subject"]["external_id"] for item in live.received] == ["O-3"]
    assert tally.pruned == 2  # O-1 created and O-2
    assert await event_kinds(api) == [
        ("order.financial_status_changed", "O-1", False),
        ("order.created", "O-3", False),  # delivered here, dead-lettered to the first receiver (gone)
    ]


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("30d", timedelta(days=30)),
        ("12h", timedelta(hours=12)),
        ("90m", timedelta(minutes=90)),
        (" 45s ", timedelta(seconds=45)),
    ],
)
def test_ages(text, age):
    assert parse_age(text) == age


# `+0d`, `-0d`: no age, signed or not; `١d`, `٣٦٥d`: other scripts' digits (read as 1 and 365 days)
@pytest.mark.parametrize(
    "text", ["", "30", "d", "0d", "1.5d", "30 days", "3w", "--1d", "-1.5d", "+0d", "-0d", "١d", "٣٦٥d", "1٠d"]
)
def test_bad_ages_are_refused(text):
    with pytest.raises(ValueError, match="is not an age such as 30d"):
        parse_age(text)


@pytest.mark.parametrize(("text", "unsigned"), [("-1d", "1d"), ("+12h", "12h"), ("- 90m", "90m"), (" -045s ", "45s")])
def test_a_signed_age_is_refused_as_one(text, unsigned):
    with pytest.raises(ValueError) as refused:
        parse_age(text)
    assert str(refused.value) == f"{text!r} has a sign: an age counts back from now and takes none, such as {unsigned}"


async def test_a_bad_age_on_the_command_line_changes_nothing(api, database_url, monkeypatch, capsys):
    await outbox_with_every_kind(api)
    await age_every_event(api, days=40)
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, ["events", "prune", "--older-than", "thirty days"])
    assert exit_.value.code == 2
    assert "is not an age such as 30d" in capsys.readouterr().err
    assert len(await event_kinds(api)) == 4
