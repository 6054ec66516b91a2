"""The command line's standard streams, as a shell may hand them over.

- Closed (`>&-`, `2>&-`): Python leaves `sys.stdout` or `sys.stderr` None (a print to a None
  stderr goes to stdout), and the next file or socket opened takes the descriptor, which
  uvloop's C core then refuses to close (an assertion: the process aborts, exit 134). `guard`
  opens them again first: a closed stdout as a pipe whose reader has gone, so that a command
  printing to it ends as one whose reader went away (exit 1); a closed stdin or stderr on
  /dev/null.
- A write that fails (the reader gone, `| head -1`; a full disk, `>/dev/full`): `guard` wraps
  stdout so that any failed write or flush raises `Unwritable`, which `app.cli.main` ends with
  exit status 1 and one line (none for a reader gone), never a traceback.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any


class Unwritable(Exception):
    """Standard output could not take what the command printed; the OSError is the cause, its
    text (`No space left on device`) this one's."""


class SecretWithdrawn(Exception):
    """A secret shown once could not be written out, and what it opens was withdrawn (a key
    revoked, a webhook removed); the message says which, for the `error:` line."""


class _Guarded(io.TextIOBase):
    """A text stream writing through `stream`, its write and flush errors raised as Unwritable."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise Unwritable(exc.strerror or str(exc)) from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise Unwritable(exc.strerror or str(exc)) from exc

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding


def _reopen(fd: int) -> None:
    """Descriptor `fd` open again if the shell closed it: stdout (1) as a pipe with no reader,
    stdin and stderr on /dev/null."""
    try:
        os.fstat(fd)
        return
    except OSError:
        pass
    if fd == 1:
        read, write = os.pipe()  # may take descriptor 1 itself: its reader is closed first
        os.close(read)
        if write != fd:
            os.dup2(write, fd)
            os.close(write)
        return
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)


def guard() -> None:
    """Every standard stream open, and stdout's failed writes raised as Unwritable. Called once,
    first, by `app.cli.main`; idempotent."""
    for fd in (0, 1, 2):
        _reopen(fd)
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 (the process's own)
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if not isinstance(sys.stdout, _Guarded):
        sys.stdout = _Guarded(sys.stdout)


def say(line: str) -> None:
    """`line` on stderr, flushed; nothing if stderr cannot take it (`2>/dev/full`): what it
    says never keeps back what the command prints on stdout, nor its exit status. Such a
    stderr is /dev/null from then on (what it holds is flushed there at exit, else a failed
    flush would end the process with exit status 120)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except OSError:
        discard(2)


def discard(fd: int = 1) -> None:
    """Descriptor `fd` (stdout) to /dev/null once a write to it failed, so that the
    interpreter's flush at exit raises no second error (Python's "Note on SIGPIPE")."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
