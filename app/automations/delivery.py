"""Webhook delivery: claim due deliveries under a lease, record their outcomes, both in batches.

A delivery is claimed only when no earlier delivery of the same webhook and subject is still
pending, so each receiver sees a subject's events in order (SPEC §6): the worker may hold many
deliveries in flight at once, never two of one subject for one webhook. Claims use FOR UPDATE
SKIP LOCKED on PostgreSQL (SQLite has a single writer), and a lease, so that two workers never
deliver one event at the same time. Failures retry with exponential backoff and jitter for
about a day, then the delivery is dead-lettered."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, Text, bindparam, case, cast, exists, func, or_, select, update

from app.config import MAX_WEBHOOK_BACKOFF_SECONDS, Settings
from app.db.tables import carts, contacts, deliveries, events, stores, webhooks
from app.domain.automations import MESSAGES, Reason
from app.domain.consent import CONSENT_COLUMNS
from app.domain.event_types import EventType
from app.domain.livemode import is_live, public_store_id
from app.domain.rules.consent_policy import COLUMN, decide
from app.domain.statuses import CartStatus, DeliveryStatus
from app.services import abandonments
from app.services.carts import live_status, ordered_after, purchase_of

from .dispatch import dispatch_events
from .health import record_health

LEASE = timedelta(seconds=60)  # the shortest lease; a worker holding more for longer asks for more

_earlier = deliveries.alias("earlier")
_SCAN_IN_ORDER = select(
    func.set_config("enable_sort", "off", True),
    func.set_config("enable_bitmapscan", "off", True),
    func.set_config("plan_cache_mode", "force_custom_plan", True),  # a prepared claim is planned anew each time
)


@dataclass(frozen=True)
class Claimed:
    """One delivery in hand: its body (bytes as sent), made once at claim, and its webhook's
    secret: the body is signed as its POST starts (`sender.Sender.post`), not at claim, since a
    delivery may wait for a connection longer than a receiver's five minutes of tolerance."""

    delivery_id: int
    webhook_id: int
    url: str
    event_id: str
    event_type: str
    attempts: int  # attempts made before this one
    body: bytes
    secret: str  # the webhook's signing secret (whsec_…)

    def outcome(self, status_code: int | None, error: str | None) -> Outcome:
        """What its attempt got: an HTTP status (None when no answer came), an error (None on 2xx)."""
        message = self.event_type in MESSAGES
        return Outcome(self.delivery_id, self.attempts, status_code, error, self.webhook_id, message=message)


class Claims(list[Claimed]):
    """The deliveries of one claim; `exhausted` when it took every due delivery it could see
    (fewer rows than its limit, no webhook left out): the outbox may need fanning out;
    `cancelled`: how many due deliveries it cancelled instead (`_no_longer_due`)."""

    exhausted: bool = True
    cancelled: int = 0


