"""Abandoned carts (also served as checkouts): upsert, PATCH, read, and recovery by a purchase."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache, partial
from typing import Any

from sqlalchemy import Connection, Exists, RowMapping, and_, bindparam, exists, literal_column, or_, select, update

from app.db import key_locks, statistics
from app.db.compiled import PrecompiledStatement, Row
from app.db.database import Database
from app.db.in_lists import in_list, list_params, width
from app.db.postgres import RunAgain
from app.db.tables import cart_abandonments, carts, contacts, deliveries, orders
from app.db.tables import events as outbox_events
from app.domain import records
from app.domain.automations import Automation, Decision, Reason
from app.domain.commands import CartInput, CartUpdate
from app.domain.errors import DomainError, NotFound, ValidationFailed
from app.domain.event_types import EventType, SubjectType
from app.domain.money import money_text
from app.domain.rules.completed_checkout_is_a_purchase import bought
from app.domain.rules.erased_records_stay_detached import detached, erased_meanwhile
from app.domain.rules.purchase_recovers_cart import status_on_arrival
from app.domain.rules.stale_writes import Arrival
from app.domain.statuses import CartStatus, DeliveryStatus

from . import abandonments, batches, events, record_keys
from .chunk_locks import contacts_then
from .contacts import apply_consent, consent_state_changed, contact_by_id, contact_of_the_write
from .customer_notes import given_under, note_links_dropped
from .patching import patch_row
from .results import Written, known_id, settled, utcnow
from .stores import Store
from .tracking import Change, stale_row, write_tracked

PATCHABLE = ("recovery_url", "tags", "metadata")


async def upsert_cart(db: Database, store: Store, command: CartInput, backfill: bool = False) -> Written[records.Cart]:
    """Create or replace a cart (SPEC §3.3). A new cart is `abandoned` (or at once `recovered`
    when its contact already ordered after abandoned_at); a replayed or updated one keeps the
    status it has, but for a purchase's: an abandoned one an order now follows is `recovered`,
    and one an order recovered, sent with an `abandoned_at` no order follows (a new
    abandonment), `abandoned` again. A `completed_at` is a purchase of the cart itself
    (rules/completed_checkout_is_a_purchase): the cart is `recovered` or `completed` by it,
    never `abandoned` again on an `abandoned_at` at or before it."""
    written = await db.write(_store_cart, store.id, command, utcnow(), backfill)
    statistics.noted(db, carts.name, written.created)
    return written


def _store_cart(
    conn: Connection, store_id: int, command: CartInput, now: datetime, backfill: bool
) -> Written[records.Cart]:
    if (stored := stale_row(conn, carts, store_id, command.external_id, command.updated_at)) is not None:
        return _stale(stored, contact_by_id(conn, stored["contact_id"]))
    outbox = events.Outbox(conn, store_id, now, backfill)
    contact, detached_from = contact_of_the_write(
        conn,
        carts,
        store_id,
        command.external_id,
        command.customer,
        now,
        phone=command.phone,
        phone_source=command.phone_source,
    )
    found = contact
    if detached_from is None:  # a detached cart merges into no contact, records no consent
        contact = apply_consent(outbox, contact, command.customer, "cart", command.external_id, command.abandoned_at)
    ordered_since = _ordered_since(conn, contact["id"], command.abandoned_at)
    values = command.model_dump(exclude={"customer", "line_items", "updated_at"})
    values.update(
        store_id=store_id,
        contact_id=contact["id"],
        customer_external_id=command.customer.external_id if command.customer else None,
        phone_source=command.phone_source,
        status=status_on_arrival(ordered_since, bought(command.completed_at, command.abandoned_at, sent=True)),
        status_marked=False,
        backfill=backfill,
        line_items=[item.as_json() for item in command.line_items],
        source_updated_at=command.updated_at,
        created_at=now,
        updated_at=now,
    )
    if detached_from is not None:
        values = detached(values, detached_from)
    change = write_tracked(
        conn,
        carts,
        ("store_id", "external_id"),
        values,
        insert_only=("status", "status_marked", "backfill"),
        patchable=PATCHABLE,
        keep=_live_time_kept if backfill else _purchase_kept,
    )
    if erased_meanwhile(change.before, detached_from):  # before any answer: its contact is written
        raise RunAgain(f"an erasure detached cart {command.external_id!r} after this write looked")
    note_links_dropped(conn, store_id, change, given_under(command.customer, detached_from), contact["id"])
    cart = change.after
    if change.stale:  # a newer write came in between the look and the lock
        return _stale(cart, contact_by_id(conn, cart["contact_id"]))
    if backfill and cart["abandoned_at"] != command.abandoned_at:  # a live time kept: does an order follow it?
        ordered_since = _ordered_since(conn, contact["id"], cart["abandoned_at"])
    before = change.before["abandoned_at"] if change.before is not None else None
    sent = command.completed_at is not None
    if sent and before is not None and cart["completed_at"] <= before:
        # abandoned again since: the purchase recovered the cart's first abandonment, if before it
        before = min(before, abandonments.earliest(outbox.conn, cart) or before)
    purchase = bought(cart["completed_at"], cart["abandoned_at"], sent, before)
    moved = change.changed("abandoned_at")
    if moved and not sent and (kept := _new_abandonment_kept(outbox, cart, change)) is not None:
        # An older time relayed late, no purchase of its own: the new abandonment keeps its time,
        # the purchase tests read at it.
        cart, moved = kept, False
        ordered_since = _ordered_since(conn, contact["id"], cart["abandoned_at"])
        purchase = bought(cart["completed_at"], cart["abandoned_at"], sent, before)
    if not change.created and not change.unchanged:
        if cart["status"] == CartStatus.ABANDONED and purchase is not None:
            # Bought (completed_at), whether or not an order of its contact ever says so.
            cart = _bought(outbox, cart, contact, purchase, Reason.COMPLETED)
        elif cart["status"] == CartStatus.ABANDONED and ordered_since:
            # The update gave the cart a contact, or an abandoned_at, that an order already
            # follows: recovered now, as a new cart would be, not only once its recovery falls due.
            cart = _bought(outbox, cart, contact, CartStatus.RECOVERED, Reason.RECOVERED_BY_ORDER)
        elif cart["status"] == CartStatus.RECOVERED and not ordered_since and (moved or change.changed("contact_id")):
            # Recovered by a purchase, now abandoned after it, or now the cart of a contact no
            # order of which follows it: read as the cart arriving now would be (`abandoned`,
            # whichever came first), its recovery to come; unless the checkout itself was bought
            # at or after that abandoned_at: it stays `recovered`, the recovery it had
            # (rules/completed_checkout_is_a_purchase).
            had = change.before or cart
            # the shop's `recovered` (a live PATCH) is its word for this abandonment, whichever
            # contact the cart is sent with; a later abandoned_at is another abandonment
            shops_word = not moved and had["status_marked"] is True
            if purchase is None and not shops_word and _recovered_by_a_purchase(conn, had["contact_id"], had):
                cart = _abandoned_again(outbox, cart, contact)
        elif cart["status"] == CartStatus.ABANDONED and moved and change.before:
            # Still abandoned, at another abandoned_at: its recovery goes out once for each.
            cart = _abandonment_moved(outbox, cart, contact, change.before["abandoned_at"])
    if change.created:
        if cart["status"] == CartStatus.RECOVERED:
            reason = Reason.COMPLETED if purchase else Reason.RECOVERED_BY_ORDER
            outbox.emit(EventType.CART_RECOVERED, _subject(cart), contact, after=cart_view(cart), reason=reason)
        elif cart["status"] == CartStatus.COMPLETED:
            reason = Reason.COMPLETED
            outbox.emit(EventType.CART_STATUS_CHANGED, _subject(cart), contact, after=cart_view(cart), reason=reason)
        else:
            reason = _scheduled(outbox.decide(EventType.CART_ABANDONED, contact))
            outbox.emit(EventType.CART_ABANDONED, _subject(cart), contact, after=cart_view(cart), reason=reason)
    # A backfill write's time the live cart kept its own for (_live_time_kept) is no replay, nor
    # is a write that changed its contact's consent (the recovery's standing may be another).
    declined = cart["abandoned_at"] != command.abandoned_at or consent_state_changed(found, contact)
    return _written(outbox, cart, contact, change, declined=declined)


def _purchase_kept(stored: Row, values: Mapping[str, Any], came: Arrival) -> dict[str, Any]:
    """`write_tracked`'s `keep`: a write without `completed_at` keeps the stored one. A purchase
    is a fact an update that does not carry it (an older one, arriving late) does not undo
    (rules/completed_checkout_is_a_purchase)."""
    return {} if values["completed_at"] is not None else {"completed_at": stored["completed_at"]}


# The shop's marks a PATCH `abandoned` takes a cart out of, its recovery to come at the time it has.
_MARKED_TO_RESUME = frozenset({CartStatus.ACTIVE, CartStatus.EXPIRED})


def _live_time_kept(stored: Row, values: Mapping[str, Any], came: Arrival) -> dict[str, Any]:
    """`write_tracked`'s `keep` for a backfill write (README "Backfill": history, nothing it
    carries fires an automation): as `_purchase_kept`, and a live cart (not imported) whose
    recovery is still to come keeps its `abandoned_at`: `abandoned` with its recovery unrecorded,
    or marked `active` or `expired` by the shop (a PATCH `abandoned` resumes it at the time it has).
    The imported time would re-date that recovery (later: put off; earlier: due at once), cancel
    it (an order placed after it; the time of an abandonment whose recovery went out) or, read
    by the PATCH, start a live one. A purchase it carries (`completed_at`) is a fact all the
    same."""
    kept = _purchase_kept(stored, values, came)
    if _live_recovery_to_come(stored):
        kept["abandoned_at"] = stored["abandoned_at"]
    return kept


def _live_recovery_to_come(stored: Mapping[str, Any]) -> bool:
    """Whether the cart `stored` (its row) is a live one (not imported) whose recovery is still
    to come: unrecorded (no `recovery_due_at`), and `abandoned`, or marked `active` or `expired`
    by the shop (a PATCH `abandoned` resumes it). Once recorded, the time it settled stays
    settled (README "Cart recovery"): nothing is left to come, whatever the shop marked since. A
    backfill write changes neither its time nor its status (README "Backfill"). Its status as
    live writes left it (`live_status`): one a backfill PATCH stored is no mark of the shop's."""
    status = live_status(stored)
    unrecorded = stored["recovery_due_at"] is None
    to_come = status == CartStatus.ABANDONED or status in _MARKED_TO_RESUME
    return not stored["backfill"] and unrecorded and to_come


