"""A store's timezone: the IANA zone its dashboards count days in (issue 16; README, "Store
timezone")."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

UTC_ZONE = "UTC"


class UnknownTimezone(ValueError):
    """Not an IANA timezone name of the installed tz database (`tzdata`)."""


def checked_timezone(name: str) -> str:
    """`name` if it is an IANA timezone (`Europe/Paris`, `UTC`); raises UnknownTimezone."""
    if name not in _zones():
        raise UnknownTimezone(f"Unknown timezone {name!r}: use an IANA name such as Europe/Paris or UTC.")
    return name


def default_timezone(region: str) -> str:
    """The zone of `region` (ISO 3166 alpha-2) when all its zones keep one time: the first of
    tz's `zone.tab` for the country (its most populous) when every zone listed for it has the
    same UTC offset on each first day of the months of a year (FR: Europe/Paris; DE: Berlin and
    Büsingen agree). A region whose zones differ (US, BR, ES with the Canaries) or that tz does
    not list gets UTC: the shop sets its own."""
    zones = _zones_by_region().get(region.upper(), [])
    if not zones:
        return UTC_ZONE
    year = 2026  # a fixed year: a store's default must not depend on the day it is created
    samples = [datetime(year, month, 1, 12, tzinfo=UTC) for month in range(1, 13)]
    offsets = {tuple(moment.astimezone(ZoneInfo(zone)).utcoffset() for moment in samples) for zone in zones}
    return zones[0] if len(offsets) == 1 else UTC_ZONE


@cache
def _zones() -> frozenset[str]:
    """The zones of the `tzdata` package (its `zones` list), which every process can load
    whatever the host has: the host's zone files also hold `localtime` (the host's own zone,
    a link) and `posixrules`, and tz holds `Factory` (no place), none of which browsers'
    `Intl` knows, nor another host."""
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(listed) - {"Factory"}


@cache
def _zones_by_region() -> dict[str, list[str]]:
    """tz's `zone.tab`: country code, coordinates, zone; a country's most populous zone first."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_ = line.split("\t")
            found.setdefault(country, []).append(zone)
    return found