class Settled(list[str]):
    """The status each outcome of a turn set (delivered, pending for a retry, dead, cancelled:
    failed, and no longer due), in the order given; `next_retry`: the earliest next attempt one
    of its retries was given, None when none was retried (the worker claims again then: README
    "Slow or dead endpoints")."""

    next_retry: datetime | None = None


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: an HTTP status (None when no answer came) and an error (None on 2xx)."""

    delivery_id: int
    attempts: int  # attempts made before this one, as claimed
    status_code: int | None
    error: str | None
    webhook_id: int | None = None  # for its webhook's health (app.automations.health)
    sent: bool = True  # False: never POSTed, called off while it waited (given back: `called_off`)
    message: bool = False  # its event is a message's trigger (automations.MESSAGES): delivered, it is `fired`


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 15.0
    max_seconds: float = MAX_WEBHOOK_BACKOFF_SECONDS
    max_attempts: int = 14  # 15 s doubling, capped at 6 h: about a day in all
    disable_after_seconds: float = 3 * 86400.0  # a webhook failing this long is disabled

    def delay(self, attempts: int) -> timedelta:
        """The wait before the attempt after `attempts` failed ones: `base_seconds` doubling
        each attempt, within ±20% (so that deliveries failed together do not come back
        together), never past `max_seconds`: a wait that would pass it is 80% to 100% of it (the
        jitter applied after the cap, a capped wait reached 7.2 h where 6 h are promised; the cap
        after the jitter, every capped wait was 6 h to the second)."""
        seconds = self.base_seconds * 2 ** (attempts - 1) * random.uniform(0.8, 1.2)
        if seconds > self.max_seconds:
            seconds = self.max_seconds * random.uniform(0.8, 1.0)
        return timedelta(seconds=seconds)

    @classmethod
    def from_settings(cls, settings: Settings) -> Backoff:
        return cls(
            base_seconds=settings.webhook_backoff_seconds,
            max_attempts=settings.webhook_max_attempts,
            disable_after_seconds=settings.webhook_disable_after_seconds,
        )


def claim(
    conn: Connection,
    now: datetime,
    limit: int,
    quotas: Mapping[int, int] | None = None,
    default_quota: int | None = None,
    lease: timedelta = LEASE,
    takeover: bool = True,
) -> Claims:
    """Lease (for `lease`) up to `limit` due deliveries, in id order, at most `quotas[webhook_id]`
    (else `default_quota`) of each webhook; a webhook whose quota is 0 is skipped in SQL. Rows
    looked at beyond a quota are only row-locked until this transaction ends, never leased: no
    more are looked at than the quotas can take (`_looked_at`). `takeover` False: none whose
    lease lapsed (held by a worker that may be back from the same outage, about to renew it)."""
    quotas = quotas or {}
    if limit <= 0:
        return Claims()
    looked_at = _looked_at(limit, quotas, default_quota)
    blocked = exists().where(
        _earlier.c.ordering_key == deliveries.c.ordering_key,
        _earlier.c.status == DeliveryStatus.PENDING,
        _earlier.c.id < deliveries.c.id,
    )
    query = (
        select(deliveries.c.id, deliveries.c.webhook_id)
        .where(
            deliveries.c.status == DeliveryStatus.PENDING,
            deliveries.c.next_attempt_at <= now,
            or_(deliveries.c.locked_until.is_(None), deliveries.c.locked_until < now)
            if takeover
            else deliveries.c.locked_until.is_(None),
            ~blocked,
        )
        .order_by(deliveries.c.id)
        .limit(looked_at)
        .with_for_update(skip_locked=True, of=deliveries)
    )
    # A disabled webhook's deliveries wait for it to be enabled again; a removed one's are
    # claimed to be cancelled (`_no_longer_due`), disabled or not: they stayed pending for good.
    query = query.where(
        ~exists().where(
            webhooks.c.id == deliveries.c.webhook_id,
            webhooks.c.disabled_at.is_not(None),
            webhooks.c.removed_at.is_(None),
        )
    )
    full = [webhook_id for webhook_id, quota in quotas.items() if quota <= 0]
    if full:
        query = query.where(deliveries.c.webhook_id.not_in(full))
    left = dict(quotas)
    due = []
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        # Read pending deliveries in id order from the index and stop at the limit, whatever the
        # statistics say: stale after a burst of events, they make the planner sort every
        # pending delivery (and test each for an earlier one) to return the first few; and the
        # generic plan of the prepared statement does the same. For the rest of this
        # transaction only (the claim is the last work of the worker's turn).
        conn.execute(_SCAN_IN_ORDER)
    found = conn.execute(query).all()
    claimed = Claims()
    claimed.exhausted = len(found) < looked_at and not full
    for delivery_id, webhook_id in found:
        quota = left.get(webhook_id, default_quota)
        if quota is None or quota > 0:
            due.append(delivery_id)
            if quota is not None:
                left[webhook_id] = quota - 1
    if not due:
        return claimed
    rows = _delivery_rows(conn, due)
    rows = sorted(rows, key=lambda row: row.id)
    cancelled = _no_longer_going_out(conn, rows)
    bodies: dict[int, bytes] = {}  # one body per event, whichever webhooks it goes to
    for row in rows:
        if row.id in cancelled:
            continue
        body = bodies.get(row.event_row)
        if body is None:
            body = bodies[row.event_row] = _body(row)
        claimed.append(Claimed(row.id, row.webhook_id, row.url, row.event_id, row.type, row.attempts, body, row.secret))
    if cancelled:
        conn.execute(update(deliveries).where(deliveries.c.id.in_(cancelled)).values(status=DeliveryStatus.CANCELLED))
        claimed.cancelled = len(cancelled)
    if claimed:
        ids = [item.delivery_id for item in claimed]
        conn.execute(update(deliveries).where(deliveries.c.id.in_(ids)).values(locked_until=now + lease))
    return claimed


def _looked_at(limit: int, quotas: Mapping[int, int], default_quota: int | None) -> int:
    """How many due deliveries a claim reads: what the quotas can take (the webhooks held, and
    one webhook more at `default_quota`), at most `limit`. A row read past its webhook's quota
    is locked until the claim's transaction ends (FOR UPDATE, each lock a write on PostgreSQL)
    and not leased: reading `limit` rows to lease a returned quota of 30 of one webhook locked
    a thousand, and was most of the database's CPU per delivery."""
    if default_quota is None:
        return limit
    return min(limit, sum(quota for quota in quotas.values() if quota > 0) + default_quota)