def live_status(cart: Mapping[Any, Any]) -> str:
    """The status of `cart` (a carts row) as live writes left it: its `live_status` when a
    backfill PATCH stored another status over it since, else its `status` (README "Backfill":
    an imported status is history, only a live `PATCH` is the shop's mark)."""
    return str(cart["live_status"] or cart["status"])


def _bought(
    outbox: events.Outbox, cart: Mapping[str, Any], contact: Any, status: CartStatus, reason: Reason
) -> RowMapping:
    """The `cart`, just updated, settled by a purchase (SPEC §6; README "Carts and purchases":
    whichever arrives first): `recovered` (an order of its contact placed after its
    `abandoned_at`, reason `recovered_by_order`, or its own `completed_at` after it, reason
    `completed`) with its `cart.recovered`, or `completed` (its `completed_at` at or before its
    `abandoned_at`) with a `cart.status_changed` carrying `reason`. The `cart.recovered` is
    recorded once per `abandoned_at`: when this one already recorded it (a cart abandoned again
    later, then sent back with the abandoned_at that purchase recovered), `cart.status_changed`
    alone. Returns the cart's row as stored now."""
    settled = (
        outbox.conn.execute(
            update(carts)
            .where(carts.c.id == cart["id"])
            .values(
                status=status,
                live_status=None,
                status_marked=False,
                updated_at=outbox.now,
                revision=carts.c.revision + 1,
            )
            .returning(*carts.c)
        )
        .mappings()
        .one()
    )
    before, after = {"status": cart["status"]}, {"status": status}
    if status == CartStatus.COMPLETED:
        outbox.emit(EventType.CART_STATUS_CHANGED, _subject(settled), contact, before, after, reason=reason)
    else:
        recovered_once(outbox, settled, contact, before, reason)
    return settled


