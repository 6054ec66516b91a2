"""Webhook subscriptions per store: a URL, event patterns, a signing secret shown once; the
store's live events, and its test space's too when the subscription opted in."""

from __future__ import annotations

import ipaddress
import re
import secrets
from fnmatch import fnmatchcase

from sqlalchemy import Connection, func, insert, select, text, update
from yarl import URL

from app.db.database import Database
from app.db.tables import events, webhooks
from app.domain.event_types import EventType
from app.domain.livemode import space_id

from .results import Record, utcnow
from .stores import StoreError, exists


def new_secret() -> str:
    """A webhook's signing secret (`whsec_` and 43 URL-safe characters), shown once; see automations.signing."""
    return "whsec_" + secrets.token_urlsafe(32)


def matches(patterns: list[str], event_type: str) -> bool:
    """Patterns such as `order.*`, `shipment.created` or `*`."""
    return any(fnmatchcase(event_type, pattern) for pattern in patterns)


# An event pattern (README, Webhooks): dot-separated parts, each a name or `*` for any one.
_PATTERN = re.compile(r"(\*|[a-z_]+)(\.(\*|[a-z_]+))*")


def known_pattern(pattern: str) -> bool:
    """Whether `pattern` is an event pattern (`order.*`, `*.created`, `*`, a type) that matches
    some type: `order.**`, `o*` or `order.[cs]*`, which `fnmatch` would also read, are not."""
    return _PATTERN.fullmatch(pattern) is not None and any(matches([pattern], kind) for kind in EventType)


def spaces(store_id: int, test_events: bool) -> list[int]:
    """The internal store ids whose events a subscription of public store `store_id` receives:
    the live store's, and its test space's when it opted in (`test_events`)."""
    return [store_id, space_id(store_id, test=True)] if test_events else [store_id]


# A host name's label (RFC 1123; `_` as internal names use it), IDNs in their ASCII form.
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def check_url(url: str, what: str = "The webhook URL") -> str:
    """An absolute http(s) URL (scheme in any case) whose host is an IP address or a host
    name of RFC 1123 labels, its port, when given, 1 to 65535, and no space or control
    character anywhere (RFC 3986 §2 has none; an HTTP client refuses or misreads one): one a
    POST can reach (a webhook's, or the server `kanal import --url` sends to, `what` naming it
    in the refusal). Returns it; raises StoreError."""
    refusal = StoreError(
        f"{what} must be an http(s) URL with a host name or address, and a port from 1 to 65535: {url!r}."
    )
    if _SPACE_OR_CONTROL.search(url):  # yarl strips an outer one, and takes a tab or line break
        raise refusal
    try:
        parsed = URL(url)
        port, host = parsed.explicit_port, parsed.raw_host
    except ValueError:  # a port out of range, a malformed address
        raise refusal from None
    if parsed.scheme not in ("http", "https") or not host or port == 0:
        raise refusal
    if "%" in host and ":" not in host:  # percent-encoded (`ex%61mple.com`): the sender looks it up as written
        encoded = f"{what} must write its host name as it is, not percent-encoded (ex%61mple.com is example.com"
        raise StoreError(f"{encoded}; a name outside ASCII in its xn-- form): {url!r}.")
    if "%" in host:  # an IPv6 zone (`[fe80::1%25eth0]`): the sender looked it up as a name
        raise StoreError(
            f"{what} must name an IPv6 address without a zone (%eth0), which the sender cannot reach: {url!r}."
        )
    try:
        ipaddress.ip_address(host)
        return url
    except ValueError:
        pass
    if host.replace(".", "").isdigit():  # 256.1.1.1, 127.1, 2130706433, 127.0.0.1.: the sender
        # refuses a host of digits alone that is no canonical IPv4 address (aiohttp, on each POST)
        raise StoreError(f"{what} must name an IPv4 address as four numbers from 0 to 255 (127.0.0.1): {url!r}.")
    labels = host.rstrip(".").split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise refusal
    return url


MAX_URL_LENGTH = 1024  # webhooks.url's