def release(conn: Connection, delivery_ids: Sequence[int]) -> None:
    """Give claimed deliveries back (a stopping worker's, not attempted): claimable again now
    instead of when their lease lapses."""
    if delivery_ids:
        conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_(delivery_ids), deliveries.c.status == DeliveryStatus.PENDING)
            .values(locked_until=None)
        )


def renew(conn: Connection, delivery_ids: Sequence[int], now: datetime, lease: timedelta) -> None:
    """The deliveries a worker still holds (`delivery_ids`) are leased again, until `now` +
    `lease`, as long as they are pending: another worker may not take over a delivery held
    longer than its first lease (waiting behind a slow endpoint), nor one whose lease ran out
    while the database was away. A claim in the same transaction then sees them leased, so
    the worker holding them never claims them a second time either."""
    if delivery_ids:
        conn.execute(
            update(deliveries)
            .where(deliveries.c.id.in_(delivery_ids), deliveries.c.status == DeliveryStatus.PENDING)
            .values(locked_until=now + lease)
        )


def _delivery_rows(conn: Connection, delivery_ids: Sequence[int], with_body: bool = True) -> Sequence[Any]:
    """The deliveries `delivery_ids` with what deciding whether each may go out reads (its
    webhook, its event, the event's contact and store consent policy) and, `with_body`, what
    sending it does (the URL, the secret, the event's stored JSON text). A deleted one is absent."""
    sending: tuple[Any, ...] = (
        (webhooks.c.url, webhooks.c.secret, cast(events.c.data, Text).label("data")) if with_body else ()
    )  # the stored JSON text, sent as it is
    return conn.execute(
        select(
            deliveries.c.id,
            deliveries.c.webhook_id,
            deliveries.c.attempts,
            deliveries.c.status,
            webhooks.c.removed_at,
            webhooks.c.disabled_at,
            events.c.id.label("event_row"),
            events.c.event_id,
            events.c.type,
            events.c.store_id,
            events.c.subject_id,
            events.c.created_at,
            *sending,
            contacts.c.erased_at,
            *(contacts.c[column] for column in CONSENT_COLUMNS),
            *(stores.c[column] for column in COLUMN.values()),
        )
        .join(events, events.c.id == deliveries.c.event_id)
        .join(stores, stores.c.id == events.c.store_id)
        .join(webhooks, webhooks.c.id == deliveries.c.webhook_id)
        .outerjoin(contacts, contacts.c.id == events.c.contact_id)
        .where(deliveries.c.id.in_(delivery_ids))
    ).all()


def _no_longer_due(row: Any, reason: Reason | None, settled_carts: Mapping[int, Reason]) -> bool:
    """Whether a delivery is cancelled rather than sent: its webhook removed, its message no
    longer allowed (`reason`, `_suppressed_now`: its contact erased, its consent withdrawn), or
    its cart recovery's cart settled (`settled_carts`). Another event of an erased contact goes
    out, its stored data scrubbed of the contact's (SPEC §4.3, §6: `customer.erased` included)."""
    return (
        row.removed_at is not None
        or reason is not None
        or (row.type == EventType.CART_RECOVERY_DUE and row.subject_id in settled_carts)
    )


def _no_longer_going_out(conn: Connection, rows: Sequence[Any]) -> set[int]:
    """The ids of those of `rows` (`_delivery_rows`) to be cancelled rather than sent
    (`_no_longer_due`); the events of their messages take why (`_logged_as_suppressed`, and
    their cart recoveries' abandonments: `abandonments.decided`). The caller cancels them."""
    settled_carts = _settled_carts(conn, rows)
    cancelled = set()
    no_longer: dict[int, Reason] = {}  # event row: why its message may no longer go out (logged)
    for row in rows:
        reason = _suppressed_now(row)
        why = _settled_reason(row, settled_carts) or reason
        if why is not None:
            no_longer[row.event_row] = why
        if _no_longer_due(row, reason, settled_carts):
            cancelled.add(row.id)
    if no_longer:
        abandonments.decided(conn, conn.execute(_logged_as_suppressed(no_longer)))
    return cancelled


