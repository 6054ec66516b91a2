"""Notes of the contacts a customer id gave data to that no row links to the id any more
(table `customer_contacts`), so that the erasure of the id reaches them (README "Erasure").

A contact given data under an id is linked to it by the contact holding the id, by the id's
customer record naming it, or by an order or a cart carrying the id on it. A note is written
only when a write ends such a link, so a write that keeps them costs no statement more."""

from __future__ import annotations

from sqlalchemy import Connection

from app.db.compiled import Row
from app.db.statements import insert_for
from app.db.tables import customer_contacts
from app.domain.commands import EmbeddedCustomer

from .tracking import Change


def note_contact_left(conn: Connection, store_id: int, external_id: str, contact_id: int) -> None:
    """The customer id `external_id` moved off the contact `contact_id` (another phone): its
    customer record did, or a customer write took the id from the contact holding it. Noted,
    so that the erasure of the id reaches that contact too."""
    note_contacts_left(conn, store_id, [(external_id, contact_id)])


def note_contacts_left(conn: Connection, store_id: int, left: list[tuple[str, int]]) -> None:
    """Notes each (customer id, contact id) of `left`, one statement; a pair noted before stays."""
    conn.execute(
        insert_for(conn.dialect.name, customer_contacts).on_conflict_do_nothing(),
        [
            {"store_id": store_id, "external_id": external_id, "contact_id": contact_id}
            for external_id, contact_id in left
        ],
    )


def note_links_dropped(conn: Connection, store_id: int, change: Change, given: str | None, contact_id: int) -> None:
    """An order or a cart written (`change`: its row before and after, `customer_external_id`
    and `contact_id`) by a write whose customer gave its data to the contact `contact_id` under
    the customer id `given` (None: no id, or a write an erasure detached, which gives nothing).
    Notes each pair the row no longer carries: the one it carried before (re-sent without the
    id, under another id or with another phone), and the one the write gave when the row did not
    take it (a stale write: on PostgreSQL a newer one committed after this one's look, and this
    one merged its customer before its lock found the row newer). A new row carries what its
    write gave: nothing to note, no statement; nor for a row that keeps its pair."""
    before = change.before
    if before is None:
        return
    after = change.after
    carried = (after["customer_external_id"], after["contact_id"])
    pairs = {(before["customer_external_id"], before["contact_id"]), (given, contact_id)}
    dropped = sorted(
        (external_id, contact)
        for external_id, contact in pairs
        if external_id is not None and (external_id, contact) != carried
    )
    if dropped:
        note_contacts_left(conn, store_id, dropped)


def given_under(customer: EmbeddedCustomer | None, detached_from: Row | None) -> str | None:
    """The customer id under which an order's or a cart's write gives its `customer`'s data to
    its contact (`note_links_dropped`): none without one, or when an erasure detached the
    record (`contacts.contact_of_the_write`: it merges into no contact)."""
    return customer.external_id if customer is not None and detached_from is None else None
