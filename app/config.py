"""Settings read from the environment, once, when the app or CLI starts.

Every variable is checked before anything starts (README, Configuration): a value outside
its range or forms is a `ConfigError` naming the variable, the value and what it may be. An
empty variable is an unset one (its default)."""

from __future__ import annotations

import os
import re
import shlex
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from limits.storage import SCHEMES
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.driver_options import asyncpg_option_must_be, sqlite_option_must_be
from app.rate_limit_storage import build_connection, driver_missing, open_storage, storage_option_must_be
from app.sqlite_uri import check_parameters

# PostgreSQL's `integer` columns; also a C int, which SQLite's busy_timeout and PostgreSQL's
# statement_timeout (both in milliseconds) take.
INT32_MAX = 2**31 - 1
# A store's settings (`kanal stores set-rate-limit`, `set-recovery-delay`): the columns are
# 32-bit integers on PostgreSQL; a delay of more than a year recovers no cart, and one past
# what a date holds stopped every worker pass, for every store.
MAX_RATE_LIMIT_PER_MINUTE = INT32_MAX
MAX_RECOVERY_DELAY_MINUTES = 365 * 24 * 60
# A century: older than any event, and still a date when taken from now (timedelta and
# datetime end at year 9999).
MAX_AGE = timedelta(days=100 * 365)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/kanal.db"
# The async drivers the engines and the migrations run on.
DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
MAX_BODY_BYTES = 2**30  # PostgreSQL's largest field value
MAX_READ_TIMEOUT_SECONDS = INT32_MAX / 1000  # statement_timeout, a C int of milliseconds
MAX_SQLITE_READERS = 256  # threads per lane, each with a connection: far past any core count
MAX_READ_STEPS = 10**9  # SQLite VM steps: seconds of work, past any read budget
MAX_WORKER_INTERVAL_SECONDS = 3600.0  # the worker prunes hourly: a longer pause skips a prune
MAX_WEBHOOK_BACKOFF_SECONDS = 6 * 3600.0  # the retry delay's cap (app.automations.delivery.Backoff)
MAX_WEBHOOK_ATTEMPTS = 1000  # a retry delay doubles as a float, which ends at 2**1023
MAX_WORKER_IN_FLIGHT = 100_000  # deliveries one worker holds in memory at once
MAX_WEBHOOK_CONCURRENCY = 1000  # POSTs at once to one endpoint: more is a flood
MAX_WEBHOOK_TIMEOUT_SECONDS = 60.0  # a slower endpoint holds its deliveries' lease too long
SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")  # SQLite's PRAGMA synchronous levels
IN_PROCESS_WORKER = ("auto", "true", "false", "1", "0", "yes", "no", "on", "off")
# The storages the `limits` library opens asynchronously, as KANAL_RATE_LIMIT_STORAGE names them.
RATE_LIMIT_SCHEMES = tuple(sorted(scheme.removeprefix("async+") for scheme in SCHEMES if scheme.startswith("async+")))
# The storages whose URI path is a Redis database number (redis+unix's is the socket's file).
REDIS_DATABASE_SCHEMES = ("redis", "rediss", "valkey", "valkeys")
# What a bearer token can carry in an Authorization header as one word: visible ASCII.
METRICS_TOKEN = r"^[!-~]+$"
# A whole-number setting's text: ASCII digits, a sign, spaces around (README: "written in digits").
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")


def _env(name: str, allowed: str, default: Any) -> Any:
    """A field read from the environment variable `name`; `allowed` is what an error says it may be."""
    return Field(default, validation_alias=name, description=allowed)


def _number(
    name: str, default: float, low: float, high: float, unit: str = "", above: bool = False, zero: str = ""
) -> Any:
    """A numeric field of `name` from `low` (more than it with `above`) to `high`, whole if its
    default is; `zero` says what 0 means where 0 is allowed."""
    kind = ("a whole number" if isinstance(default, int) else "a number") + (f" of {unit}" if unit else "")
    start = f"more than {_figure(low)}," if above else f"from {_figure(low)}" + (f" ({zero})" if zero else "")
    allowed = f"{kind} {start} {'at most' if above else 'to'} {_figure(high)}"
    return Field(
        default,
        validation_alias=name,
        description=allowed,
        gt=low if above else None,
        ge=None if above else low,
        le=high,
    )


