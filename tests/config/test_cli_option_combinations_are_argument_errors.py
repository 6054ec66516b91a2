"""Options of a `kanal` subcommand that do not go together are an argument error, as a value the
command cannot use is (`app/cli_arguments.py`): argparse's usage line of that subcommand, then
`kanal <command>: error: …`, exit status 2, before anything is read or written. They stopped the
command with `error: …` and exit status 1 (the status of a command that ran and failed), after
it had opened the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from tests.config.test_cli_values_are_argument_errors import _state  # what the lists print

ONCE = "%s goes with a running worker, not --once (one pass, then exit)."
NO_PORT = "--metrics-host goes with --metrics-port (without it no metrics are served)."
BOTH_NEEDED = "Name an event (--event ID), or a webhook and a time (--webhook ID --dead-since TIME)."
# arguments -> the error line's end, after "kanal <command>: error: "; FILE is a JSON Lines file
REFUSED = {
    ("import", "FILE", "--store", "1", "--resource", "orders", "--key", "kanal_sk_live_x"): (
        "--key goes with --url (without it the import runs in this process)."
    ),
    ("import", "FILE", "--store", "1", "--resource", "orders", "--url", "http://127.0.0.1:9"): (
        "--url needs --key (or KANAL_KEY)."
    ),
    ("import", "FILE", "--store", "1", "--resource", "orders", "--url", "http://127.0.0.1:9", "--key", ""): (
        "--url needs --key (or KANAL_KEY)."
    ),
    ("webhooks", "redeliver", "--event", "evt_1", "--dead-since", "1d"): "Either --event or --dead-since, not both.",
    ("webhooks", "redeliver", "--event", "evt_1", "--webhook", "1", "--dead-since", "1d"): (
        "Either --event or --dead-since, not both."
    ),
    ("webhooks", "redeliver"): BOTH_NEEDED,
    ("webhooks", "redeliver", "--webhook", "1"): BOTH_NEEDED,
    ("webhooks", "redeliver", "--dead-since", "2026-11-30"): BOTH_NEEDED,
    ("stores", "set-consent-policy", "1"): "Name an automation: --cart-recovery and/or --shipping-notification.",
    # options the worker would ignore: one pass serves no metrics and has no next pass
    ("worker", "--once", "--metrics-port", "9101"): ONCE % "--metrics-port",
    ("worker", "--once", "--metrics-port", "9101", "--metrics-host", "0.0.0.0"): ONCE % "--metrics-port",
    ("worker", "--once", "--interval", "5"): ONCE % "--interval",
    ("worker", "--metrics-host", "0.0.0.0"): NO_PORT,
    ("worker", "--once", "--metrics-host", "127.0.0.1"): NO_PORT,
    ("worker", "--interval", "5", "--metrics-host", "127.0.0.1"): NO_PORT,
}


@pytest.mark.parametrize("args", REFUSED, ids=" ".join)
def test_options_that_do_not_go_together_are_an_argument_error(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
) -> None:
    monkeypatch.delenv("KANAL_KEY", raising=False)
    main(["stores", "create", "--id", "1", "--name", "Shop", "--region", "FR"])
    main(["webhooks", "add", "--store", "1", "--url", "http://127.0.0.1:9/h"])
    (tmp_path / "import").mkdir()
    lines = tmp_path / "import" / "orders.jsonl"
    lines.write_text('{"external_id": "1"}\n')
    before = _state(capsys)
    with pytest.raises(SystemExit) as exited:
        main([str(lines) if arg == "FILE" else arg for arg in args])
    err = capsys.readouterr().err.splitlines()
    command = " ".join(args[:1] if args[0] in ("import", "worker") else args[:2])
    assert (exited.value.code, err[0].startswith(f"usage: kanal {command} "), err[-1]) == (
        2,
        True,
        f"kanal {command}: error: {REFUSED[args]}",
    ), err
    assert _state(capsys) == before
    assert [path.name for path in lines.parent.iterdir()] == ["orders.jsonl"]  # no import report


def test_kanal_key_goes_for_the_missing_key(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """`--url` with KANAL_KEY set and no `--key` is no refused combination: the import goes on
    (to a server that is not there: exit 1, its one line)."""
    monkeypatch.setenv("KANAL_KEY", "kanal_sk_live_x")
    lines = tmp_path / "orders.jsonl"
    lines.write_text('{"external_id": "1"}\n')
    with pytest.raises(SystemExit) as exited:
        main(["import", str(lines), "--store", "1", "--resource", "orders", "--url", "http://127.0.0.1:9"])
    assert exited.value.code == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith("error: http://127.0.0.1:9/api/v1/stores/1/orders/batch")
