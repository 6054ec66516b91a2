"""A setting outside its range stops every start-up in one line, exit status 1, before anything
is done: each `kanal` command, `kanal serve` and `kanal worker`, and the app factory under
uvicorn (README, Configuration). The worker took `KANAL_EVENT_RETENTION_DAYS=1e308`, then every
pass stopped on an OverflowError."""

import os
import subprocess
import sys

import pytest

from app.config import Settings
from tests.server import KANAL, free_port

STORAGES = Settings.model_fields["rate_limit_storage_uri"].description
# variable: (value, the one line it is refused in). A storage URI the `limits` library cannot
# parse ended `kanal serve` in a traceback, and `kanal stores list` took it.
REFUSALS = {
    "KANAL_EVENT_RETENTION_DAYS": (
        "1e308",
        "error: KANAL_EVENT_RETENTION_DAYS=1e308: must be a number of days from 0 (keeps all) to 36,500",
    ),
    "KANAL_RATE_LIMIT_STORAGE": (
        "redis://127.0.0.1:notaport",
        f"error: KANAL_RATE_LIMIT_STORAGE=redis://127.0.0.1:notaport: must be {STORAGES}",
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
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/var/kanal.db"}
    env[variable], refusal = REFUSALS[variable]
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
