"""`kanal` refuses, before anything runs, a number its command cannot use: an id past a signed
64-bit column (`app.policies.ids`), a port outside 1–65535, a worker interval that is not above
0 and at most an hour (KANAL_WORKER_INTERVAL_SECONDS's range), a process count outside 1–64, a
store's rate limit or recovery delay outside the range its service keeps (`app/cli_arguments.py`). Each is argparse's one line naming the argument, exit 2, where an id
too large stopped the command with an OverflowError traceback, `--interval -1` made the worker
spin, `--interval nan` crashed it and `serve --port 99999` listened on another port. A number
is ASCII figures: Python alone also reads `8_080` and other scripts' digits; and a number of more
than 4,300 figures, which Python's int() refuses, is out of range like any other too large."""

from __future__ import annotations

import argparse
import socket

import pytest

from app import cli, cli_arguments
from tests.api.events.test_outbox_prune import run_cli

BIG = "99999999999999999999"
ID = f"must be a whole number from 0 to 9223372036854775807, got '{BIG}'"
# arguments: the error line's end, after "kanal <command>: error: argument "
REFUSED = {
    ("stores", "create", "--id", BIG, "--name", "x", "--region", "FR"): f"--id: {ID}",
    ("stores", "pause", BIG): f"id: {ID}",
    ("stores", "resume", "-1"): "id: must be a whole number from 0 to 9223372036854775807, got '-1'",
    ("stores", "set-rate-limit", BIG, "5"): f"id: {ID}",
    ("stores", "set-timezone", BIG, "Europe/Paris"): f"id: {ID}",
    ("stores", "set-recovery-delay", "1.5", "5"): "id: must be a whole number from 0 to 9223372036854775807, got '1.5'",
    ("stores", "reset-test-data", BIG): f"id: {ID}",
    ("stores", "set-consent-policy", BIG, "--cart-recovery", "any"): f"id: {ID}",
    ("keys", "create", "--store", BIG): f"--store: {ID}",
    ("webhooks", "add", "--store", BIG, "--url", "http://127.0.0.1:9/h"): f"--store: {ID}",
    ("webhooks", "list", "--store", BIG): f"--store: {ID}",
    ("webhooks", "remove", BIG): f"id: {ID}",
    ("webhooks", "enable", BIG): f"id: {ID}",
    ("webhooks", "redeliver", "--webhook", BIG, "--dead-since", "2d"): f"--webhook: {ID}",
    ("import", "f.jsonl", "--store", BIG, "--resource", "orders"): f"--store: {ID}",
    ("worker", "--interval", "-1"): "--interval: must be above 0 and at most 3,600 seconds, got '-1'",
    ("worker", "--interval", "0"): "--interval: must be above 0 and at most 3,600 seconds, got '0'",
    ("worker", "--interval", "nan"): "--interval: not a number of seconds: 'nan'",
    ("worker", "--interval", "inf"): "--interval: not a number of seconds: 'inf'",
    ("worker", "--interval", "3600.5"): "--interval: must be above 0 and at most 3,600 seconds, got '3600.5'",
    ("worker", "--interval", "soon"): "--interval: not a number of seconds: 'soon'",
    ("worker", "--metrics-port", "0"): "--metrics-port: must be from 1 to 65,535, got 0",
    ("worker", "--metrics-port", "65536"): "--metrics-port: must be from 1 to 65,535, got 65536",
    ("serve", "--port", "99999"): "--port: must be from 1 to 65,535, got 99999",
    ("serve", "--port", "http"): "--port: not a whole number: 'http'",
    ("serve", "--port", "8_080"): "--port: not a whole number: '8_080'",
    ("serve", "--port", "٨٠٨٠"): "--port: not a whole number: '٨٠٨٠'",
    ("serve", "--workers", "1_0"): "--workers: not a whole number: '1_0'",
    ("worker", "--interval", "1_0"): "--interval: not a number of seconds: '1_0'",
    ("worker", "--interval", "١"): "--interval: not a number of seconds: '١'",
    ("stores", "pause", "1_23"): "id: must be a whole number from 0 to 9223372036854775807, got '1_23'",
    ("serve", "--workers", "0"): "--workers: must be from 1 to 64, got 0",
    ("serve", "--workers", "65"): "--workers: must be from 1 to 64, got 65",
    ("stores", "set-rate-limit", "123", "0"): "per_minute: must be from 1 to 2,147,483,647, got 0",
    ("stores", "set-rate-limit", "123", "2147483648"): "per_minute: must be from 1 to 2,147,483,647, got 2147483648",
    ("stores", "set-rate-limit", "123", "1_000"): "per_minute: not a whole number: '1_000'",
    ("stores", "set-rate-limit", "123", "٥"): "per_minute: not a whole number: '٥'",
    ("stores", "set-rate-limit", "123", "9" * 4301): (
        f"per_minute: must be from 1 to 2,147,483,647, got {'9' * 21}… (4,301 figures)"
    ),
    ("stores", "set-recovery-delay", "123", "-1"): "minutes: must be from 0 to 525,600, got -1",
    ("stores", "set-recovery-delay", "123", "525601"): "minutes: must be from 0 to 525,600, got 525601",
    ("stores", "set-recovery-delay", "123", "6_0"): "minutes: not a whole number: '6_0'",
    ("stores", "set-recovery-delay", "123", "-" + "1" * 4301): (
        f"minutes: must be from 0 to 525,600, got -{'1' * 20}… (4,301 figures)"
    ),
}
ACCEPTED = {
    ("stores", "set-rate-limit", "123", "2147483647"): ("per_minute", 2147483647),
    ("stores", "set-rate-limit", "123", "1"): ("per_minute", 1),
    ("stores", "set-recovery-delay", "123", "0"): ("minutes", 0),
    ("stores", "set-recovery-delay", "123", "525600"): ("minutes", 525600),
    ("stores", "pause", "9223372036854775807"): ("id", 9223372036854775807),
    ("stores", "pause", "0"): ("id", 0),
    ("worker", "--interval", "3600"): ("interval", 3600.0),
    ("worker", "--interval", "0.01"): ("interval", 0.01),
    ("worker", "--interval", ".5"): ("interval", 0.5),
    ("worker", "--interval", "1e1"): ("interval", 10.0),
    ("worker", "--metrics-port", "65535"): ("metrics_port", 65535),
    ("serve", "--port", "1"): ("port", 1),
    ("serve", "--port", "0" * 30 + "8080"): ("port", 8080),  # leading zeros are not figures of its size
    ("serve", "--workers", "64"): ("workers", 64),
}


