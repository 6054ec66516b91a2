"""Stores: the tenants every path names, each with its test space (app/domain/livemode.py):
a twin row created with the store and changed with it, which listings never show."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.config import MAX_RATE_LIMIT_PER_MINUTE, MAX_RECOVERY_DELAY_MINUTES
from app.db.database import Database
from app.db.tables import stores
from app.domain.automations import Automation
from app.domain.livemode import MAX_STORE_ID, is_live, public_store_id, space_id
from app.domain.rules.consent_policy import COLUMN, DEFAULT, Requirement
from app.domain.statuses import StoreStatus
from app.domain.timezones import UnknownTimezone, checked_timezone, default_timezone

from .results import Record, utcnow


@dataclass(frozen=True)
class Store:
    """The store a request works in, as its key resolved it: `id` is the internal id of the
    space (the store's own id with a live key, its test space's with a test key), the one
    every query and write is scoped by."""

    id: int
    region: str
    rate_limit_per_minute: int | None = None

    @property
    def livemode(self) -> bool:
        return is_live(self.id)

    @property
    def public_id(self) -> int:
        return public_store_id(self.id)


class StoreError(ValueError):
    pass


def exists(conn: Connection, store_id: int) -> bool:
    """Whether public store `store_id` exists (a test space's id names none)."""
    return is_live(store_id) and conn.scalar(select(stores.c.id).where(stores.c.id == store_id)) is not None


def team_exists(conn: Connection, team: str) -> bool:
    """Whether a store belongs to `team` (as written: a key's team matches a store's exactly)."""
    return conn.scalar(select(stores.c.id).where(stores.c.team == team).limit(1)) is not None


def _check_id(store_id: int) -> int:
    if not 0 <= store_id <= MAX_STORE_ID:
        raise StoreError(f"A store id is a whole number from 0 to {MAX_STORE_ID}.")
    return store_id


def check_region(region: str) -> str:
    """`region` in capitals if it is one phone numbers are read for (ISO 3166 alpha-2); raises
    StoreError."""
    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise StoreError(f"Unknown region {region!r}: use an ISO 3166 alpha-2 code such as FR.")
    return region


def check_timezone(name: str) -> str:
    """`name` if it is an IANA timezone; raises StoreError."""
    try:
        return checked_timezone(name)
    except UnknownTimezone as exc:
        raise StoreError(str(exc)) from None


async def create_store(
    db: Database, store_id: int, name: str, region: str, team: str | None = None, timezone: str | None = None
) -> Record:
    """Create store `store_id` and its test space; its timezone (IANA) defaults to its region's
    (`default_timezone`). Raises StoreError for an id out of range, an unknown region or
    timezone, or an id already taken."""
    region = check_region(region)
    values = {
        "id": _check_id(store_id),
        "name": name,
        "status": StoreStatus.ACTIVE,
        "region": region,
        "timezone": default_timezone(region) if timezone is None else check_timezone(timezone),
        "team": team,
        "rate_limit_per_minute": None,
        "created_at": utcnow(),
        **{COLUMN[automation]: requirement for automation, requirement in DEFAULT.items()},
    }
    try:
        test_space = {**values, "id": space_id(store_id, test=True)}
        await db.write(lambda conn: conn.execute(insert(stores), [values, test_space]))
    except IntegrityError:
        raise StoreError(f"Store {store_id} already exists.") from None
    return values


async def list_stores(db: Database) -> list[Record]:
    """Every store (their test spaces are not stores of their own)."""
    query = select(stores).where(stores.c.id >= 0).order_by(stores.c.id)

    def work(conn: Connection) -> list[Record]:
        return [dict(row) for row in conn.execute(query).mappings()]

    return await db.read(work)


async def _set(db: Database, store_id: int, **values: object) -> None:
    """Change public store `store_id` and its test space alike (a test key meets the store's
    status, limits, delay and timezone)."""
    spaces = [store_id, space_id(store_id, test=True)] if is_live(store_id) else []

    def work(conn: Connection) -> int:
        return conn.execute(update(stores).where(stores.c.id.in_(spaces)).values(**values)).rowcount

    changed = await db.write(work)
    if changed == 0:
        raise StoreError(f"Store {store_id} does not exist.")


async def pause(db: Database, store_id: int) -> None:
    await _set(db, store_id, status=StoreStatus.PAUSED)


async def resume(db: Database, store_id: int) -> None:
    await _set(db, store_id, status=StoreStatus.ACTIVE)


async def set_rate_limit(db: Database, store_id: int, per_minute: int | None) -> None:
    """Raises StoreError outside 1 to `MAX_RATE_LIMIT_PER_MINUTE` (None: the default limit)."""
    if per_minute is not None and not 1 <= per_minute <= MAX_RATE_LIMIT_PER_MINUTE:
        raise StoreError(f"The rate limit must be from 1 to {MAX_RATE_LIMIT_PER_MINUTE:,} requests per minute.")
    await _set(db, store_id, rate_limit_per_minute=per_minute)


async def set_recovery_delay(db: Database, store_id: int, minutes: int) -> None:
    """Raises StoreError outside 0 to `MAX_RECOVERY_DELAY_MINUTES` (a year)."""
    if not 0 <= minutes <= MAX_RECOVERY_DELAY_MINUTES:
        raise StoreError(f"The recovery delay must be from 0 to {MAX_RECOVERY_DELAY_MINUTES:,} minutes (a year).")
    await _set(db, store_id, recovery_delay_minutes=minutes)


async def set_timezone(db: Database, store_id: int, timezone: str) -> None:
    """The IANA zone the store's dashboards count days in; raises StoreError."""
    await _set(db, store_id, timezone=check_timezone(timezone))


NO_AUTOMATION_NAMED = "Name an automation: --cart-recovery and/or --shipping-notification."


async def set_consent_policy(db: Database, store_id: int, requirements: dict[Automation, str]) -> None:
    """The consent each named automation needs from now on (`app.domain.rules.consent_policy.Requirement`
    values); automations not named keep theirs. Raises StoreError for an unknown requirement,
    none named, or an unknown store."""
    if not requirements:
        raise StoreError(NO_AUTOMATION_NAMED)
    choices = ", ".join(Requirement)
    for automation, requirement in requirements.items():
        if requirement not in set(Requirement):
            raise StoreError(f"Unknown requirement {requirement!r} for {automation}: use one of {choices}.")
    await _set(db, store_id, **{COLUMN[automation]: requirement for automation, requirement in requirements.items()})


async def get_store(db: Database, store_id: int) -> Record | None:
    """The row of a space by its internal id (`Store.id`), or None."""

    def work(conn: Connection) -> Record | None:
        row = conn.execute(select(stores).where(stores.c.id == store_id)).mappings().first()
        return dict(row) if row else None

    return await db.read(work)
