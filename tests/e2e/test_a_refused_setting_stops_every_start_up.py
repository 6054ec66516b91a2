"""A setting outside its range stops every start-up in one line, exit status 1, before anything
is done: each `kanal` command, `kanal serve` and `kanal worker`, and the app factory under
uvicorn (README, Configuration). The worker took `KANAL_EVENT_RETENTION_DAYS=1e308`, then every
pass stopped on an OverflowError."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Settings
from tests.server import KANAL, free_port

STORAGES = Settings.model_fields["rate_limit_storage_uri"].description
NO_OPTION = "redis-py's connection takes no such option"
TIMEOUTS = "(socket_timeout bounds each command, socket_connect_timeout bounds each connection)"
ASCII = "the limiter's keys and scripts are ASCII: an encoding that writes ASCII as itself"
# case: (variable, value, the one line it is refused in). A storage URI the `limits` library
# cannot parse ended `kanal serve` in a traceback, and `kanal stores list` took it; one with an
# option redis-py's connection does not take started every command, then every request was a 500.
REFUSALS = {
    "KANAL_EVENT_RETENTION_DAYS": (
        "KANAL_EVENT_RETENTION_DAYS",
        "1e308",
        "error: KANAL_EVENT_RETENTION_DAYS=1e308: must be a number of days from 0 (keeps all) to 36,500",
    ),
    "KANAL_RATE_LIMIT_STORAGE": (
        "KANAL_RATE_LIMIT_STORAGE",
        "redis://127.0.0.1:notaport",
        f"error: KANAL_RATE_LIMIT_STORAGE=redis://127.0.0.1:notaport: must be {STORAGES}",
    ),
    "KANAL_RATE_LIMIT_STORAGE's option": (
        "KANAL_RATE_LIMIT_STORAGE",
        "redis://127.0.0.1:6379/0?timeout=2",
        f"error: KANAL_RATE_LIMIT_STORAGE='redis://127.0.0.1:6379/0?timeout=2': must be a URI without timeout: "
        f"{NO_OPTION} {TIMEOUTS}",
    ),
}
START_UPS = {
    "kanal stores list": [KANAL, "stores", "list"],
    "kanal db upgrade": [KANAL, "db", "upgrade"],
    "kanal stores create": [KANAL, "stores", "create", "--id", "1", "--name", "A", "--region", "FR"],
    "kanal keys create": [KANAL, "keys", "create", "--admin"],
    "kanal events prune": [KANAL, "events", "prune", "--older-than", "30d"],
    "kanal worker": [KANAL, "worker", "--once"],
    "kanal serve": [KANAL, "serve", "--port", "PORT"],
    "uvicorn app.main:create_app": [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--port",
        "PORT",
    ],
}


@pytest.mark.parametrize("command", START_UPS.values(), ids=list(START_UPS))
@pytest.mark.parametrize("variable", REFUSALS, ids=list(REFUSALS))
def test_a_refused_setting_stops_the_start_up_in_one_line(tmp_path, variable, command):
    name, value, refusal = REFUSALS[variable]
    _refused(tmp_path, {name: value}, command, refusal)


# KANAL_RATE_LIMIT_STORAGE's options, each refused naming the option, where `kanal stores
# list` took them (exit status 0) and every request of `kanal serve` then failed
OPTIONS = {
    "redis://127.0.0.1:6379/0?bogus=1": f"must be a URI without bogus: {NO_OPTION}",
    "redis://127.0.0.1:6379?socket_timeout=abc": "must be a URI whose socket_timeout is a number of seconds more than 0, not 'abc'",
    "redis://127.0.0.1:6379?socket_timeout=0": "must be a URI whose socket_timeout is a number of seconds more than 0, not '0'",
    "redis://127.0.0.1:6379?socket_connect_timeout=-1": (
        "must be a URI whose socket_connect_timeout is a number of seconds more than 0, not '-1'"
    ),
    "redis+cluster://127.0.0.1:6379?socket_timeout=1": (
        "must be a redis+cluster:// URI without options (?socket_timeout=…): the limits library reads none from it"
    ),
    "redis://127.0.0.1:6379/8?encoding=utf-16": f"must be a URI whose encoding redis-py takes: {ASCII}",
}


@pytest.mark.parametrize("value", OPTIONS, ids=list(OPTIONS))
def test_a_refused_storage_option_stops_a_command_in_one_line(tmp_path, value):
    line = f"error: KANAL_RATE_LIMIT_STORAGE='{value}': {OPTIONS[value]}"
    _refused(tmp_path, {"KANAL_RATE_LIMIT_STORAGE": value}, START_UPS["kanal stores list"], line)


# A storage of the limits library whose driver this installation lacks (none is a dependency):
# refused naming it, where the line listed the scheme as a storage it may be, and MongoDB's
# storage printed a traceback after it
DRIVERS = {
    "valkey://127.0.0.1:6379/8": "'valkey' prerequisite not available. A minimum version of 6.0 is required",
    "memcached://127.0.0.1:11211": "'memcachio' prerequisite not available. A minimum version of 0.3 is required",
    "mongodb://127.0.0.1:27017": None,
}


@pytest.mark.parametrize("value", DRIVERS, ids=list(DRIVERS))
def test_a_storage_without_its_driver_stops_a_command_in_one_line(tmp_path, value):
    says = DRIVERS[value]
    why = f"the limits library says {says}" if says else "the limits library needs 'motor.motor_asyncio' for it"
    line = f"error: KANAL_RATE_LIMIT_STORAGE={value}: must be a storage whose driver is installed: {why}"
    _refused(tmp_path, {"KANAL_RATE_LIMIT_STORAGE": value}, START_UPS["kanal stores list"], line)


def _refused(tmp_path: Path, variables: dict[str, str], command: list[str], refusal: str) -> None:
    """`command` run with `variables` set: exit status 1, `refusal` the one line on stderr,
    nothing on stdout, nothing made."""
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/var/kanal.db", **variables}
    port = str(free_port())
    result = subprocess.run(
        [port if arg == "PORT" else arg for arg in command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (1, [refusal], "")
    assert list(tmp_path.iterdir()) == []  # no database, no folder for it
