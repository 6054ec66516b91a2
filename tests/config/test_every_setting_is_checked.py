"""Every setting is checked against its range or forms when it is read (README, Configuration):
`KANAL_EVENT_RETENTION_DAYS=1e308` was taken, and every worker pass then stopped on an
OverflowError. One row per variable: values refused (not a number or not a form, a number with
Python's `_` separators, a whole number with a fraction or in other scripts' digits, below the
range, above it) and values accepted (the boundaries)."""

import shlex
from pathlib import Path

import pytest

from app.config import ConfigError, Settings

# variable: (refused, accepted)
TABLE = {
    "DATABASE_URL": (
        [
            "garbage",
            "sqlite:///x.db",
            "mysql+aiomysql://h/db",
            "postgresql://u@h/db",
            # (an option its driver does not take or reads in the service's place, a value it cannot
            # read, asyncpg's hosts and ports, and libpq's sslmode, are said with what they must be:
            # test_a_postgres_option_says_what_it_takes, test_a_sqlite_uri_says_what_it_takes)
        ],
        [
            "sqlite+aiosqlite:///x.db",
            "postgresql+asyncpg://u@h:5432/db",
            "postgresql+asyncpg://u@h/db?ssl=require",
            "postgresql+asyncpg://u@h/db?ssl=verify-full&prepared_statement_cache_size=100",
            "postgresql+asyncpg://u@/db?host=/var/run/postgresql&target_session_attrs=read-write",
            "sqlite+aiosqlite:///x.db?cached_statements=64",
            "sqlite+aiosqlite:///file:x.db?mode=ro&uri=true",
        ],
    ),
    "KANAL_MAX_BODY_BYTES": (
        ["1_048_576", "1MiB", "1e6", "0", "1073741825", "2048.0", "٢٠٤٨"],
        ["1", "1073741824", " 2048 ", "+2048"],
    ),
    "KANAL_RATE_LIMIT_PER_MINUTE": (["6_0", "sixty", "0", "2147483648"], ["1", "2147483647"]),
    # Refused: no scheme, an unknown scheme, an unparseable port (the limits library's own
    # parser), a location memory:// would ignore, a Redis database that is not a number (redis-py
    # ignores it: the counters went to database 0). Accepted without a server listening.
    "KANAL_RATE_LIMIT_STORAGE": (
        [
            "redis",
            "foo://x",
            "memory:/",
            "redis://127.0.0.1:notaport",
            "memory://junk",
            "async+memory://junk",
            "redis://127.0.0.1:6379/abc",
            "rediss://127.0.0.1:6379/cache",
            "redis://127.0.0.1:6379/0/1",
        ],
        [
            "memory://",
            "async+memory://",
            "redis://127.0.0.1:6379/0",
            "redis://127.0.0.1:1/3",
            "redis://127.0.0.1:6379/",
            "redis://127.0.0.1:6379",
        ],
    ),
    "KANAL_SQLITE_SYNCHRONOUS": (["fast", "2", "NORMAL;"], ["off", "Normal", "FULL", "extra"]),
    "KANAL_SQLITE_BUSY_TIMEOUT_MS": (["5_000", "5s", "-1", "2147483648"], ["0", "2147483647"]),
    "KANAL_READ_TIMEOUT": (["1_0.5", "5s", "-0.001", "2147483.648"], ["0", "2147483.647"]),
    "KANAL_SQLITE_READERS": (["1_6", "two", "0", "257", "2.0", "2."], ["1", "256"]),
    "KANAL_SQLITE_SMALL_READ_STEPS": (["20_000", "20k", "0", "1000000001"], ["1", "1000000000"]),
    "KANAL_SQLITE_INLINE_READ_STEPS": (["2_000", "off", "-1", "1000000001"], ["0", "1000000000"]),
    "KANAL_IN_PROCESS_WORKER": (["maybe", "2"], ["auto", "AUTO", "true", "false", "1", "0", "yes", "no", "on", "off"]),
    "KANAL_WORKER_INTERVAL_SECONDS": (["1_0", "1s", "0", "3600.001"], ["0.001", "3600"]),
    "KANAL_WEBHOOK_BACKOFF_SECONDS": (["1_5", "15s", "-1", "21600.5"], ["0", "21600"]),
    "KANAL_WEBHOOK_MAX_ATTEMPTS": (["1_000", "14.5", "14.0", "1e3", "0", "1001"], ["1", "1000"]),
    "KANAL_WORKER_IN_FLIGHT": (["1_024", "many", "0", "100001"], ["1", "100000"]),
    "KANAL_WEBHOOK_CONCURRENCY": (["3_2", "32x", "0", "1001"], ["1", "1000"]),
    "KANAL_WEBHOOK_TIMEOUT_SECONDS": (["1_0.5", "nan", "0", "60.5"], ["0.001", "60"]),
    "KANAL_WEBHOOK_DISABLE_AFTER_SECONDS": (["259_200", "3d", "0", "3153600001"], ["0.5", "3153600000"]),
    "KANAL_EVENT_RETENTION_DAYS": (["3_0", "inf", "-1", "36500.1", "1e308"], ["0", "36500"]),
    "KANAL_REQUEST_LOG": (["maybe", "2"], ["on", "OFF", "true", "false", "yes", "no", "1", "0"]),
    "KANAL_METRICS_TOKEN": (["a b", "tökén", " token"], ["s3cr3t-token_~!"]),
}
FIELDS = {field.validation_alias: field for field in Settings.model_fields.values()}
NAMES = {field.validation_alias: name for name, field in Settings.model_fields.items()}
REFUSED = [(name, value) for name, (refused, _) in TABLE.items() for value in refused]
ACCEPTED = [(name, value) for name, (_, accepted) in TABLE.items() for value in accepted]


