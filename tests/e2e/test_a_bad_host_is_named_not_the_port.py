"""README "Running it": `scripts/run` that cannot serve where it is asked says why and what to
do by the failure's kind, and issues no key: a port in use (another server) is the port's
fault, and advice about another server and another port follows it alone; a `KANAL_HOST` that
is not an address of this machine, or a name that resolves to none, is the host's fault and
named as such (it blamed the port); a privileged port, the privileges'. An IPv6 address in a
URL's brackets (`[::1]`) is that address."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.server import free_port

ROOT = Path(__file__).resolve().parents[2]
HOST_ADVICE = "is not an address of this machine: give one of its addresses, or unset KANAL_HOST to serve on 127.0.0.1."


def _run(tmp_path: Path, host: str, port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"}
    env |= {"KANAL_HOST": host, "KANAL_PORT": str(port)}
    return subprocess.run(["bash", str(ROOT / "scripts" / "run")], env=env, capture_output=True, text=True, timeout=60)


def _unresolved(host: str) -> str:
    """The resolver's words for a name it cannot resolve (`Name or service not known`)."""
    with pytest.raises(socket.gaierror) as refused:
        socket.getaddrinfo(host, 80, type=socket.SOCK_STREAM)
    return str(refused.value.strerror)


@pytest.mark.parametrize(
    ("host", "cause"),
    [
        ("192.0.2.1", "Cannot assign requested address"),  # TEST-NET-1 (RFC 5737): no machine's
        ("2001:db8::1", "Cannot assign requested address"),  # documentation prefix (RFC 3849)
        ("nonexistent.invalid", None),  # never resolves (RFC 6761)
        ("256.1.1.1", None),  # no IPv4 address: read as a name
        ("127.0.0.1 ", None),  # a blank around it: a name too
    ],
)
def test_a_host_not_of_this_machine_is_named_not_the_port(tmp_path: Path, host: str, cause: str | None) -> None:
    port = free_port()
    result = _run(tmp_path, host, port)
    said = cause or _unresolved(host)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"scripts/run: cannot serve on {host}:{port}: {said}.\nKANAL_HOST={host!r} {HOST_ADVICE}\nNo key was issued.\n",
    )
    assert not (tmp_path / "kanal.db").exists()  # refused before anything was set up


# KANAL_HOST -> the address served on: an IPv6 one in a URL's brackets is that address (`[::1]`
# was "not an address of this machine")
HOSTS = {"127.0.0.1": ("127.0.0.1", socket.AF_INET), "[::1]": ("::1", socket.AF_INET6)}


@pytest.mark.parametrize("given", HOSTS)
def test_a_port_in_use_alone_suggests_another_server_and_port(tmp_path: Path, given: str) -> None:
    address, family = HOSTS[given]
    with socket.socket(family) as holder:
        holder.bind((address, 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _run(tmp_path, given, port)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"scripts/run: cannot serve on {address}:{port}: Address already in use.\n"
        "Is another scripts/run (or kanal serve) already up? Stop it, or choose another port:\n"
        f"    KANAL_PORT={port + 1} scripts/run\n"
        "No key was issued.\n",
    )


def _unprivileged_start() -> int:
    return int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())


@pytest.mark.skipif(_unprivileged_start() <= 80, reason="port 80 takes no privileges on this machine")
def test_a_privileged_port_is_named_not_the_host() -> None:
    """The port check alone, as a user without privileges (root binds port 80)."""
    script = (ROOT / "scripts" / "run").read_text()
    check = script[script.index("port_is_free() {") : script.index("\n}\n") + 3]
    command = ["bash", "-c", f"{check}\nhost=127.0.0.1; port=80; port_is_free"]
    as_user = ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command
    result = subprocess.run(as_user, capture_output=True, text=True, timeout=30, cwd="/")
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "scripts/run: cannot serve on 127.0.0.1:80: Permission denied.\n"
        "Port 80 takes privileges this user lacks; choose another port:\n"
        "    KANAL_PORT=8000 scripts/run\n"
        "No key was issued.\n",
    )
