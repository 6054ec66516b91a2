"""A secret shown once is the only thing its command prints on standard output (README "Command
line"): `$(kanal keys create …)`, `| head -1` and `| tail -1` each take the key or the signing
secret and nothing else, and what it is goes to standard error, first. Before, the secret was
the last of two to four lines: `| head -1` kept the notice, exit status 0, and the secret was
lost with the pipe."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.server import KANAL, kanal

KEY = re.compile(r"kanal_sk_(live|test)_[A-Za-z0-9]{32}")
SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{43}")

# Each command issuing a secret once, the secret's form, and the notice it gives on stderr.
COMMANDS = {
    "store key": (
        ("keys", "create", "--store", "1"),
        KEY,
        r"Created live store key kanal_sk_live_\w{8}… for store 1\. It is shown once:",
    ),
    "test key": (
        ("keys", "create", "--store", "1", "--test"),
        KEY,
        r"Created test store key kanal_sk_test_\w{8}… for store 1\. It is shown once:",
    ),
    "team key": (
        ("keys", "create", "--team", "acme", "--name", "ops"),
        KEY,
        r"Created live team key kanal_sk_live_\w{8}… for team acme\. It is shown once:",
    ),
    "admin key": (
        ("keys", "create", "--admin"),
        KEY,
        r"Created live admin key kanal_sk_live_\w{8}… for every store\. It is shown once:",
    ),
    "webhook": (
        ("webhooks", "add", "--store", "1", "--url", "http://127.0.0.1:9/h"),
        SECRET,
        r"Webhook \d+ for store 1: http://127\.0\.0\.1:9/h \(\*\)\.\n"
        r"Its signing secret, shown once \(verify the Kanal-Signature header with it\):",
    ),
    "webhook, test events, replay": (
        (
            "webhooks",
            "add",
            "--store",
            "1",
            "--url",
            "http://127.0.0.1:9/h",
            "--events",
            "order.*",
            "--test-events",
            "--since",
            "2d",
        ),
        SECRET,
        r"Webhook \d+ for store 1: http://127\.0\.0\.1:9/h \(order\.\*, test events too\)\.\n"
        r"Replaying 0 earlier events since \S+ to it\.\n"
        r"Its signing secret, shown once \(verify the Kanal-Signature header with it\):",
    ),
}

# How a shell user takes the secret: the whole of stdout, its first line, its last line.
READERS = {"$(…)": "", "| head -1": " | head -1", "| tail -1": " | tail -1", "| head -n 1 (cat)": " | cat | head -n 1"}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('secrets') / 'kanal.db'}"
    kanal(url, "db", "upgrade")
    kanal(url, "stores", "create", "--id", "1", "--name", "Shop", "--region", "DE", "--team", "acme")
    return url


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("command", COMMANDS)
def test_the_secret_is_what_a_reader_takes(database: str, command: str, reader: str, tmp_path: Path) -> None:
    args, form, notice = COMMANDS[command]
    line = f"{shlex.quote(KANAL)} {shlex.join(args)} 2>{shlex.quote(str(tmp_path / 'err'))}{READERS[reader]}"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"taken=$({line}); printf '%s' \"$taken\""],
        env={**os.environ, "DATABASE_URL": database},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert form.fullmatch(done.stdout), done.stdout
    assert re.fullmatch(notice + "\n", (tmp_path / "err").read_text()), (tmp_path / "err").read_text()


@pytest.mark.parametrize("command", COMMANDS)
def test_stdout_is_the_secret_and_one_line_break(database: str, command: str) -> None:
    args, form, notice = COMMANDS[command]
    done = kanal(database, *args)
    assert form.fullmatch(done.stdout.removesuffix("\n")) and done.stdout.count("\n") == 1, done.stdout
    assert re.fullmatch(notice + "\n", done.stderr), done.stderr
    # The notice names the key it issued by the prefix `keys list` shows.
    if form is KEY:
        assert done.stdout[:22] in done.stderr
