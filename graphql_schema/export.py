"""Writes the SDL to graphql_schema/schema.graphql: `python -m graphql_schema.export`."""

from __future__ import annotations

from pathlib import Path

from .schema import sdl

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")


def main() -> None:
    SCHEMA_FILE.write_text(sdl())
    print(f"wrote {SCHEMA_FILE}")


if __name__ == "__main__":
    main()