def _recovered_by_a_purchase(conn: Connection, contact_id: int, before: Mapping[str, Any]) -> bool:
    """Whether a purchase recovered the `recovered` cart as it was `before` this write: its own
    `completed_at`, whenever it was (the update of a bought checkout may date its
    `abandoned_at` after the purchase, the cart recovered all the same:
    rules/completed_checkout_is_a_purchase), or an order of its contact placed after its
    `abandoned_at`. A cart the shop marked `recovered` (PATCH) that no purchase followed keeps
    the shop's word."""
    if before["completed_at"] is not None:
        return True
    return _ordered_since(conn, contact_id, before["abandoned_at"])


def _abandoned_again(outbox: events.Outbox, cart: Mapping[str, Any], contact: Any) -> RowMapping:
    """The recovered `cart`, just updated with an `abandoned_at` no order of its contact follows,
    where one followed the abandoned_at it had (`_recovered_by_a_purchase`): the customer left
    a cart again after buying, `abandoned` again as a new cart with that time would be: its
    recovery to come (`recovery_due_at` cleared, so the worker fires it once more, and the
    write's backfill flag taken, as a new cart's), with a `cart.abandoned` (before
    `{"status": "recovered"}`) carrying the recovery's standing. An abandonment is one: sent back
    to an abandoned_at that already recorded its `cart.abandoned` (an older checkout update
    arriving between two copies of a newer one), the cart is `abandoned` again with a
    `cart.status_changed` alone, and when that abandonment's `cart.recovery_due` was recorded,
    its recovery stays settled (`recovery_due_at` its time, `unchanged` in the answer): it never
    fires twice. Returns the row as stored now."""
    noted = abandonments.recorded(outbox.conn, cart)  # kept whether or not the outbox was pruned
    due_at = noted["recovery_due_at"] if noted is not None else None
    abandoned = (
        outbox.conn.execute(
            update(carts)
            .where(carts.c.id == cart["id"])
            .values(
                status=CartStatus.ABANDONED,
                live_status=None,
                status_marked=False,
                recovery_due_at=due_at,
                backfill=outbox.backfill,
                updated_at=outbox.now,
                revision=carts.c.revision + 1,
            )
            .returning(*carts.c)
        )
        .mappings()
        .one()
    )
    before = {"status": CartStatus.RECOVERED}
    if noted is not None and (due_at is not None or noted["abandoned_recorded_at"] is not None):
        after = {"status": CartStatus.ABANDONED}
        outbox.emit(EventType.CART_STATUS_CHANGED, _subject(abandoned), contact, before, after)
        if due_at is not None:
            outbox.decisions.append(_decision(Reason.UNCHANGED, cart))
        return abandoned
    reason = _scheduled(outbox.decide(EventType.CART_ABANDONED, contact))
    outbox.emit(EventType.CART_ABANDONED, _subject(abandoned), contact, before, cart_view(abandoned), reason=reason)
    return abandoned


def _abandonment_moved(
    outbox: events.Outbox, cart: Mapping[str, Any], contact: Any, had: datetime | None
) -> Mapping[Any, Any]:
    """The abandoned `cart`, just written with another `abandoned_at` than the one it `had`, or
    just marked `abandoned` by the shop (`had` None: its abandoned_at may have moved while it was
    marked otherwise, which nothing read) (README "Cart recovery": an abandonment's recovery
    goes out once):

    - one earlier than the time of a new abandonment whose recovery waits (`_new_abandonment_waiting`:
      the customer left the cart again after a recovery of it was recorded), whether sent with
      it (an update arriving late or out of order, however it is dated) or while the shop had
      the cart marked otherwise: the cart keeps that abandonment's time, its recovery due when
      it was, neither at once (a second message just after the first) nor never (settled by an
      older abandonment's): answer its standing (`not_due_yet`);
    - one whose `cart.recovery_due` an earlier write recorded (`abandonments.recorded`; an older
      checkout update arriving after a newer one): its recovery settled at that time, answer
      `unchanged`, as `_abandoned_again` keeps it for a recovered cart;
    - any, while its recovery is still to come: `cart` as it is, the recovery re-dated; but for
      an imported cart (backfill, whose recovery never fires) sent live with a time later than
      every one it had: the customer left it again since the import, a new abandonment (below);
    - one later than every `abandoned_at` the cart had (`abandonments.latest`), where the
      recovery of the one it had was recorded (fired, or suppressed for consent): the customer
      left the checkout again, a new abandonment, read as `_abandoned_again` reads one after a
      purchase: its recovery to come, and a `cart.abandoned` (before `{"abandoned_at": …}`)
      with its standing;
    - the latest again, whose `cart.abandoned` was recorded and no recovery since (an older
      update settled it meanwhile): its recovery to come again, no second `cart.abandoned`;
    - any other, where it was recorded (an older update arriving late, however many, or one
      that made a recovery due meanwhile): kept settled, answer `unchanged`: no second message.

    Returns the cart's row as stored now."""
    recorded_latest = abandonments.latest(outbox.conn, cart)
    if (waiting := _new_abandonment_waiting(outbox.conn, cart, had, recorded_latest)) is not None:
        return _abandoned_at(outbox, cart, waiting)
    noted = abandonments.recorded(outbox.conn, cart)
    if noted is not None and noted["recovery_due_at"] is not None:
        kept = _set_recovery_due(outbox, cart, noted["recovery_due_at"])
        outbox.decisions.append(_decision(Reason.UNCHANGED, cart))
        return kept
    latest = max((time for time in (had, recorded_latest) if time is not None), default=None)
    first = latest is None  # no abandonment of the cart recorded anything (one sent `completed`)
    later = first or cart["abandoned_at"] > latest
    if cart["recovery_due_at"] is None and not first and not (later and cart["backfill"] and not outbox.backfill):
        return cart  # still to come, re-dated; an imported one stays history, unless sent live later
    if later:  # a new abandonment
        anew = _set_recovery_due(outbox, cart, None)
        reason = _scheduled(outbox.decide(EventType.CART_ABANDONED, contact))
        earlier = None if first else {"abandoned_at": had or latest}
        outbox.emit(EventType.CART_ABANDONED, _subject(anew), contact, earlier, cart_view(anew), reason=reason)
        return anew
    if cart["abandoned_at"] == latest and not _messaged_since(outbox.conn, cart, noted):
        return _set_recovery_due(outbox, cart, None)  # its cart.abandoned recorded once already
    outbox.decisions.append(_decision(Reason.UNCHANGED, cart))
    return cart


