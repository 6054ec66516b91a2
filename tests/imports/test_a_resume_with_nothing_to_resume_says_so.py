"""README "Resume": `--resume` when no state of a run before exists at the report's path imports
the file from its first line (harmless: each record is an upsert), after one notice line on
stderr naming that path: it imported silently, and a mistyped `--report` went unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, write_jsonl
from tests.realserver import Prepared, read_tables

# the run's flags after FILE --store --resource ({dir}: the test's directory), whether a first
# run under the default report left its state -> whether the notice is said
CASES: dict[str, tuple[list[str], bool, bool]] = {
    "--resume, --report never used": (["--resume", "--report", "{dir}/o.report.jsonl"], False, True),
    "--resume, --report mistyped": (["--resume", "--report", "{dir}/o.jsonl.reprot.jsonl"], True, True),
    "--resume, no --report, no run before": (["--resume"], False, True),
    "--resume, the state of the run before": (["--resume"], True, False),
    "no --resume": ([], False, False),
}


@pytest.mark.parametrize("name", CASES, ids=list(CASES))
async def test_a_resume_with_no_state_says_so_and_imports_the_whole_file(
    prepared: Prepared, tmp_path: Path, name: str
) -> None:
    flags, ran_before, noticed = CASES[name]
    source = write_jsonl(tmp_path / "o.jsonl", [order(n) for n in range(3)])
    base = [source, "--store", "123", "--resource", "orders"]
    if ran_before:
        assert kanal_import(prepared.url, *base).returncode == 0
    args = [flag.format(dir=tmp_path) for flag in flags]
    done = kanal_import(prepared.url, *base, *args)
    assert done.returncode == 0, done.stderr[-2000:]
    notices = [line for line in done.stderr.splitlines() if line.startswith("notice:")]
    report = Path(args[args.index("--report") + 1]) if "--report" in args else tmp_path / "o.jsonl.report.jsonl"
    expected = (
        f"notice: nothing to resume at {report}: no import's state at {report}.state "
        f"(is --report the run before's?); importing {source} from its first line"
    )
    assert notices == ([expected] if noticed else [])
    assert done.stdout.startswith("3 records in " if not ran_before or noticed else "0 records in "), done.stdout
    orders = (await read_tables(prepared.url, "orders"))["orders"]
    assert [row["external_id"] for row in orders] == ["H-0", "H-1", "H-2"]  # written once, whichever run
