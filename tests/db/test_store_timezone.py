"""A store's timezone (issue 16; README, "Store timezone"): set at `kanal stores create
--timezone` or from the region, changed with `kanal stores set-timezone`, listed; migration 0007
gives stores created before their region's zone."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app.cli import main
from app.db.migrate import upgrade
from app.db.tables import stores
from tests.db.migrated import run

BEFORE = "0006"  # the revision url_before is at


def _listed_timezones(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The timezone column of `kanal stores list` (a header line, columns two spaces apart)."""
    main(["stores", "list"])
    header, *rows = capsys.readouterr().out.splitlines()
    column = re.split(r"\s{2,}", header).index("timezone")
    return [re.split(r"\s{2,}", row)[column] for row in rows]


def test_create_with_a_timezone_and_change_it(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["stores", "create", "--id", "1", "--name", "Lima shop", "--region", "PE"])
    main(["stores", "create", "--id", "2", "--name", "NY shop", "--region", "US", "--timezone", "America/New_York"])
    main(["stores", "create", "--id", "3", "--name", "Big shop", "--region", "US"])
    main(["stores", "set-timezone", "3", "America/Chicago"])
    out = capsys.readouterr().out
    assert "Created store 1 (Lima shop, region PE, timezone America/Lima)." in out
    assert "Created store 2 (NY shop, region US, timezone America/New_York)." in out
    assert "Store 3: timezone America/Chicago." in out
    assert _listed_timezones(capsys) == ["America/Lima", "America/New_York", "America/Chicago"]


@pytest.mark.parametrize(
    "command",
    [
        ["stores", "create", "--id", "9", "--name", "X", "--region", "FR", "--timezone", "Paris"],
        ["stores", "set-timezone", "1", "CEST"],
    ],
)
def test_an_unknown_timezone_is_refused_and_changes_nothing(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    main(["stores", "create", "--id", "1", "--name", "Shop", "--region", "FR"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(command)
    assert exited.value.code == 2  # an argument error (tests/config/test_cli_values_are_argument_errors.py)
    assert "use an IANA name such as Europe/Paris or UTC" in capsys.readouterr().err
    assert _listed_timezones(capsys) == ["Europe/Paris"]


async def test_stores_created_before_get_their_regions_zone(url_before: str) -> None:
    now = datetime(2026, 5, 18, tzinfo=UTC)
    regions = {1: "FR", 2: "US", 3: "JP", 4: "FR"}

    def seed(conn: Any) -> None:  # the columns 0006 has: no timezone
        for store_id, region in regions.items():
            conn.execute(stores.insert().values(id=store_id, name="S", status="active", region=region, created_at=now))

    await run(url_before, seed)
    await asyncio.to_thread(upgrade, url_before, "0007")
    query = select(stores.c.id, stores.c.timezone).order_by(stores.c.id)
    zones = await run(url_before, lambda conn: conn.execute(query).all())
    assert [tuple(row) for row in zones] == [(1, "Europe/Paris"), (2, "UTC"), (3, "Asia/Tokyo"), (4, "Europe/Paris")]