def _new_abandonment_kept(outbox: events.Outbox, cart: Mapping[str, Any], change: Change) -> RowMapping | None:
    """The abandoned `cart`, just written with an `abandoned_at` earlier than that of a new
    abandonment whose recovery waits (`_new_abandonment_waiting`), back at that abandonment's
    time, as stored now; None for any other write. Read before any purchase test of the older
    time: an order placed after it (the one that recovered an earlier abandonment) is no
    purchase of the new one, whose recovery goes out once when due (README "Cart recovery":
    a new abandonment's recovery is never moved earlier). The caller passes only a write
    carrying no `completed_at`: a purchase of its own is decided as such."""
    if cart["status"] != CartStatus.ABANDONED or change.before is None:
        return None
    had = change.before["abandoned_at"]
    waiting = _new_abandonment_waiting(outbox.conn, cart, had, abandonments.latest(outbox.conn, cart))
    return None if waiting is None else _abandoned_at(outbox, cart, waiting)


def _new_abandonment_waiting(
    conn: Connection, cart: Mapping[str, Any], had: datetime | None, recorded_latest: datetime | None
) -> datetime | None:
    """The time of the new abandonment whose recovery waits, where the `cart` (just written, or
    just marked `abandoned`: `had` None) now has an earlier `abandoned_at`; else None.

    The recovery waits for the time the cart `had` while it was (its `recovery_due_at` unset),
    or, marked `abandoned` again, for the latest time an abandonment of it recorded
    (`recorded_latest`), whose `cart.abandoned` was recorded and neither its recovery nor a
    purchase since. It is a new abandonment when a recovery of an earlier one was recorded
    (`abandonments.recovery_before`, README "Cart recovery": **Abandoned again, never
    bought**): moved earlier it would fall due at once, after that first message. A cart's only
    abandonment is re-dated as before (its one message)."""
    if cart["recovery_due_at"] is not None:
        return None
    if had is None and recorded_latest is not None:
        noted = abandonments.recorded(conn, {"id": cart["id"], "abandoned_at": recorded_latest})
        if noted is not None and noted["abandoned_recorded_at"] is not None and not _settled(noted):
            had = recorded_latest
    if had is None or cart["abandoned_at"] >= had:
        return None
    return had if abandonments.recovery_before(conn, cart, had) else None


def _settled(noted: Row) -> bool:
    """Whether the abandonment `noted` (a cart_abandonments row) recorded its recovery or its
    `cart.recovered`."""
    return noted["recovery_due_at"] is not None or noted["recovered_recorded_at"] is not None


def _abandoned_at(outbox: events.Outbox, cart: Mapping[str, Any], abandoned_at: datetime) -> RowMapping:
    """The `cart` back at `abandoned_at`, its recovery still to come, as stored now."""
    statement = update(carts).where(carts.c.id == cart["id"]).values(abandoned_at=abandoned_at)
    return outbox.conn.execute(statement.returning(*carts.c)).mappings().one()


def _messaged_since(conn: Connection, cart: Mapping[str, Any], noted: Row | None) -> bool:
    """Whether a recovery of `cart` was recorded after its abandonment `noted` (the current one)
    recorded its `cart.abandoned`: an older update made it due meanwhile, and that message was
    this abandonment's. True when `noted` recorded none (nothing says it is to come)."""
    if noted is None or noted["abandoned_recorded_at"] is None:
        return True
    return abandonments.recovery_since(conn, cart, noted["abandoned_recorded_at"])


def _set_recovery_due(outbox: events.Outbox, cart: Mapping[str, Any], due_at: datetime | None) -> RowMapping:
    """The `cart` with its recovery settled at `due_at` (None: to come, the write's backfill flag
    taken as a new cart's), as stored now."""
    values: dict[str, Any] = {"recovery_due_at": due_at}
    if due_at is None:
        values["backfill"] = outbox.backfill
    statement = update(carts).where(carts.c.id == cart["id"]).values(values).returning(*carts.c)
    return outbox.conn.execute(statement).mappings().one()


def _scheduled(reason: Reason) -> Reason:
    """What a cart's recovery is while it waits for its delay: scheduled (`not_due_yet`) when it
    would fire now, else why not. Consent is checked again when it becomes due."""
    return Reason.NOT_DUE_YET if reason == Reason.FIRED else reason


