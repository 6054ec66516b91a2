"""README, Configuration: a PostgreSQL DATABASE_URL whose query gives asyncpg a value it does not
take (`target_session_attrs=bogus`, `ssl=true`) is refused before anything starts, in the one
line every refused setting gets, naming the values it takes (the session attributes as asyncpg
itself lists them); libpq's `sslmode`, which asyncpg does not read, is refused naming the
option and the `ssl=` this driver takes. `target_session_attrs=bogus` passed the check and was
reported, on connecting, as the database being unavailable: `ClientConfigurationError:
target_session_attrs is expected to be one of <built-in method values of mappingproxy …>`."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from app.config import ConfigError, Settings
from tests.server import KANAL

BASE = "postgresql+asyncpg://postgres@127.0.0.1:5432/db"
SSL = "disable, allow, prefer, require, verify-ca, verify-full"
ATTRS = "any, primary, standby, prefer-standby, read-write, read-only"
OPTIONS = (
    "host, port, user, password, database, passfile, service, servicefile, ssl, target_session_attrs, krbsrvname, "
    "gsslib, prepared_statement_cache_size"
)
NUMBERS = (
    "timeout",
    "command_timeout",
    "statement_cache_size",
    "max_cached_statement_lifetime",
    "max_cacheable_statement_size",
)
ONE_WAY = "host=h1:p1&host=h2:p2, or host=h1,h2&port=p1,p2"
PREPARED = "a URL whose prepared_statement_cache_size is a whole number, 0 or more (0: none kept)"

# query -> what the URL must be
REFUSED = {
    "target_session_attrs=bogus": f"a URL whose target_session_attrs is one of {ATTRS}",
    "target_session_attrs=READ-WRITE": f"a URL whose target_session_attrs is one of {ATTRS}",
    "target_session_attrs=read_write": f"a URL whose target_session_attrs is one of {ATTRS}",
    "ssl=require&target_session_attrs=primary,standby": f"a URL whose target_session_attrs is one of {ATTRS}",
    "ssl=bogus": f"a URL whose ssl is one of {SSL}",
    "ssl=true": f"a URL whose ssl is one of {SSL}",
    "sslmode=require": f"a URL with ssl=require, not sslmode=require: asyncpg takes ssl ({SSL}), not libpq's sslmode",
    "sslmode=verify-full": (
        f"a URL with ssl=verify-full, not sslmode=verify-full: asyncpg takes ssl ({SSL}), not libpq's sslmode"
    ),
    "sslmode=on": f"a URL with ssl=require, not sslmode=on: asyncpg takes ssl ({SSL}), not libpq's sslmode",
    "gsslib=bogus": "a URL whose gsslib is one of gssapi, sspi",
    # SQLAlchemy's statement cache took -1, then trimmed itself forever: every command hung
    "prepared_statement_cache_size=-1": PREPARED,
    "prepared_statement_cache_size=abc": PREPARED,
    "prepared_statement_cache_size=1.5": PREPARED,
    "prepared_statement_cache_size=١٠": PREPARED,
    # an option asyncpg does not take from a URL (each read as the database being unavailable)
    "foo=bar": f"a URL whose options asyncpg takes ({OPTIONS}), not 'foo'",
    "ssl=require&application_name=kanal": f"a URL whose options asyncpg takes ({OPTIONS}), not 'application_name'",
    # asyncpg's numbers: a URL gives them as text
    **{
        f"{name}=30": f"a URL without {name}: asyncpg takes it as a number alone, and a URL gives text"
        for name in NUMBERS
    },
    "host=/var/run/postgresql&sslmode=disable": (
        f"a URL with ssl=disable, not sslmode=disable: asyncpg takes ssl ({SSL}), not libpq's sslmode"
    ),
}
ACCEPTED = [
    "gsslib=gssapi",
    "gsslib=sspi",
    "prepared_statement_cache_size=0",
    "prepared_statement_cache_size=100",
    *(f"target_session_attrs={attrs}" for attrs in ATTRS.split(", ")),
] + [f"ssl={mode}" for mode in SSL.split(", ")]


@pytest.mark.parametrize(("query", "must"), REFUSED.items(), ids=list(REFUSED))
def test_a_value_asyncpg_does_not_take_is_refused_naming_what_it_takes(
    environment: pytest.MonkeyPatch, query: str, must: str
) -> None:
    environment.setenv("DATABASE_URL", f"{BASE}?{query}")
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == f"DATABASE_URL={shlex.quote(f'{BASE}?{query}')}: must be {must}"


HOSTLESS = "postgresql+asyncpg://postgres@/db"
PORTS = "a URL whose ports are numbers from 1 to 65535"
# hosts and ports SQLAlchemy's asyncpg adapter cannot read (a traceback on connecting), given
# twice (the address's ignored while errors showed it), a port asyncpg read as part of a name
# (an outage), past TCP's (a refused connection) or 0 (dropped: asyncpg's 5432 in its place)
HOSTS_REFUSED = {
    f"{HOSTLESS}?host=/x&host=/y": f"a URL giving each of its hosts a port: {ONE_WAY}",
    f"{HOSTLESS}?host=10.0.0.1:5432&host=10.0.0.2": f"a URL giving each of its hosts a port: {ONE_WAY}",
    f"{HOSTLESS}?host=/var/run/postgresql:5432,/tmp:5432": (
        f"a URL giving several hosts with their ports one host= each: {ONE_WAY}"
    ),
    f"{HOSTLESS}?host=127.0.0.1:5432,localhost:5432": (
        f"a URL giving several hosts with their ports one host= each: {ONE_WAY}"
    ),
    f"{HOSTLESS}?host=10.0.0.1:5432&host=10.0.0.2:5432&port=5433": f"a URL giving its hosts and ports one way: {ONE_WAY}",
    f"{HOSTLESS}?host=127.0.0.1:5432&port=5432": f"a URL giving its hosts and ports one way: {ONE_WAY}",
    f"{HOSTLESS}?host=127.0.0.1,localhost&port=5432": f"a URL giving as many ports as hosts: {ONE_WAY}",
    f"{HOSTLESS}?host=a,b&port=1,2,3": f"a URL giving as many ports as hosts: {ONE_WAY}",
    f"{HOSTLESS}?host=a&port=x": f"{PORTS}, not 'x'",
    f"{HOSTLESS}?host=127.0.0.1:abc": f"{PORTS}, not 'abc'",
    f"{HOSTLESS}?host=10.0.0.1:x&host=10.0.0.2:5432": f"{PORTS}, not 'x'",
    f"{HOSTLESS}?host=10.0.0.1,10.0.0.2&port=5432,": f"{PORTS}, not ''",
    f"{HOSTLESS}?host=10.0.0.1,10.0.0.2&port=5432,0": f"{PORTS}, not '0'",
    f"{HOSTLESS}?host=a&port=70000": f"{PORTS}, not '70000'",
    f"{HOSTLESS}?host=10.0.0.1:70000": f"{PORTS}, not '70000'",
    f"{HOSTLESS}?host=10.0.0.1:5432&host=10.0.0.2:65536": f"{PORTS}, not '65536'",
    "postgresql+asyncpg://postgres@127.0.0.1:70000/db": f"{PORTS}, not 70000",
    "postgresql+asyncpg://postgres@127.0.0.1:0/db": f"{PORTS}, not 0",
    "postgresql+asyncpg://postgres@[::1]:65536/db": f"{PORTS}, not 65536",
    "postgresql+asyncpg://postgres@127.0.0.1:5433/db?host=localhost:5432": (
        "a URL giving its host once, in its address or as host=, not both (host= was used, 127.0.0.1 not)"
    ),
    "postgresql+asyncpg://postgres@nohost.invalid/db?host=127.0.0.1": (
        "a URL giving its host once, in its address or as host=, not both (host= was used, nohost.invalid not)"
    ),
    "postgresql+asyncpg://postgres@:5433/db?port=5432": (
        "a URL giving its port once, in its address or in its query, not both"
    ),
}
IPV6 = "host=::1&port=5432, or host=::1,h2&port=5432,p2"
# a bracketed IPv6 host=, which asyncpg looked up as a name (an outage), and one among several
# host=, whose port SQLAlchemy cannot read (the generic refusal)
for _url in ("?host=[::1]:5432&host=127.0.0.1:5432", "?host=[::1]:5432", "?host=[::1]"):
    HOSTS_REFUSED[f"{HOSTLESS}{_url}"] = f"a URL giving an IPv6 host= without brackets, its port as port=: {IPV6}"
HOSTS_REFUSED["postgresql+asyncpg://postgres@:5432/db?host=[::1]"] = (
    f"a URL giving an IPv6 host= without brackets, its port as port=: {IPV6}"
)
for _url in ("?host=::1&host=127.0.0.1", "?host=::1&host=127.0.0.1:5432", "?host=::1&host=127.0.0.1&port=5432,5432"):
    HOSTS_REFUSED[f"{HOSTLESS}{_url}"] = f"a URL giving an IPv6 host among several in two lists: {IPV6}"
HOSTS_ACCEPTED = [
    # a socket directory in the query, its port in the address (the socket file's name)
    "postgresql+asyncpg://postgres@:5432/db?host=/var/run/postgresql",
    # IPv6 addresses without brackets: no port in them
    f"{HOSTLESS}?host=::1&port=5432",
    f"{HOSTLESS}?host=2001:db8::ffff",
    f"{HOSTLESS}?host=::1",
    f"{HOSTLESS}?host=127.0.0.1,::1&port=5432,5432",
    # ordinary URLs
    "postgresql+asyncpg://user:pw@db.example.com:5432/kanal?ssl=require",
    "postgresql+asyncpg://postgres@/kanal",
    f"{HOSTLESS}?host=a&port=1",
    f"{HOSTLESS}?host=a&port=65535",
    f"{HOSTLESS}?host=10.0.0.1:5432&host=10.0.0.2:65535",
    f"{HOSTLESS}?host=10.0.0.1,10.0.0.2&port=5432,5433",
    f"{HOSTLESS}?host=/var/run/postgresql&port=5432",
    f"{HOSTLESS}?host=/var/run/postgresql",
    f"{HOSTLESS}?host=127.0.0.1:5432",
    "postgresql+asyncpg://postgres@[::1]:5432/db",
]


@pytest.mark.parametrize(("url", "must"), HOSTS_REFUSED.items(), ids=list(HOSTS_REFUSED))
def test_hosts_and_ports_asyncpg_cannot_use_are_refused(environment: pytest.MonkeyPatch, url: str, must: str) -> None:
    environment.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == f"DATABASE_URL={shlex.quote(url)}: must be {must}"


@pytest.mark.parametrize("url", HOSTS_ACCEPTED)
def test_hosts_and_ports_asyncpg_reads_are_taken(environment: pytest.MonkeyPatch, url: str) -> None:
    environment.setenv("DATABASE_URL", url)
    assert Settings.from_env().database_url == url


@pytest.mark.parametrize("query", ACCEPTED)
def test_a_value_asyncpg_takes_is_taken(environment: pytest.MonkeyPatch, query: str) -> None:
    environment.setenv("DATABASE_URL", f"{BASE}?{query}")
    assert Settings.from_env().database_url == f"{BASE}?{query}"


@pytest.mark.parametrize("query", ["target_session_attrs=bogus", "sslmode=require"])
def test_a_command_stops_in_one_line_before_connecting(query: str) -> None:
    url = f"{BASE}?{query}"
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([KANAL, "keys", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"error: DATABASE_URL={shlex.quote(url)}: must be {REFUSED[query]}\n",
    )


# libpq's variables asyncpg reads where the URL gives no such option: variable -> (a value
# refused, what it must be). They were refused on connecting, as the database being unavailable.
VARIABLES = {
    "PGTARGETSESSIONATTRS": (
        "bogus",
        f"one of {ATTRS} (asyncpg reads it where DATABASE_URL gives no target_session_attrs=)",
    ),
    "PGSSLMODE": ("REQUIRE", f"one of {SSL} (asyncpg reads it where DATABASE_URL gives no ssl=)"),
    "PGGSSLIB": ("kerberos", "one of gssapi, sspi (asyncpg reads it where DATABASE_URL gives no gsslib=)"),
    "PGSSLNEGOTIATION": ("tls", "one of postgres, direct (asyncpg reads it)"),
}
# the URL's own option, which asyncpg reads in the variable's place
OVERRIDES = {
    "PGTARGETSESSIONATTRS": "target_session_attrs=any",
    "PGSSLMODE": "ssl=disable",
    "PGGSSLIB": "gsslib=gssapi",
}


@pytest.mark.parametrize("empty", [False, True], ids=["a value", "empty"])
@pytest.mark.parametrize("variable", VARIABLES)
def test_a_libpq_variable_asyncpg_would_refuse_is_refused_naming_it(
    environment: pytest.MonkeyPatch, variable: str, empty: bool
) -> None:
    value, must = VARIABLES[variable]
    value = "" if empty else value
    environment.setenv("DATABASE_URL", BASE)
    environment.setenv(variable, value)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == f"{variable}={shlex.quote(value)}: must be {must}"


@pytest.mark.parametrize("variable", VARIABLES)
def test_a_libpq_variable_is_not_read_where_it_does_not_apply(environment: pytest.MonkeyPatch, variable: str) -> None:
    environment.setenv(variable, VARIABLES[variable][0])
    environment.setenv("DATABASE_URL", "sqlite+aiosqlite:///var/kanal.db")
    assert Settings.from_env().database_url == "sqlite+aiosqlite:///var/kanal.db"
    if variable in OVERRIDES:  # the URL's option is read in its place
        environment.setenv("DATABASE_URL", f"{BASE}?{OVERRIDES[variable]}")
        assert Settings.from_env().database_url == f"{BASE}?{OVERRIDES[variable]}"


def test_the_values_asyncpg_takes_are_taken(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("DATABASE_URL", BASE)
    for variable, value in [
        ("PGSSLMODE", "verify-full"),
        ("PGTARGETSESSIONATTRS", "read-write"),
        ("PGGSSLIB", "gssapi"),
    ]:
        environment.setenv(variable, value)
    environment.setenv("PGSSLNEGOTIATION", "postgres")
    assert Settings.from_env().database_url == BASE


def test_a_command_names_the_variable_before_connecting() -> None:
    env = {**os.environ, "DATABASE_URL": BASE, "PGTARGETSESSIONATTRS": "bogus"}
    done = subprocess.run([KANAL, "keys", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"error: PGTARGETSESSIONATTRS=bogus: must be {VARIABLES['PGTARGETSESSIONATTRS'][1]}\n",
    )


DIRECT = (
    "PGSSLNEGOTIATION=direct: must be postgres where ssl is not require, verify-ca, verify-full (direct TLS "
    "takes one of them: give ssl= in DATABASE_URL, or PGSSLMODE)"
)
# direct TLS (PGSSLNEGOTIATION=direct) with the ssl the URL or PGSSLMODE gives (None: neither)
# -> whether it is taken; asyncpg refused the others on connecting, as the database unavailable
DIRECT_TLS = {
    (None, None): False,
    ("prefer", None): False,
    (None, "disable"): False,
    ("require", None): True,
    (None, "verify-full"): True,
    ("verify-ca", "disable"): True,  # the URL's ssl is read in PGSSLMODE's place
    ("disable", "require"): False,
}


@pytest.mark.parametrize(("url_ssl", "pgsslmode"), DIRECT_TLS, ids=[f"{a}-{b}" for a, b in DIRECT_TLS])
def test_direct_tls_takes_an_ssl_that_requires_it(
    environment: pytest.MonkeyPatch, url_ssl: str | None, pgsslmode: str | None
) -> None:
    url = BASE if url_ssl is None else f"{BASE}?ssl={url_ssl}"
    environment.setenv("DATABASE_URL", url)
    environment.setenv("PGSSLNEGOTIATION", "direct")
    if pgsslmode is not None:
        environment.setenv("PGSSLMODE", pgsslmode)
    if DIRECT_TLS[(url_ssl, pgsslmode)]:
        assert Settings.from_env().database_url == url
        return
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == DIRECT