def called_off(conn: Connection, held: Mapping[int, bytes]) -> set[int]:
    """Those of the deliveries `held` (id → the body claimed; claimed by a worker, not sent
    yet) that may no longer go out as they were claimed: no longer pending (a test space reset
    deleted it), their webhook removed or disabled, what a claim cancels (`_no_longer_due`), or,
    their contact erased since, a body that still carries its data (a claim now renders it
    without). The worker gives them back instead of sending them, and the next claim settles
    them (README "Webhooks", "Called off")."""
    rows = _delivery_rows(conn, list(held), with_body=True)
    settled_carts = _settled_carts(conn, rows)
    may_go = {
        row.id
        for row in rows
        if row.status == DeliveryStatus.PENDING
        and row.disabled_at is None
        and not _no_longer_due(row, _suppressed_now(row), settled_carts)
        and (row.erased_at is None or _body(row) == held[row.id])
    }
    return set(held) - may_go


def not_going_out(conn: Connection, delivery_ids: Sequence[int]) -> dict[int, str]:
    """Of the delivered or dead deliveries `delivery_ids`, those a redelivery leaves as they are
    (`redelivery.redeliver_event`), each with why in words for the operator: a removed webhook's
    (its claim would cancel it), and one that went out (`delivered`) whose message may no longer
    go out (`_suppressed_now`, its cart recovery's cart settled), which keeps its history. A dead
    letter of such a message is re-driven all the same: its claim cancels it and gives its
    event the stop's reason, as `--dead-since` does."""
    rows = _delivery_rows(conn, delivery_ids, with_body=False)
    settled_carts = _settled_carts(conn, rows)
    why: dict[int, str] = {}
    for row in rows:
        reason = _suppressed_now(row) or _settled_reason(row, settled_carts)
        if row.removed_at is not None:
            why[row.id] = f"webhook {row.webhook_id} was removed"
        elif reason is not None and row.status == DeliveryStatus.DELIVERED:
            why[row.id] = STOPPED_BECAUSE.get(reason, reason.value)
    return why


# why a message may no longer go out, in words (`not_going_out`)
STOPPED_BECAUSE = {
    Reason.NO_CONSENT: "the contact's consent no longer allows the message (no_consent)",
    Reason.ERASED: "the contact was erased (erased)",
    Reason.RECOVERED_BY_ORDER: "the cart was recovered by an order since (recovered_by_order)",
    Reason.COMPLETED: "the checkout was bought since (completed)",
    Reason.MARKED_BY_SHOP: "the shop marked the cart since (marked_by_shop)",
}


def _suppressed_now(row: Any) -> Reason | None:
    """A message's consent, checked again at delivery time (issue 15): `no_consent` when the
    contact's consent no longer meets the store's policy (an opt-out after the trigger was
    recorded), `erased` once erased; None when it may go out (or the event is no message)."""
    automation = MESSAGES.get(row.type)
    if automation is None:
        return None
    reason = decide(automation, row._mapping, row._mapping)
    return None if reason == Reason.FIRED else reason


def _settled_reason(row: Any, settled_carts: Mapping[int, Reason]) -> Reason | None:
    """Why the cart recovery `row` may no longer go out, its cart no longer abandoned
    (`_settled_carts`); None for another message, or a cart still abandoned."""
    return settled_carts.get(row.subject_id) if row.type == EventType.CART_RECOVERY_DUE else None


