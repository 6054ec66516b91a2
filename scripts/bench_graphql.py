"""GraphQL read benchmark: dashboard queries on a realistic SQLite database, against a ceiling.

1. Builds a fresh SQLite database with the `kanal` CLI (migrations, store 123 region FR with
   no practical rate limit, a key for it) and bulk-loads it with SQLAlchemy Core executemany
   using app.db.tables: N orders (default 100,000) of M contacts (default 20,000, a few with
   many orders), one or two shipments per order, line items, tags, statuses, placed_at over a
   year, mostly EUR, some USD; plus abandoned carts for storeStats. Then ANALYZE.
2. Serves it with `kanal serve` and times four queries over HTTP: the first page of
   `orders(first: 50)` with contact, shipments and line items; the same page deep in the list
   (page 1,000, its `after` cursor computed from the database row that precedes it, checked
   against the page's first order); the list filtered by the national phone of the contact
   with the most orders; `storeStats` over 30 days. Each query also runs once in-process
   (create_app + httpx.ASGITransport) to count its SQL statements; each statement is then
   re-run alone on sqlite3 to time the SQL itself.
3. Serves, at the same time on the next port, scripts/bench/graphql_ceiling_app.py: Strawberry
   answering the first-page document from 50 in-memory objects, same uvicorn settings.
   Requests are sequential, one keep-alive httpx client per server, warm-up rounds first; each
   round sends every query once in a shuffled order, so that background load on the machine
   and periodic costs in a server (garbage collection) weigh on all of them alike.
   Latencies include the client's own time.
4. Prints p50/p99 per query and the goals (PASS/MISS). Exit status 0 whatever the goals say;
   1 on a GraphQL error, a non-200 answer or a wrong page.

    .venv/bin/python scripts/bench_graphql.py [--orders 100000] [--contacts 20000] [--carts 10000]
        [--runs 200] [--warmup 20] [--port 8098] [--show-sql]

--show-sql prints every captured statement with its time and EXPLAIN QUERY PLAN.
The dashboard's queries (storeTimeseries, topProducts, storeStats) over 1,000,000 orders, on
SQLite and PostgreSQL, are timed by scripts/bench_dashboard.py, which loads its data with this
script's generators.
Traffic only goes to 127.0.0.1; every server started is stopped on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import phonenumbers
from sqlalchemy import Engine, create_engine, event, func, insert, select

from app.config import Settings
from app.db import tables
from app.db.types import dumps, loads
from app.main import create_app
from app.policies.ids import encode_cursor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import BIN, ROOT, prepare_database, serve  # noqa: E402

CEILING_APP = ROOT / "scripts" / "bench" / "graphql_ceiling_app.py"
STORE_ID = 123
PAGE = 50
DEEP_PAGE = 1000
BATCH = 10_000
END = datetime(2026, 5, 1, tzinfo=UTC)  # placed_at spans the year before END
START = END - timedelta(days=365)
STATS_DAYS = 30


class BenchError(Exception):
    """A wrong answer: the measurement cannot be trusted."""


# --- the data ----------------------------------------------------------------------------

FIRST_NAMES = ["Marie", "Jean", "Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Nathan"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
PRODUCTS = [(f"{kind} {colour}", f"{kind[:2].upper()}-{colour[:3].upper()}", Decimal(price))
            for kind, price in (("T-shirt", "24.95"), ("Sweat", "59.00"), ("Casquette", "19.50"),
                                ("Jean", "79.90"), ("Chaussettes", "9.99"), ("Veste", "129.00"))
            for colour in ("Bordeaux", "Noir", "Blanc", "Marine", "Vert")]  # fmt: skip
ORDER_TAGS = [[], ["web"], ["web"], ["web", "vip"], ["mobile"], ["pos"], ["web", "promo"]]
CARRIERS = [("Colissimo", "6A"), ("Chronopost", "XY"), ("DHL", "JD"), ("UPS", "1Z")]


def phone(index: int) -> str:
    """A valid French mobile number, distinct for each index below one million."""
    return f"+33612{index:06d}"


def contact_of_each_order(rng: random.Random, orders: int, contacts: int) -> list[int]:
    """Skewed: low contact indexes order much more often (the top one ~140 of 100,000)."""
    return [min(int(contacts * rng.random() ** 1.5), contacts - 1) for _ in range(orders)]


def contact_rows(owners: list[int], contacts: int) -> Iterator[dict[str, Any]]:
    counts = [0] * contacts
    for owner in owners:
        counts[owner] += 1
    for index in range(contacts):
        yield {
            "id": index + 1, "store_id": STORE_ID, "phone": phone(index), "phone_type": "mobile",
            "external_id": f"CUST-{index + 1:06d}", "first_name": FIRST_NAMES[index % 10],
            "last_name": LAST_NAMES[index // 10 % 10], "email": f"customer{index + 1}@example.com",
            "locale": "fr", "tags": ["vip"] if counts[index] > 20 else [], "lifetime_value": 4990 * counts[index],
            "orders_count": counts[index], "revision": 1, "erased_at": None, "created_at": START, "updated_at": END,
        }  # fmt: skip


def line_items(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    for title, sku, price in rng.sample(PRODUCTS, rng.choice((1, 1, 1, 2, 2, 3, 4))):
        items.append({"title": title, "sku": sku, "quantity": rng.choice((1, 1, 1, 2, 3)), "price": price})
    return items


def statuses(rng: random.Random, placed_at: datetime) -> tuple[str, str]:
    financial = rng.choices(("paid", "pending", "refunded"), (82, 10, 8))[0]
    shipped = financial != "pending" and (END - placed_at > timedelta(days=3) or rng.random() < 0.3)
    return financial, "fulfilled" if shipped else "unfulfilled"


def order_row(rng: random.Random, index: int, placed_at: datetime, owner: int) -> dict[str, Any]:
    items = line_items(rng)
    financial, fulfillment = statuses(rng, placed_at)
    return {
        "id": index + 1, "store_id": STORE_ID, "external_id": f"ORD-{index + 1:07d}", "contact_id": owner + 1,
        "customer_external_id": f"CUST-{owner + 1:06d}", "placed_at": placed_at,
        "total_price": sum(item["price"] * item["quantity"] for item in items) + Decimal("4.90"),
        "currency": "USD" if rng.random() < 0.12 else "EUR", "financial_status": financial,
        "fulfillment_status": fulfillment, "line_items": items, "tags": rng.choice(ORDER_TAGS),
        "metadata": {"source": rng.choice(("web", "web", "mobile-app", "pos"))}, "revision": 1,
        "created_at": placed_at, "updated_at": placed_at + timedelta(hours=rng.randint(0, 72)),
    }  # fmt: skip


def shipment_rows(rng: random.Random, order: dict[str, Any], next_id: int) -> list[dict[str, Any]]:
    fulfilled = order["fulfillment_status"] == "fulfilled"
    old = END - order["placed_at"] > timedelta(days=7)
    status = ("delivered" if old else "in_transit") if fulfilled else "pending"
    rows = []
    for k in range(1 if rng.random() < 0.7 else 2):
        carrier, prefix = rng.choice(CARRIERS)
        tracking = f"{prefix}{order['id']:09d}{k}FR"
        rows.append({
            "id": next_id + k, "store_id": STORE_ID, "external_id": f"SHP-{order['id']:07d}-{k + 1}",
            "order_id": order["id"], "tracking_number": tracking,
            "tracking_url": f"https://track.example.com/{tracking}", "carrier": carrier, "status": status,
            "metadata": {}, "revision": 1, "created_at": order["placed_at"], "updated_at": order["updated_at"],
        })  # fmt: skip
    return rows


def cart_row(rng: random.Random, index: int, contacts: int) -> dict[str, Any]:
    owner = rng.randrange(contacts)
    abandoned_at = START + timedelta(seconds=rng.randrange(365 * 86400))
    items = line_items(rng)
    return {
        "id": index + 1, "store_id": STORE_ID, "external_id": f"CART-{index + 1:07d}", "contact_id": owner + 1,
        "customer_external_id": f"CUST-{owner + 1:06d}",
        "status": rng.choices(("abandoned", "recovered", "expired"), (75, 15, 10))[0],
        "abandoned_at": abandoned_at, "total_price": sum(i["price"] * i["quantity"] for i in items),
        "currency": "EUR", "recovery_url": f"https://shop.example.com/cart/recover/{index + 1}",
        "line_items": items, "tags": [], "metadata": {}, "revision": 1,
        "created_at": abandoned_at, "updated_at": abandoned_at,
    }  # fmt: skip


def placed_times(rng: random.Random, orders: int) -> list[datetime]:
    """Spread over the year, sorted: ids grow with placed_at, as in a live shop."""
    return sorted(START + timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(orders))


# --- loading -----------------------------------------------------------------------------


def sync_engine(path: Path) -> Engine:
    return create_engine(f"sqlite:///{path}", json_serializer=dumps, json_deserializer=loads)


def insert_batches(conn: Any, table: Any, rows: Any) -> int:
    """executemany of plain Core insert(table), BATCH rows at a time."""
    batch, total = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            conn.execute(insert(table), batch)
            total, batch = total + len(batch), []
    if batch:
        conn.execute(insert(table), batch)
    return total + len(batch)


def orders_and_shipments(rng: random.Random, owners: list[int], shipped: list[dict[str, Any]]) -> Iterator[dict]:
    """Yield the orders; collect their shipments in `shipped` on the way."""
    for index, placed_at in enumerate(placed_times(rng, len(owners))):
        order = order_row(rng, index, placed_at, owners[index])
        shipped.extend(shipment_rows(rng, order, len(shipped) + 1))
        yield order


def load(path: Path, args: argparse.Namespace) -> dict[str, int]:
    """Fill the migrated database; one transaction per table. Returns row counts."""
    rng = random.Random(20260501)
    owners = contact_of_each_order(rng, args.orders, args.contacts)
    engine = sync_engine(path)
    counts, shipments = {}, []
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")  # a scratch database: no fsync while loading
            conn.commit()
            with conn.begin():
                counts["contacts"] = insert_batches(conn, tables.contacts, contact_rows(owners, args.contacts))
            with conn.begin():
                counts["orders"] = insert_batches(conn, tables.orders, orders_and_shipments(rng, owners, shipments))
            with conn.begin():
                counts["shipments"] = insert_batches(conn, tables.shipments, shipments)
            with conn.begin():
                carts = (cart_row(rng, i, args.contacts) for i in range(args.carts))
                counts["carts"] = insert_batches(conn, tables.carts, carts)
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    finally:
        engine.dispose()
    return counts


# --- the queries -------------------------------------------------------------------------

ORDER_PAGE = """{
    edges { cursor node { id externalId placedAt totalPrice currency financialStatus fulfillmentStatus tags
      contact { phone firstName }
      shipments { trackingNumber status }
      lineItems { title quantity price } } }
    pageInfo { hasNextPage endCursor } }"""
ORDERS_QUERY = (
    f"query($first: Int!, $after: String) {{ orders(storeId: 123, first: $first, after: $after) {ORDER_PAGE} }}"
)
PHONE_QUERY = f"query($phone: String!) {{ orders(storeId: 123, first: 50, filter: {{phone: $phone}}) {ORDER_PAGE} }}"
STATS_QUERY = """query($from: DateTime!, $to: DateTime!) { storeStats(storeId: 123, from: $from, to: $to) {
    orderCount revenue { currency amount orders average }
    byFinancialStatus { status count } byFulfillmentStatus { status count }
    cartsAbandoned cartsRecovered recoveryRate } }"""


@dataclass
class Statement:
    sql: str
    parameters: Any
    ms: float = 0.0


@dataclass
class Case:
    name: str
    query: str
    variables: dict[str, Any]
    expect_first: str | None = None  # externalId of the first order on the page
    server: str = "kanal"  # or "ceiling"
    timings_ms: list[float] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    def body(self) -> bytes:
        return json.dumps({"query": self.query, "variables": self.variables}).encode()


NEWEST_FIRST = (tables.orders.c.placed_at.desc(), tables.orders.c.id.desc())


def deep_page_case(conn: Any, orders: int) -> Case:
    """Page DEEP_PAGE (or the last full page of a small run), after the cursor of the row before it."""
    page = max(2, min(DEEP_PAGE, orders // PAGE))
    o = tables.orders
    query = select(o.c.placed_at, o.c.id, o.c.external_id).where(o.c.store_id == STORE_ID).order_by(*NEWEST_FIRST)
    before, first = conn.execute(query.offset(PAGE * (page - 1) - 1).limit(2)).all()
    after = encode_cursor("orders", [before.placed_at, before.id])
    return Case(f"orders page {page:,}", ORDERS_QUERY, {"first": PAGE, "after": after}, first.external_id)


def phone_case(conn: Any) -> Case:
    """The orders of the contact with the most orders, by the national form of its phone ("06 12 …")."""
    o, c = tables.orders, tables.contacts
    busiest = select(o.c.contact_id, func.count().label("n")).group_by(o.c.contact_id).order_by(func.count().desc())
    contact_id, count = conn.execute(busiest.limit(1)).one()
    e164 = conn.scalar(select(c.c.phone).where(c.c.id == contact_id))
    newest = conn.scalar(select(o.c.external_id).where(o.c.contact_id == contact_id).order_by(*NEWEST_FIRST).limit(1))
    national = phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)
    return Case(f'orders phone "{national}" ({count} orders)', PHONE_QUERY, {"phone": national}, newest)


def cases(path: Path, orders: int) -> list[Case]:
    stats_from = (END - timedelta(days=STATS_DAYS)).isoformat()
    engine = sync_engine(path)
    try:
        with engine.connect() as conn:
            deep, by_phone = deep_page_case(conn, orders), phone_case(conn)
    finally:
        engine.dispose()
    return [
        Case("orders page 1", ORDERS_QUERY, {"first": PAGE, "after": None}, f"ORD-{orders:07d}"),
        deep,
        by_phone,
        Case(f"storeStats {STATS_DAYS} days", STATS_QUERY, {"from": stats_from, "to": END.isoformat()}),
    ]


def check(case: Case, status: int, text: str) -> None:
    if status != 200:
        raise BenchError(f"{case.name}: HTTP {status}: {text[:500]}")
    body = json.loads(text)
    if body.get("errors") or not body.get("data"):
        raise BenchError(f"{case.name}: GraphQL errors: {json.dumps(body.get('errors'))[:500]}")
    orders = body["data"].get("orders")
    if orders is not None and not orders["edges"]:
        raise BenchError(f"{case.name}: no orders on the page")
    if case.expect_first and orders is not None and orders["edges"][0]["node"]["externalId"] != case.expect_first:
        got = orders["edges"][0]["node"]["externalId"]
        raise BenchError(f"{case.name}: the page starts at {got}, expected {case.expect_first}")


# --- statements, in-process ------------------------------------------------------------


@contextlib.contextmanager
def recording(engines: list[Engine]) -> Iterator[list[Statement]]:
    """Every statement run on `engines` while the block runs."""
    statements: list[Statement] = []

    def record(conn, cursor, sql, parameters, context, executemany):
        statements.append(Statement(sql, parameters))

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def time_statements(path: Path, all_cases: list[Case], repeat: int = 5) -> None:
    """Re-run each captured statement alone (execute + fetchall, best of `repeat`): the SQL's
    own cost, without the Python around it. Timing the cursor events instead would miss the
    rows SQLite produces while they are fetched."""
    conn = sqlite3.connect(path)
    try:
        for statement in (s for case in all_cases for s in case.statements):
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                conn.execute(statement.sql, statement.parameters or ()).fetchall()
                runs.append((time.perf_counter() - started) * 1000)
            statement.ms = min(runs)
    finally:
        conn.close()


async def record_statements(url: str, key: str, all_cases: list[Case]) -> None:
    """Run each case once in-process (after one unrecorded run, so caches are warm)."""
    app = create_app(Settings.from_env(database_url=url))
    db = app.state.db
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=headers) as client:
            for case in all_cases:
                await client.post("/graphql", content=case.body())
                with recording(db.engines) as statements:
                    response = await client.post("/graphql", content=case.body())
                check(case, response.status_code, response.text)
                case.statements = statements
    finally:
        await db.dispose()


# --- timing over HTTP --------------------------------------------------------------------


def clients(ports: dict[str, int], key: str) -> dict[str, httpx.Client]:
    """One keep-alive client per server; only Kanal gets the key."""
    made = {}
    for server, port in ports.items():
        headers = {"Content-Type": "application/json"}
        if server == "kanal":
            headers["Authorization"] = f"Bearer {key}"
        made[server] = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30)
    return made


def time_cases(servers: dict[str, httpx.Client], all_cases: list[Case], runs: int, warmup: int) -> None:
    """Sequential POSTs in rounds of one request per case, in a shuffled order each round: any
    background load on the machine, and any periodic cost of a server (such as a garbage
    collection every few requests), weighs on every case alike. Every answer is checked."""
    rng = random.Random(0)
    bodies = [case.body() for case in all_cases]
    for round_ in range(warmup + runs):
        for index in rng.sample(range(len(all_cases)), len(all_cases)):
            case = all_cases[index]
            started = time.perf_counter()
            response = servers[case.server].post("/graphql", content=bodies[index])
            elapsed = (time.perf_counter() - started) * 1000
            check(case, response.status_code, response.text)
            if round_ >= warmup:
                case.timings_ms.append(elapsed)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# --- report ------------------------------------------------------------------------------


def summary(all_cases: list[Case]) -> None:
    rows = [["query", "p50 ms", "p99 ms", "statements", "SQL ms"]]
    for case in all_cases:
        sql_ms = sum(s.ms for s in case.statements)
        rows.append([
            case.name, f"{percentile(case.timings_ms, 0.5):.2f}", f"{percentile(case.timings_ms, 0.99):.2f}",
            str(len(case.statements)), f"{sql_ms:.2f}",
        ])  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))


def goals(first: Case, deep: Case, stats: Case, ceiling: Case) -> None:
    p50 = {case.name: percentile(case.timings_ms, 0.5) for case in (first, deep, stats, ceiling)}
    ratio_deep = p50[deep.name] / p50[first.name]
    ratio_ceiling = p50[first.name] / p50[ceiling.name]
    results = [
        (f"deep page p50 within 20% of first page p50: {ratio_deep:.2f}x", ratio_deep <= 1.2),
        (f"orders page p50 at most 3x the in-memory ceiling p50: {ratio_ceiling:.2f}x", ratio_ceiling <= 3),
        (f"storeStats p50 under 50 ms: {p50[stats.name]:.2f} ms", p50[stats.name] < 50),
    ]
    print("\ngoals")
    for text, ok in results:
        print(f"  {'PASS' if ok else 'MISS'}  {text}")


def slowest_statements(all_cases: list[Case]) -> None:
    print("\nslowest statement per query (SQL ms: the statement re-run alone, execute + fetchall)")
    for case in all_cases:
        if case.statements:
            worst = max(case.statements, key=lambda s: s.ms)
            print(f"  {case.name}: {worst.ms:.2f} ms  {' '.join(worst.sql.split())[:160]}")


def show_sql(path: Path, all_cases: list[Case]) -> None:
    """Every captured statement with its time, parameters and EXPLAIN QUERY PLAN."""
    conn = sqlite3.connect(path)
    try:
        for case in all_cases:
            print(f"\n=== {case.name}")
            for statement in case.statements:
                print(f"--- {statement.ms:.2f} ms  parameters {str(statement.parameters)[:200]}")
                print(" ".join(statement.sql.split()))
                for row in conn.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters or ()):
                    print(f"    plan: {row[-1]}")
    finally:
        conn.close()


# --- main --------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--carts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--port", type=int, default=8098, help="Kanal; the ceiling gets the next port")
    parser.add_argument("--show-sql", action="store_true", help="print each statement and its query plan")
    args = parser.parse_args()
    if args.orders < 2 * PAGE or not 1 <= args.contacts <= 1_000_000 or args.carts < 0 or args.runs < 1:
        parser.error(f"--orders >= {2 * PAGE}, --contacts within 1..1000000, --carts >= 0, --runs >= 1")
    return args


def build(path: Path, env: dict[str, str], args: argparse.Namespace) -> str:
    """Migrate, create the store and its key with the CLI, bulk-load; returns the key."""
    started = time.perf_counter()
    key = prepare_database(env)
    prepared = time.perf_counter()
    counts = load(path, args)
    loaded = time.perf_counter()
    print(f"database {path} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"  kanal CLI (upgrade, store, rate limit, key): {prepared - started:.1f} s")
    print(f"  bulk load + ANALYZE: {loaded - prepared:.1f} s  " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    return key


def server_command(server: str, ports: dict[str, int]) -> list[str]:
    program = [str(BIN / "kanal"), "serve"] if server == "kanal" else [str(BIN / "python"), str(CEILING_APP)]
    return [*program, "--host", "127.0.0.1", "--port", str(ports[server])]


def run(args: argparse.Namespace, work: Path) -> None:
    path = work / "kanal.db"
    url = f"sqlite+aiosqlite:///{path}"
    env = {**os.environ, "DATABASE_URL": url}
    key = build(path, env, args)
    all_cases = cases(path, args.orders)
    asyncio.run(record_statements(url, key, all_cases))
    time_statements(path, all_cases)
    ceiling = Case("ceiling: page 1 from memory", ORDERS_QUERY, all_cases[0].variables, "ORD-0000001", "ceiling")
    ports = {"kanal": args.port, "ceiling": args.port + 1}
    with (
        serve(server_command("kanal", ports), env, ports["kanal"], work / "kanal.log"),
        serve(server_command("ceiling", ports), dict(os.environ), ports["ceiling"], work / "ceiling.log"),
    ):
        servers = clients(ports, key)
        try:
            time_cases(servers, [*all_cases, ceiling], args.runs, args.warmup)
        finally:
            for client in servers.values():
                client.close()
    print(
        f"\n{args.runs} timed runs per query after {args.warmup} warm-up runs; sequential requests in rounds of"
        " one per query, shuffled; one keep-alive httpx client per server"
    )
    summary([*all_cases, ceiling])
    goals(all_cases[0], all_cases[1], all_cases[3], ceiling)
    slowest_statements(all_cases)
    if args.show_sql:
        show_sql(path, all_cases)


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="kanal-bench-graphql-") as tmp:
        try:
            run(args, Path(tmp))
        except BenchError as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that every server is stopped
    sys.exit(main())
