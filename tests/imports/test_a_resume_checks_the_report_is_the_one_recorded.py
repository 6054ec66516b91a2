"""README "Importing a shop's history", Resume: the state records the report's size at its
position, and `--resume` refuses a report that holds less (deleted or cut short since): exit 1,
one line, nothing sent, report and state untouched. It appended to what was left, the report's
lines no longer those the counts say (a refused line of the runs before gone for good). A report
grown past it (a batch's lines not confirmed) is cut back and the import goes on, as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, write_jsonl
from tests.realserver import Prepared, read_tables

FIRST = [order(0), "not json", order(1)]  # line 2 refused: the report holds one line


def _cut(by: int) -> Callable[[Path], None]:
    def cut(report: Path) -> None:
        report.write_bytes(report.read_bytes()[:-by])

    return cut


# name -> (what happens to the report after the first run, refused?)
CASES: dict[str, tuple[Callable[[Path], None], bool]] = {
    "deleted": (Path.unlink, True),
    "emptied": (lambda report: report.write_text(""), True),
    "its last byte cut": (_cut(1), True),
    "cut to half": (_cut(40), True),
    "grown (lines not confirmed)": (lambda report: report.open("a").write('{"line": 9}\n'), False),
}


@pytest.mark.parametrize(("change", "refused"), CASES.values(), ids=list(CASES))
async def test_a_resume_goes_on_only_with_the_report_it_recorded(
    prepared: Prepared, tmp_path: Path, change: Callable[[Path], None], refused: bool
) -> None:
    source = write_jsonl(tmp_path / "o.jsonl", FIRST)
    report = tmp_path / "o.jsonl.report.jsonl"
    state = tmp_path / "o.jsonl.report.jsonl.state"
    args = (source, "--store", "123", "--resource", "orders")
    assert kanal_import(prepared.url, *args).returncode == 0
    recorded = json.loads(state.read_text())["report_bytes"]
    assert recorded == report.stat().st_size > 40
    change(report)
    changed = report.read_bytes() if report.exists() else None
    kept = state.read_text()
    write_jsonl(source, [*FIRST, order(2)])  # appended to: a line for the resume to send

    resumed = kanal_import(prepared.url, *args, "--resume")

    orders = sorted(row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"])
    if refused:
        size = len(changed or b"")
        assert (resumed.returncode, resumed.stdout, resumed.stderr) == (
            1,
            "",
            f"error: the report {report} no longer holds what {state} recorded ({size:,} of its {recorded:,} "
            "bytes: deleted or cut short since): run without --resume to import the file whole, its refused "
            "lines written again, or give --report a new path.\n",
        )
        assert (orders, state.read_text()) == (["H-0", "H-1"], kept)
        assert (report.read_bytes() if report.exists() else None) == changed
    else:
        assert resumed.returncode == 0, resumed.stderr[-500:]
        assert orders == ["H-0", "H-1", "H-2"]
        assert [json.loads(line)["line"] for line in report.read_text().splitlines()] == [2]
