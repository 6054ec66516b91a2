"""Whether `kanal serve` can listen where it is asked to, said before uvicorn starts: on a port
already taken, uvicorn starts the application (and the embedded worker) and only then logs its
bind error among its own lines and exits 3."""

from __future__ import annotations

import errno
import socket


class CannotListen(Exception):
    """The address `kanal serve` was given cannot be listened on; the message says why and what to do."""


def check_listen(host: str, port: int) -> None:
    """Bind a TCP socket to (`host`, `port`) as uvicorn will (SO_REUSEADDR, IPv6 for a host
    with a colon) and close it. Raises CannotListen: the port in use, permission denied
    (a port below 1024), an address not of this machine."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise CannotListen(
                f"port {port} is in use on {host}: another server listens there (a Kanal already running?); "
                "stop it, or choose another port with --port (scripts/run: KANAL_PORT)."
            ) from None
        raise CannotListen(f"cannot listen on {where}: {exc.strerror or exc}.") from None
