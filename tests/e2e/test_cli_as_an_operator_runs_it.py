"""The `kanal` CLI contract, run as a subprocess against a real server."""

import sqlite3

import httpx
import pytest

from tests.conftest import order_body
from tests.server import Server, kanal


@pytest.fixture
def fresh_url(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    kanal(url, "db", "upgrade")
    return url


def test_db_upgrade_is_repeatable(fresh_url):
    assert "head" in kanal(fresh_url, "db", "upgrade").stdout


def test_operator_flow_stores_keys_and_serving(fresh_url):
    kanal(fresh_url, "stores", "create", "--id", "123", "--name", "Demo shop", "--region", "fr", "--team", "acme")
    assert (
        kanal(fresh_url, "stores", "create", "--id", "123", "--name", "Again", "--region", "FR", check=False).returncode
        == 1
    )
    bad_region = kanal(fresh_url, "stores", "create", "--id", "9", "--name", "Bad", "--region", "ZZ", check=False)
    assert bad_region.returncode == 2  # an argument error, as argparse gives one
    assert bad_region.stderr.endswith(
        "error: argument --region: Unknown region 'ZZ': use an ISO 3166 alpha-2 code such as FR.\n"
    )
    created = kanal(fresh_url, "keys", "create", "--store", "123", "--name", "shop").stdout
    key = created.strip().splitlines()[-1]
    assert key.startswith("kanal_sk_live_")
    team_key = kanal(fresh_url, "keys", "create", "--team", "acme").stdout.strip().splitlines()[-1]
    listing = kanal(fresh_url, "keys", "list").stdout
    assert key[:22] in listing and "store 123" in listing and "team acme" in listing and key not in listing

    server = Server(fresh_url)
    try:
        url = f"{server.base_url}/api/v1/stores/123/orders"
        auth = {"Authorization": f"Bearer {key}"}
        assert httpx.post(url, json=order_body(), headers=auth).status_code == 201
        assert httpx.post(url, json=order_body(), headers={"Authorization": f"Bearer {team_key}"}).status_code == 200

        kanal(fresh_url, "stores", "set-rate-limit", "123", "2")
        statuses = [httpx.post(url, json=order_body(), headers=auth).status_code for _ in range(3)]
        assert statuses[-1] == 429
        assert "2" in kanal(fresh_url, "stores", "list").stdout

        kanal(fresh_url, "stores", "pause", "123")
        assert httpx.get(f"{url}/ORDER-1001", headers=auth).status_code == 404
        kanal(fresh_url, "stores", "resume", "123")

        kanal(fresh_url, "keys", "revoke", key[:22])
        assert httpx.get(f"{url}/ORDER-1001", headers=auth).json() == {"error": "Invalid API key"}
        assert "revoked" in kanal(fresh_url, "keys", "list").stdout.splitlines()[0]
        assert kanal(fresh_url, "keys", "revoke", key, check=False).returncode == 1
    finally:
        server.stop()


def test_admin_key_and_unknown_store_key(fresh_url):
    assert kanal(fresh_url, "keys", "create", "--admin").stdout.strip().splitlines()[-1].startswith("kanal_sk_live_")
    assert kanal(fresh_url, "keys", "create", "--store", "404", check=False).returncode == 1


# Commands an operator may run where there is no database, or one no one migrated (kanal run
# from another directory): each says so in one line, no traceback, and creates no file.
ON_NO_DATABASE = [
    ("stores", "list"),
    ("keys", "list"),
    ("webhooks", "list"),
    ("keys", "create", "--store", "123"),
    ("stores", "set-timezone", "123", "Europe/Paris"),
    ("import", "FILE", "--store", "123", "--resource", "orders"),
]
WHERE = "run `kanal db upgrade` first, or run kanal where the service's database is (same directory, or the same DATABASE_URL)."


def _run_on(tmp_path, url, args):
    lines = tmp_path / "orders.jsonl"
    lines.write_text('{"external_id": "1"}\n')
    result = kanal(url, *(str(lines) if arg == "FILE" else arg for arg in args), check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize("args", ON_NO_DATABASE, ids=" ".join)
def test_a_command_where_there_is_no_database_says_so_and_creates_none(tmp_path, args):
    path = tmp_path / "var" / "kanal.db"
    assert _run_on(tmp_path, f"sqlite+aiosqlite:///{path}", args) == [f"error: there is no database at {path}: {WHERE}"]
    assert not path.parent.exists()


@pytest.mark.parametrize("args", ON_NO_DATABASE, ids=" ".join)
def test_a_command_on_a_database_never_migrated_says_so(tmp_path, args):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()  # an empty file: SQLite's database of no tables
    assert _run_on(tmp_path, f"sqlite+aiosqlite:///{path}", args) == [
        f"error: the database sqlite+aiosqlite:///{path} has no Kanal tables: {WHERE}"
    ]


UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/kanal"  # nothing listens on port 1


@pytest.mark.parametrize("args", [*ON_NO_DATABASE, ("worker", "--once")], ids=" ".join)
def test_a_command_on_a_database_that_refuses_connections_says_so_in_one_line(tmp_path, args):
    assert _run_on(tmp_path, UNREACHABLE, args) == [
        "error: the database postgresql+asyncpg://postgres@127.0.0.1:1/kanal is unavailable: "
        "ConnectionRefusedError: [Errno 111] Connection refused"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["orders.jsonl"]  # no report either
