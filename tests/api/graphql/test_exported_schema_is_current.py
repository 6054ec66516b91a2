"""SPEC §5: the schema is exported to graphql_schema/schema.graphql; a test fails when it is stale."""

from graphql_schema.export import SCHEMA_FILE
from graphql_schema.schema import sdl


def test_exported_schema_file_is_current():
    assert SCHEMA_FILE.read_text() == sdl(), "run: .venv/bin/python -m graphql_schema.export"
