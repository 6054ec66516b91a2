"""The options a DATABASE_URL's query hands its driver (README, Configuration), checked before
anything starts. SQLAlchemy passes them to SQLite's driver or to asyncpg as text: a value the
driver cannot read failed only on connecting (a traceback, or the database read as
unavailable for as long as the process ran) and was refused at start-up with the generic
description of DATABASE_URL, naming no option; an option the service sets on every connection
itself was overridden without a word (`?timeout=30`: writes still waited 5 s for the lock).
Each check returns what the URL must be, as a setting's `must be …` line words it, or None."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

from app.sqlite_uri import PARAMETERS as SQLITE_URI_PARAMETERS

# The options SQLAlchemy's SQLite driver takes from a URL (its pysqlite dialect's
# `create_connect_args`); with `uri=true` the others are the SQLite URI's.
SQLITE_DRIVER_OPTIONS = ("uri", "timeout", "isolation_level", "detect_types", "check_same_thread", "cached_statements")
# Those the service sets on each connection itself (app/db/database.py), with why: a URL's was
# overridden.
SET_BY_THE_SERVICE = {
    "timeout": "KANAL_SQLITE_BUSY_TIMEOUT_MS sets how long a statement waits for SQLite's lock",
    "isolation_level": "the service begins its transactions itself",
    "check_same_thread": "the driver runs each connection on a thread of its own",
    "detect_types": "the service converts the values it reads itself",
}
# SQLAlchemy's `asbool` (the text stripped, any case), as it reads `uri`.
BOOLEANS = ("true", "yes", "on", "y", "t", "1", "false", "no", "off", "n", "f", "0")
_FALSE = BOOLEANS[6:]

# asyncpg's `connect()` options that take text, as a URL gives them, and those SQLAlchemy's
# asyncpg adapter takes (and converts) itself.
ASYNCPG_OPTIONS = (
    *("host", "port", "user", "password", "database", "passfile", "service", "servicefile", "ssl"),
    *("target_session_attrs", "krbsrvname", "gsslib", "prepared_statement_cache_size"),
)
# asyncpg's `connect()` options that take a number alone: a URL gives text, which asyncpg
# refused on connecting.
ASYNCPG_NUMBERS = (
    "timeout",
    "command_timeout",
    "statement_cache_size",
    "max_cached_statement_lifetime",
    "max_cacheable_statement_size",
)
MAX_PORT = 65535  # TCP's
INT32_MAX = 2**31 - 1  # a C int, as sqlite3.connect() takes its numbers
_ONE_WAY = "host=h1:p1&host=h2:p2, or host=h1,h2&port=p1,p2"
_IPV6 = "host=::1&port=5432, or host=::1,h2&port=5432,p2"
# SQLAlchemy's asyncpg adapter's refusals of a URL's hosts and ports -> what the URL must be
_HOSTS_MUST_BE = {
    "All ports are required": f"a URL giving each of its hosts a port: {_ONE_WAY}",
    "non-integer port": f"a URL whose ports are numbers from 1 to {MAX_PORT}",
    "Can't mix": f"a URL giving its hosts and ports one way: {_ONE_WAY}",
}


def uri_given(url: URL) -> bool:
    """Whether a SQLite `url` asks for a SQLite URI (`uri` given and true, as SQLAlchemy reads it)."""
    uri = url.query.get("uri")
    return isinstance(uri, str) and uri.strip().lower() not in _FALSE


def sqlite_option_must_be(url: URL) -> str | None:
    """What a SQLite DATABASE_URL must be when its query gives the driver a value it cannot
    read (`uri`, a boolean; `cached_statements`, a whole number), an option the service sets
    itself (`SET_BY_THE_SERVICE`), or, without `uri=true` (absent or false), an option the
    driver does not take, which SQLAlchemy dropped with a warning (the database then opened
    read-write where `mode=ro` or `immutable=1` was meant); None otherwise."""
    if url.get_backend_name() != "sqlite":
        return None
    for name, value in url.query.items():
        value = str(value)  # one text each: an option given twice is refused before (config._given_twice)
        if name in SET_BY_THE_SERVICE:
            return f"a URL without {name}: {SET_BY_THE_SERVICE[name]}"
        if name == "uri" and value.strip().lower() not in BOOLEANS:
            return f"a URL whose uri is true or false, not {value!r}"
        if name == "cached_statements" and not (value.isascii() and value.isdigit() and int(value) <= INT32_MAX):
            # sqlite3 takes a C int: past it, an OverflowError on every connection
            return f"a URL whose cached_statements is a whole number from 0 to {INT32_MAX:,}, not {value!r}"
    if uri_given(url):
        return None
    ignored = [name for name in url.query if name not in SQLITE_DRIVER_OPTIONS]
    if not ignored:
        return None
    if all(name in SQLITE_URI_PARAMETERS for name in ignored):
        written = "&".join(f"{name}={value}" for name, value in url.query.items() if name != "uri")
        path = url.database or ""
        uri = path if path.startswith("file:") else f"file:{path}"
        return f"a SQLite URI for {', '.join(ignored)}, which SQLite reads there: sqlite+aiosqlite:///{uri}?{written}&uri=true"
    taken = ", ".join(name for name in SQLITE_DRIVER_OPTIONS if name not in SET_BY_THE_SERVICE)
    return f"a URL whose options SQLite's driver takes ({taken}), not {ignored[0]!r}"


def _hosts_must_be(url: URL) -> str | None:
    """What the URL must be when its hosts and ports are given twice (in its address and its
    query: the query's were used, the address's ignored while errors showed it), or two ways
    (ports in `host=` and in `port=`), or a host's port is no number from 1 to 65535 (asyncpg
    read `host=127.0.0.1:abc` as a name, an outage), or its lists do not pair up; None
    otherwise, the rest left to SQLAlchemy's reading (`_HOSTS_MUST_BE`)."""
    given = url.query.get("host")
    hosts = [] if given is None else list(given) if isinstance(given, tuple) else given.split(",")
    listed = url.query.get("port")
    ports = [] if listed is None else str(listed).split(",")
    if given is not None and url.host:
        return f"a URL giving its host once, in its address or as host=, not both (host= was used, {url.host} not)"
    with_port = [port for host in hosts if (port := _port_of(host)) is not None]
    if url.port is not None and (listed is not None or with_port):
        return "a URL giving its port once, in its address or in its query, not both"
    # asyncpg looked a bracketed host= up as a name (an outage); SQLAlchemy reads no port after
    # an IPv6 address among several host= (`host=::1&host=h`: the generic refusal)
    if any(host.startswith("[") for host in hosts):
        return f"a URL giving an IPv6 host= without brackets, its port as port=: {_IPV6}"
    if isinstance(given, tuple) and any(host.count(":") > 1 for host in hosts):
        return f"a URL giving an IPv6 host among several in two lists: {_IPV6}"
    for port in [*with_port, *ports]:  # SQLAlchemy read 0 as none given
        if not (port.isascii() and port.isdigit() and 1 <= int(port) <= MAX_PORT):
            return f"a URL whose ports are numbers from 1 to {MAX_PORT}, not {port!r}"
    if with_port and listed is not None:
        return f"a URL giving its hosts and ports one way: {_ONE_WAY}"
    if with_port and isinstance(given, str) and len(hosts) > 1:
        return f"a URL giving several hosts with their ports one host= each: {_ONE_WAY}"
    if listed is not None and len(ports) != len(hosts):
        return f"a URL giving as many ports as hosts: {_ONE_WAY}"
    return None


