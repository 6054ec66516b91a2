"""rules.same_tracking: the spellings of one parcel and one carrier compare equal; another
parcel, carrier or URL, or a first value where there was none, does not."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.rules.same_tracking import carrier_key, same_tracking, tracking_number_key

NUMBER = "1Z999AA10123456784"
STORED = {"tracking_number": NUMBER, "tracking_url": "https://track.example.com/1Z999", "carrier": "Colissimo"}

SAME: dict[str, dict[str, Any]] = {
    "a replay": {},
    "number grouped by spaces": {"tracking_number": "1Z 999 AA1 0123 456 784"},
    "number grouped by hyphens": {"tracking_number": "1Z-999-AA1-0123-456-784"},
    "number with a dash other than -": {"tracking_number": "1Z\u2010999\u2013AA10123456784"},
    "number with other whitespace": {"tracking_number": "\t1Z\u00a0999AA10123456784\n"},
    "number in lower case": {"tracking_number": NUMBER.lower()},
    "carrier in upper case": {"carrier": "COLISSIMO"},
    "carrier with whitespace around": {"carrier": " colissimo\t"},
    "number in full-width characters": {"tracking_number": "１Ｚ９９９ＡＡ１０１２３４５６７８４"},
    "number in full-width, grouped by ideographic spaces": {
        "tracking_number": "１Ｚ\u3000９９９ＡＡ１０１２３４５６７８４"
    },
    "carrier in full-width characters": {"carrier": "ＣＯＬＩＳＳＩＭＯ"},
}
DIFFERENT: dict[str, dict[str, Any]] = {
    "other digits": {"tracking_number": "1Z 999 AA1 0123 456 785"},
    "a number removed": {"tracking_number": None},
    "another carrier": {"carrier": "Colissimo Express"},
    "another carrier in full-width characters": {"carrier": "Ｃｏｌｉｓｓｉｍｏ Ｅｘｐｒｅｓｓ"},
    "other full-width digits": {"tracking_number": "１Ｚ９９９ＡＡ１０１２３４５６７８５"},
    "a carrier removed": {"carrier": None},
    "the URL in another case": {"tracking_url": "https://track.example.com/1z999"},
    "another URL": {"tracking_url": "https://track.example.com/other"},
}


@pytest.mark.parametrize("changes", SAME.values(), ids=SAME.keys())
def test_a_respelling_is_the_same_tracking(changes: dict[str, Any]) -> None:
    assert same_tracking(STORED, {**STORED, **changes})


@pytest.mark.parametrize("changes", DIFFERENT.values(), ids=DIFFERENT.keys())
def test_a_real_change_is_not(changes: dict[str, Any]) -> None:
    assert not same_tracking(STORED, {**STORED, **changes})
    assert not same_tracking({**STORED, **changes}, STORED)


def test_a_first_value_is_a_change() -> None:
    assert not same_tracking({"tracking_number": None, "tracking_url": None, "carrier": None}, STORED)


KEYS = {
    "a number's whitespace and dashes": (tracking_number_key, " 1z 999-aa1 ", "1z999aa1"),
    "a number in full-width characters": (tracking_number_key, "１ｚ９９９－ａａ１", "1z999aa1"),
    "a carrier's whitespace": (carrier_key, "  La \t  POSTE ", "la poste"),
    "a carrier in full-width characters": (carrier_key, "ＤＨＬ", "dhl"),
    "a carrier in half-width katakana": (carrier_key, "ﾔﾏﾄ運輸", "ヤマト運輸"),
    "a carrier's ideographic space": (carrier_key, "佐川\u3000急便", "佐川 急便"),
    "a carrier's ß": (carrier_key, "Straße", "strasse"),
    "a ligature, folded then in compatibility form": (carrier_key, "ﬄ", "ffl"),
    "no number": (tracking_number_key, None, None),
    "no carrier": (carrier_key, None, None),
}


@pytest.mark.parametrize(("key", "sent", "compared"), KEYS.values(), ids=KEYS.keys())
def test_the_keys(key: Any, sent: str | None, compared: str | None) -> None:
    assert key(sent) == compared