@pytest.mark.parametrize("args", REFUSED, ids=" ".join)
def test_a_number_the_command_cannot_use_is_refused_in_one_line(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(list(args))
    assert exit_.value.code == 2
    command = " ".join(args[:2] if args[0] in ("stores", "keys", "webhooks") else args[:1])
    assert capsys.readouterr().err.splitlines()[-1] == f"kanal {command}: error: argument {REFUSED[args]}"


@pytest.mark.parametrize("args", ACCEPTED, ids=" ".join)
def test_the_bounds_themselves_are_taken(args):
    name, value = ACCEPTED[args]
    assert getattr(cli.build_parser().parse_args(list(args)), name) == value


def test_every_numeric_argument_is_bounded():
    """No argument takes a plain int or float: each number has a bounded type."""
    bounded = {
        cli_arguments.record_id,
        cli_arguments.port,
        cli_arguments.processes,
        cli_arguments.interval,
        cli_arguments.rate_limit,
        cli_arguments.recovery_delay,
    }
    plain = []
    seen = set()

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*path, name))
            elif action.type in (int, float):
                plain.append((*path, action.dest))
            elif action.type in bounded:
                seen.add(action.type)

    walk(cli.build_parser(), ())
    assert plain == []
    assert seen == bounded


async def test_a_metrics_port_taken_is_one_line(api, database_url, monkeypatch, capsys):
    """`kanal worker --metrics-port` on a port another socket holds: one line, exit 1, where
    it ended in an OSError traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exit_:
            await run_cli(monkeypatch, database_url, ["worker", "--metrics-port", str(port)])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: cannot serve metrics on 127.0.0.1:{port}: [Errno 98] Address already in use"
    ]