def _written(
    outbox: events.Outbox, cart: Mapping[str, Any], contact: Any, change: Change, declined: bool = False
) -> Written[records.Cart]:
    """The answer of a cart write that was not stale: the decisions its events carry; a replay's
    `unchanged`; an update's, where the cart's recovery is still to come, its standing now.
    `declined`: the write carried a value the cart kept its own for (a backfill write's time or
    status for a live cart whose recovery is to come: `_live_recovery_to_come`), or changed
    its contact's consent; writing nothing to the cart, it is answered as an update all the
    same, not as a replay (README "Backfill", "WhatsApp consent")."""
    decisions = list(outbox.decisions)
    if not change.created and not any(decision.automation == Automation.CART_RECOVERY for decision in decisions):
        if change.unchanged and not declined:
            decisions.append(_decision(Reason.UNCHANGED, cart))
        elif cart["status"] == CartStatus.ABANDONED and cart["recovery_due_at"] is None:
            reason = (
                Reason.BACKFILL if cart["backfill"] else _scheduled(outbox.decide(EventType.CART_ABANDONED, contact))
            )
            decisions.append(_decision(reason, cart))
    return Written(
        _record(cart, contact), created=change.created, unchanged=change.unchanged, automations=tuple(decisions)
    )


def _decision(reason: Reason, cart: Mapping[str, Any]) -> Decision:
    return Decision(Automation.CART_RECOVERY, reason, SubjectType.CART, cart["external_id"])


def _stale(cart: Mapping[str, Any], contact: Any) -> Written[records.Cart]:
    return Written(_record(cart, contact), created=False, stale=True, automations=(_decision(Reason.STALE, cart),))


def _record(cart: Mapping[str, Any], contact: Mapping[str, Any]) -> records.Cart:
    return records.of_row(records.Cart, {**cart, "contact_phone": contact["phone"]})


# purchase_recovers_cart.recovers, for every cart of the buyer at once.
_ABANDONED_BEFORE = (
    carts.c.contact_id == bindparam("buyer"),
    carts.c.status == CartStatus.ABANDONED,
    carts.c.abandoned_at < bindparam("placed_at", type_=carts.c.abandoned_at.type),
)
_ANY_TO_RECOVER = PrecompiledStatement(select(carts.c.id).where(*_ABANDONED_BEFORE).limit(1))
_RECOVER = PrecompiledStatement(
    update(carts)
    .where(*_ABANDONED_BEFORE)
    .values(
        status=CartStatus.RECOVERED,
        live_status=None,
        status_marked=False,
        updated_at=bindparam("now", type_=carts.c.updated_at.type),
        revision=carts.c.revision + 1,
    )
    .returning(*carts.c)
)


def abandoned_cart_flag(dialect: str) -> bool:
    """Whether to ask the contact upsert if the contact has an abandoned cart at all
    (`attach_contact(with_abandoned_cart_flag=…)`): on SQLite, yes. One transaction writes at
    a time there, so the answer still holds when the order is stored. On PostgreSQL a cart
    committed after the upsert's snapshot would be missed (the upsert may have waited for that
    cart's transaction, which holds the contact's row): there the order insert, a later
    statement, asks instead (`CART_TO_RECOVER`)."""
    return dialect == "sqlite"


# Asked of a new order's INSERT on PostgreSQL (RETURNING): whether its contact has a cart
# abandoned before the order was placed. Its snapshot is taken after the contact upsert
# locked the contact's row, and every cart write locks that row first (attach_contact), so
# a cart committed before the order's is seen. Textual references to the inserted row, as
# SQLAlchemy would otherwise add `orders` to the subquery's FROM.
CART_TO_RECOVER = (
    exists()
    .where(
        carts.c.contact_id == literal_column("orders.contact_id"),
        carts.c.status == CartStatus.ABANDONED,
        carts.c.abandoned_at < literal_column("orders.placed_at"),
    )
    .label("has_cart_to_recover")
)


def abandoned_carts_of(conn: Connection, contact_ids: Sequence[int]) -> set[int]:
    """Which of the contacts `contact_ids` have an abandoned cart (`has_abandoned_cart`, as the
    contact upsert answers it on SQLite), in one statement: on PostgreSQL asked after the
    contacts' rows are locked, so a cart committed before is seen (see `abandoned_cart_flag`)."""
    if not contact_ids:
        return set()
    params = list_params("contact_id", list(contact_ids))
    return {row["contact_id"] for row in _with_abandoned_carts(width(len(contact_ids))).rows(conn, params)}


@cache
def _with_abandoned_carts(size: int) -> PrecompiledStatement:
    """The contacts among a list of `size` contact id parameters with an abandoned cart."""
    return PrecompiledStatement(
        select(carts.c.contact_id)
        .where(in_list(carts.c.contact_id, "contact_id", size), carts.c.status == CartStatus.ABANDONED)
        .distinct()
    )


def recover_carts(outbox: events.Outbox, contact: Any, placed_at: datetime, flagged: bool | None = None) -> None:
    """The contact bought: carts it abandoned before `placed_at` are recovered. `flagged`:
    whether there may be any, when a statement of the transaction already said (None: look)."""
    # Most buyers left no cart behind. The contact upsert (SQLite) or the order insert
    # (PostgreSQL) may have said so already; else a plain SELECT does, for a fraction of what
    # an UPDATE … RETURNING costs SQLite even when it matches nothing.
    if flagged is None:
        flagged = contact.get("has_abandoned_cart")
    if flagged is False:
        return
    params = {"buyer": contact["id"], "placed_at": placed_at, "now": outbox.now}
    if flagged is None and _ANY_TO_RECOVER.first(outbox.conn, params) is None:
        return
    for cart in _RECOVER.rows(outbox.conn, params):
        recovered_once(outbox, cart, contact, {"status": CartStatus.ABANDONED}, Reason.RECOVERED_BY_ORDER)