def _logged_as_suppressed(no_longer: Mapping[int, Reason]) -> Any:
    """One statement for the events `no_longer` (event row → why its message may no longer go
    out): each takes that reason, the log's last word, unless a delivery of it was delivered
    (`delivered_at` set, which a redelivery keeps: `redelivery`): a message was sent, and it
    stays `fired`; or unless its fan-out gave it none (no subscription took it): nothing waited
    to be sent, it went out as it fell due, and a copy replayed to a subscription added since
    (`replay`) is cancelled without changing that. A delivery of it still in flight that goes
    through makes it `fired` again (`record_outcomes`). README "WhatsApp consent, and why an
    automation fired or not". Returns the events it changed, for their cart recoveries'
    abandonments (`abandonments.decided`)."""
    delivered = exists().where(deliveries.c.event_id == events.c.id, deliveries.c.delivered_at.is_not(None))
    # The fan-out writes its deliveries and the event's dispatched_at with one `now`; a replay's
    # are made by a later transaction, at its own time.
    fanned_out = exists().where(deliveries.c.event_id == events.c.id, deliveries.c.created_at == events.c.dispatched_at)
    return (
        update(events)
        .where(events.c.id.in_(list(no_longer)), ~delivered, fanned_out)
        .values(reason=case(dict(no_longer), value=events.c.id))
        .returning(*abandonments.DECIDING)
    )


def _went_out(delivery_ids: Sequence[int]) -> Any:
    """One statement: the messages of the deliveries `delivery_ids`, just delivered, are logged
    `fired` where a claim had logged them suppressed while one of them was in flight (or
    before consent was given again): a message went out. Returns the events it changed."""
    delivered = select(deliveries.c.event_id).where(deliveries.c.id.in_(delivery_ids))
    return (
        update(events)
        .where(events.c.id.in_(delivered), events.c.type.in_(list(MESSAGES)), events.c.reason != Reason.FIRED)
        .values(reason=Reason.FIRED)
        .returning(*abandonments.DECIDING)
    )


def _settled_carts(conn: Connection, rows: Sequence[Any]) -> dict[int, Reason]:
    """The carts of the recovery messages among `rows` that are no longer abandoned (checked
    again now, one statement for them all): their messages do not go out. Each with why, the
    recovery's reason: its purchase's (`completed`, `recovered_by_order`:
    `services.carts.purchase_of`), else `marked_by_shop` (SPEC §6: a cart marked `recovered`,
    `completed` or `expired` cancels its recovery; `active` too: taken up again). The shop's
    mark is its status as live writes left it (`live_status`, `services.carts.live_status`):
    a status a backfill PATCH stored once nothing of the recovery was pending (a dead letter
    re-driven since) is history (README "Backfill"), and neither calls the recovery off nor
    lifts the shop's mark. A cart is deleted only with its events (a test space reset): none is
    missing here."""
    cart_ids = {row.subject_id for row in rows if row.type == EventType.CART_RECOVERY_DUE}
    if not cart_ids:
        return {}
    ordered = ordered_after(carts.c.contact_id, carts.c.abandoned_at).label("ordered")
    columns = (carts.c.id, carts.c.status, carts.c.live_status, carts.c.completed_at, carts.c.abandoned_at, ordered)
    found = select(*columns).where(
        carts.c.id.in_(cart_ids), or_(carts.c.status != CartStatus.ABANDONED, carts.c.live_status.is_not(None))
    )
    settled = {}
    for cart in conn.execute(found):
        purchase = purchase_of(cart.completed_at, cart.abandoned_at, bool(cart.ordered))
        if purchase is not None:
            settled[cart.id] = purchase[1]
        elif live_status(cart._mapping) != CartStatus.ABANDONED:
            settled[cart.id] = Reason.MARKED_BY_SHOP
    return settled


def _body(row: Any) -> bytes:
    """SPEC §6: `{"id", "type", "store_id", "created_at", "data"}`, plus `livemode` (false
    for an event of the store's test space, as Stripe marks one); `data` is the stored JSON."""
    head = orjson.dumps(
        {
            "id": row.event_id,
            "type": row.type,
            "store_id": public_store_id(row.store_id),
            "livemode": is_live(row.store_id),
            "created_at": row.created_at.isoformat(),
        }
    )
    return head[:-1] + b',"data":' + row.data.encode() + b"}"


def _settling(**values: Any) -> Any:
    """An attempt's outcome on a delivery still pending (else left as it is): one attempt more,
    its status, no lease, and `values`."""
    return (
        update(deliveries)
        .where(deliveries.c.id == bindparam("b_id"), deliveries.c.status == DeliveryStatus.PENDING)
        .values(attempts=deliveries.c.attempts + 1, last_status=bindparam("b_status"), locked_until=None, **values)
    )


_DELIVERED = _settling(status=DeliveryStatus.DELIVERED, delivered_at=bindparam("b_now"), last_error=None)
_RETRY = _settling(last_error=bindparam("b_error"), next_attempt_at=bindparam("b_next"))
_DEAD = _settling(status=DeliveryStatus.DEAD, last_error=bindparam("b_error"))
_CANCELLED = _settling(status=DeliveryStatus.CANCELLED, last_error=bindparam("b_error"))


