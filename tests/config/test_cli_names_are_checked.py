"""`kanal` refuses, before anything runs, a store's or a key's name or a team it cannot store:
blank, past the columns' 255 characters (a PostgreSQL traceback: "value too long for type
character varying(255)"), or holding a NUL or an argument's bytes that are not UTF-8 (a lone
surrogate once decoded). One argparse line, exit 2. A name is kept as written."""

from __future__ import annotations

import pytest

from app import cli

LONG = "x" * 256
TOO_LONG = "at most 255 characters, got 256"
UNSTORABLE = "a NUL character or bytes that are not UTF-8 cannot be stored"
NAME_BLANK = "a name has at least one character other than a space"
TEAM_BLANK = "a team is named by at least one character other than a space; leave --team out for none"
STORE = ["stores", "create", "--id", "5", "--region", "FR"]

# arguments -> the error line's end, after "kanal <command>: error: argument "
REFUSED = {
    (*STORE, "--name", ""): f"--name: {NAME_BLANK}",
    (*STORE, "--name", " \t"): f"--name: {NAME_BLANK}",
    (*STORE, "--name", LONG): f"--name: {TOO_LONG}",
    (*STORE, "--name", "Sh\x00op"): f"--name: {UNSTORABLE}",
    (*STORE, "--name", "Sh\udcffop"): f"--name: {UNSTORABLE}",
    (*STORE, "--name", "Shop", "--team", LONG): f"--team: {TOO_LONG}",
    (*STORE, "--name", "Shop", "--team", " "): f"--team: {TEAM_BLANK}",
    ("keys", "create", "--team", ""): f"--team: {TEAM_BLANK}",
    ("keys", "create", "--team", LONG): f"--team: {TOO_LONG}",
    ("keys", "create", "--store", "5", "--name", LONG): f"--name: {TOO_LONG}",
    ("keys", "create", "--store", "5", "--name", "\udce9t\udce9"): f"--name: {UNSTORABLE}",
}
ACCEPTED = {
    (*STORE, "--name", "x" * 255): ("name", "x" * 255),
    (*STORE, "--name", " Boutique Éléonore "): ("name", " Boutique Éléonore "),
    (*STORE, "--name", "Shop", "--team", "acme "): ("team", "acme "),
    ("keys", "create", "--team", "t" * 255): ("team", "t" * 255),
    ("keys", "create", "--store", "5", "--name", "ci 🔑"): ("name", "ci 🔑"),
}


@pytest.mark.parametrize("args", REFUSED, ids=lambda args: " ".join(a[:12] for a in args))
def test_a_name_the_command_cannot_store_is_refused_in_one_line(capsys, args):
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(list(args))
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"kanal {' '.join(args[:2])}: error: argument {REFUSED[args]}"


@pytest.mark.parametrize("args", ACCEPTED, ids=lambda args: " ".join(a[:12] for a in args))
def test_a_name_is_kept_as_written(args):
    name, value = ACCEPTED[args]
    assert getattr(cli.build_parser().parse_args(list(args)), name) == value
