"""The `kanal` executable: `app.cli`, for `kanal import` with Ctrl-C kept from the first line
(`app.imports.stopping`), as `app.cli`'s modules take about a second to load."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the `kanal` command line (`app.cli.main`)."""
    if sys.argv[1:2] == ["import"]:
        from app.imports import stopping

        stopping.catch_early()
    from app import cli

    cli.main()