# recovery_follows_the_orders.unrecovers, for every cart of one contact at once: recovered, by no
# completed_at of its own nor by the shop (its mark, or, for a cart written before migration 0029
# kept it, a recovery recorded before the order existed), abandoned before the order
# as it was placed, and no order of the contact as they now stand placed after it. Re-checked by
# PostgreSQL on a row a concurrent write changed meanwhile (READ COMMITTED), as an UPDATE's
# WHERE is.
@cache
def _unrecover() -> PrecompiledStatement:
    """The UPDATE `unrecover_carts` runs, compiled once (`ordered_after` is defined below)."""
    return PrecompiledStatement(
        update(carts)
        .where(
            carts.c.contact_id == bindparam("buyer"),
            carts.c.status == CartStatus.RECOVERED,
            carts.c.live_status.is_(None),
            carts.c.completed_at.is_(None),
            carts.c.abandoned_at < bindparam("placed_before", type_=carts.c.abandoned_at.type),
            ~ordered_after(carts.c.contact_id, carts.c.abandoned_at),
            or_(
                carts.c.status_marked.is_(False),
                and_(  # written before migration 0029: recovered before the order existed, the shop's mark
                    carts.c.status_marked.is_(None),
                    ~exists().where(
                        cart_abandonments.c.cart_id == carts.c.id,
                        cart_abandonments.c.abandoned_at == carts.c.abandoned_at,
                        cart_abandonments.c.recovered_recorded_at
                        < bindparam("order_created_at", type_=cart_abandonments.c.recovered_recorded_at.type),
                    ),
                ),
            ),
        )
        .values(
            status=CartStatus.ABANDONED,
            status_marked=False,
            updated_at=bindparam("now", type_=carts.c.updated_at.type),
            revision=carts.c.revision + 1,
        )
        .returning(*carts.c)
    )


