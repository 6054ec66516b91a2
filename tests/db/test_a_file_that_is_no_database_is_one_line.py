"""A `DATABASE_URL` naming a file that is no SQLite database (SQLITE_NOTADB: a backup, an export,
a JSON Lines file named by mistake) stops every `kanal` command that opens the database with the
one line a database that cannot be opened gets (`error: the database … is unavailable: …`,
exit 1), the file unchanged; `kanal serve` answers such a database's requests 503, as one that
cannot be reached. Each stopped with a SQLAlchemy traceback of some fifty frames."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from app.config import Settings
from app.main import create_app
from tests.db.test_a_release_before_its_upgrade_says_so import COMMANDS
from tests.server import KANAL

ORDERS = '{"external_id": "ORDER-1", "total_price": "10.00"}\n' * 50
EVERY_COMMAND = {
    **COMMANDS,
    "db upgrade": ["db", "upgrade"],
    "db stamp": ["db", "stamp"],
    "worker --once": ["worker", "--once"],
}


def test_every_command_says_in_one_line_that_the_file_is_no_database(tmp_path: Path) -> None:
    wrong = tmp_path / "orders.jsonl"
    wrong.write_text(ORDERS)
    url = f"sqlite+aiosqlite:///{wrong}"
    env = {**os.environ, "KANAL_REQUEST_LOG": "off", "DATABASE_URL": url}
    answers = {}
    for name, argv in EVERY_COMMAND.items():
        done = subprocess.run([KANAL, *argv], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        answers[name] = (done.returncode, done.stdout, done.stderr)
    said = f"error: the database {url} is unavailable: DatabaseError: file is not a database\n"
    assert answers == dict.fromkeys(EVERY_COMMAND, (1, "", said))
    assert wrong.read_text() == ORDERS
    assert sorted(path.name for path in tmp_path.iterdir()) == ["orders.jsonl"]


async def test_a_server_answers_503(tmp_path: Path) -> None:
    wrong = tmp_path / "orders.jsonl"
    wrong.write_text(ORDERS)
    app = create_app(Settings.from_env(database_url=f"sqlite+aiosqlite:///{wrong}"))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            health = await client.get("/healthz")
            order = await client.get("/api/v1/stores/123/orders/ORDER-1", headers={"Authorization": "Bearer x"})
    finally:
        await app.state.db.dispose()
    assert (health.status_code, health.json()["database"]) == (503, False)
    assert (order.status_code, order.headers["retry-after"]) == (503, "5")
    assert wrong.read_text() == ORDERS
