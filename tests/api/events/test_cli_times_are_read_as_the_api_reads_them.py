"""README "Dates" and the webhook commands: a TIME on the command line (`webhooks add
--since`, `webhooks redeliver --dead-since`) is read as the API reads one
(`parse_utc_datetime`), or is a date alone (its midnight UTC) or an age. Another ISO 8601 form
is refused as an argument (exit 2, one line naming the option), nothing written, where a week
date was read as another day and the basic format as a time."""

from datetime import UTC, datetime

import pytest

from app import cli
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID

# Every time option of every subcommand: the arguments before the TIME, its name, the attribute.
OPTIONS = {
    "webhooks add --since": (
        ["webhooks", "add", "--store", str(STORE_ID), "--url", "http://127.0.0.1:9/h", "--since"],
        "since",
    ),
    "webhooks redeliver --dead-since": (["webhooks", "redeliver", "--webhook", "1", "--dead-since"], "dead_since"),
}
ACCEPTED = {
    "2026-01-01T00:00:00Z": datetime(2026, 1, 1, tzinfo=UTC),
    "2026-01-01t10:30:00.5z": datetime(2026, 1, 1, 10, 30, 0, 500_000, tzinfo=UTC),
    "2026-01-01 10:00+02:00": datetime(2026, 1, 1, 8, tzinfo=UTC),
    "2026-01-01T10:00:00+0200": datetime(2026, 1, 1, 8, tzinfo=UTC),
    "2026-01-01T10:00:00": datetime(2026, 1, 1, 10, tzinfo=UTC),
    "2026-01-01": datetime(2026, 1, 1, tzinfo=UTC),
}
REFUSED = [
    "2026-W01-1T00:00:00Z",  # a week date: was 2025-12-29
    "2026-W01-1",
    "2026-001T00:00:00Z",  # an ordinal date
    "20260101T000000Z",  # the basic format
    "20260101",
    "2026-01-01T10:00:00,5Z",  # a decimal comma
    "2026-01-01T10",  # an hour alone
    "2026-01-01T25:00:00Z",
    "2026-02-30",
    "soon",
    "",
]


@pytest.mark.parametrize(("text", "moment"), ACCEPTED.items(), ids=list(ACCEPTED))
@pytest.mark.parametrize("option", OPTIONS, ids=list(OPTIONS))
def test_a_time_the_api_takes_or_a_date_alone_is_read_as_that_instant(option, text, moment):
    argv, attribute = OPTIONS[option]
    assert getattr(cli.build_parser().parse_args([*argv, text]), attribute) == moment


@pytest.mark.parametrize("text", REFUSED)
@pytest.mark.parametrize("option", OPTIONS, ids=list(OPTIONS))
async def test_another_iso_8601_form_is_refused_naming_the_option(api, database_url, monkeypatch, capsys, option, text):
    argv, _ = OPTIONS[option]
    before = await api.snapshot()
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, [*argv, text])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    command = " ".join(argv[:2])
    assert out == ""
    assert err.splitlines()[-1] == (
        f"kanal {command}: error: argument {argv[-1]}: {text!r} is not a time: an RFC 3339 time "
        "(2026-11-30T09:00:00Z), a date (2026-11-30, its midnight UTC) or an age such as 2d or 6h"
    )
    assert await api.snapshot() == before