def check_webhook_url(url: str) -> str:
    """A webhook's URL: `check_url`'s, at most MAX_URL_LENGTH characters (PostgreSQL's column
    refused a longer one with a traceback, SQLite stored it), with no user or password (shown
    wherever its deliveries are, a store key's GraphQL `deliveries { url }` included; each
    delivery is signed for the endpoint to check instead) and no fragment (never sent).
    Returns it; raises StoreError."""
    check_url(url)
    if len(url) > MAX_URL_LENGTH:
        raise StoreError(f"The webhook URL must be at most {MAX_URL_LENGTH:,} characters; this one has {len(url):,}.")
    parsed = URL(url)
    if parsed.raw_user is not None or parsed.raw_password is not None:
        raise StoreError(
            "The webhook URL must carry no user or password (user:password@), which would be shown wherever its "
            "deliveries are: each delivery is signed (Kanal-Signature) for the endpoint to check instead."
        )
    if "#" in url:
        raise StoreError(f"The webhook URL must have no fragment (#…), which a POST never sends: {url!r}.")
    return url


def check_patterns(patterns: list[str]) -> list[str]:
    """`patterns` if each is a `known_pattern`; raises StoreError naming those that are not."""
    unknown = [pattern for pattern in patterns if not known_pattern(pattern)]
    if unknown:
        raise StoreError(f"No event type matches {', '.join(unknown)}; types: {', '.join(EventType)}.")
    return patterns


async def add_webhook(
    db: Database, store_id: int, url: str, patterns: list[str] | None = None, *, test_events: bool = False
) -> Record:
    """Subscribe `url` to public store `store_id`'s events matching `patterns` (all by
    default; each kept once, in the order first given), its test space's too with
    `test_events`. Raises StoreError."""
    record = webhook_record(store_id, url, patterns, test_events=test_events)
    return {**record, "id": await db.write(insert_webhook, record)}


def webhook_record(store_id: int, url: str, patterns: list[str] | None, *, test_events: bool) -> Record:
    """The row `add_webhook` writes, its URL and patterns checked, without its id. Raises StoreError."""
    check_webhook_url(url)
    # A pattern given twice (`--events a a`, `--events a --events a`) matches nothing more.
    patterns = check_patterns(list(dict.fromkeys(patterns or ["*"])))
    return {
        "store_id": store_id,
        "url": url,
        "secret": new_secret(),
        "events": patterns,
        "created_at": utcnow(),
        "removed_at": None,
        "test_events": test_events,
    }


def insert_webhook(conn: Connection, record: Record) -> int:
    """Writes `record` (`webhook_record`) with its first event, the id the outbox's next event
    takes (`dispatch.subscribed`); its id. StoreError when its store does not exist.

    On PostgreSQL the outbox is locked against writes (SHARE) until the transaction ends: every
    event a transaction in flight writes has committed first, below that id, and every later one
    takes an id past it and commits after the webhook. (SQLite: one writer, ids in commit order.)"""
    store_id = record["store_id"]
    if not exists(conn, store_id):
        raise StoreError(f"Store {store_id} does not exist.")
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE events IN SHARE MODE"))
    first = int(conn.scalar(select(func.coalesce(func.max(events.c.id), 0))) or 0) + 1
    added = insert(webhooks).values({**record, "first_event_id": first}).returning(webhooks.c.id)
    webhook_id: int = conn.execute(added).scalar_one()
    return webhook_id


async def list_webhooks(db: Database, store_id: int | None = None) -> list[Record]:
    """Active webhooks, of every store or of `store_id`; StoreError for an unknown store (an
    empty list would read as a store with none)."""
    query = select(webhooks).where(webhooks.c.removed_at.is_(None)).order_by(webhooks.c.id)
    if store_id is not None:
        query = query.where(webhooks.c.store_id == store_id)

    def work(conn: Connection) -> list[Record]:
        if store_id is not None and not exists(conn, store_id):
            raise StoreError(f"Store {store_id} does not exist.")
        return [dict(row) for row in conn.execute(query).mappings()]

    return await db.read(work)


async def remove_webhook(db: Database, webhook_id: int) -> None:
    statement = (
        update(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.removed_at.is_(None)).values(removed_at=utcnow())
    )
    if await db.write(lambda conn: conn.execute(statement).rowcount) == 0:
        raise StoreError(f"No active webhook {webhook_id}.")
