"""The outbox: events appended in the same transaction as the change they describe.

An event names its subject (order, shipment, cart, contact), the contact it concerns, and
`before` / `after` of what changed. A write that changes nothing appends nothing, so a
replayed request never fires an automation twice. Backfilled events are recorded and never
delivered."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from app.db.compiled import PrecompiledStatement
from app.db.multirow import MultiRowInsert
from app.db.statements import param
from app.db.tables import events, stores
from app.domain.automations import MESSAGES, SETTLES, Decision, Reason
from app.domain.event_types import EventType, SubjectType
from app.domain.rules.consent_policy import COLUMN, decide
from app.domain.rules.erasure import can_be_messaged

from . import abandonments
from .results import utcnow


def contact_view(contact: Any) -> dict[str, Any] | None:
    """What an automation needs to message the contact; None once erased."""
    if not can_be_messaged(contact):
        return None
    return {
        "id": contact["id"],
        "phone": contact["phone"],
        "phone_type": contact["phone_type"],
        "first_name": contact["first_name"],
        "last_name": contact["last_name"],
        "locale": contact["locale"],
    }


_RANDOM_BITS = 74  # of a UUIDv7: 12 (rand_a) and 62 (rand_b), around the version and variant
_last_id = [0]  # the last id's time and random bits, as one number
_id_lock = threading.Lock()


def new_event_id() -> str:
    """A UUIDv7 (RFC 9562): the Unix time in milliseconds, then 74 random bits; strictly
    greater than the one this process made before (§6.2, "Monotonic Random": within one
    millisecond, or a clock set back, the last one's bits plus one), so that the events of a
    transaction, and of a process, sort by id in the order they were made. Ids made in time
    order land at the right edge of the events' unique index, instead of on a random page of
    it, so a write dirties fewer pages. An id is a label, not a secret: its random bits come
    from the process's own generator (seeded by the OS, again in a forked child), not a system
    call per event."""
    made = (time.time_ns() // 1_000_000) << _RANDOM_BITS | random.getrandbits(_RANDOM_BITS)
    with _id_lock:
        made = _last_id[0] = max(made, _last_id[0] + 1)
    rand_a, rand_b = made >> 62 & 0xFFF, made & (1 << 62) - 1
    value = made >> _RANDOM_BITS << 80 | 0x7 << 76 | rand_a << 64 | 0x2 << 62 | rand_b  # version 7, variant 10
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def recorded_at(now: datetime) -> datetime:
    """When a request's event is recorded (its `created_at`, UTC): the clock as the event is
    appended, inside the write's transaction and after its locks, rather than `now`, when the
    request reached its write. A record's events then never go back in time: on PostgreSQL a
    write that took its `now`, then waited for another's lock on the same record, commits after
    that one and was stamped before it. `now` itself when it is ahead of the clock."""
    clock = utcnow()
    return clock if clock > now else now


_POLICY = PrecompiledStatement(
    select(*(stores.c[column] for column in COLUMN.values())).where(stores.c.id == param(stores, "id"))
)


@dataclass(slots=True)  # not frozen: every write makes one, and a frozen one costs thrice to make
class Outbox:
    """Appends the events of one command, inside its transaction, and the automation decisions
    they carry (`decisions`, in order: the write's `automations` answer). With `pending`, the
    events wait there, in order, for one `append_all` of many commands' events; outboxes may
    share the store's consent policy (`_policy`) too. A request's events are recorded at the
    clock (`recorded_at`); with `clocked` False, at `now` (the worker's pass: a recovery fires
    at the pass's time, which the recovery funnel compares orders with)."""

    conn: Connection
    store_id: int
    now: datetime
    backfill: bool
    decisions: list[Decision] = field(default_factory=list)
    _policy: list[Any] = field(default_factory=list)  # the store's consent policy, read once
    pending: list[dict[str, Any]] | None = None
    clocked: bool = True

    def policy(self) -> Any:
        """The store's consent policy (its row's requirement columns, `app.domain.rules.consent_policy`)."""
        if not self._policy:
            self._policy.append(_POLICY.first(self.conn, {"id": self.store_id}))
        return self._policy[0]

    def decide(self, type: EventType, contact: Any) -> Reason:
        """Whether the automation `type` triggers may reach `contact` now: fired, erased or no_consent."""
        return decide((MESSAGES | SETTLES)[type], self.policy(), contact)

    def emit(
        self,
        type: EventType,
        subject: tuple[SubjectType, int, str | None],
        contact: Any,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: Reason | None = None,
    ) -> None:
        """Append one event. An event that is a message's trigger (`automations.MESSAGES`) is
        decided here unless `reason` says; one that schedules or settles an automation
        (`SETTLES`) carries the `reason` given (none: no decision recorded). A backfill's is
        `backfill`. The decision is noted in `decisions`. A cart's `cart.abandoned`,
        `cart.recovered` or `cart.recovery_due` (its `after` holding the cart's `abandoned_at`)
        is also noted for that abandonment (`abandonments.note`)."""
        subject_type, subject_id, external_id = subject
        automation = MESSAGES.get(type) or SETTLES.get(type)
        if automation is not None and (reason is not None or type in MESSAGES):
            if self.backfill:
                reason = Reason.BACKFILL
            elif reason is None:
                reason = self.decide(type, contact)
            self.decisions.append(Decision(automation, reason, subject_type, external_id))
        else:
            automation = None
        data = {
            "subject": {"type": subject_type, "id": subject_id, "external_id": external_id},
            "contact": contact_view(contact),
            "before": before,
            "after": after,
        }
        created_at = recorded_at(self.now) if self.clocked else self.now
        row = {
            "event_id": new_event_id(),
            "store_id": self.store_id,
            "type": type,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "contact_id": contact["id"] if contact is not None else None,
            "data": data,
            "backfill": self.backfill,
            "created_at": created_at,
            "automation": automation,
            "reason": reason,
        }
        if subject_type == SubjectType.CART and type in abandonments.NOTED and after is not None:
            # Kept beside the event, which retention may delete: the once-per-abandoned_at rules
            # and recoveryFunnel read this instead (services/abandonments.py).
            abandonments.note(self.conn, self.store_id, type, subject_id, after["abandoned_at"], created_at, reason)
        if self.pending is None:
            _APPEND.rows(self.conn, row)
        else:
            self.pending.append(row)


def append_all(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append the events `rows` (an Outbox's `pending`), in their order, in one statement."""
    _APPEND_ALL.rows(conn, rows)


_ROW = insert(events).values(
    {column.name: param(events, column.name) for column in events.c if column.name not in ("id", "dispatched_at")}
)
_APPEND = PrecompiledStatement(_ROW)
_APPEND_ALL = MultiRowInsert(_ROW)
