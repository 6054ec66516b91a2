"""The `kanal` command: the operator's interface (migrations, stores, keys, server)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from app.automations.delivery import Backoff
from app.automations.worker import Worker
from app.config import Settings
from app.db.database import Database
from app.services import keys, stores, webhooks


def _with_db(action: Callable[[Database, argparse.Namespace], Awaitable[None]]) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        async def main() -> None:
            db = Database(Settings.from_env())
            try:
                await action(db, args)
            finally:
                await db.dispose()

        asyncio.run(main())

    return run


def _db_upgrade(args: argparse.Namespace) -> None:
    from app.db.migrate import upgrade

    url = Settings.from_env().database_url
    upgrade(url, args.revision)
    print(f"Database at revision {args.revision}.")


async def _stores_create(db: Database, args: argparse.Namespace) -> None:
    store = await stores.create_store(db, args.id, args.name, args.region, args.team)
    print(f"Created store {store['id']} ({store['name']}, region {store['region']}).")


async def _stores_list(db: Database, args: argparse.Namespace) -> None:
    _table(
        ["id", "name", "status", "region", "team", "rate limit/min"],
        [
            [s["id"], s["name"], s["status"], s["region"], s["team"] or "", s["rate_limit_per_minute"] or "default"]
            for s in await stores.list_stores(db)
        ],
    )


async def _stores_pause(db: Database, args: argparse.Namespace) -> None:
    await stores.pause(db, args.id)
    print(f"Store {args.id} paused.")


async def _stores_resume(db: Database, args: argparse.Namespace) -> None:
    await stores.resume(db, args.id)
    print(f"Store {args.id} resumed.")


async def _stores_rate_limit(db: Database, args: argparse.Namespace) -> None:
    await stores.set_rate_limit(db, args.id, args.per_minute)
    print(f"Store {args.id}: {args.per_minute} requests per minute.")


async def _keys_create(db: Database, args: argparse.Namespace) -> None:
    raw, record = await keys.create_key(db, store_id=args.store, team=args.team, admin=args.admin, name=args.name)
    target = {"store": f"store {args.store}", "team": f"team {args.team}", "admin": "every store"}[record["scope"]]
    print(f"Created {record['scope']} key {record['prefix']}… for {target}. It is shown once:")
    print(raw)


async def _keys_list(db: Database, args: argparse.Namespace) -> None:
    rows = []
    for key in await keys.list_keys(db):
        scope = {"store": f"store {key['store_id']}", "team": f"team {key['team']}", "admin": "admin"}[key["scope"]]
        revoked = key["revoked_at"].isoformat(timespec="seconds") if key["revoked_at"] else ""
        rows.append([key["prefix"], scope, key["name"] or "", key["created_at"].isoformat(timespec="seconds"), revoked])
    _table(["prefix", "scope", "name", "created", "revoked"], rows)


async def _keys_revoke(db: Database, args: argparse.Namespace) -> None:
    count = await keys.revoke_key(db, args.key)
    if count == 0:
        raise SystemExit("No active key matches.")
    print(f"Revoked {count} key(s).")


async def _stores_recovery_delay(db: Database, args: argparse.Namespace) -> None:
    await stores.set_recovery_delay(db, args.id, args.minutes)
    print(f"Store {args.id}: cart recovery fires {args.minutes} minutes after abandonment.")


async def _webhooks_add(db: Database, args: argparse.Namespace) -> None:
    hook = await webhooks.add_webhook(db, args.store, args.url, args.events)
    print(f"Webhook {hook['id']} for store {args.store}: {hook['url']} ({', '.join(hook['events'])}).")
    print("Its signing secret, shown once (verify the Kanal-Signature header with it):")
    print(hook["secret"])


async def _webhooks_list(db: Database, args: argparse.Namespace) -> None:
    rows = [
        [
            hook["id"],
            hook["store_id"],
            hook["url"],
            " ".join(hook["events"]),
            hook["created_at"].isoformat(timespec="seconds"),
        ]
        for hook in await webhooks.list_webhooks(db, args.store)
    ]
    _table(["id", "store", "url", "events", "created"], rows)


async def _webhooks_remove(db: Database, args: argparse.Namespace) -> None:
    await webhooks.remove_webhook(db, args.id)
    print(f"Webhook {args.id} removed.")


async def _worker(db: Database, args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    worker = Worker(db, Backoff.from_settings(settings))
    if args.once:
        tally = await worker.run_once()
        await worker.aclose()
        print(
            f"dispatched {tally.dispatched}, recoveries {tally.recoveries}, "
            f"delivered {tally.delivered}, failed {tally.failed}"
        )
        return
    if args.metrics_port is not None:
        from prometheus_client import start_http_server

        # This process's counters (deliveries by outcome), unprotected: bind it where only the scraper reaches.
        start_http_server(args.metrics_port, addr=args.metrics_host)
        print(f"Metrics on http://{args.metrics_host}:{args.metrics_port}/metrics", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    print("Worker running (Ctrl-C to stop).", flush=True)
    await worker.run(stop, args.interval or settings.worker_interval_seconds)


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.observability.processes import shared_metrics

    with shared_metrics(args.workers):
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            loop="uvloop",
            http="httptools",
            access_log=args.access_log,
            log_level="info",
        )


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    cells = [headers] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kanal", description="Kanal commerce data service")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database migrations").add_subparsers(dest="action", required=True)
    up = db.add_parser("upgrade", help="migrate DATABASE_URL to the latest schema")
    up.add_argument("--revision", default="head")
    up.set_defaults(run=_db_upgrade)

    st = commands.add_parser("stores", help="manage stores").add_subparsers(dest="action", required=True)
    create = st.add_parser("create", help="create a store")
    create.add_argument("--id", type=int, required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--region", required=True, help="default phone region, ISO 3166 alpha-2 (e.g. FR)")
    create.add_argument("--team", help="team that owns the store")
    create.set_defaults(run=_with_db(_stores_create))
    st.add_parser("list", help="list stores").set_defaults(run=_with_db(_stores_list))
    for name, action in (("pause", _stores_pause), ("resume", _stores_resume)):
        sub = st.add_parser(name, help=f"{name} a store")
        sub.add_argument("id", type=int)
        sub.set_defaults(run=_with_db(action))
    limit = st.add_parser("set-rate-limit", help="requests per minute for one store")
    limit.add_argument("id", type=int)
    limit.add_argument("per_minute", type=int)
    limit.set_defaults(run=_with_db(_stores_rate_limit))
    delay = st.add_parser("set-recovery-delay", help="minutes after abandonment before cart recovery fires")
    delay.add_argument("id", type=int)
    delay.add_argument("minutes", type=int)
    delay.set_defaults(run=_with_db(_stores_recovery_delay))

    wh = commands.add_parser("webhooks", help="webhook subscriptions").add_subparsers(dest="action", required=True)
    wa = wh.add_parser("add", help="subscribe a URL to a store's events (prints the signing secret once)")
    wa.add_argument("--store", type=int, required=True)
    wa.add_argument("--url", required=True)
    wa.add_argument("--events", nargs="+", metavar="PATTERN", help="e.g. order.* shipment.created (default: all)")
    wa.set_defaults(run=_with_db(_webhooks_add))
    wl = wh.add_parser("list", help="list active subscriptions")
    wl.add_argument("--store", type=int)
    wl.set_defaults(run=_with_db(_webhooks_list))
    wr = wh.add_parser("remove", help="remove a subscription")
    wr.add_argument("id", type=int)
    wr.set_defaults(run=_with_db(_webhooks_remove))

    wk = commands.add_parser("worker", help="deliver webhooks and fire cart recoveries")
    wk.add_argument("--once", action="store_true", help="one pass, then exit")
    wk.add_argument("--interval", type=float, help="seconds between passes (default 1)")
    wk.add_argument("--metrics-port", type=int, help="serve this process's metrics (Prometheus) on this port")
    wk.add_argument("--metrics-host", default="127.0.0.1", help="address for --metrics-port (default 127.0.0.1)")
    wk.set_defaults(run=_with_db(_worker))

    ks = commands.add_parser("keys", help="manage API keys").add_subparsers(dest="action", required=True)
    kc = ks.add_parser("create", help="issue a key (printed once, alone on the last line)")
    scope = kc.add_mutually_exclusive_group(required=True)
    scope.add_argument("--store", type=int, help="key for one store")
    scope.add_argument("--team", help="key for every store of a team")
    scope.add_argument("--admin", action="store_true", help="key for every store")
    kc.add_argument("--name", help="a label")
    kc.set_defaults(run=_with_db(_keys_create))
    ks.add_parser("list", help="list keys").set_defaults(run=_with_db(_keys_list))
    kr = ks.add_parser("revoke", help="revoke a key (full key or prefix)")
    kr.add_argument("key")
    kr.set_defaults(run=_with_db(_keys_revoke))

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--access-log", action="store_true", help="uvicorn's access log too (the JSON request log is always on)"
    )
    serve.set_defaults(run=_serve)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except stores.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
