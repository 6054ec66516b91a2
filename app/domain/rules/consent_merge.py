"""A consent is merged like the other contact fields (issue 15; SPEC §4.2's merge, and
`stale_writes` for times): per purpose, an absent purpose keeps the stored consent; one given
with an older `consented_at` than the stored one is ignored (consent arrives late and out of
order, like any webhook); an equal or newer one wins. A consent given without `consented_at`
is dated by its arrival, unless it says what is stored already (the same state and source: a
replay, which changes nothing; README, "WhatsApp consent"). So is one dated after its arrival
(a shop's clock ahead of ours, or a typo such as 2126): stored with such a date, it would make
every later opt-out "older", and a STOP would be lost."""

from __future__ import annotations

from datetime import datetime

from app.domain.consent import PurposeConsent


def merged(stored: PurposeConsent, sent: PurposeConsent | None, now: datetime) -> PurposeConsent | None:
    """The consent to store for one purpose, or None when the stored one stays (absent, older,
    or the same state, time and source again: a replay). `sent.consented_at` None, or later
    than `now` (the write's arrival), is `now`."""
    if sent is None:
        return None
    dated = sent.consented_at is not None and sent.consented_at <= now
    if not dated and (sent.state, sent.source) == (stored.state, stored.source):
        return None
    at = sent.consented_at if dated and sent.consented_at is not None else now
    if stored.consented_at is not None and at < stored.consented_at:
        return None
    new = PurposeConsent(sent.state, at, sent.source)
    return None if new == stored else new
