"""`kanal stores create --team ""` is refused as an argument (exit 2, one line), creating no
store: it created a store of a team named by nothing, which `keys create --team ""` then
issued a key for, where that command refuses an empty team as one no store belongs to."""

import pytest

from tests.api.events.test_outbox_prune import run_cli

CREATE = ["stores", "create", "--id", "5", "--name", "Shop", "--region", "FR"]
# --team: the store's team, or None when refused
TEAMS = {"": None, "  ": None, "ACME": "ACME", "acme ": "acme "}


@pytest.mark.parametrize("team", TEAMS, ids=repr)
async def test_a_team_is_a_name(api, database_url, monkeypatch, capsys, team):
    if TEAMS[team] is None:
        with pytest.raises(SystemExit) as exit_:
            await run_cli(monkeypatch, database_url, [*CREATE, "--team", team])
        assert exit_.value.code == 2
        assert capsys.readouterr().err.splitlines()[-1] == (
            "kanal stores create: error: argument --team: a team is named by at least one character other "
            "than a space; leave --team out for none"
        )
        assert [row["id"] for row in await api.rows("stores") if row["id"] >= 0] == [123]
        return
    await run_cli(monkeypatch, database_url, [*CREATE, "--team", team])
    assert {row["id"]: row["team"] for row in await api.rows("stores") if row["id"] >= 0} == {123: None, 5: team}