def _figure(number: float) -> str:
    return f"{number:,.0f}" if number == int(number) else f"{number:,}"


class ConfigError(Exception):
    """Settings outside their ranges: one line per variable (`NAME=value: must be …`)."""


# asyncpg's `ssl` modes (libpq's names): asyncpg.connect_utils.SSLMode.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
GSS_LIBRARIES = ("gssapi", "sspi")  # asyncpg's `gsslib`
DIRECT_TLS_MODES = ("require", "verify-ca", "verify-full")  # the `ssl` asyncpg's direct TLS takes


class MustBe(ValueError):
    """A setting refused with what it must be, said in its `error:` line in place of the
    setting's description (which names no option of a URL)."""


def _asyncpg_session_attrs() -> tuple[str, ...]:
    """The `target_session_attrs` asyncpg takes, from asyncpg itself (its SessionAttribute):
    imported here, when a URL names the option, so that other commands do not load asyncpg."""
    from asyncpg.connect_utils import SessionAttribute  # type: ignore[import-untyped]

    return tuple(attribute.value for attribute in SessionAttribute)


def _blank_option(text: str) -> str | None:
    """What DATABASE_URL must be when its query gives an option no value (`mode=`, `ssl=`):
    SQLAlchemy drops it, so the driver's default was used where the operator meant something
    else (SQLite itself refuses `mode=`); None otherwise."""
    for name, value in parse_qsl(query_as_written(text), keep_blank_values=True):
        if not value:
            return f"a URL whose {name} has a value, not none"
    return None


def _given_twice(url: URL) -> str | None:
    """What DATABASE_URL must be when its query gives an option twice (SQLAlchemy hands the
    driver both as one tuple, which asyncpg refused with its values list and SQLite took as a
    mode `('ro', 'rw')`); None otherwise. asyncpg's `host` may be given once per host."""
    for name, value in url.query.items():
        if isinstance(value, tuple) and not (name == "host" and url.get_backend_name() == "postgresql"):
            return f"a URL giving {name} once, not {len(value)} times"
    return None


def _postgres_option_must_be(url: URL) -> str | None:
    """What DATABASE_URL must be when its query gives asyncpg an option it would refuse on
    connecting with a message that names neither the variable nor the values it takes (a
    `target_session_attrs` or `ssl` it does not know, as a ClientConfigurationError read as the
    database being unavailable), or libpq's `sslmode`, which asyncpg does not read; None
    otherwise (other options: `_driver_refuses`)."""
    if url.get_backend_name() != "postgresql":
        return None
    sslmode = url.query.get("sslmode")
    if sslmode is not None:
        suggested = sslmode if sslmode in SSL_MODES else "require"
        return (
            f"a URL with ssl={suggested}, not sslmode={sslmode}: asyncpg takes ssl ({', '.join(SSL_MODES)}), "
            "not libpq's sslmode"
        )
    ssl = url.query.get("ssl")
    if ssl is not None and ssl not in SSL_MODES:
        return f"a URL whose ssl is one of {', '.join(SSL_MODES)}"
    gsslib = url.query.get("gsslib")
    if gsslib is not None and gsslib not in GSS_LIBRARIES:
        return f"a URL whose gsslib is one of {', '.join(GSS_LIBRARIES)}"
    cache = url.query.get("prepared_statement_cache_size")
    if isinstance(cache, str) and not (cache.isascii() and cache.isdigit()):
        # SQLAlchemy's cache took -1 and then trimmed itself forever, every command hanging
        return "a URL whose prepared_statement_cache_size is a whole number, 0 or more (0: none kept)"
    attrs = url.query.get("target_session_attrs")
    if attrs is not None and attrs not in (allowed := _asyncpg_session_attrs()):
        return f"a URL whose target_session_attrs is one of {', '.join(allowed)}"
    return None


# libpq's variables asyncpg reads where DATABASE_URL gives no such option, each taking one of
# a few values: variable -> (the URL's option, or None: a URL gives none; its values, or None:
# the session attributes).
PG_VARIABLES: dict[str, tuple[str | None, tuple[str, ...] | None]] = {
    "PGSSLMODE": ("ssl", SSL_MODES),
    "PGTARGETSESSIONATTRS": ("target_session_attrs", None),
    "PGGSSLIB": ("gsslib", GSS_LIBRARIES),
    "PGSSLNEGOTIATION": (None, ("postgres", "direct")),
}


