"""A shipment's tracking changes only when the parcel it names or the carrier does, not when its
spelling does (README, "A respelled tracking number or carrier").

Platforms relay one parcel in several spellings: the carrier from one field, then another
(`UPS`, `ups`, `Colissimo`, `COLISSIMO`), the tracking number as printed on the label,
grouped by spaces or hyphens, in either case (`1Z999AA10123456784`, `1Z 999 AA1 0123 456 784`,
`1z999aa10123456784`). Each such re-POST was a `shipment.tracking_updated` and a second
shipping notification to the customer about the same parcel. So tracking is compared by a key:

- the tracking number without its whitespace and dashes (Unicode dash punctuation, `-` among
  them: no carrier's numbers tell two parcels apart by them), case-folded;
- the carrier case-folded, its runs of whitespace read as one space, none at its ends;
- both in Unicode compatibility form (NFKC, Unicode Standard Annex #15): the full-width
  letters and digits of a Japanese or Chinese keyboard (`ＤＨＬ`, `１Ｚ９９９…`) and
  half-width katakana (`ﾔﾏﾄ運輸`, a legacy system's) are the characters they stand for
  (`DHL`, `1Z999…`, `ヤマト運輸`);
- the tracking URL exactly: its path and query may be case-sensitive;
- an absent value (None) differs from every value, as a first tracking number or its removal is
  news.

The new spelling is still stored (the shop's latest word); only the notification is spared."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

TRACKING = ("tracking_number", "tracking_url", "carrier")


def _folded(text: str) -> str:
    """`text` case-folded in compatibility form: NFKC, case-folded, NFKC again (folding may
    undo the form, as Unicode's own NFKC_Casefold does not)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def tracking_number_key(number: str | None) -> str | None:
    """`number` as compared: folded (`_folded`), no whitespace, no dash punctuation; None stays
    None."""
    if number is None:
        return None
    return "".join(c for c in _folded(number) if not c.isspace() and unicodedata.category(c) != "Pd")


def carrier_key(carrier: str | None) -> str | None:
    """`carrier` as compared: folded (`_folded`), each run of whitespace one space, none at
    either end; None stays None. Also the carrier carrierPerformance groups by, stored with each
    shipment as `shipments.carrier_key` (README, "Carrier performance"; a text column: NFKC
    may write one character as up to 18, `ﷺ`)."""
    return None if carrier is None else " ".join(_folded(carrier).split())


def tracking_key(shipment: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """The (tracking number, tracking URL, carrier) key of a shipment's row or values."""
    return (
        tracking_number_key(shipment["tracking_number"]),
        shipment["tracking_url"],
        carrier_key(shipment["carrier"]),
    )


def same_tracking(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether the shipment `after` tracks the same parcel with the same carrier as `before`
    (both rows, or values, with the `TRACKING` columns): then no tracking notification."""
    return tracking_key(before) == tracking_key(after)
