"""README "Importing a shop's history": a record nested more than MAX_RECORD_DEPTH (900) levels
deep is refused on its line of the report, `too_deep`, its neighbours written, whether the
import runs in this process or sends to a server (`--url`). Over HTTP such a record is never
sent (a batch body nested past the server's JSON reader, about a thousand levels, is refused
whole); in this process it was written, when it nested in a field the API ignores. Depth
counts the record's own object: a field holding a list in a list is three levels."""

from __future__ import annotations

import json
from pathlib import Path

from app.imports.sinks import MAX_RECORD_DEPTH, too_deep
from tests.imports.files import kanal_import, report, write_jsonl
from tests.realserver import Prepared, read_tables, serving

# the record's depth -> refused (else written)
DEPTHS = {
    2: False,
    MAX_RECORD_DEPTH - 1: False,
    MAX_RECORD_DEPTH: False,
    MAX_RECORD_DEPTH + 1: True,
    MAX_RECORD_DEPTH + 2: True,
    950: True,
    975: True,
}


def _customer(depth: int) -> str:
    """Customer D-`depth`, its field `extra` (no customer field: the API ignores it) holding
    lists `depth - 1` deep."""
    head = json.dumps({"external_id": f"D-{depth}", "phone": f"+3361234{depth:04d}"})[:-1]
    return head + ', "extra": ' + "[" * (depth - 1) + '"x"' + "]" * (depth - 1) + "}"


async def test_a_record_nested_past_the_limit_is_refused_in_this_process_and_over_http_alike(
    prepared: Prepared, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "c.jsonl", [_customer(depth) for depth in DEPTHS])
    refused = [
        {"line": line, "message": too_deep().message} for line, depth in enumerate(DEPTHS, start=1) if DEPTHS[depth]
    ]
    written = sorted(f"D-{depth}" for depth in DEPTHS if not DEPTHS[depth])
    args = ("--store", "123", "--resource", "customers")
    reports = {}
    done = kanal_import(prepared.url, source, *args)
    assert done.returncode == 0, done.stderr[-2000:]
    reports["in this process"] = [
        {key: line[key] for key in ("line", "message")} for line in report(tmp_path / "c.jsonl.report.jsonl")
    ]
    customers = (await read_tables(prepared.url, "customers"))["customers"]
    assert sorted(row["external_id"] for row in customers) == written
    with serving(prepared.url) as server:
        done = kanal_import(prepared.url, source, *args, "--url", server.base_url, "--key", prepared.key)
        assert server.tracebacks() == ""
    assert done.returncode == 0, done.stderr[-2000:]
    reports["over HTTP"] = [
        {key: line[key] for key in ("line", "message")} for line in report(tmp_path / "c.jsonl.report.jsonl")
    ]
    assert reports == {"in this process": refused, "over HTTP": refused}
    customers = (await read_tables(prepared.url, "customers"))["customers"]
    assert sorted(row["external_id"] for row in customers) == written


TOO_DEEP = (
    "Nested more than 900 levels deep, past what an import writes: its limit, kept below the server's JSON "
    "reader, which refuses a whole batch nested past about a thousand levels (too_deep); not written."
)


def test_the_refusal_names_the_imports_own_limit_as_the_readme_does() -> None:
    """It said a batch holding the record would be refused whole by the server's JSON reader,
    untrue from 901 levels to about a thousand, which the server takes: 900 is the import's
    limit, kept below the reader's (README "Importing a shop's history" quotes the line)."""
    assert too_deep().message == too_deep().errors[""][0] == TOO_DEEP
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert f"`{TOO_DEEP}`" in readme