def _pg_variables_refused(url: URL, environ: Mapping[str, str]) -> list[str]:
    """One `NAME=value: must be …` line per libpq variable in `environ` that asyncpg would read
    for `url` and refuse on connecting (`PG_VARIABLES`; an empty one too, which asyncpg reads as
    given), as the database being unavailable (`PGTARGETSESSIONATTRS=bogus`: `… expected to be
    one of <built-in method values of mappingproxy …>`). None for SQLite."""
    if url.get_backend_name() != "postgresql":
        return []
    refused = []
    for name, (option, values) in PG_VARIABLES.items():
        if name not in environ or option in url.query:
            continue
        allowed = values if values is not None else _asyncpg_session_attrs()
        if environ[name] not in allowed:
            where = "" if option is None else f" where DATABASE_URL gives no {option}="
            refused.append(
                f"{name}={shlex.quote(environ[name])}: must be one of {', '.join(allowed)} (asyncpg reads it{where})"
            )
    ssl = url.query.get("ssl") or environ.get("PGSSLMODE")
    if environ.get("PGSSLNEGOTIATION") == "direct" and ssl not in DIRECT_TLS_MODES:
        refused.append(
            f"PGSSLNEGOTIATION=direct: must be postgres where ssl is not {', '.join(DIRECT_TLS_MODES)} "
            f"(direct TLS takes one of them: give ssl= in DATABASE_URL, or PGSSLMODE)"
        )
    return refused


def _driver_refuses(url: URL) -> str | None:
    """Why the driver of `url` (sqlite+aiosqlite or postgresql+asyncpg) would refuse, or drop,
    its query's options on connecting, where no check of `app.driver_options` says what the URL
    must be; None when it takes them all. SQLAlchemy converts some of them for the driver: a
    value it cannot convert failed only on connecting, a traceback; one it drops, with a
    warning, was ignored."""
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        try:
            url.get_dialect()().create_connect_args(url)
        except (TypeError, ValueError, ArgumentError) as exc:  # a value SQLAlchemy converts for the driver
            return str(exc)  # ArgumentError: asyncpg's several hosts without a port each, a port `x`
    if warned:  # SQLite's "Query string argument(s) … are being ignored"
        return str(warned[0].message)
    return None


# SQLite's URI parameters that open a database without writing it (sqlite.org/uri.html)
_READ_ONLY_MODES = ("ro",)
_TRUE = ("1", "yes", "true", "on")


@dataclass(frozen=True)
class SqliteFile:
    """The file a SQLite URL opens: `path` as the URL names it (None: a database
    in memory or a temporary one, no file), `query` the SQLite URI parameters it is opened with
    (`mode`, `cache`, …), and whether those open it read-only (`mode=ro`, `immutable=1`)."""

    path: str | None
    query: tuple[tuple[str, str], ...] = ()

    @property
    def read_only(self) -> bool:
        given = dict(self.query)
        return given.get("mode") in _READ_ONLY_MODES or given.get("immutable", "").lower() in _TRUE


def sqlite_file(url: URL) -> SqliteFile:
    """The file the SQLite `url` opens, as its driver is handed it (SQLAlchemy's pysqlite
    dialect: `create_connect_args`). With `uri=true` the driver takes the URL's path and its
    other options as one SQLite URI, which only a `file:` path is: any other path, the query
    appended, was opened as a file name (`var/kanal.db?mode=ro`, a new empty database beside
    the one meant). Raises ValueError, worded as what the URL must be, for such a path, a URI
    naming another host, or a URI parameter SQLite does not take (`app.sqlite_uri`)."""
    (filename, *_), options = url.get_dialect()().create_connect_args(url)
    if not options.get("uri"):  # named as the URL names it (the driver takes its absolute path)
        return SqliteFile(None if url.database in (None, "", ":memory:") else url.database)
    if not filename.startswith("file:"):
        raise ValueError(f"a URL whose path, with uri=true, is a SQLite URI: sqlite+aiosqlite:///file:{url.database}?…")
    if "#" in filename:  # SQLite reads a URI no further: `mode=ro` after it was dropped
        raise ValueError("a SQLite URI without '#', where SQLite stops reading it (a file name's # is %2523)")
    parts = urlsplit(filename)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"a SQLite URI naming a file of this machine, not of {parts.netloc!r}")
    query = tuple(parse_qsl(parts.query, keep_blank_values=True))
    check_parameters(query)
    path = unquote(parts.path)
    return SqliteFile(None if path in ("", ":memory:") else path, query)  # `mode=memory`: refused


