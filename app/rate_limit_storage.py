"""KANAL_RATE_LIMIT_STORAGE: the `limits` library's storage it names, and the options of its
URI's query, checked before anything starts (README, Configuration).

The library hands a Redis URI's query to redis-py, which reads it only when it opens its first
connection: an option it does not take (`?timeout=2`, a misspelling) passed the start-up check
and then made every request a 500 (`TypeError: AbstractConnection.__init__() got an unexpected
keyword argument 'timeout'`), and a bound of 0 or less every request a 503, as if Redis were
down. Each check here builds what the library builds, the connection included, without
connecting, and returns what the URI must be, as a setting's `must be …` line words it, or None.
"""

from __future__ import annotations

import importlib.util
import math
import string
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from limits.aio.storage import Storage as AsyncStorage
from limits.errors import ConfigurationError
from limits.storage import SCHEMES, storage_from_string

# Seconds a Redis rate-limit storage has to connect and to answer a command.
REDIS_TIMEOUT_SECONDS = 2.0
# redis-py's bounds, in seconds, which a URI's query may set in place of REDIS_TIMEOUT_SECONDS.
TIMEOUT_OPTIONS = {
    "socket_timeout": "each command",
    "socket_connect_timeout": "each connection",
}
# The schemes whose query the library hands to the Redis client's connections, and the client.
QUERY_SCHEMES = {
    "redis": "redis-py",
    "rediss": "redis-py",
    "redis+unix": "redis-py",
    "valkey": "valkey-py",
    "valkeys": "valkey-py",
    "valkey+unix": "valkey-py",
}
# The schemes whose query the library reads nothing from (it takes the hosts, and a sentinel's
# service name, from the address alone): an option there was ignored without a word.
NO_QUERY_SCHEMES = ("redis+cluster", "redis+sentinel", "valkey+cluster", "valkey+sentinel")


def _async_uri(uri: str) -> str:
    return uri if uri.startswith("async+") else f"async+{uri}"


def open_storage(uri: str) -> AsyncStorage:
    """The `limits` library's asynchronous storage for a KANAL_RATE_LIMIT_STORAGE value
    (`memory://`, `redis://host:port/db`, …), built without connecting to it: a client connects
    on its first command. Raises `limits.errors.ConfigurationError` (or ValueError) when the
    library cannot build one from `uri`: a URI it cannot parse, an unknown scheme, a missing
    driver or option. The start-up check (`app.config.Settings`) and the limiter
    (`app.policies.rate_limit`) build it alike. A Redis client gives up on a connection or a
    command after `REDIS_TIMEOUT_SECONDS` (redis-py's TimeoutError: the limiter's 503)."""
    options: dict[str, Any] = {}
    if uri.startswith(("redis", "async+redis")):
        # A Redis that accepts and never answers would hold every request: a bound, which the
        # URI's own `?socket_timeout=` and `?socket_connect_timeout=` override.
        timeout = REDIS_TIMEOUT_SECONDS
        options = {"implementation": "redispy", "socket_timeout": timeout, "socket_connect_timeout": timeout}
    storage = storage_from_string(_async_uri(uri), **options)
    if not isinstance(storage, AsyncStorage):  # an `async+` URI always gives one
        raise ValueError(f"Not an asynchronous rate limit storage: {uri}")
    return storage


def driver_missing(uri: str) -> str | None:
    """What a KANAL_RATE_LIMIT_STORAGE URI must be when the driver its storage needs is not
    installed (memcached's memcachio, valkey's, MongoDB's motor), as the limits library names
    it; None when it is, or when the URI names no storage of the library (refused otherwise).
    Its required modules are looked for before the storage is built: one built without them
    printed a traceback at exit (MongoDBStorage's `__del__`)."""
    storage = SCHEMES.get(_async_uri(uri).partition("://")[0])
    dependencies = getattr(storage, "DEPENDENCIES", None)
    if isinstance(dependencies, list):  # all required, no version: looked for here
        for module in dependencies:
            if importlib.util.find_spec(module.partition(".")[0]) is None:
                return f"a storage whose driver is installed: the limits library needs {module!r} for it"
        return None
    try:  # versions, or alternatives: the library's own check says which
        open_storage(uri)
    except ConfigurationError as exc:
        if "prerequisite not available" in str(exc):
            needed = str(exc).partition(" See ")[0].removesuffix(".")
            return f"a storage whose driver is installed: the limits library says {needed}"
    except Exception:  # the URI's own fault: the setting's generic refusal says so
        return None
    return None


