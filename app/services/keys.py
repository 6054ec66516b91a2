"""API keys: issued once, stored as SHA-256 hashes, scoped to a store, a team or everything;
live (`kanal_sk_live_…`) or test (`kanal_sk_test_…`, working in the test space of the
stores it covers, app/domain/livemode.py)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from sqlalchemy import BigInteger, Connection, bindparam, insert, or_, select, update

from app.db.compiled import PrecompiledStatement, Row
from app.db.database import Database
from app.db.tables import api_keys, stores
from app.domain.livemode import space_id
from app.domain.statuses import StoreStatus
from app.observability import facts

from .results import Record, utcnow
from .stores import Store, StoreError, exists, team_exists

KEY_PREFIX = "kanal_sk_live_"
TEST_KEY_PREFIX = "kanal_sk_test_"
_ALPHABET = string.ascii_letters + string.digits
_RANDOM_LENGTH = 32  # 32 base62 characters: about 190 bits
_SHOWN_LENGTH = 8  # random characters kept in the displayable prefix

STORE, TEAM, ADMIN = "store", "team", "admin"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


async def create_key(
    db: Database,
    *,
    store_id: int | None = None,
    team: str | None = None,
    admin: bool = False,
    name: str | None = None,
    test: bool = False,
) -> tuple[str, Record]:
    """Returns the key (shown once) and its stored record; `test` issues a test key. Raises
    StoreError for a store key of an unknown store, or a team key of a team no store belongs
    to (a typo: the key would reach nothing), creating no key."""
    scope = ADMIN if admin else TEAM if team is not None else STORE
    prefix = TEST_KEY_PREFIX if test else KEY_PREFIX
    raw = prefix + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))
    record = {
        "prefix": raw[: len(prefix) + _SHOWN_LENGTH],
        "key_hash": hash_key(raw),
        "scope": scope,
        "store_id": store_id if scope == STORE else None,
        "team": team if scope == TEAM else None,
        "name": name,
        "created_at": utcnow(),
        "revoked_at": None,
        "test": test,
    }

    def work(conn: Connection) -> None:
        if scope == STORE and (store_id is None or not exists(conn, store_id)):
            raise StoreError(f"Store {store_id} does not exist.")
        if scope == TEAM and (team is None or not team_exists(conn, team)):
            raise StoreError(f"No store belongs to team {team!r}.")
        conn.execute(insert(api_keys).values(record))

    await db.write(work)
    return raw, record


async def list_keys(db: Database) -> list[Record]:
    columns = [c for c in api_keys.c if c.name != "key_hash"]

    def work(conn: Connection) -> list[Record]:
        return [dict(row) for row in conn.execute(select(*columns).order_by(api_keys.c.id)).mappings()]

    return await db.read(work)


async def revoke_key(db: Database, key_or_prefix: str) -> int:
    """Revoke by full key or by the prefix `keys list` shows; returns how many were revoked
    (0: none matches, nothing changed)."""
    match = or_(api_keys.c.key_hash == hash_key(key_or_prefix), api_keys.c.prefix == key_or_prefix)
    statement = update(api_keys).where(match, api_keys.c.revoked_at.is_(None)).values(revoked_at=utcnow())
    return await db.write(lambda conn: conn.execute(statement).rowcount)


# --- Authorisation, checked in the order the API documents -------------------------------


class AuthFailure(Exception):
    """Base for the four documented failures."""


class MissingKey(AuthFailure):
    pass


class MalformedAuthorization(MissingKey):
    """An `Authorization` header that is not `Bearer <key>`: no key was read from it, so it is
    answered as a missing key (SPEC §2), with a challenge that says why (RFC 6750 §3.1)."""


class SeveralCredentials(MalformedAuthorization):
    """An `Authorization` naming more than one credential: sent on several lines, read as
    their values joined (RFC 9110 §5.3), or listed on one. Which key is meant is not known, so
    none is read; it is answered as a header that is not `Bearer <key>`, saying why."""


class PlaceholderKey(MalformedAuthorization):
    """`Bearer <your key>`: a documented example's placeholder, angle brackets included, sent
    as it stands (GraphiQL's Headers tab and the README write one). No key was read: answered
    as a missing key (SPEC §2), the challenge saying to put the key in its place."""


class InvalidKey(AuthFailure):
    pass


class StoreUnavailable(AuthFailure):
    pass


class StoreForbidden(AuthFailure):
    pass


# One statement: the key by its hash, and the requested store beside it. A path's store id is
# never negative (app.policies.ids), so this reads the live row, whatever the key.
_KEY_AND_STORE = PrecompiledStatement(
    select(
        api_keys.c.key_hash,
        api_keys.c.scope,
        api_keys.c.test,
        api_keys.c.store_id.label("key_store_id"),
        api_keys.c.team.label("key_team"),
        stores.c.id,
        stores.c.status,
        stores.c.team,
        stores.c.region,
        stores.c.rate_limit_per_minute,
    )
    .select_from(api_keys.outerjoin(stores, stores.c.id == bindparam("store_id", type_=BigInteger)))
    .where(api_keys.c.key_hash == bindparam("key_hash"), api_keys.c.revoked_at.is_(None))
)


def _key_and_store(conn: Connection, digest: str, store_id: int | None) -> Row | None:
    return _KEY_AND_STORE.first(conn, {"key_hash": digest, "store_id": store_id})


def bearer_token(authorization: str | None) -> str:
    """The key of `Authorization: Bearer <key>` (scheme case-insensitive, RFC 6750 §2.1);
    raises MissingKey without a header (or an empty one), SeveralCredentials for a list of them
    (`Bearer A, Bearer B`: the header's lines joined; a key holds no comma) or for keys
    listed a space apart (`Bearer A B`: RFC 6750 §2.1's token holds no whitespace), and
    MalformedAuthorization for another form (a bare key, `Basic …`, `Bearer` alone), and
    PlaceholderKey for a token in angle brackets (`<your key>`, `<API key>`), before any of
    these but the missing header: that is what a placeholder sent as it stands is."""
    if not authorization or not authorization.strip():
        raise MissingKey()
    if "," in authorization:
        raise SeveralCredentials()
    scheme, _, token = authorization.strip(" \t").partition(" ")
    token = token.strip(" \t")
    if token.startswith("<") and token.endswith(">"):  # no key holds "<" (`_ALPHABET`)
        raise PlaceholderKey()
    if scheme.lower() != "bearer" or not token:
        raise MalformedAuthorization()
    if " " in token or "\t" in token:  # HTTP's whitespace (RFC 9110 §5.6.3), not Unicode's
        raise SeveralCredentials()
    return token


def _authorized(row: Row) -> bool:
    if row["scope"] == ADMIN:
        return True
    if row["scope"] == TEAM:
        return row["team"] is not None and bool(row["team"] == row["key_team"])
    return bool(row["key_store_id"] == row["id"])


async def authorize(db: Database, authorization: str | None, store_id: int | None) -> Store:
    """Resolve `Authorization` + store id into the store, or raise the documented failure
    (SPEC §2's order; what each one says is `app.policies.access`). `store_id` None (a path
    that names no id, see `app.policies.ids`) is an unknown store. A test key gets the
    store's test space: the checks are the live store's, `Store.id` the test space's."""
    facts.note_store(store_id)  # the request log's `store`, whether or not the key may use it
    token = bearer_token(authorization)
    digest = hash_key(token)
    row = await db.auth_rows.read_through((digest, store_id), lambda: db.read(_key_and_store, digest, store_id))
    if row is None or not hmac.compare_digest(row["key_hash"], digest):
        raise InvalidKey()
    if row["id"] is None or row["status"] != StoreStatus.ACTIVE:
        raise StoreUnavailable()
    if not _authorized(row):
        raise StoreForbidden()
    space = space_id(row["id"], test=row["test"])
    return Store(id=space, region=row["region"], rate_limit_per_minute=row["rate_limit_per_minute"])
