#!/usr/bin/env python3
"""The long fuzz run: the checks of tests/fuzz/ with many more examples, and a summary.

    .venv/bin/python scripts/fuzz_api.py                        # 500 examples per operation and mode, SQLite
    .venv/bin/python scripts/fuzz_api.py --examples 2000 --domain-examples 5000 --engine postgresql
    .venv/bin/python scripts/fuzz_api.py --seed 7 --only orders  # another reproducible run, orders only

1. Schemathesis against the app's /openapi.json, in-process (httpx ASGI transport), every
   operation with positive and negative data, a valid key of store 123 on every call; checks
   `not_a_server_error` and `response_schema_conformance`. Distinct failures are collected with
   one reproduction each; the run goes on after a failure.
2. Hypothesis against the domain commands (orders.upsert_order, carts.upsert_cart): either
   ValidationFailed whose error paths are in the input, or a stored record equal to what was
   sent (money exact, times in UTC; line-item numbers beyond 15 significant digits may be the
   nearest float, as the README documents, and such roundings are counted).

Without --seed the run is derandomized (the same examples every time). A fresh database is
made for the run: a temporary SQLite file, or a scratch PostgreSQL database on the server that
KANAL_TEST_POSTGRES_URL names (dropped afterwards). Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.main import create_app  # noqa: E402
from app.rest.openapi import openapi_document  # noqa: E402
from app.services import keys, stores  # noqa: E402
from tests.conftest import STORE_ID, Api  # noqa: E402
from tests.fuzz.test_no_input_ever_yields_a_500 import (  # noqa: E402
    COMMANDS,
    DomainReport,
    OperationReport,
    fuzz,
    fuzz_plan,
    run_domain,
)

DOMAIN_STORE_ID = 124


@contextlib.contextmanager
def database(engine: str) -> Iterator[str]:
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kanal-fuzz-") as folder:
            url = f"sqlite+aiosqlite:///{folder}/kanal.db"
            upgrade(url)
            yield url
    else:
        from tests import postgres

        with postgres.scratch_database() as url:
            upgrade(url)
            yield url


async def run(args: argparse.Namespace, url: str) -> tuple[list[OperationReport], list[DomainReport], list[str]]:
    settings = Settings.from_env(
        database_url=url, default_rate_limit_per_minute=10**9, rate_limit_storage_uri="memory://"
    )
    app = create_app(settings)
    db = app.state.db
    await stores.create_store(db, STORE_ID, "Fuzz shop", "FR")
    key, _ = await keys.create_key(db, store_id=STORE_ID, name="fuzz")
    # the domain property runs on a store of its own: the API run PATCHes records of store 123,
    # and a POST repeating its previous values keeps what a PATCH set (README decision)
    await stores.create_store(db, DOMAIN_STORE_ID, "Domain property shop", "FR")
    operation_reports: list[OperationReport] = []
    domain_reports: list[DomainReport] = []
    errors: list[str] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test") as client:
        api = Api(app=app, client=client, key=key)
        if not args.skip_api:
            for method, path, mode in fuzz_plan(openapi_document()):
                if args.only and args.only not in path:
                    continue
                label = f"{method} {path} [{mode}]"
                print(f"... {label}", file=sys.stderr, flush=True)
                try:
                    operation_reports.append(await fuzz(api, method, path, mode, args.examples, args.seed))
                except Exception:
                    errors.append(f"{label}: the run itself failed\n{traceback.format_exc()}")
        if not args.skip_domain:
            for name in COMMANDS:
                if args.only and args.only.rstrip("s") not in name:
                    continue
                print(f"... {name}", file=sys.stderr, flush=True)
                try:
                    domain_reports.append(
                        await run_domain(
                            api,
                            name,
                            args.domain_examples,
                            args.seed,
                            store_id=DOMAIN_STORE_ID,
                        )
                    )
                except Exception as exc:  # Hypothesis re-raises the shrunk falsifying example
                    notes = "\n".join(getattr(exc, "__notes__", []))
                    errors.append(f"{name}: property violated\n{type(exc).__name__}: {exc}\n{notes}")
    await db.dispose()
    return operation_reports, domain_reports, errors


def summary(operation_reports: list[OperationReport], domain_reports: list[DomainReport], errors: list[str]) -> int:
    failures = 0
    if operation_reports:
        print("\nSchemathesis (checks: not_a_server_error, response_schema_conformance)")
        print(f"{'operation':<62} {'mode':<9} {'examples':>8} {'failures':>8} {'seconds':>8}  statuses")
        for report in operation_reports:
            statuses = ", ".join(f"{code}×{count}" for code, count in sorted(report.statuses.items()))
            print(
                f"{report.label:<62} {report.mode:<9} {report.examples:>8} {len(report.failures):>8} "
                f"{report.seconds:>8.1f}  {statuses}"
            )
            failures += len(report.failures)
        total = sum(report.examples for report in operation_reports)
        print(f"{'total':<62} {'':<9} {total:>8} {failures:>8} {sum(r.seconds for r in operation_reports):>8.1f}")
        for report in operation_reports:
            for title, example in report.failures.items():
                print(f"\nFAILURE {report.label} [{report.mode}]\n  {title}\n  e.g. {example}")
    if domain_reports:
        print("\nHypothesis on the domain commands")
        for report in domain_reports:
            known = f"; documented roundings: {dict(report.rounded)}" if report.rounded else ""
            print(
                f"  {report.command:<22} {report.examples:>6} examples: {report.stored} stored exactly, "
                f"{report.rejected} rejected ({dict(report.codes.most_common(6))}) in {report.seconds:.1f}s{known}"
            )
    for error in errors:
        print(f"\nFAILURE {error}")
    failures += len(errors)
    print(f"\n{'FAILED' if failures else 'OK'}: {failures} distinct failure(s)")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=500, help="per operation and mode (default 500)")
    parser.add_argument("--domain-examples", type=int, default=2000, help="per domain command (default 2000)")
    parser.add_argument(
        "--engine", choices=["sqlite", "postgresql"], default=os.environ.get("KANAL_FUZZ_ENGINE", "sqlite")
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="a reproducible random run instead of the derandomized one"
    )
    parser.add_argument("--only", default="", help="only operations whose path contains this (e.g. orders)")
    parser.add_argument("--skip-api", action="store_true", help="no schemathesis run")
    parser.add_argument("--skip-domain", action="store_true", help="no domain-command run")
    args = parser.parse_args()
    started = time.perf_counter()
    with database(args.engine) as url:
        reports = asyncio.run(run(args, url))
    status = summary(*reports)
    print(
        f"engine {args.engine}, seed {args.seed if args.seed is not None else 'derandomized'}, "
        f"{time.perf_counter() - started:.0f}s"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
