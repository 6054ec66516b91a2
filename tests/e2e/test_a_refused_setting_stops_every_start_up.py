"""A setting outside its range stops every start-up in one line, exit status 1, before anything
is done: each `kanal` command, `kanal serve` and `kanal worker`, and the app factory under
uvicorn (README, Configuration). The worker took `KANAL_EVENT_RETENTION_DAYS=1e308`, then every
pass stopped on an OverflowError."""

import os
import subprocess
import sys

import pytest

from tests.server import KANAL, free_port

REFUSAL = "error: KANAL_EVENT_RETENTION_DAYS=1e308: must be a number of days from 0 (keeps all) to 36,500"
START_UPS = {
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
def test_a_refused_setting_stops_the_start_up_in_one_line(tmp_path, command):
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/var/kanal.db"}
    env["KANAL_EVENT_RETENTION_DAYS"] = "1e308"
    port = str(free_port())
    result = subprocess.run(
        [port if arg == "PORT" else arg for arg in command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (1, [REFUSAL], "")
    assert list(tmp_path.iterdir()) == []  # no database, no folder for it
