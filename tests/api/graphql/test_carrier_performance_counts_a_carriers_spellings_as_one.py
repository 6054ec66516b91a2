"""carrierPerformance (README, "Carrier performance"): a carrier's spellings are one carrier, by
the key a respelled carrier is compared by (in Unicode compatibility form, case-folded, each run
of whitespace one space, none at the ends): counted, ended and timed together, shown in the spelling most of its shipments
carry (ties: the first in code-point order). Carriers that differ otherwise stay apart; a
shipment without a carrier is its own row. Busiest first, then by the name shown.

One table, each case written through each write path (`tests.api.shipment_writes`: POST
/shipments, /shipments/batch, GraphQL's createShipment and createShipments; the same service
stores the key), the stored keys checked with the answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.graphql.documents import gql
from tests.api.shipment_writes import WRITES, Write
from tests.conftest import Api, order_body, shipment_body

_CARRIERS = """query($from: DateTime!, $to: DateTime!) { carrierPerformance(storeId: 123, from: $from, to: $to) {
  carrier shipments delivered failed returned medianHoursToDeliver p90HoursToDeliver } }"""
MAY = {"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"}
START = datetime(2026, 5, 2, tzinfo=UTC)

# A shipment: its carrier as sent with `in_transit` (a tuple: as sent with `in_transit`, then
# with how it ended), and how it ended: delivered after that many hours, or "failed" /
# "returned" (a day after), or None (still in transit).
Shipment = tuple[str | None | tuple[str, str], int | str | None]
# A row of the answer: carrier, shipments, delivered, failed, returned, median, p90.
Row = tuple[str | None, int, int, int, int, float | None, float | None]

# name -> (the shipments, the answer, the keys stored in the shipments' order)
CASES: dict[str, tuple[list[Shipment], list[Row], list[str | None]]] = {
    "case": (
        [("UPS", 10), ("ups", 30), ("UPS", 20)],
        [("UPS", 3, 3, 0, 0, 20.0, 30.0)],
        ["ups", "ups", "ups"],
    ),
    "surrounding whitespace, cut when read": (
        [(" ups ", 10), ("\tups", 20), ("UPS", "failed")],
        [("ups", 3, 2, 1, 0, 10.0, 20.0)],
        ["ups", "ups", "ups"],
    ),
    "inner whitespace runs, a tie shown by code point": (
        [("La Poste", 12), ("La  Poste", 24), ("la\tposte", "returned")],
        [("La  Poste", 3, 2, 0, 1, 12.0, 24.0)],
        ["la poste", "la poste", "la poste"],
    ),
    "a tie of two spellings": (
        [("Colissimo", 5), ("COLISSIMO", 15)],
        [("COLISSIMO", 2, 2, 0, 0, 5.0, 15.0)],
        ["colissimo", "colissimo"],
    ),
    "Unicode case: full-width letters": (
        [("ＤＨＬ", 40), ("ｄｈｌ", 20), ("ＤＨＬ", 30)],
        [("ＤＨＬ", 3, 3, 0, 0, 30.0, 40.0)],
        ["dhl", "dhl", "dhl"],
    ),
    "compatibility form: full-width letters are the letters": (
        [("ＤＨＬ", 40), ("DHL", 20), ("dhl", 30), ("ＤＨＬ", 10)],
        [("ＤＨＬ", 4, 4, 0, 0, 20.0, 40.0)],
        ["dhl"] * 4,
    ),
    "compatibility form: half-width katakana": (
        [("ﾔﾏﾄ運輸", 24), ("ヤマト運輸", 12), ("ヤマト運輸", 36)],
        [("ヤマト運輸", 3, 3, 0, 0, 24.0, 36.0)],
        ["ヤマト運輸"] * 3,
    ),
    "compatibility form: an ideographic space": (
        [("佐川\u3000急便", 5), ("佐川 急便", 7)],
        [("佐川 急便", 2, 2, 0, 0, 5.0, 7.0)],
        ["佐川 急便"] * 2,
    ),
    "Unicode case: Greek": (
        [("Ελληνικά Ταχυδρομεία", 48), ("ΕΛΛΗΝΙΚΆ ΤΑΧΥΔΡΟΜΕΊΑ", 72), ("ελληνικά  ταχυδρομεία", None)],
        [("ΕΛΛΗΝΙΚΆ ΤΑΧΥΔΡΟΜΕΊΑ", 3, 2, 0, 0, 48.0, 72.0)],
        ["ελληνικά ταχυδρομεία"] * 3,
    ),
    "Unicode case folding: ß is ss": (
        [("Straße Kurier", 6), ("STRASSE KURIER", 8), ("strasse kurier", 7), ("STRASSE KURIER", 9)],
        [("STRASSE KURIER", 4, 4, 0, 0, 7.0, 9.0)],
        ["strasse kurier"] * 4,
    ),
    "other carriers stay apart": (
        [("UPS", 10), ("USPS", 20), ("ups", 30), ("DHL", 1), ("DHL Express", 2), ("ＤＨＬ Ｐａｒｃｅｌ", 3)],
        [
            ("UPS", 2, 2, 0, 0, 10.0, 30.0),
            ("DHL", 1, 1, 0, 0, 1.0, 1.0),
            ("DHL Express", 1, 1, 0, 0, 2.0, 2.0),
            ("USPS", 1, 1, 0, 0, 20.0, 20.0),
            ("ＤＨＬ Ｐａｒｃｅｌ", 1, 1, 0, 0, 3.0, 3.0),
        ],
        ["ups", "usps", "ups", "dhl", "dhl express", "dhl parcel"],
    ),
    "one carrier made busier than another by its spellings": (
        [("DHL", 1), ("DHL", 2), ("ups", 3), ("UPS", 4), ("Ups", 5)],
        [("UPS", 3, 3, 0, 0, 4.0, 5.0), ("DHL", 2, 2, 0, 0, 1.0, 2.0)],
        ["dhl", "dhl", "ups", "ups", "ups"],
    ),
    "no carrier is its own row": (
        [(None, 10), ("ups", 20), (None, None)],
        [(None, 2, 1, 0, 0, 10.0, 10.0), ("ups", 1, 1, 0, 0, 20.0, 20.0)],
        [None, "ups", None],
    ),
    "respelled on a later write: the latest spelling shown": (
        [(("ups", "UPS"), 10), (("ups", "UPS"), 20), ("ups", 30)],
        [("UPS", 3, 3, 0, 0, 20.0, 30.0)],
        ["ups", "ups", "ups"],
    ),
    "another carrier on a later write": (
        [(("UPS", "DHL"), 10), ("UPS", 20)],
        [("DHL", 1, 1, 0, 0, 10.0, 10.0), ("UPS", 1, 1, 0, 0, 20.0, 20.0)],
        ["dhl", "ups"],
    ),
}


def _rounds(shipments: list[Shipment]) -> list[list[dict[str, Any]]]:
    """The shipment bodies to write, in two rounds: every shipment `in_transit`, then how each
    ended (a shipment still in transit has no second write)."""
    first, then = [], []
    for number, (carrier, ending) in enumerate(shipments):
        sent, last = carrier if isinstance(carrier, tuple) else (carrier, carrier)
        at = START + timedelta(hours=number)
        common = {"external_id": f"S-{number}"}
        first.append(shipment_body(**common, carrier=sent, status="in_transit", updated_at=_text(at)))
        if ending is None:
            continue
        status, hours = ("delivered", ending) if isinstance(ending, int) else (ending, 24)
        then.append(shipment_body(**common, carrier=last, status=status, updated_at=_text(at + timedelta(hours=hours))))
    return [first, then]


def _text(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


FIELDS = ("carrier", "shipments", "delivered", "failed", "returned", "medianHoursToDeliver", "p90HoursToDeliver")


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
@pytest.mark.parametrize(("shipments", "rows", "keys"), CASES.values(), ids=CASES.keys())
async def test_a_carriers_spellings_are_one_carrier(
    api: Api,
    write: Write,
    shipments: list[Shipment],
    rows: list[Row],
    keys: list[str | None],
) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    for bodies in _rounds(shipments):
        await write(api, bodies)

    answer = await gql(api, _CARRIERS, MAY)

    assert "errors" not in answer, answer
    assert answer["data"]["carrierPerformance"] == [dict(zip(FIELDS, row, strict=True)) for row in rows]
    assert [row["carrier_key"] for row in await api.rows("shipments")] == keys