def _port_of(host: str) -> str | None:
    """The port of one host as `host=` gives it (`h:5432`, `[::1]:5432`), None when it gives
    none (`h`, `/run/postgresql`, `::1`)."""
    if host.startswith("["):
        _address, _bracket, rest = host.partition("]")
        return rest[1:] if rest.startswith(":") else None
    if host.count(":") > 1:  # an IPv6 address without brackets: no port (`host=::1&port=5432`)
        return None
    name, colon, port = host.rpartition(":")
    return port if colon and name else None


def asyncpg_option_must_be(url: URL) -> str | None:
    """What a PostgreSQL DATABASE_URL must be when its query names an option asyncpg does not
    take from a URL (one it takes as a number alone, `ASYNCPG_NUMBERS`, is said so), or its
    hosts and ports are not what SQLAlchemy's asyncpg adapter reads: several hosts each with
    its port (`host=h1:p1&host=h2:p2`) or as two lists (`host=h1,h2&port=p1,p2`), never
    mixed, every port a number from 1 to 65535 (70000 was a refused connection, `port=x` a
    traceback); None otherwise."""
    if url.get_backend_name() != "postgresql":
        return None
    for name in url.query:
        if name in ASYNCPG_NUMBERS:
            return f"a URL without {name}: asyncpg takes it as a number alone, and a URL gives text"
        if name not in ASYNCPG_OPTIONS:
            return f"a URL whose options asyncpg takes ({', '.join(ASYNCPG_OPTIONS)}), not {name!r}"
    must = _hosts_must_be(url)
    if must is not None:
        return must
    try:
        _args, given = url.get_dialect()().create_connect_args(url)
    except (ArgumentError, ValueError) as exc:
        return next((must for words, must in _HOSTS_MUST_BE.items() if words in str(exc)), None)
    ports = given.get("port")
    ports = ports if isinstance(ports, list) else [ports]
    if url.port is not None:  # SQLAlchemy drops a port 0, asyncpg's default taking its place
        ports.append(url.port)
    for port in ports:
        if port is not None and not 1 <= port <= MAX_PORT:
            return f"a URL whose ports are numbers from 1 to {MAX_PORT}, not {port}"
    return None
