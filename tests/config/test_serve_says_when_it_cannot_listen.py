"""`kanal serve` on an address it cannot listen on stops before anything starts, in one line,
exit 1, as every other `kanal` command refuses (README, The `kanal` command): before, uvicorn
started the application and the in-process worker, then logged its bind error among its own
lines and exited 3."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess

import pytest

from app.cli_arguments import listen_host
from app.listen import CannotListen, check_listen
from tests.server import KANAL, free_port


def _serve(host: str, port: int, database: str) -> tuple[int, str, str]:
    env = {**os.environ, "DATABASE_URL": database, "KANAL_REQUEST_LOG": "off"}
    argv = [KANAL, "serve", "--host", host, "--port", str(port)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def database(tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([KANAL, "db", "upgrade"], env=env, check=True, capture_output=True)
    return url


# --host as given -> the address listened on: an IPv6 address bare, or in a URL's brackets
# (`[::1]` was "cannot listen on [[::1]]:…: Name or service not known")
HOSTS = {"127.0.0.1": ("127.0.0.1", socket.AF_INET), "::1": ("::1", socket.AF_INET6), "[::1]": ("::1", socket.AF_INET6)}


@pytest.mark.parametrize("given", HOSTS)
def test_a_port_in_use_is_named_with_what_to_do(database, given):
    address, family = HOSTS[given]
    with socket.socket(family) as taken:
        taken.bind((address, 0))
        taken.listen()
        port = taken.getsockname()[1]
        answer = _serve(given, port, database)
    assert answer == (
        1,
        "",
        f"error: port {port} is in use on {address}: another server listens there (a Kanal already running?); "
        "stop it, or choose another port with --port (scripts/run: KANAL_PORT).\n",
    )


def test_an_address_not_of_this_machine_is_refused_in_one_line(database):
    port = free_port()
    answer = _serve("192.0.2.1", port, database)  # TEST-NET-1 (RFC 5737): no machine's address
    assert answer == (1, "", f"error: cannot listen on 192.0.2.1:{port}: Cannot assign requested address.\n")


def test_a_free_port_passes_and_stays_free():
    port = free_port()
    check_listen("127.0.0.1", port)
    check_listen("127.0.0.1", port)  # the probe let it go
    with pytest.raises(CannotListen):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", port))
            taken.listen()
            check_listen("127.0.0.1", port)


# --host refused before anything starts (exit 2, argparse's line): an empty one listened on
# every interface; an address with its port was "cannot listen on [127.0.0.1:8000]:8000", a
# URL or a lone bracket the same; an IPv4 address in IPv6's form passed the check, then uvicorn
# failed to bind after the app started.
EMPTY = "an empty host listens on every interface: give 0.0.0.0 for every IPv4 one, :: for every IPv6 one"
REFUSED_HOSTS = {
    "": EMPTY,
    " ": EMPTY,
    "[::1]:8000": "'[::1]:8000' has a port: give the address alone, the port with --port",
    "127.0.0.1:8000": "'127.0.0.1:8000' has a port: give the address alone, the port with --port",
    "localhost:8000": "'localhost:8000' has a port: give the address alone, the port with --port",
    "0.0.0.0:8996": "'0.0.0.0:8996' has a port: give the address alone, the port with --port",
    "http://127.0.0.1": "'http://127.0.0.1' is no host: give a name or an address alone (127.0.0.1, ::1)",
    "127.0.0.1/32": "'127.0.0.1/32' is no host: give a name or an address alone (127.0.0.1, ::1)",
    "[::1": "'[::1' opens or closes a bracket alone: give [::1] or ::1",
    "::1]": "'::1]' opens or closes a bracket alone: give [::1] or ::1",
    "::ffff:127.0.0.1": "'::ffff:127.0.0.1' is an IPv4 address in IPv6's form: give 127.0.0.1",
    "[::ffff:127.0.0.1]": "'[::ffff:127.0.0.1]' is an IPv4 address in IPv6's form: give 127.0.0.1",
}


@pytest.mark.parametrize("host", REFUSED_HOSTS, ids=[repr(host) for host in REFUSED_HOSTS])
def test_a_host_that_cannot_be_served_as_meant_is_refused(host):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        listen_host(host)
    assert str(refused.value) == REFUSED_HOSTS[host]


def test_serve_with_an_empty_host_stops_before_listening(database):
    code, out, err = _serve("", free_port(), database)
    assert (code, out, err.splitlines()[-1]) == (
        2,
        "",
        f"kanal serve: error: argument --host: {REFUSED_HOSTS['']}",
    )
