"""Instructions per validated order: a count that load on the machine does not move, to compare
two builds' cost of command validation (`app.domain.commands.validate`).

Each order body is scripts/bench_ingest.py's (`order_json`, the ingest benchmark's exact body),
parsed as the REST layer parses it (`app.rest.body.parse_object`: Decimal numbers), and validated
with `validate(OrderInput, body, "FR")`, in two cases:

- known: customers seen before (a pool of --pool customers, each validated once before the
  count, so the phone and email caches are warm);
- new: a different customer (phone and email) for every order.

Runs itself under valgrind (cachegrind, no cache simulation) twice per case, validating --few
and then --many orders; both runs parse the same --many bodies first, so the difference of the
two instruction counts over the difference of the orders is the cost of validating one order,
start-up, imports and parsing cancelled out.

    .venv/bin/python scripts/count_validation_instructions.py [--few 100] [--many 600]
        [--pool 50] [--case known|new|both] [--app-root DIR]

--app-root DIR counts the `app` package of another checkout (e.g. one of the commit before a
change, from `git archive`), for the figure before a change.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "bench"))
import cachegrind  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NEW_CUSTOMERS = 1_000_000  # bench_ingest's largest pool: every index below is its own customer
WARM_UP = 50


def run(case: str, orders: int, most: int, pool: int) -> None:
    """Validate `orders` of `most` parsed bodies (the rest parsed only), after a warm-up."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_ingest import order_json

    from app.domain.commands import OrderInput, validate
    from app.rest.body import parse_object

    if case == "known":
        # the pool's customers, each once, then orders of the same customers
        warm = [parse_object(order_json(i, pool).encode()) for i in range(pool)]
        bodies = [parse_object(order_json(pool + i, pool).encode()) for i in range(most)]
    else:
        # other customers first (the region's metadata loaded, first-call costs paid), then new ones
        warm = [parse_object(order_json(NEW_CUSTOMERS // 2 + i, NEW_CUSTOMERS).encode()) for i in range(WARM_UP)]
        bodies = [parse_object(order_json(i, NEW_CUSTOMERS).encode()) for i in range(most)]
    for body in warm:
        validate(OrderInput, body, "FR")
    for body in bodies[:orders]:
        validate(OrderInput, body, "FR")


def instructions(case: str, orders: int, most: int, pool: int, app_root: str | None) -> int:
    """Valgrind's count of every instruction of one run validating `orders` of `most` bodies."""
    env = dict(os.environ, PYTHONHASHSEED="0")  # the same dict layouts in every run
    env["PYTHONPATH"] = str(Path(app_root).resolve()) if app_root else str(ROOT)
    return cachegrind.instructions(
        [sys.executable, __file__, "--inner", case, str(orders), str(most), str(pool)], env, ROOT
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=100)
    parser.add_argument("--many", type=int, default=600)
    parser.add_argument("--pool", type=int, default=50, help="customers of the known case")
    parser.add_argument("--case", choices=("known", "new", "both"), default="both")
    parser.add_argument("--app-root")
    parser.add_argument("--inner", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner is not None:
        case, orders, most, pool = args.inner
        run(case, int(orders), int(most), int(pool))
        return 0
    if not 0 <= args.few < args.many or args.pool < 1:
        parser.error("give 0 <= --few < --many and a positive --pool")
    for case in ("known", "new") if args.case == "both" else (args.case,):
        few, many = (instructions(case, n, args.many, args.pool, args.app_root) for n in (args.few, args.many))
        per_order = (many - few) / (args.many - args.few)
        print(f"{args.app_root or ROOT} {case} customers: {per_order:,.0f} instructions per validated order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