def record_outcomes(conn: Connection, outcomes: Sequence[Outcome], now: datetime, backoff: Backoff) -> Settled:
    """Write a batch of outcomes, one statement per kind (delivered, retry, dead, cancelled); a
    delivery no longer pending (settled by a worker whose lease outlived ours) is left as it
    is. A failed attempt of a delivery that may no longer go out (`_no_longer_due`: its webhook
    removed, its message's consent withdrawn, … while its POST was out) is cancelled, as its
    next claim would have cancelled it: neither retried nor dead-lettered. A message that went
    out is logged `fired`, one statement more for those (`_went_out`). Returns the status each
    outcome sets (delivered, pending for a retry, dead, cancelled), in the order given, and the
    earliest retry's next attempt (`Settled`)."""
    statuses = Settled()
    if not outcomes:
        return statuses
    failed = [outcome.delivery_id for outcome in outcomes if outcome.error is not None]
    # read only when an attempt failed: a turn of deliveries that went through costs nothing more
    rows = _delivery_rows(conn, failed, with_body=False) if failed else ()
    off = _no_longer_going_out(conn, [row for row in rows if row.status == DeliveryStatus.PENDING])
    batches: dict[str, list[dict[str, object]]] = {"delivered": [], "retry": [], "dead": [], "cancelled": []}
    for outcome in outcomes:
        attempts = outcome.attempts + 1
        row: dict[str, object] = {"b_id": outcome.delivery_id, "b_status": outcome.status_code}
        if outcome.error is None:
            batches["delivered"].append({**row, "b_now": now})
            statuses.append(DeliveryStatus.DELIVERED)
        elif outcome.delivery_id in off:
            batches["cancelled"].append({**row, "b_error": outcome.error[:1024]})
            statuses.append(DeliveryStatus.CANCELLED)
        elif attempts >= backoff.max_attempts:
            batches["dead"].append({**row, "b_error": outcome.error[:1024]})
            statuses.append(DeliveryStatus.DEAD)
        else:
            next_attempt = now + backoff.delay(attempts)
            batches["retry"].append({**row, "b_error": outcome.error[:1024], "b_next": next_attempt})
            statuses.append(DeliveryStatus.PENDING)
            if statuses.next_retry is None or next_attempt < statuses.next_retry:
                statuses.next_retry = next_attempt
    for kind, statement in (("delivered", _DELIVERED), ("retry", _RETRY), ("dead", _DEAD), ("cancelled", _CANCELLED)):
        if batches[kind]:
            conn.execute(statement, batches[kind])
    messages = [outcome.delivery_id for outcome in outcomes if outcome.message and outcome.error is None]
    if messages:
        abandonments.decided(conn, conn.execute(_went_out(messages)))
    record_health(conn, outcomes, now, timedelta(seconds=backoff.disable_after_seconds))
    return statuses


def settle_and_claim(
    conn: Connection,
    outcomes: Sequence[Outcome],
    now: datetime,
    backoff: Backoff,
    limit: int,
    quotas: Mapping[int, int],
    default_quota: int,
    dispatch: bool,
    lease: timedelta = LEASE,
    held: Sequence[int] = (),
    takeover: bool = True,
) -> tuple[Settled, int, Claims]:
    """One transaction per turn of the worker: the outcomes of the deliveries that came back
    (those not sent are given back: `release`), the deliveries still `held` leased again
    (`renew`; empty when their leases have long to run), new events fanned out (when
    `dispatch`: the last claim found nothing more), then new claims (a subject's next event is
    claimable as soon as its previous one is settled; with `takeover` False, none whose lease
    lapsed: `claim`). Returns the statuses set, in the order
    of the outcomes sent (with the earliest retry's next attempt: `Settled`), the deliveries
    dispatched, the deliveries claimed."""
    release(conn, [outcome.delivery_id for outcome in outcomes if not outcome.sent])
    statuses = record_outcomes(conn, [outcome for outcome in outcomes if outcome.sent], now, backoff)
    renew(conn, held, now, lease)
    dispatched = dispatch_events(conn, now, wait=False) if dispatch else 0
    return statuses, dispatched, claim(conn, now, limit, quotas, default_quota, lease, takeover)
