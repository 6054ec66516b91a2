"""Each `kanal` argument that names something (a store, a team, a webhook, an event, a key)
names something that is there: an unknown one is refused in one line, exit status 1, and
nothing changes (README, The `kanal` command). `keys create --team` with a team no store
belongs to issued a key that reached nothing; `webhooks list --store` of an unknown store
listed none, as for a store with no webhook."""

import pytest

from app.services import stores
from tests.api.events.test_outbox_prune import run_cli, run_cli_streams

HOOK = ["--url", "http://127.0.0.1:9/h"]
REVOKE_NONE = "No active key matches: give the whole key, or its prefix as 'kanal keys list' shows it."
# arguments: the error line
UNKNOWN = {
    ("stores", "pause", "404"): "Store 404 does not exist.",
    ("stores", "resume", "404"): "Store 404 does not exist.",
    ("stores", "set-rate-limit", "404", "5"): "Store 404 does not exist.",
    ("stores", "set-timezone", "404", "Europe/Paris"): "Store 404 does not exist.",
    ("stores", "set-recovery-delay", "404", "5"): "Store 404 does not exist.",
    ("stores", "set-consent-policy", "404", "--cart-recovery", "any"): "Store 404 does not exist.",
    ("stores", "reset-test-data", "404"): "Store 404 does not exist.",
    ("keys", "create", "--store", "404"): "Store 404 does not exist.",
    ("keys", "create", "--team", "nope"): "No store belongs to team 'nope'.",
    ("keys", "create", "--team", "ACME", "--test"): "No store belongs to team 'ACME'.",  # teams match exactly
    ("keys", "revoke", "kanal_sk_live_nope"): REVOKE_NONE,
    ("webhooks", "add", "--store", "404", *HOOK): "Store 404 does not exist.",
    ("webhooks", "list", "--store", "404"): "Store 404 does not exist.",
    ("webhooks", "remove", "404"): "No active webhook 404.",
    ("webhooks", "enable", "404"): "No active webhook 404.",
    ("webhooks", "redeliver", "--event", "evt_nope"): "No event evt_nope.",
    ("webhooks", "redeliver", "--webhook", "404", "--dead-since", "2d"): "No active webhook 404.",
    ("import", "FILE", "--store", "404", "--resource", "orders"): "Store 404 does not exist.",
}


@pytest.mark.parametrize("args", UNKNOWN, ids=" ".join)
async def test_an_unknown_id_is_refused_in_one_line_and_changes_nothing(
    api, database_url, monkeypatch, capsys, tmp_path, args
):
    await stores.create_store(api.db, 5, "Team shop", "FR", team="acme")
    (tmp_path / "import").mkdir()
    lines = tmp_path / "import" / "orders.jsonl"
    lines.write_text('{"external_id": "1"}\n')
    before = await _rows(api)
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, [str(lines) if arg == "FILE" else arg for arg in args])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {UNKNOWN[args]}"]
    assert await _rows(api) == before
    assert [path.name for path in lines.parent.iterdir()] == ["orders.jsonl"]  # no import report


async def _rows(api):
    """Every table's rows, keys included; not the cache's version counter, which an UPDATE of no
    row may bump (PostgreSQL's statement triggers): it changes no record."""
    rows = {**await api.snapshot(), "api_keys": await api.rows("api_keys")}
    del rows["kept_versions"]
    return rows


async def test_a_team_key_is_issued_once_a_store_belongs_to_the_team(api, database_url, monkeypatch):
    await stores.create_store(api.db, 5, "Team shop", "FR", team="acme")
    key, notice = await run_cli_streams(monkeypatch, database_url, ["keys", "create", "--team", "acme"])
    assert key.startswith("kanal_sk_live_") and "team key" in notice and "for team acme" in notice
    assert [row["team"] for row in await api.rows("api_keys") if row["scope"] == "team"] == ["acme"]
