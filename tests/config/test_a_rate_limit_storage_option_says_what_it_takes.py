"""An option of KANAL_RATE_LIMIT_STORAGE's query that its Redis client would refuse or ignore is
refused at start-up naming it (README, Configuration). `?timeout=2` and any misspelt option
passed the check, then every request was a 500 (`AbstractConnection.__init__() got an
unexpected keyword argument 'timeout'`); `?socket_timeout=abc` was refused naming no option,
and `?socket_timeout=0` or `-1` taken, then every request was a 503 as if Redis were down. Nothing
connects: no server listens on these ports."""

import pytest

from app.config import ConfigError, Settings

TIMEOUTS = "(socket_timeout bounds each command, socket_connect_timeout bounds each connection)"
ASCII = "the limiter's keys and scripts are ASCII: an encoding that writes ASCII as itself"
# value -> what it must be, as its one line says it
REFUSED = {
    "redis://127.0.0.1:6379/0?timeout=2": f"a URI without timeout: redis-py's connection takes no such option {TIMEOUTS}",
    "redis://127.0.0.1:6379/0?bogus=1": "a URI without bogus: redis-py's connection takes no such option",
    "redis://127.0.0.1:6379?sockettimeout=2": (
        f"a URI without sockettimeout: redis-py's connection takes no such option {TIMEOUTS}"
    ),
    "redis://127.0.0.1:6379?ssl=true": "a URI without ssl: redis-py's connection takes no such option",
    "async+redis://127.0.0.1:6379?timeout=1": (
        f"a URI without timeout: redis-py's connection takes no such option {TIMEOUTS}"
    ),
    "redis+unix:///run/redis.sock?bogus=1": "a URI without bogus: redis-py's connection takes no such option",
    "redis://127.0.0.1:6379?socket_timeout=abc": "a URI whose socket_timeout is a number of seconds more than 0, not 'abc'",
    "redis://127.0.0.1:6379?socket_timeout=0": "a URI whose socket_timeout is a number of seconds more than 0, not '0'",
    "redis://127.0.0.1:6379?socket_timeout=-1": "a URI whose socket_timeout is a number of seconds more than 0, not '-1'",
    "redis://127.0.0.1:6379?socket_timeout=inf": "a URI whose socket_timeout is a number of seconds more than 0, not 'inf'",
    "redis://127.0.0.1:6379?socket_timeout=nan": "a URI whose socket_timeout is a number of seconds more than 0, not 'nan'",
    "redis://127.0.0.1:6379?socket_connect_timeout=0": (
        "a URI whose socket_connect_timeout is a number of seconds more than 0, not '0'"
    ),
    "redis://127.0.0.1:6379?socket_connect_timeout=2s": (
        "a URI whose socket_connect_timeout is a number of seconds more than 0, not '2s'"
    ),
    "redis+unix:///run/redis.sock?socket_timeout=0": (
        "a URI whose socket_timeout is a number of seconds more than 0, not '0'"
    ),
    "redis://127.0.0.1:6379?socket_timeout=": "a URI whose socket_timeout has a value, not none",
    "redis://127.0.0.1:6379?socket_timeout": "a URI whose socket_timeout has a value, not none",
    "redis://127.0.0.1:6379?socket_timeout=1&socket_timeout=2": "a URI giving socket_timeout once, not 2 times",
    "redis://127.0.0.1:6379?db=abc": "a URI whose db redis-py takes: Invalid value for 'db' in connection URL.",
    "redis://127.0.0.1:6379?max_connections=-1": (
        'a URI whose max_connections redis-py takes: "max_connections" must be a positive integer'
    ),
    "redis://127.0.0.1:6379?protocol=7": "a URI whose protocol redis-py takes: protocol must be either 2 or 3",
    "redis://127.0.0.1:6379?encoding=bogus": "a URI whose encoding redis-py takes: unknown encoding: bogus",
    "redis://127.0.0.1:6379?encoding=utf-99": "a URI whose encoding redis-py takes: unknown encoding: utf-99",
    **{
        f"redis://127.0.0.1:6379?encoding={codec}": f"a URI whose encoding redis-py takes: {ASCII}"
        for codec in ("utf-16", "utf-32", "utf-8-sig", "cp500", "punycode", "utf-7")
    },
    "rediss://127.0.0.1:6379?ssl_cert_reqs=bogus": (
        "a URI whose ssl_cert_reqs redis-py takes: Invalid SSL Certificate Requirements Flag: bogus"
    ),
    "redis+cluster://127.0.0.1:6379?socket_timeout=1": (
        "a redis+cluster:// URI without options (?socket_timeout=…): the limits library reads none from it"
    ),
    "redis+sentinel://127.0.0.1:26379/mymaster?db=1": (
        "a redis+sentinel:// URI without options (?db=…): the limits library reads none from it"
    ),
}
# Taken: the options redis-py's connection takes, each with a value it reads.
TAKEN = [
    "redis://127.0.0.1:6379/0?socket_timeout=1.5&socket_connect_timeout=0.5",
    "redis://127.0.0.1:6379?socket_timeout=0.001",
    "redis://127.0.0.1:6379?db=7",
    "redis://127.0.0.1:6379?encoding=latin-1",
    "redis://127.0.0.1:6379?encoding=ascii",
    "redis://127.0.0.1:6379?encoding=utf-8",
    "redis://127.0.0.1:6379/0?health_check_interval=10&client_name=kanal&retry_on_timeout=yes",
    "rediss://127.0.0.1:6380/0?ssl_cert_reqs=none",
    "redis+unix:///run/redis.sock?db=3&socket_timeout=1",
    "redis+cluster://127.0.0.1:6379",
]


@pytest.mark.parametrize("value", REFUSED, ids=list(REFUSED))
def test_a_refused_option_is_named_in_the_one_line(environment, value):
    environment.setenv("KANAL_RATE_LIMIT_STORAGE", value)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == f"KANAL_RATE_LIMIT_STORAGE='{value}': must be {REFUSED[value]}"


@pytest.mark.parametrize("value", TAKEN)
def test_an_option_the_client_takes_passes(environment, value):
    environment.setenv("KANAL_RATE_LIMIT_STORAGE", value)
    assert Settings.from_env().rate_limit_storage_uri == value


def test_a_refused_options_uri_hides_its_password(environment):
    environment.setenv("KANAL_RATE_LIMIT_STORAGE", "redis://:s3cret@127.0.0.1:6379/0?timeout=2&password=s3cret")
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value).startswith(
        "KANAL_RATE_LIMIT_STORAGE='redis://:***@127.0.0.1:6379/0?timeout=2&password=***': must be a URI without timeout"
    )