class Settings(BaseModel):
    """The service's settings; `from_env` reads them (README, Configuration, lists each one)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, allow_inf_nan=False, extra="forbid")

    database_url: str = _env(
        "DATABASE_URL",
        "a SQLAlchemy URL: sqlite+aiosqlite:///PATH (with uri=true: sqlite+aiosqlite:///file:PATH?…) or "
        "postgresql+asyncpg://…, with options its driver takes",
        DEFAULT_DATABASE_URL,
    )
    max_body_bytes: int = _number("KANAL_MAX_BODY_BYTES", 1024 * 1024, 1, MAX_BODY_BYTES, "bytes")
    default_rate_limit_per_minute: int = _number("KANAL_RATE_LIMIT_PER_MINUTE", 60, 1, INT32_MAX, "requests")
    # "memory://" keeps counters in this process; a redis:// URI shares them between processes.
    rate_limit_storage_uri: str = _env(
        "KANAL_RATE_LIMIT_STORAGE",
        f"memory:// or redis://HOST:PORT, or another URI of the limits library ({', '.join(RATE_LIMIT_SCHEMES)})",
        "memory://",
    )
    # NORMAL survives a crash of the server process (the WAL is in the OS cache);
    # FULL also survives power loss, at the price of an fsync per commit.
    sqlite_synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = _env(
        "KANAL_SQLITE_SYNCHRONOUS", f"{', '.join(SYNCHRONOUS)} (any case)", "NORMAL"
    )
    sqlite_busy_timeout_ms: int = _number("KANAL_SQLITE_BUSY_TIMEOUT_MS", 5000, 0, INT32_MAX, "milliseconds")
    # A read's time budget: past it the query is stopped and the caller gets a clear error
    # (REST 503, GraphQL QUERY_TOO_SLOW); 0 = no budget. app/db/read_budget.py.
    read_timeout_seconds: float = _number(
        "KANAL_READ_TIMEOUT", 5.0, 0, MAX_READ_TIMEOUT_SECONDS, "seconds", zero="no budget"
    )
    # SQLite reads run on reader threads, each with its own connection (app/db/readers.py):
    # this many for small reads and as many for large ones, a read being small while it
    # takes at most `sqlite_small_read_steps` SQLite VM steps. With `sqlite_inline_read_steps`
    # (0 = off), reads within that many steps run inline on the event loop instead.
    sqlite_readers: int = _number("KANAL_SQLITE_READERS", 2, 1, MAX_SQLITE_READERS, "threads")
    sqlite_small_read_steps: int = _number("KANAL_SQLITE_SMALL_READ_STEPS", 20_000, 1, MAX_READ_STEPS, "steps")
    sqlite_inline_read_steps: int = _number(
        "KANAL_SQLITE_INLINE_READ_STEPS", 0, 0, MAX_READ_STEPS, "steps", zero="never"
    )
    # "auto": `kanal serve` delivers webhooks itself on SQLite; on PostgreSQL run `kanal worker`.
    in_process_worker: str = _env("KANAL_IN_PROCESS_WORKER", f"{', '.join(IN_PROCESS_WORKER)} (any case)", "auto")
    worker_interval_seconds: float = _number(
        "KANAL_WORKER_INTERVAL_SECONDS", 1.0, 0, MAX_WORKER_INTERVAL_SECONDS, "seconds", above=True
    )
    webhook_backoff_seconds: float = _number(
        "KANAL_WEBHOOK_BACKOFF_SECONDS", 15.0, 0, MAX_WEBHOOK_BACKOFF_SECONDS, "seconds"
    )
    webhook_max_attempts: int = _number("KANAL_WEBHOOK_MAX_ATTEMPTS", 14, 1, MAX_WEBHOOK_ATTEMPTS, "attempts")
    # Delivery (app.automations.sender.Limits): deliveries one worker holds at once, POSTs at
    # once to one webhook, and each POST's time budget in seconds.
    worker_in_flight: int = _number("KANAL_WORKER_IN_FLIGHT", 1024, 1, MAX_WORKER_IN_FLIGHT, "deliveries")
    webhook_concurrency: int = _number("KANAL_WEBHOOK_CONCURRENCY", 32, 1, MAX_WEBHOOK_CONCURRENCY, "POSTs")
    webhook_timeout_seconds: float = _number(
        "KANAL_WEBHOOK_TIMEOUT_SECONDS", 10.0, 0, MAX_WEBHOOK_TIMEOUT_SECONDS, "seconds", above=True
    )
    # A webhook whose deliveries have failed for this long is disabled (`kanal webhooks enable`).
    webhook_disable_after_seconds: float = _number(
        "KANAL_WEBHOOK_DISABLE_AFTER_SECONDS", 3 * 86400.0, 0, MAX_AGE.total_seconds(), "seconds", above=True
    )
    # The worker prunes delivered and backfilled events older than this many days (0: keeps all).
    event_retention_days: float = _number("KANAL_EVENT_RETENTION_DAYS", 0.0, 0, MAX_AGE.days, "days", zero="keeps all")
    # One JSON line per request on stderr (app.observability.request_log).
    request_log: bool = _env("KANAL_REQUEST_LOG", "on, off, true, false, yes, no, 1 or 0 (any case)", True)
    # A bearer token that reads /metrics (besides admin keys); None: admin keys only.
    metrics_token: Annotated[str, Field(pattern=METRICS_TOKEN)] | None = _env(
        "KANAL_METRICS_TOKEN", "visible ASCII characters, no space (a bearer token)", None
    )

    @field_validator("*", mode="before")
    @classmethod
    def _plain_figures(cls, value: object, info: ValidationInfo) -> object:
        # Python's int() and float() read "1_000" as 1000, and pydantic an int from "5.0": README
        # says a whole number is written in digits.
        annotation = cls.model_fields[info.field_name].annotation if info.field_name else None
        if isinstance(value, str) and annotation in (int, float) and "_" in value:
            raise ValueError("digits only")
        if isinstance(value, str) and annotation is int and not _WHOLE.fullmatch(value):
            raise ValueError("a whole number in digits")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        try:
            driver = make_url(value).drivername
        except (ArgumentError, ValueError):
            driver = None
        if driver not in DRIVERS:
            raise ValueError("not one of the drivers")
        if (blank := _blank_option(value)) is not None:
            raise MustBe(blank)
        url = make_url(value)
        if (twice := _given_twice(url)) is not None:
            raise MustBe(twice)
        must = _postgres_option_must_be(url) or sqlite_option_must_be(url) or asyncpg_option_must_be(url)
        if must is not None:
            raise MustBe(must)
        if _driver_refuses(url) is not None:
            raise ValueError("an option its driver does not take")
        if url.get_backend_name() == "sqlite":
            try:
                sqlite_file(url)
            except ValueError as exc:  # worded as what the URL must be
                raise MustBe(str(exc)) from None
        return value

    @field_validator("rate_limit_storage_uri")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        scheme, separator, location = value.removeprefix("async+").partition("://")
        if not separator or scheme not in RATE_LIMIT_SCHEMES:
            raise ValueError("not a storage of the limits library")
        # The library ignores what follows memory://: a location there is a mistaken value.
        if scheme == "memory" and location:
            raise ValueError("memory:// takes no location")
        # redis-py reads the path as the database number and silently drops one that is not
        # digits (redis://h:6379/abc counted in database 0): refused, as memory://junk is.
        if scheme in REDIS_DATABASE_SCHEMES and not re.fullmatch(r"/?[0-9]*", urlsplit(value).path):
            raise ValueError("a Redis database is a number")
        # An option the Redis client would refuse or ignore, named (app.rate_limit_storage).
        if (must := storage_option_must_be(value) or driver_missing(value)) is not None:
            raise MustBe(must)
        # Built as the limiter builds it, its connection too, so a URI it cannot parse
        # (redis://h:notaport), a missing driver or option stops start-up here; nothing connects.
        try:
            build_connection(open_storage(value))
        except Exception as exc:  # the library's ConfigurationError, or a parser's ValueError
            raise ValueError("not a storage the limits library can build") from exc
        return value

    @field_validator("sqlite_synchronous", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("in_process_worker", mode="before")
    @classmethod
    def _worker_choice(cls, value: object) -> object:
        if isinstance(value, str) and value.lower() in IN_PROCESS_WORKER:
            return value.lower()
        raise ValueError("not one of the choices")

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """The environment's settings, `overrides` (by field name) taking precedence. Raises
        ConfigError for any value outside its range or forms, naming each such variable, and for a
        libpq variable asyncpg would refuse (`PG_VARIABLES`)."""
        read = {
            field.validation_alias: os.environ[field.validation_alias]
            for name, field in cls.model_fields.items()
            if name not in overrides
            and isinstance(field.validation_alias, str)
            and os.environ.get(field.validation_alias)
        }
        try:
            settings = cls.model_validate(given := {**read, **overrides})
        except ValidationError as exc:
            raise ConfigError(_explained(exc, given)) from None
        if refused := _pg_variables_refused(make_url(settings.database_url), os.environ):
            raise ConfigError("\n".join(refused))
        return settings

    @property
    def event_retention(self) -> timedelta | None:
        """How old a settled event is when the worker prunes it; None keeps every event."""
        return timedelta(days=self.event_retention_days) if self.event_retention_days > 0 else None

    @property
    def read_only(self) -> bool:
        """Whether DATABASE_URL opens a SQLite database read-only (`file:PATH?mode=ro&uri=true`):
        nothing is written to it, no worker runs on it."""
        url = make_url(self.database_url)
        return url.get_backend_name() == "sqlite" and sqlite_file(url).read_only

    def worker_in_process(self, dialect: str) -> bool:
        """Whether `kanal serve` delivers webhooks itself on `dialect` ("sqlite", "postgresql"):
        never on a read-only database, where each pass's writes would be refused."""
        if self.read_only:
            return False
        if self.in_process_worker == "auto":
            return dialect == "sqlite"
        return self.in_process_worker in ("1", "true", "yes", "on")


