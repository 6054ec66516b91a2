"""Issue 15 (README, "WhatsApp consent"): migration 0013 adds consent per purpose to contacts
(never given on existing contacts: not_subscribed), the consent history, the stores' consent
policy (existing stores get the default), and the automation reason on events (none on existing
events, which are delivered as before); `kanal stores set-consent-policy` changes the policy and
`kanal stores list` shows it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.db.migrate import upgrade
from app.db.tables import consent_changes, contacts, events, stores
from tests.db.migrated import run

BEFORE = "0012"  # the revision url_before is at


async def test_existing_rows_get_the_defaults(url_before: str) -> None:
    now = datetime(2026, 5, 18, tzinfo=UTC)

    def seed(conn: Any) -> None:  # the columns 0012 has
        conn.execute(stores.insert().values(id=1, name="S", status="active", region="FR", created_at=now))
        conn.execute(
            contacts.insert().values(id=1, store_id=1, phone="+33612345678", revision=1, created_at=now, updated_at=now)
        )
        conn.execute(
            events.insert().values(
                event_id="e-1",
                store_id=1,
                type="shipment.created",
                subject_type="shipment",
                subject_id=1,
                contact_id=1,
                data={},
                backfill=False,
                created_at=now,
            )
        )

    await run(url_before, seed)
    await asyncio.to_thread(upgrade, url_before, "0013")

    def read(conn: Any) -> Any:
        store = conn.execute(select(stores.c.cart_recovery_consent, stores.c.shipping_notification_consent)).one()
        contact = conn.execute(select(contacts.c.marketing_consent, contacts.c.utility_consent)).one()
        event = conn.execute(select(events.c.automation, events.c.reason)).one()
        history = conn.scalar(select(func.count()).select_from(consent_changes))
        return tuple(store), tuple(contact), tuple(event), history

    assert await run(url_before, read) == (("subscribed", "not_unsubscribed"), (None, None), (None, None), 0)


def _listed(capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str]]:
    """The two policy columns of `kanal stores list` (the last two, so an empty team is no matter)."""
    capsys.readouterr()
    main(["stores", "list"])
    header, *rows = capsys.readouterr().out.splitlines()
    assert re.split(r"\s{2,}", header)[-2:] == ["cart recovery", "shipping notification"]
    return [tuple(re.split(r"\s{2,}", row)[-2:]) for row in rows]  # type: ignore[misc]


def test_set_the_consent_policy(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["stores", "create", "--id", "1", "--name", "Shop", "--region", "FR"])
    main(["stores", "create", "--id", "2", "--name", "Other", "--region", "FR"])
    assert _listed(capsys) == [("subscribed", "not_unsubscribed")] * 2
    main(["stores", "set-consent-policy", "1", "--cart-recovery", "any"])
    assert capsys.readouterr().out == (
        "Store 1: cart recovery needs any (marketing), shipping notifications need not_unsubscribed (utility).\n"
    )
    main(["stores", "set-consent-policy", "2", "--shipping-notification", "subscribed"])
    capsys.readouterr()
    assert _listed(capsys) == [("any", "not_unsubscribed"), ("subscribed", "subscribed")]


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["1", "--cart-recovery", "yes"], 2, "argument --cart-recovery: invalid choice: 'yes' (choose from "),
        (["1"], 2, "Name an automation: --cart-recovery and/or --shipping-notification."),
        (["9", "--cart-recovery", "any"], 1, "Store 9 does not exist."),
    ],
)
def test_a_bad_policy_is_refused_and_changes_nothing(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], arguments: list[str], code: int, message: str
) -> None:
    main(["stores", "create", "--id", "1", "--name", "Shop", "--region", "FR"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["stores", "set-consent-policy", *arguments])
    assert exited.value.code == code
    assert message in capsys.readouterr().err
    assert _listed(capsys) == [("subscribed", "not_unsubscribed")]
