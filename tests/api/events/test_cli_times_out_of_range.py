"""Ages and times on the command line past what a date holds are refused as arguments
(exit 2, one line, saying the range), before anything is written: `webhooks add --since` created the webhook,
then failed with a traceback before printing its secret; `events prune --older-than` and
`webhooks redeliver --dead-since` failed with tracebacks."""

import pytest

from app.automations.retention import MAX_AGE, parse_age
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID

# Ages: at the bound, and past it.
AGES = {"36500d": True, "876000h": True, "36501d": False, "99999999d": False, "99999999999999999999999s": False}
# Times and ages a date cannot hold once in UTC, or before now.
# An age is refused in its own words, as prune refuses it (before, `--since` and `--dead-since`
# said "is not a time" of `0s` and `36501d`).
OUT_OF_RANGE = "is out of range: a time is from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z, once in UTC"
MOMENTS = {
    "0001-01-01T00:00:00+01:00": OUT_OF_RANGE,
    "0000-06-15T12:00:00Z": OUT_OF_RANGE,  # RFC 3339's year 0 (it was "not a time")
    "0000-01-01": OUT_OF_RANGE,  # a date alone, its midnight UTC
    "9999-12-31T23:59:59-05:00": OUT_OF_RANGE,
    "9999-12-31T23:59:59.9999991Z": OUT_OF_RANGE,  # rounded up past the last microsecond
    "2026-11-29T23:59:60Z": "is not a time: A leap second (:60) is only the last second of a UTC month (RFC 3339 §5.7).",
    "99999999d": "is older than any event: an age is at most 36,500d",
    "99999999999999999999999s": "is older than any event: an age is at most 36,500d",
    "36501d": "is older than any event: an age is at most 36,500d",
    "0s": "is not an age such as 30d, 12h, 90m or 45s (a positive whole number and a unit)",
    "0d": "is not an age such as 30d, 12h, 90m or 45s (a positive whole number and a unit)",
}
COMMANDS = {
    "webhooks add --since": ["webhooks", "add", "--store", str(STORE_ID), "--url", "http://127.0.0.1:9/h", "--since"],
    "webhooks redeliver --dead-since": ["webhooks", "redeliver", "--webhook", "1", "--dead-since"],
    "events prune --older-than": ["events", "prune", "--older-than"],
}


@pytest.mark.parametrize(("text", "accepted"), AGES.items(), ids=list(AGES))
def test_an_age_is_at_most_a_century(text, accepted):
    if accepted:
        assert parse_age(text) <= MAX_AGE
        return
    with pytest.raises(ValueError, match="is older than any event: an age is at most 36,500d"):
        parse_age(text)


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
async def test_a_time_past_what_a_date_holds_is_refused_and_changes_nothing(
    api, database_url, monkeypatch, capsys, command, moment
):
    before = await api.snapshot()
    if command == "events prune --older-than" and not moment.endswith(("d", "s")):
        pytest.skip("prune takes an age only")
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, [*COMMANDS[command], moment])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    option = f"kanal {COMMANDS[command][0]} {COMMANDS[command][1]}: error: argument {COMMANDS[command][-1]}"
    assert error == f"{option}: {moment!r} {MOMENTS[moment]}"
    assert await api.snapshot() == before


# A value led by `-` and a digit (an age or a time with a sign): argparse took it for an option,
# "expected one argument", where the same value after `=` got its own refusal. An age with a
# sign is said to have one (`-1d` was "not a time", or "not an age"), by every command.
SIGNED = ["-1d", "-2h", "-90m", "-1.5d", "-30", "-2026-11-30T09:00:00Z"]
NOT_A_TIME = (
    "is not a time: an RFC 3339 time (2026-11-30T09:00:00Z), a date (2026-11-30, its midnight UTC) or an age "
    "such as 2d or 6h"
)
REFUSED = {
    "events prune --older-than": "is not an age such as 30d, 12h, 90m or 45s (a positive whole number and a unit)",
    "webhooks add --since": NOT_A_TIME,
    "webhooks redeliver --dead-since": NOT_A_TIME,
}


def _refusal(command: str, value: str) -> str:
    if value in ("-1d", "-2h", "-90m"):
        return f"has a sign: an age counts back from now and takes none, such as {value[1:]}"
    return REFUSED[command]


@pytest.mark.parametrize("value", SIGNED)
@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
async def test_a_value_led_by_a_minus_is_read_as_the_options_value(
    api, database_url, monkeypatch, capsys, command, value
):
    before = await api.snapshot()
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, [*COMMANDS[command], value])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    option = COMMANDS[command][-1]
    assert (
        error
        == f"kanal {COMMANDS[command][0]} {COMMANDS[command][1]}: error: argument {option}: {value!r} {_refusal(command, value)}"
    )
    assert await api.snapshot() == before