def _explained(exc: ValidationError, given: dict[str, Any]) -> str:
    """One line per refused setting, `NAME=value: must be <its range or forms>`, its value as
    given (before any change of case), a URL's password and the metrics token hidden."""
    fields = {field.validation_alias: field for field in Settings.model_fields.values()}
    fields.update(Settings.model_fields)
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0])
        value = given.get(name, error["input"])
        if name in _SECRETS:
            shown = "<hidden>"
        else:
            shown = shlex.quote(shown_url(value)) if isinstance(value, str) else repr(value)
        refusal = error.get("ctx", {}).get("error")
        must = str(refusal) if isinstance(refusal, MustBe) else fields[name].description
        lines.append(f"{name}={shown}: must be {must}")
    return "\n".join(dict.fromkeys(lines))  # a union's members each report the same value


_SECRETS = ("KANAL_METRICS_TOKEN", "metrics_token")


# A URL's user and password as SQLAlchemy reads them (`sqlalchemy.engine.url._parse_url`: the
# password runs to an `@`, `/`, `?` and `:` included), the password taken to the last `@`: a
# password with an `@` of its own is hidden whole, never in part.
_PASSWORD = re.compile(r"(?P<head>[\w+]+://[^:/@]*:)(?P<password>.*)@", re.DOTALL)
_QUERY_PASSWORD = re.compile(r"(^|&)(password=)[^&]+", re.IGNORECASE)


def _without_password(text: str) -> str:
    """`text`, a URL, with the password in its address as `***`."""
    return _PASSWORD.sub(lambda found: f"{found['head']}***@", text, count=1)


def query_as_written(text: str) -> str:
    """The query of the URL `text` as written, after its address (a `?` in the password is not
    its start)."""
    return _without_password(text).partition("?")[2]


def shown_url(text: str) -> str:
    """A URL as an error names it (errors go to logs): as the operator wrote it, its order,
    blank options and encoding kept (SQLAlchemy's rendering sorts, drops and percent-encodes
    them, `?host=/run/postgresql` then matching no line of the configuration), its password as
    `***`, in the address or the query (any case), a control character as its escape
    (`\\x01`)."""
    address, mark, query = _without_password(text).partition("?")
    shown = address + mark + _QUERY_PASSWORD.sub(r"\1\2***", query)
    return re.sub(r"[\x00-\x1f\x7f]", lambda found: f"\\x{ord(found[0]):02x}", shown)


def from_env_or_exit() -> Settings:
    """`Settings.from_env()`; or, when a variable is refused, each refusal on stderr as one
    `error: …` line and SystemExit(1): a process starts on valid settings or not at all."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        raise SystemExit(1) from None
