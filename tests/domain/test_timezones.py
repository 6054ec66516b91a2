"""A store's timezone (issue 16; README, "Store timezone"): its region's zone where the region
keeps one time, else UTC; only IANA names are accepted."""

from __future__ import annotations

import pytest

from app.domain.timezones import UnknownTimezone, checked_timezone, default_timezone

DEFAULTS = {
    "FR": "Europe/Paris",
    "fr": "Europe/Paris",
    "DE": "Europe/Berlin",  # Büsingen keeps Berlin's time
    "GB": "Europe/London",
    "IN": "Asia/Kolkata",
    "JP": "Asia/Tokyo",
    "PE": "America/Lima",
    "AR": "America/Argentina/Buenos_Aires",
    "US": "UTC",  # many zones
    "BR": "UTC",
    "ES": "UTC",  # the Canaries keep another time
    "AU": "UTC",
    "ZZ": "UTC",  # no such region in the tz database
}


@pytest.mark.parametrize(("region", "zone"), DEFAULTS.items())
def test_the_default_is_the_regions_one_zone(region: str, zone: str) -> None:
    assert default_timezone(region) == zone


@pytest.mark.parametrize("name", ["Europe/Paris", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+5"])
def test_iana_names_are_accepted(name: str) -> None:
    assert checked_timezone(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "europe/paris",
        "Paris",
        "CEST",
        "+02:00",
        "",
        "../etc/passwd",
        "Europe/Paris ",
        "localtime",
        "Factory",
        "posixrules",
    ],
)
def test_other_names_are_refused(name: str) -> None:
    with pytest.raises(UnknownTimezone, match="IANA"):
        checked_timezone(name)


def test_every_accepted_name_loads_from_the_tzdata_package_alone() -> None:
    """A host's own zone files are not consulted: a zone set on one host loads on any other."""
    import zoneinfo

    from app.domain import timezones

    zoneinfo.reset_tzpath(to=[])
    try:
        for name in timezones._zones():
            zoneinfo.ZoneInfo.no_cache(name)
    finally:
        zoneinfo.reset_tzpath()
