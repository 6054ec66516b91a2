"""A backfill PATCH (`Kanal-Backfill: true`, GraphQL `backfill: true`) of a cart's status is
history (README "Backfill": nothing imported changes what a live automation does; only a live
`PATCH` is the shop's mark) also for a recovery whose delivery was dead-lettered and is re-driven
afterwards. With nothing of the recovery pending, the imported status is stored; re-driven
(`kanal webhooks redeliver --event`, `--dead-since`, or `--dead-since` and `kanal webhooks enable`
for a webhook disabled at its dead letter), the recovery goes out as it would have without the
import: an imported `expired`, `recovered`, `completed` or `active` over a cart still
`abandoned` lets it go (reason `fired`, the abandonment's `recovery_fired` set, counted by
recoveryFunnel), and an imported status over the shop's own live mark leaves that mark: the
recovery is cancelled as `marked_by_shop`. Before, the claim read the imported status as the
shop's mark: it cancelled the re-driven recovery as `marked_by_shop`, unset `recovery_fired`, and
recoveryFunnel's recoveriesFired dropped by one; and an imported `abandoned` over the shop's mark
sent it. A live `PATCH` of the status in the same place still calls the recovery off as
`marked_by_shop`. Real worker, real receiver on loopback, the real CLI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import NamedTuple

import pytest

from app.automations.delivery import Backoff
from app.services import stores, webhooks
from app.services.results import utcnow
from tests.api.calls import gql
from tests.api.events import cart_ways as ways
from tests.api.events.test_a_suppressed_message_is_logged_unless_one_went_out import _deliver, _log
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID, Api
from tests.receiver import Receiver

MARKS = ("expired", "recovered", "completed", "active")  # the statuses a shop marks a cart
FUNNEL = """query($from: DateTime!, $to: DateTime!) { recoveryFunnel(storeId: 123, from: $from, to: $to) {
  cartsAbandoned recoveriesFired } }"""

# The receiver is down for the first POST, and one attempt is all a delivery gets
# (KANAL_WEBHOOK_MAX_ATTEMPTS=1): the recovery's delivery is dead-lettered at once. `DISABLING`
# also disables the webhook at that failure (KANAL_WEBHOOK_DISABLE_AFTER_SECONDS=0).
ONCE = Backoff(base_seconds=0.0, max_attempts=1)
DISABLING = Backoff(base_seconds=0.0, max_attempts=1, disable_after_seconds=0.0)


async def _redeliver_event(api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, hook: int) -> None:
    [event] = [row["event_id"] for row in await api.rows("events") if row["type"] == "cart.recovery_due"]
    output = await run_cli(monkeypatch, database_url, ["webhooks", "redeliver", "--event", event])
    assert output == f"1 delivery of event {event} will go out again.\n"


async def _redeliver_dead(api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, hook: int) -> None:
    argv = ["webhooks", "redeliver", "--webhook", str(hook), "--dead-since", "1d"]
    output = await run_cli(monkeypatch, database_url, argv)
    assert output.startswith(f"1 dead letter of webhook {hook} since "), output


async def _redeliver_dead_and_enable(api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, hook: int) -> None:
    await _redeliver_dead(api, database_url, monkeypatch, hook)
    output = await run_cli(monkeypatch, database_url, ["webhooks", "enable", str(hook)])
    assert output == f"Webhook {hook} enabled; 1 pending delivery is due now.\n"


ReDrive = Callable[[Api, str, pytest.MonkeyPatch, int], Awaitable[None]]
# how the operator re-drives the dead letter → (it, the backoff that dead-lettered it)
REDRIVES: dict[str, tuple[ReDrive, Backoff]] = {
    "redeliver --event": (_redeliver_event, ONCE),
    "redeliver --dead-since": (_redeliver_dead, ONCE),
    "disabled at its dead letter: redeliver --dead-since, then enable": (_redeliver_dead_and_enable, DISABLING),
}


class Case(NamedTuple):
    patches: tuple[tuple[str, bool], ...]  # after the dead letter, in order: (status, backfill)
    stored: str  # the cart's status then
    sent: bool  # the re-driven recovery goes out: `fired`; else cancelled, `marked_by_shop`


CASES: dict[str, Case] = {}
for status in MARKS:
    CASES[f"backfill {status}"] = Case(((status, True),), status, True)
    CASES[f"live {status}"] = Case(((status, False),), status, False)
    CASES[f"backfill {status}, then live {status}"] = Case(((status, True), (status, False)), status, False)
    CASES[f"backfill {status}, then backfill abandoned"] = Case(
        ((status, True), ("abandoned", True)), "abandoned", True
    )
    for other in (*MARKS, "abandoned"):
        if other != status:  # the shop's mark, then an imported other status: stored beside it (its
            # recovery recorded, nothing is left to resume), and the mark stands for the claim
            CASES[f"live {status}, then backfill {other}"] = Case(((status, False), (other, True)), other, False)
CASES["backfill completed, then live abandoned"] = Case((("completed", True), ("abandoned", False)), "abandoned", True)
CASES["backfill expired, then live active"] = Case((("expired", True), ("active", False)), "active", False)


async def _dead_letter(api: Api, receiver: Receiver, backoff: Backoff) -> int:
    """The live cart (its customer consented), abandoned 30 minutes ago, its recovery recorded
    `fired` by the sweep (the store's delay set to nothing), its one delivery dead-lettered:
    the webhook's id."""
    hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["cart.recovery_due"])
    await ways.abandoned(api, utcnow())
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    assert await ways.sweep(api) == ["fired"]
    await _deliver(api, backoff)
    assert await _log(api, "cart.recovery_due") == [("fired", ["dead"])]
    assert await _recovery_fired(api) == [True]
    return int(hook["id"])