def unrecover_carts(outbox: events.Outbox, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """An order corrected (`before` and `after`: its row as it was and as written; the caller's
    transaction holds the lock on the contact `after` names) no longer recovers the carts it
    recovered when no order of their contact is placed after their `abandoned_at` any more: they
    are `abandoned` again, as they would be had the order arrived first as it now stands
    (rules/recovery_follows_the_orders, README "Carts and purchases"). Only another contact, or
    a `placed_at` moved earlier, can undo a recovery; otherwise no statement. Another contact's
    row is locked first (PostgreSQL), as every cart and order write of it locks it: a cart or
    order of it written meanwhile is seen, or waits for this one. Each cart is `_unrecovered`."""
    contact_id = before["contact_id"]
    if contact_id == after["contact_id"] and before["placed_at"] <= after["placed_at"]:
        return
    contact = contact_by_id(outbox.conn, contact_id, locked=True) if contact_id != after["contact_id"] else None
    params = {
        "buyer": contact_id,
        "placed_before": before["placed_at"],
        "order_created_at": before["created_at"],
        "now": outbox.now,
    }
    for cart in _unrecover().rows(outbox.conn, params):
        if contact is None:
            contact = contact_by_id(outbox.conn, contact_id)
        _unrecovered(outbox, cart, contact)


def _unrecovered(outbox: events.Outbox, cart: Mapping[Any, Any], contact: Any) -> None:
    """The `cart`, just made `abandoned` again by an order's correction
    (`unrecover_carts`), at the `abandoned_at` it had: its recovery to come, as an abandoned
    cart's is, unless this abandonment already recorded its `cart.recovery_due` (the message
    went out, or was suppressed, before the order recovered it): then it stays settled at that
    time, `unchanged` in the order's answer, and never goes out twice. Events, as
    `_abandoned_again` records them: a `cart.status_changed` (`recovered` to `abandoned`) alone
    when this abandonment recorded its `cart.abandoned` already (one per `abandoned_at`), else a
    `cart.abandoned` (before `{"status": "recovered"}`; a cart stored `recovered` on arrival).
    The order's answer lists the cart's standing (`not_due_yet`, `no_consent`, `backfill`,
    `unchanged`). The cart keeps its backfill flag: an imported cart stays history."""
    noted = abandonments.recorded(outbox.conn, cart)  # kept whether or not the outbox was pruned
    due_at = noted["recovery_due_at"] if noted is not None else None
    if cart["recovery_due_at"] != due_at:
        statement = update(carts).where(carts.c.id == cart["id"]).values(recovery_due_at=due_at)
        cart = outbox.conn.execute(statement.returning(*carts.c)).mappings().one()
    before = {"status": CartStatus.RECOVERED}
    if due_at is not None:
        standing = Reason.UNCHANGED
    elif cart["backfill"]:
        standing = Reason.BACKFILL
    else:
        standing = _scheduled(outbox.decide(EventType.CART_ABANDONED, contact))
    if noted is not None and (due_at is not None or noted["abandoned_recorded_at"] is not None):
        after = {"status": CartStatus.ABANDONED}
        outbox.emit(EventType.CART_STATUS_CHANGED, _subject(cart), contact, before, after)
        outbox.decisions.append(_decision(standing, cart))
        return
    outbox.emit(EventType.CART_ABANDONED, _subject(cart), contact, before, cart_view(cart), reason=standing)


def recovered_once(
    outbox: events.Outbox, cart: Mapping[Any, Any], contact: Any, before: dict[str, Any], reason: Reason
) -> None:
    """Record that a purchase recovered `cart` (its row as it is now, `recovered`; it was
    `before`): its `cart.recovered` with `reason`, or, when this abandonment (its
    `abandoned_at`) recorded one already, a `cart.status_changed` with `reason` alone (the
    write's answer lists it all the same): one `cart.recovered` per abandoned_at,
    however often the cart is marked otherwise and recovered again (README "Cart recovery")."""
    if _recovery_recorded(outbox.conn, cart):
        after = {"status": cart["status"]}
        outbox.emit(EventType.CART_STATUS_CHANGED, _subject(cart), contact, before, after, reason=reason)
    else:
        outbox.emit(EventType.CART_RECOVERED, _subject(cart), contact, before, cart_view(cart), reason=reason)


def _subject(cart: Any) -> tuple[SubjectType, int, str]:
    return (SubjectType.CART, cart["id"], cart["external_id"])


def cart_view(cart: Any) -> dict[str, Any]:
    """The cart as events carry it; the total as REST renders it (an exact money string)."""
    view = {name: cart[name] for name in ("external_id", "status", "abandoned_at", "currency", "recovery_url")}
    view["total_price"] = money_text(cart["total_price"], cart["currency"])
    return view


async def update_cart(
    db: Database, store: Store, external_id: str, command: CartUpdate, backfill: bool = False
) -> Written[records.Cart]:
    """PATCH the cart (SPEC §3.3): status, recovery URL, tags, metadata (RFC 7386 merge patch).
    A status of `abandoned` is read as the cart arriving: what its stored `completed_at` makes
    it (rules/completed_checkout_is_a_purchase), else `recovered` when its contact ordered after
    its `abandoned_at` (SPEC §6), else `abandoned`, a new abandonment when its abandoned_at is
    later than every one whose recovery was recorded (`_abandonment_moved`). `completed_at`
    itself is no PATCH field (`422 not_allowed`): a purchase is the platform's fact, the shop
    marks a status. A backfill PATCH leaves the status of a live cart whose recovery is still to
    come, or due and still waiting for the worker, as it is (`_live_status_kept`). A merged
    metadata larger than a single POST can carry is refused
    (rules.patched_metadata_fits_a_post: ValidationFailed).
    Raises NotFound when the store has no such cart."""
    limit = db.settings.max_body_bytes
    job = await db.write(_change_cart, store.id, known_id(external_id, "Cart"), command, utcnow(), backfill, limit)
    return settled(job)


def _change_cart(
    conn: Connection,
    store_id: int,
    external_id: str,
    command: CartUpdate,
    now: datetime,
    backfill: bool,
    max_body_bytes: int,
) -> Written[records.Cart] | DomainError:
    purchase = _bought_since(conn, store_id, external_id) if command.status == CartStatus.ABANDONED else None
    if purchase is not None:  # marked abandoned again, as a late relay may: read as a cart arriving
        command = command.model_copy(update={"status": purchase[0]})
    keep = partial(_live_status_kept, conn) if backfill else partial(_marked_live, purchase is None)
    change = patch_row(conn, carts, store_id, external_id, command, now, max_body_bytes, keep)
    if isinstance(change, ValidationFailed):
        return change
    if change is None:
        return NotFound("Cart")
    cart = change.after
    contact = contact_by_id(conn, cart["contact_id"])
    if change.stale:
        return _stale(cart, contact)
    outbox = events.Outbox(conn, store_id, now, backfill)
    if change.changed("status"):
        before, after = {"status": change.previous("status")}, {"status": cart["status"]}
        reason = purchase[1] if purchase is not None else None
        # cart.recovered once per abandoned_at
        recovers = cart["status"] == CartStatus.RECOVERED and not _recovery_recorded(conn, cart)
        # The status change says why when nothing else will: completed by its completed_at, or
        # recovered by a purchase again (its cart.recovered recorded already).
        said = None if recovers else reason
        outbox.emit(EventType.CART_STATUS_CHANGED, _subject(cart), contact, before, after, reason=said)
        if recovers:
            outbox.emit(EventType.CART_RECOVERED, _subject(cart), contact, before, cart_view(cart), reason=reason)
        elif cart["status"] == CartStatus.ABANDONED:
            # Abandoned again by the shop's word: its abandoned_at read as a POST reads a moved
            # one (sent while the cart was marked otherwise, nothing read it); a cart first sent
            # `completed`, its first abandonment.
            cart = _abandonment_moved(outbox, cart, contact, None)
    # A backfill status the live cart kept its own for (_live_status_kept) is no replay.
    return _written(outbox, cart, contact, change, declined=command.status not in (None, cart["status"]))


def _live_status_kept(conn: Connection, stored: Row, changes: Mapping[str, Any]) -> dict[str, Any]:
    """`patch_row`'s `keep` for a backfill PATCH (README "Backfill": history, nothing it carries
    changes what a live automation does): a live cart whose recovery is still to come
    (`_live_recovery_to_come`), or whose recovery fell due and still waits for the worker
    (`_recovery_awaiting_the_worker`), keeps its status. An imported `expired`, `recovered`,
    `completed` or `active` would cancel that recovery (the shop's mark, SPEC §6: before it is
    due, or at the claim of its delivery, as `marked_by_shop`), and an imported `abandoned`
    would resume a cart the shop marked `active` or `expired`, or send the due recovery of one
    it marked `recovered` or `completed`; the rest of the PATCH (recovery URL, tags, metadata)
    is stored. A status other than the cart's costs one statement more when its recovery is not
    to come (`_recovery_awaiting_the_worker`). Stored otherwise, the imported status leaves the
    live one in `live_status` (cleared when it is the live one again), which a re-driven
    recovery's claim reads (app.automations.delivery `_settled_carts`): an imported status
    neither calls it off nor lifts the shop's mark."""
    if changes.get("status", stored["status"]) == stored["status"]:
        return {}
    live = _live_recovery_to_come(stored) or _recovery_awaiting_the_worker(conn, stored)
    if live:
        return {"status": stored["status"]}
    before = live_status(stored)
    return {"live_status": None if changes["status"] == before else before}


def _marked_live(by_the_shop: bool, stored: Row, changes: Mapping[str, Any]) -> dict[str, Any]:
    """`patch_row`'s `keep` for a live PATCH: a status it carries is the shop's mark (README
    "Backfill"), whatever status a backfill PATCH stored before it (`live_status` cleared),
    also when it is the same one: the claim of a recovery then reads it as the shop's mark. A
    new status is `status_marked` when it is `by_the_shop`, not a purchase's (`abandoned` read
    as the cart arriving: `_bought_since`); so is `recovered` sent again over an order's
    recovery: the shop's word from then on, which correcting the order away leaves as it is."""
    kept: dict[str, Any] = {}
    if "status" in changes and stored["live_status"] is not None:
        kept["live_status"] = None
    status = changes.get("status")
    if status is not None and (status != stored["status"] or status == CartStatus.RECOVERED):
        kept["status_marked"] = by_the_shop
    return kept


def _recovery_awaiting_the_worker(conn: Connection, cart: Mapping[str, Any]) -> bool:
    """Whether a recovery of `cart` (a carts row: its `id`) fell due and the worker will still
    read the cart's status for it: its `cart.recovery_due` recorded to go out (`fired`, or no
    reason) and not fanned out yet, or a delivery of it still pending (waiting for its claim,
    held by a worker, or to be retried). At that claim a cart no longer `abandoned` cancels the
    delivery (app.automations.delivery: `_settled_carts`, `marked_by_shop` when no purchase
    says otherwise), and one `abandoned` lets it go out. Once every delivery of it is settled
    (delivered, cancelled, dead), or its fan-out made none (no subscription: it went out as it
    fell due), nothing reads the status for it any more. One statement."""
    pending = exists().where(deliveries.c.event_id == outbox_events.c.id, deliveries.c.status == DeliveryStatus.PENDING)
    to_fan_out = (
        outbox_events.c.dispatched_at.is_(None),
        outbox_events.c.backfill.is_(False),
        or_(outbox_events.c.reason.is_(None), outbox_events.c.reason == Reason.FIRED),
    )
    statement = select(outbox_events.c.id).where(
        outbox_events.c.subject_type == SubjectType.CART,
        outbox_events.c.subject_id == cart["id"],
        outbox_events.c.type == EventType.CART_RECOVERY_DUE,
        or_(pending, and_(*to_fan_out)),
    )
    return conn.execute(statement.limit(1)).first() is not None


def _recovery_recorded(conn: Connection, cart: Mapping[Any, Any]) -> bool:
    """Whether this abandonment of `cart` (its `abandoned_at`) already recorded a
    `cart.recovered`: one purchase records one (README "Cart recovery"), however often the
    cart is marked otherwise and then `abandoned` again, and recovered by that purchase again,
    and whether or not the outbox was pruned since (`abandonments`)."""
    noted = abandonments.recorded(conn, cart)
    return noted is not None and noted["recovered_recorded_at"] is not None


def _bought_since(conn: Connection, store_id: int, external_id: str) -> tuple[CartStatus, Reason] | None:
    """What a purchase makes the cart `external_id` as it is stored, and why: its own
    `completed_at` (rules/completed_checkout_is_a_purchase: `recovered` or `completed`, reason
    `completed`), else an order of its contact placed after its `abandoned_at`
    (rules/purchase_recovers_cart: `recovered`, `recovered_by_order`); None when neither, or
    when there is no such cart. An `abandoned_at` sent while the shop had the cart marked
    otherwise, earlier than a new abandonment whose recovery waits, is read at that
    abandonment's time, which the PATCH resumes (`_new_abandonment_waiting`): an order that
    recovered an earlier abandonment is no purchase of it. One statement, two for such a time."""
    cart = carts.alias("cart")
    found = select(ordered_after(cart.c.contact_id, cart.c.abandoned_at).label("ordered"), *cart.c)
    where = (cart.c.store_id == store_id, cart.c.external_id == external_id)
    row: Row | None = conn.execute(found.where(*where)).mappings().first()
    if row is None:
        return None
    ordered, abandoned_at = row["ordered"], row["abandoned_at"]
    if (waiting := _new_abandonment_waiting(conn, row, None, abandonments.latest(conn, row))) is not None:
        ordered, abandoned_at = _ordered_since(conn, row["contact_id"], waiting), waiting
    return purchase_of(row["completed_at"], abandoned_at, ordered)


def purchase_of(
    completed_at: datetime | None, abandoned_at: datetime, ordered: bool
) -> tuple[CartStatus, Reason] | None:
    """What a purchase makes a cart stored with `completed_at` and `abandoned_at` (aware
    datetimes), and why: its own `completed_at` (rules/completed_checkout_is_a_purchase:
    `recovered` or `completed`, reason `completed`), else, `ordered` (an order of its contact
    placed after `abandoned_at`: `ordered_after`), `recovered`, reason `recovered_by_order`
    (rules/purchase_recovers_cart); None when neither."""
    if (status := bought(completed_at, abandoned_at, sent=False)) is not None:
        return status, Reason.COMPLETED
    return (status_on_arrival(True), Reason.RECOVERED_BY_ORDER) if ordered else None


def _ordered_since(conn: Connection, contact_id: int, abandoned_at: datetime) -> bool:
    """`ordered_after` for one contact and time, read. One statement."""
    return bool(conn.scalar(select(ordered_after(contact_id, abandoned_at))))


def ordered_after(contact_id: Any, abandoned_at: Any) -> Exists:
    """Whether the contact placed an order after `abandoned_at` (values or columns): the test of
    rules/purchase_recovers_cart for one cart, in SQL."""
    return exists().where(orders.c.contact_id == contact_id, orders.c.placed_at > abandoned_at)


async def get_cart(db: Database, store: Store, external_id: str) -> records.Cart:
    """The cart `external_id` of `store`; raises NotFound."""
    return await db.read(_find_cart, store.id, known_id(external_id, "Cart"))


def _find_cart(conn: Connection, store_id: int, external_id: str) -> records.Cart:
    statement = (
        select(carts, contacts.c.phone.label("contact_phone"))
        .join(contacts, contacts.c.id == carts.c.contact_id)
        .where(carts.c.store_id == store_id, carts.c.external_id == external_id)
    )
    row = conn.execute(statement).mappings().first()
    if row is None:
        raise NotFound("Cart")
    return records.of_row(records.Cart, row)


# Batches of carts (`app.services.batches`) write each cart as `upsert_cart` does.
BATCH = batches.Kind(CartInput, _store_cart, "carts", record_keys.cart, lock=contacts_then(carts))


# The keys a PostgreSQL group takes before its writes run (key_locks, postgres.GroupedWrites).
key_locks.declare(_store_cart, record_keys.of_write(record_keys.cart))
key_locks.declare(_change_cart, record_keys.of_write(record_keys.cart_id))