# What the limiter's keys and Lua scripts are written in (UTF-7 writes `+` as `+-`).
_PRINTABLE = string.printable


def build_connection(storage: AsyncStorage) -> None:
    """Builds, and drops, the connection object a Redis `storage`'s client would open on its
    first command, with the options of its URI, without connecting, and encodes a text with
    it: the Redis client's TypeError (an option it does not take), ValueError (a value it
    refuses) or LookupError (an encoding Python does not know) is raised here, where it was
    raised by every request, and ValueError for an encoding that does not write ASCII as
    ASCII. Nothing for a storage without such a client (memory, a cluster's, whose nodes are
    built from the address alone)."""
    client = getattr(getattr(storage, "bridge", None), "storage", None)
    pool = getattr(client, "connection_pool", None)
    if pool is not None:
        connection = pool.connection_class(**pool.connection_kwargs)
        # an encoding is looked up at a command's first text (LookupError, a 500 then); one
        # that writes ASCII otherwise (utf-16, cp500) changes the limiter's keys and scripts,
        # and Redis answered every request NoScriptError (a 503 with /healthz at 200)
        if connection.encoder.encode(_PRINTABLE) != _PRINTABLE.encode("ascii"):
            raise ValueError("the limiter's keys and scripts are ASCII: an encoding that writes ASCII as itself")


def storage_option_must_be(uri: str) -> str | None:
    """What a KANAL_RATE_LIMIT_STORAGE URI must be when an option of its query would fail or be
    ignored: given blank or twice (the client reads the first and drops a blank one), a
    timeout that is not a number of seconds more than 0, an option the Redis client's
    connection does not take, a value it refuses while building it, or any option on a
    cluster's or sentinel's URI (the library reads none there); None when every option is
    taken, or when the URI itself cannot be built (the setting's generic refusal says so)."""
    scheme = uri.removeprefix("async+").partition("://")[0]
    try:
        parts = urlsplit(uri)
    except ValueError:  # an address no parser reads: refused as a whole
        return None
    options = parse_qsl(parts.query, keep_blank_values=True)
    if not options or scheme not in (*QUERY_SCHEMES, *NO_QUERY_SCHEMES):
        return None
    if scheme in NO_QUERY_SCHEMES:
        return f"a {scheme}:// URI without options (?{options[0][0]}=…): the limits library reads none from it"
    address = _address(uri)
    try:  # the address alone: a fault of its own is not an option's
        open_storage(address)
    except Exception:
        return None
    given = Counter(name for name, _ in options)
    for name, value in options:
        if not value:
            return f"a URI whose {name} has a value, not none"
        if given[name] > 1:
            return f"a URI giving {name} once, not {given[name]} times"
        if name in TIMEOUT_OPTIONS and not _seconds(value):
            return f"a URI whose {name} is a number of seconds more than 0, not {value!r}"
        if (refused := _client_refuses(address, name, value, QUERY_SCHEMES[scheme])) is not None:
            return refused
    return None


def _address(uri: str) -> str:
    """`uri` without its query (and fragment), as the URL parsers the library and its clients
    use split it: at the first `?`. (urlunsplit would write `redis+unix:/path`, a scheme it does
    not know losing its `//`.)"""
    return uri.partition("#")[0].partition("?")[0]


def _seconds(text: str) -> bool:
    """Whether `text` is a bound the Redis client keeps: a number of seconds more than 0 (0 or
    less timed every command out at once; `inf` and `nan` bound nothing)."""
    try:
        seconds = float(text)
    except ValueError:
        return False
    return math.isfinite(seconds) and seconds > 0


def _client_refuses(address: str, name: str, value: str, client: str) -> str | None:
    """What the URI must be when its client, given the option `name` alone on `address`,
    refuses to build its connection; None when it builds. A TypeError naming the option as an
    unexpected keyword is an option the client does not take."""
    try:
        build_connection(open_storage(f"{address}?{urlencode({name: value})}"))
    except TypeError as exc:
        if f"unexpected keyword argument '{name}'" in str(exc):
            timeouts = ", ".join(f"{option} bounds {what}" for option, what in TIMEOUT_OPTIONS.items())
            hint = f" ({timeouts})" if "timeout" in name else ""
            return f"a URI without {name}: {client}'s connection takes no such option{hint}"
        return f"a URI whose {name} {client} takes: {exc}"
    except Exception as exc:  # ValueError, or the client's own error (redis-py's RedisError)
        return f"a URI whose {name} {client} takes: {exc}"
    return None