async def _recovery_fired(api: Api) -> list[bool]:
    return [row["recovery_fired"] for row in await api.rows("cart_abandonments")]


async def _funnel(api: Api) -> dict[str, int]:
    now = utcnow()
    period = {"from": (now - timedelta(days=1)).isoformat(), "to": (now + timedelta(days=1)).isoformat()}
    answer = await gql(api, FUNNEL, period)
    assert "errors" not in answer, answer
    return answer["data"]["recoveryFunnel"]


async def _outcome(api: Api, receiver: Receiver, sent: bool) -> None:
    """The re-driven recovery went out (`fired`) or was cancelled at its claim (`marked_by_shop`),
    its abandonment's flag and recoveryFunnel's count saying the same."""
    assert receiver.types == (["cart.recovery_due"] if sent else [])
    assert await _log(api, "cart.recovery_due") == [
        ("fired" if sent else "marked_by_shop", ["delivered" if sent else "cancelled"])
    ]
    assert await _recovery_fired(api) == [sent]
    assert await _funnel(api) == {"cartsAbandoned": 1, "recoveriesFired": int(sent)}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("redrive", REDRIVES)
async def test_a_redriven_recovery_reads_only_the_shops_live_mark(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, redrive: str, case: str
) -> None:
    again, backoff = REDRIVES[redrive]
    patches, stored, sent = CASES[case]
    with Receiver(failures=1) as receiver:
        hook = await _dead_letter(api, receiver, backoff)
        for status, backfill in patches:
            answer = await ways.patch_cart(api, status, backfill=backfill)
            if status != "abandoned":  # a marked cart's recovery has no standing left to list
                assert answer == []
        assert (await ways.stored_cart(api))[0] == stored
        await again(api, database_url, monkeypatch, hook)
        await _deliver(api)
    await _outcome(api, receiver, sent)


@pytest.mark.parametrize("status", MARKS)
@pytest.mark.parametrize("way", ways.PATCHES)
async def test_a_backfill_status_of_every_patch_way_leaves_a_redriven_recovery_to_go_out(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, way: str, status: str
) -> None:
    with Receiver(failures=1) as receiver:
        hook = await _dead_letter(api, receiver, ONCE)
        since = await ways.last_event_id(api)

        assert await ways.patch_cart(api, status, way, backfill=True) == []

        assert (await ways.stored_cart(api))[0] == status  # stored: nothing of the recovery pending
        recovered = [("cart.recovered", "abandoned", status)] if status == "recovered" else []
        assert await ways.cart_events_since(api, since) == [("cart.status_changed", "abandoned", status), *recovered]
        await _redeliver_event(api, database_url, monkeypatch, hook)
        await _deliver(api)
    await _outcome(api, receiver, sent=True)