@pytest.fixture
def environment(monkeypatch):
    for name in FIELDS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_table_has_every_setting():
    assert set(TABLE) == set(FIELDS)


@pytest.mark.parametrize(("name", "value"), REFUSED, ids=[f"{n}={v}" for n, v in REFUSED])
def test_a_value_outside_the_range_is_refused_in_one_line_naming_it(environment, name, value):
    environment.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    shown = "<hidden>" if name == "KANAL_METRICS_TOKEN" else shlex.quote(value)
    assert str(refused.value) == f"{name}={shown}: must be {FIELDS[name].description}"


@pytest.mark.parametrize(("name", "value"), ACCEPTED, ids=[f"{n}={v}" for n, v in ACCEPTED])
def test_a_value_within_the_range_is_taken(environment, name, value):
    environment.setenv(name, value)
    settings = Settings.from_env()
    read = getattr(settings, NAMES[name])
    if isinstance(read, bool):
        assert read is (value.lower() in ("on", "true", "yes", "1"))
    elif isinstance(read, int | float):
        assert read == float(value)
    else:
        assert read.lower() == value.lower()


def test_an_empty_variable_is_its_default(environment):
    for name in FIELDS:
        environment.setenv(name, "")
    assert Settings.from_env() == Settings()


def test_every_refused_variable_is_named_and_a_password_is_not(environment):
    environment.setenv("DATABASE_URL", "postgresql://kanal:s3cret@db/kanal")
    environment.setenv("KANAL_SQLITE_READERS", "0")
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert [line.split("=")[0] for line in str(refused.value).splitlines()] == ["DATABASE_URL", "KANAL_SQLITE_READERS"]
    assert "s3cret" not in str(refused.value) and "kanal:***@db" in str(refused.value)


def test_a_refused_rate_limit_storage_hides_its_password(environment):
    environment.setenv("KANAL_RATE_LIMIT_STORAGE", "redis://:s3cret@127.0.0.1:notaport/0")
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    description = FIELDS["KANAL_RATE_LIMIT_STORAGE"].description
    assert str(refused.value) == f"KANAL_RATE_LIMIT_STORAGE='redis://:***@127.0.0.1:notaport/0': must be {description}"


def test_readme_gives_each_range():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name, field in FIELDS.items():
        assert f"| `{name}` |" in readme and f" {field.description} |" in readme, name
