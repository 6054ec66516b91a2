"""What each abandonment of a cart recorded (README "Cart recovery"): for a cart and one of its
`abandoned_at`, when its `cart.abandoned`, `cart.recovered` and `cart.recovery_due` were
recorded, and whether that recovery fired.

The once-per-abandoned_at rules (an abandonment records one `cart.abandoned`, one
`cart.recovered`, and its recovery goes out once) and recoveryFunnel read these facts, not the
events: pruning the outbox (README "Outbox lifecycle") deletes events, never these rows, so it
changes no automation and no dashboard figure. Each fact is written by `Outbox.emit`, in the
transaction of the event that says it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select, update

from app.db.cart_events import abandoned_at as abandoned_at_of
from app.db.compiled import PrecompiledStatement, Row
from app.db.statements import insert_for, param
from app.db.tables import cart_abandonments, events
from app.domain.automations import Reason
from app.domain.event_types import EventType

# The event types an abandonment keeps, each with the column holding when it first recorded one.
NOTED = {
    EventType.CART_ABANDONED: "abandoned_recorded_at",
    EventType.CART_RECOVERED: "recovered_recorded_at",
    EventType.CART_RECOVERY_DUE: "recovery_due_at",
}


def fired(reason: str | None) -> bool:
    """Whether a `cart.recovery_due` with `reason` sent its message: `fired`, or no reason at
    all (events recorded before reasons existed)."""
    return reason is None or reason == Reason.FIRED


def note(
    conn: Connection,
    store_id: int,
    type: EventType,
    cart_id: int,
    abandoned_at: datetime,
    at: datetime,
    reason: str | None,
) -> None:
    """Note that the cart `cart_id`, abandoned at `abandoned_at`, recorded an event of `type`
    (one of NOTED) at `at`, with `reason`: the first such time is kept; a `cart.recovery_due`
    that `fired` marks the abandonment's recovery fired, until the worker calls it off before it
    went out (`decided`). One statement."""
    column = NOTED[type]
    params = {
        "cart_id": cart_id,
        "abandoned_at": abandoned_at,
        "store_id": store_id,
        column: at,
        "recovery_fired": type == EventType.CART_RECOVERY_DUE and fired(reason),
    }
    _note(conn.dialect.name, column).rows(conn, params)


@cache
def _note(dialect: str, column: str) -> PrecompiledStatement:
    """INSERT the abandonment's row, or on its key keep the time of `column` it had (the first
    event's) and OR its `recovery_fired`."""
    names = ("cart_id", "abandoned_at", "store_id", column, "recovery_fired")
    statement = insert_for(dialect, cart_abandonments).values({name: param(cart_abandonments, name) for name in names})
    new = statement.excluded
    kept = {
        column: func.coalesce(cart_abandonments.c[column], new[column]),
        "recovery_fired": or_(cart_abandonments.c.recovery_fired, new.recovery_fired),
    }
    return PrecompiledStatement(statement.on_conflict_do_update(index_elements=["cart_id", "abandoned_at"], set_=kept))


# The columns of an events row `decided` reads: an UPDATE of events giving messages another
# reason returns them (RETURNING), so that it costs no statement when no recovery is among them.
DECIDING = (events.c.type, events.c.subject_id, events.c.data, events.c.reason)
_DECIDED = (
    update(cart_abandonments)
    .where(
        cart_abandonments.c.cart_id == bindparam("b_cart_id"),
        cart_abandonments.c.abandoned_at == bindparam("b_abandoned_at"),
    )
    .values(recovery_fired=bindparam("b_fired"))
)


def decided(conn: Connection, changed: Iterable[Any]) -> None:
    """The abandonments of the `cart.recovery_due` events among `changed` (events rows, each
    with its `type`, `subject_id`, `data` and `reason`, just given another reason by the worker:
    app.automations.delivery, dispatch) are fired or not as the reason now says: a recovery
    called off before it went out (its cart bought or marked, its contact's consent withdrawn,
    its contact erased) is no message, and recoveryFunnel does not count it; one that went out
    all the same (`fired` again) is. The abandonment is the `abandoned_at` the event's `after`
    holds, as `note` was given it. One statement, none when no recovery is among them."""
    params = [
        {"b_cart_id": event.subject_id, "b_abandoned_at": abandoned_at, "b_fired": fired(event.reason)}
        for event in changed
        if event.type == EventType.CART_RECOVERY_DUE and (abandoned_at := abandoned_at_of(event.data)) is not None
    ]
    if params:
        conn.execute(_DECIDED, params)


_RECORDED = PrecompiledStatement(
    select(cart_abandonments).where(
        cart_abandonments.c.cart_id == param(cart_abandonments, "cart_id"),
        cart_abandonments.c.abandoned_at == param(cart_abandonments, "abandoned_at"),
    )
)


def recorded(conn: Connection, cart: Mapping[str, Any]) -> Row | None:
    """What the current abandonment of `cart` (a carts row: its `id` and `abandoned_at`)
    recorded: its cart_abandonments row (`abandoned_recorded_at`, `recovered_recorded_at`,
    `recovery_due_at`, `recovery_fired`), None when it recorded none of them."""
    return _RECORDED.first(conn, {"cart_id": cart["id"], "abandoned_at": cart["abandoned_at"]})


def latest(conn: Connection, cart: Mapping[str, Any]) -> datetime | None:
    """The latest `abandoned_at` any abandonment of `cart` (a carts row: its `id`) recorded an
    event for, None when none did. Read only where a cart's abandoned_at moves, off the hot path."""
    return _abandoned_at(conn, cart, func.max)


def earliest(conn: Connection, cart: Mapping[str, Any]) -> datetime | None:
    """The earliest such `abandoned_at`, None when none did. Read only where a write's purchase
    predates its abandoned_at."""
    return _abandoned_at(conn, cart, func.min)


def _abandoned_at(conn: Connection, cart: Mapping[str, Any], aggregate: Any) -> datetime | None:
    statement = select(aggregate(cart_abandonments.c.abandoned_at)).where(cart_abandonments.c.cart_id == cart["id"])
    found: datetime | None = conn.scalar(statement)
    return found


def recovery_since(conn: Connection, cart: Mapping[str, Any], since: datetime) -> bool:
    """Whether an abandonment of `cart` (a carts row: its `id`) recorded its `cart.recovery_due`
    at or after `since`."""
    return _any(conn, cart, cart_abandonments.c.recovery_due_at >= since)


def recovery_before(conn: Connection, cart: Mapping[str, Any], abandoned_at: datetime) -> bool:
    """Whether an abandonment of `cart` (a carts row: its `id`) earlier than `abandoned_at`
    recorded its `cart.recovery_due` (fired, or suppressed with its reason): the one abandoned at
    `abandoned_at` is then a new abandonment, the customer having left the cart again since."""
    return _any(
        conn,
        cart,
        cart_abandonments.c.abandoned_at < abandoned_at,
        cart_abandonments.c.recovery_due_at.is_not(None),
    )


def _any(conn: Connection, cart: Mapping[str, Any], *where: Any) -> bool:
    """Whether an abandonment of `cart` meets every condition of `where`. One statement."""
    statement = select(cart_abandonments.c.cart_id).where(cart_abandonments.c.cart_id == cart["id"], *where)
    return conn.execute(statement.limit(1)).first() is not None
