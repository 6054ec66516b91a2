"""A consent is merged like the other contact fields (issue 15; SPEC §4.2's merge, and
`stale_writes` for times), per purpose: an absent purpose keeps the stored consent; one given
with an older `consented_at` than the stored one is ignored (consent arrives late and out of
order, like any webhook); an equal or newer one wins. A consent given without `consented_at`
is dated by the record that carries it: an order's `placed_at` (the checkout that
collected it), a cart's `abandoned_at`, a customer's `updated_at`; else, a customer sent
undated, by its arrival. Dated by its arrival, a shop's retry of an order placed before a STOP
was newer than the STOP, and subscribed the contact again. A consent dated after its arrival
(a shop's clock ahead of ours, or a typo such as 2126) is dated by its arrival: stored with
such a date, it would make every later opt-out "older", and a STOP would be lost.

A purpose's consent is one statement — its state, when and where it was given — and a change
of consent is a change of its state (SPEC §6: an event per real change, never because a shop
retried; README, "WhatsApp consent"). So the stored state sent again changes nothing: undated,
it is a repeat (a retry, or the shop relaying what it has), whatever source it names or leaves
out; dated at or before the stored time, it is old news. Only a newer dated one moves the
stored time forward — so that a later-arriving, older opposite word stays older — with the
source it names, else the stored one (a field left out is kept); that records no change. A new
state is a new statement, its source the one sent (none when left out: the stored source said
where the previous state was collected)."""

from __future__ import annotations

from datetime import datetime

from app.domain.consent import PurposeConsent


def merged(
    stored: PurposeConsent, sent: PurposeConsent | None, now: datetime, record_time: datetime | None = None
) -> PurposeConsent | None:
    """The consent to store for one purpose, or None when the stored one stays: absent, older,
    or the stored state again undated or not newer. `sent.consented_at` None is `record_time`,
    the time of the record carrying it (an order's `placed_at`, a cart's `abandoned_at`, a
    customer's `updated_at`), else `now` (the write's arrival); either later than `now` is
    `now`. A new state is stored as sent, the same state only with a newer time of its own
    (e.g. stored subscribed at T1 from "checkout", sent subscribed at T3 without a source:
    subscribed at T3 from "checkout"); sent undated, the stored state is a repeat."""
    if sent is None:
        return None
    dated = sent.consented_at is not None and sent.consented_at <= now
    if dated and sent.consented_at is not None:
        at = sent.consented_at
    elif sent.consented_at is None and record_time is not None and record_time <= now:
        at = record_time
    else:
        at = now
    if sent.state == stored.state:
        if not dated or (stored.consented_at is not None and at <= stored.consented_at):
            return None
        return PurposeConsent(stored.state, at, stored.source if sent.source is None else sent.source)
    if stored.consented_at is not None and at < stored.consented_at:
        return None
    return PurposeConsent(sent.state, at, sent.source)


def changes_state(stored: PurposeConsent, after: PurposeConsent) -> bool:
    """Whether storing `after` over `stored` is a change of consent: one its history
    (`consent_changes`) and a `contact.consent_changed` event record. A newer time for the same
    state is stored without either."""
    return after.state != stored.state
