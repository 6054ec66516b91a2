"""The `kanal` command: the operator's interface (migrations, stores, keys, server)."""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import uvloop

from app import cli_arguments
from app import cli_output as output
from app.automations import health, redelivery, replay, retention
from app.automations.delivery import Backoff
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.config import Settings, from_env_or_exit, shown_url
from app.db.database import Database
from app.db.existing import (
    NoDatabase,
    NotMigrated,
    SchemaBehind,
    require_migrated,
    tables_missing,
)
from app.db.unavailable import DatabaseReadOnly, DatabaseUnavailable
from app.domain.automations import Automation
from app.domain.types import DATETIME_OUT_OF_RANGE, LEAP_SECOND_OUT_OF_PLACE, parse_utc_bound
from app.listen import CannotListen, check_listen
from app.services import keys, stores, test_space, webhooks
from app.services.results import utcnow
from app.wording import counted


def _with_db(action: Callable[[Database, argparse.Namespace], Awaitable[None]]) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        # An earlier release's tables would take some writes and fail others, half done
        require_migrated(Settings.from_env().database_url)

        async def main() -> None:
            db = Database(Settings.from_env())
            try:
                await action(db, args)
            finally:
                await db.dispose()

        uvloop.run(main())  # the loop `kanal serve` runs: C transports, less CPU per POST

    return run


def _revision(text: str) -> str:
    """`kanal db upgrade --revision`: one the migrations have, else argparse's one line (exit 2),
    before any database is opened or made. Raises argparse.ArgumentTypeError."""
    from app.db.migrate import known_revision

    if not known_revision(text):
        raise argparse.ArgumentTypeError(f"no migration {text!r}: head, base or a revision id")
    return text


def _refuse_read_only(command: str) -> None:
    """Stops `command`, which writes to the database, in one line when DATABASE_URL opens it
    read-only (`mode=ro`), before anything is opened or made."""
    if Settings.from_env().read_only:
        _stop(
            f"the database {_shown_url()} {READ_ONLY}: `kanal {command}` writes to it; "
            "run it with a DATABASE_URL without mode=ro or immutable."
        )


def _writing(command: str, run: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], None]:
    """`run`, once `_refuse_read_only(command)` has let it."""

    def checked(args: argparse.Namespace) -> None:
        _refuse_read_only(command)
        run(args)

    return checked


# How a command names a database DATABASE_URL opens read-only.
READ_ONLY = "is opened read-only (mode=ro or immutable in DATABASE_URL)"


def _db_upgrade(args: argparse.Namespace) -> None:
    from app.db.migrate import MigratedByALaterRelease, TablesWithoutRecord, revision_ids, upgrade

    _refuse_read_only("db upgrade")
    url = Settings.from_env().database_url
    try:
        at = upgrade(url, args.revision)
    except MigratedByALaterRelease as later:
        _stop_later_release(later.revision, "upgrade")
    except TablesWithoutRecord as found:
        _stop(
            f"the database has {found.count} of Kanal's tables but no migration record (no alembic_version): "
            "restore it with its alembic_version table, or record the revision it is at with "
            "kanal db stamp when its tables are this release's, then run kanal db upgrade."
        )
    if set(at) != set(revision_ids(args.revision)):  # already past it: it said so, and was not
        shown = ", ".join(at) or "base"
        _stop(f"the database is at revision {shown}, past {args.revision}: kanal db upgrade never goes back.")
    print(f"Database at revision {args.revision}.")


def _db_stamp(args: argparse.Namespace) -> None:
    from app.db.migrate import MigratedByALaterRelease, NothingToStamp, stamp

    try:
        stamp(Settings.from_env().database_url)
    except MigratedByALaterRelease as later:
        _stop_later_release(later.revision, "stamp")
    except NothingToStamp as nothing:
        if nothing.recorded:
            _stop(
                f"the database {_shown_url()} is recorded at revision {', '.join(nothing.recorded)} already: "
                "kanal db stamp records one for tables that have none; run kanal db upgrade."
            )
        if not nothing.tables:
            _say_no_tables()
        _stop(
            f"the database {_shown_url()} lacks {nothing.missing} of this release's tables or columns: kanal db "
            "stamp records this release's revision for its tables alone; restore the database from a backup "
            "that holds its alembic_version table."
        )
    print("Database recorded at this release's revision; no migration was run.")


def _stop_later_release(revision: str, command: str) -> NoReturn:
    _stop(
        f"the database is at revision {revision}, which this release does not have: a later release "
        f"migrated it, and kanal db {command} never goes back (this release serves it as it is)."
    )


async def _stores_create(db: Database, args: argparse.Namespace) -> None:
    store = await stores.create_store(db, args.id, args.name, args.region, args.team, args.timezone)
    print(f"Created store {store['id']} ({store['name']}, region {store['region']}, timezone {store['timezone']}).")


async def _stores_list(db: Database, args: argparse.Namespace) -> None:
    _table(
        [
            "id",
            "name",
            "status",
            "region",
            "timezone",
            "team",
            "rate limit/min",
            "cart recovery",
            "shipping notification",
        ],
        [
            [
                s["id"],
                s["name"],
                s["status"],
                s["region"],
                s["timezone"],
                s["team"] or "",
                s["rate_limit_per_minute"] or "default",
                s["cart_recovery_consent"],
                s["shipping_notification_consent"],
            ]
            for s in await stores.list_stores(db)
        ],
    )


async def _stores_pause(db: Database, args: argparse.Namespace) -> None:
    await stores.pause(db, args.id)
    print(f"Store {args.id} paused.")


async def _stores_resume(db: Database, args: argparse.Namespace) -> None:
    await stores.resume(db, args.id)
    print(f"Store {args.id} resumed.")


async def _stores_timezone(db: Database, args: argparse.Namespace) -> None:
    await stores.set_timezone(db, args.id, args.timezone)
    print(f"Store {args.id}: timezone {args.timezone}.")


async def _stores_rate_limit(db: Database, args: argparse.Namespace) -> None:
    await stores.set_rate_limit(db, args.id, args.per_minute)
    print(f"Store {args.id}: {args.per_minute} requests per minute.")


async def _keys_create(db: Database, args: argparse.Namespace) -> None:
    raw, record = await keys.create_key(
        db, store_id=args.store, team=args.team, admin=args.admin, name=args.name, test=args.test
    )
    target = {"store": f"store {args.store}", "team": f"team {args.team}", "admin": "every store"}[record["scope"]]
    mode = "test" if record["test"] else "live"
    notice = f"Created {mode} {record['scope']} key {record['prefix']}… for {target}. It is shown once:"
    try:
        _say_secret(notice, raw)
    except output.Unwritable as unwritable:  # no one has the key: it opens nothing
        await keys.revoke_key(db, raw)
        raise output.SecretWithdrawn(f"the key could not be written out ({unwritable}); it is revoked") from None


async def _keys_list(db: Database, args: argparse.Namespace) -> None:
    rows = []
    for key in await keys.list_keys(db):
        scope = {"store": f"store {key['store_id']}", "team": f"team {key['team']}", "admin": "admin"}[key["scope"]]
        revoked = key["revoked_at"].isoformat(timespec="seconds") if key["revoked_at"] else ""
        mode = "test" if key["test"] else "live"
        created = key["created_at"].isoformat(timespec="seconds")
        rows.append([key["prefix"], mode, scope, key["name"] or "", created, revoked])
    _table(["prefix", "mode", "scope", "name", "created", "revoked"], rows)


async def _keys_revoke(db: Database, args: argparse.Namespace) -> None:
    count = await keys.revoke_key(db, args.key)
    if count == 0:
        raise stores.StoreError(
            "No active key matches: give the whole key, or its prefix as 'kanal keys list' shows it."
        )
    print(f"Revoked {counted(count, 'key', 'keys')}.")


async def _stores_reset_test_data(db: Database, args: argparse.Namespace) -> None:
    counts = await test_space.reset_test_data(db, args.id)
    cleared = ", ".join(f"{count} {table}" for table, count in counts.items()) or "it was empty"
    print(f"Store {args.id}: test data cleared ({cleared}); live data untouched.")


async def _stores_recovery_delay(db: Database, args: argparse.Namespace) -> None:
    await stores.set_recovery_delay(db, args.id, args.minutes)
    minutes = "1 minute" if args.minutes == 1 else f"{args.minutes} minutes"
    print(f"Store {args.id}: cart recovery fires {minutes} after abandonment.")


async def _stores_consent_policy(db: Database, args: argparse.Namespace) -> None:
    named = {Automation.CART_RECOVERY: args.cart_recovery, Automation.SHIPPING_NOTIFICATION: args.shipping_notification}
    await stores.set_consent_policy(db, args.id, {name: value for name, value in named.items() if value is not None})
    store = await stores.get_store(db, args.id)
    assert store is not None  # set_consent_policy raised otherwise
    print(
        f"Store {args.id}: cart recovery needs {store['cart_recovery_consent']} (marketing), "
        f"shipping notifications need {store['shipping_notification_consent']} (utility)."
    )


def _consent_policy_refusal(args: argparse.Namespace) -> str | None:
    """`kanal stores set-consent-policy` names at least one automation."""
    named = args.cart_recovery is not None or args.shipping_notification is not None
    return None if named else stores.NO_AUTOMATION_NAMED


async def _webhooks_add(db: Database, args: argparse.Namespace) -> None:
    if args.since is None:
        hook = await webhooks.add_webhook(db, args.store, args.url, args.events, test_events=args.test_events)
    else:
        hook, replayed = await replay.add_replaying(
            db, args.store, args.url, args.events, test_events=args.test_events, since=args.since, now=utcnow()
        )
    also = ", test events too" if args.test_events else ""
    output.say(f"Webhook {hook['id']} for store {args.store}: {hook['url']} ({', '.join(hook['events'])}{also}).")
    if args.since is not None:
        output.say(_replaying(replayed, args.since))
    try:
        _say_secret("Its signing secret, shown once (verify the Kanal-Signature header with it):", hook["secret"])
    except output.Unwritable as unwritable:  # no one could verify its deliveries: none is sent
        await webhooks.remove_webhook(db, hook["id"])
        raise output.SecretWithdrawn(
            f"the signing secret could not be written out ({unwritable}); webhook {hook['id']} is removed"
        ) from None


def _say_secret(notice: str, secret: str) -> None:
    """A one-time secret (an API key, a webhook's signing secret) alone on standard output, what
    it is on standard error: `$(kanal keys create …)`, `| head -1` and `| tail -1` all take the
    secret and nothing else, and a terminal shows both, the notice first. A notice that cannot
    be written (`2>/dev/full`) does not keep the secret back. Raises output.Unwritable when
    standard output cannot take the secret (its reader gone, a full disk): the caller withdraws
    what it issued."""
    output.say(notice)
    print(secret, flush=True)


async def _webhooks_list(db: Database, args: argparse.Namespace) -> None:
    rows = [
        [
            hook["id"],
            hook["store_id"],
            hook["url"],
            " ".join(hook["events"]),
            "yes" if hook["test_events"] else "no",
            hook["created_at"].isoformat(timespec="seconds"),
            *_health(hook),
        ]
        for hook in await webhooks.list_webhooks(db, args.store)
    ]
    _table(["id", "store", "url", "events", "test events", "created", "last success", "failures", "status"], rows)


def _health(hook: dict[str, Any]) -> list[str]:
    """Last success, consecutive failed attempts, and `active` or `disabled: <reason>`."""
    last = hook["last_success_at"].isoformat(timespec="seconds") if hook["last_success_at"] else "never"
    status = f"disabled: {hook['disabled_reason']}" if hook["disabled_at"] else "active"
    return [last, str(hook["consecutive_failures"]), status]


async def _webhooks_enable(db: Database, args: argparse.Namespace) -> None:
    pending = await db.write(health.enable, args.id, utcnow())
    print(f"Webhook {args.id} enabled; {counted(pending, 'pending delivery is', 'pending deliveries are')} due now.")


async def _webhooks_remove(db: Database, args: argparse.Namespace) -> None:
    await webhooks.remove_webhook(db, args.id)
    print(f"Webhook {args.id} removed.")


_METRICS_HOST = "127.0.0.1"  # `kanal worker --metrics-host` left out: this machine only


def _worker_refusal(args: argparse.Namespace) -> str | None:
    """`kanal worker` options it would ignore: `--metrics-port` or `--interval` with `--once`
    (one pass, then exit: no metrics served, no next pass), `--metrics-host` without
    `--metrics-port` (no metrics served at all)."""
    for option, given in (("--metrics-port", args.metrics_port), ("--interval", args.interval)):
        if args.once and given is not None:
            return f"{option} goes with a running worker, not --once (one pass, then exit)."
    if args.metrics_host is not None and args.metrics_port is None:
        return "--metrics-host goes with --metrics-port (without it no metrics are served)."
    return None


async def _worker(db: Database, args: argparse.Namespace) -> None:
    settings = Settings.from_env()
    worker = Worker(db, Backoff.from_settings(settings), Limits.from_settings(settings), settings.event_retention)
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

        host = args.metrics_host or _METRICS_HOST
        # This process's counters (deliveries by outcome), unprotected: bind it where only the scraper reaches.
        try:
            start_http_server(args.metrics_port, addr=host)
        except OSError as exc:  # the port taken, an address not this machine's or no address at all
            print(f"error: cannot serve metrics on {host}:{args.metrics_port}: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        print(f"Metrics on http://{host}:{args.metrics_port}/metrics", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    print("Worker running (Ctrl-C to stop).", flush=True)
    await worker.run(stop, args.interval or settings.worker_interval_seconds)


async def _events_prune(db: Database, args: argparse.Namespace) -> None:
    before = utcnow() - args.older_than
    pruned = await retention.prune(db, before)
    events = counted(pruned, "delivered or backfilled event", "delivered or backfilled events")
    print(f"Pruned {events} created before {before.isoformat(timespec='seconds')}.")


def _batch_size(text: str) -> int:
    """--batch-size: 1 to 1,000 (a batch endpoint's limit)."""
    try:
        size = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= size <= 1000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 1000, got {size}")
    return size


def _age(text: str) -> timedelta:
    try:
        return retention.parse_age(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _events_commands(commands: Any) -> None:
    """`kanal events …`: the outbox's lifecycle."""
    ev = commands.add_parser("events", help="the outbox of events").add_subparsers(dest="action", required=True)
    prune = ev.add_parser("prune", help="delete delivered and backfilled events older than an age (never pending)")
    prune.add_argument("--older-than", type=_age, required=True, metavar="AGE", help="e.g. 30d, 12h, 90m")
    prune.set_defaults(run=_with_db(_events_prune))


def _redelivery_refusal(args: argparse.Namespace) -> str | None:
    """`kanal webhooks redeliver` takes an event (`--event`, `--webhook` optional) or a webhook's
    dead letters (`--webhook` and `--dead-since`): what else it was given, in words."""
    if args.event is not None and args.dead_since is not None:
        return "Either --event or --dead-since, not both."
    if args.event is None and (args.webhook is None or args.dead_since is None):
        return "Name an event (--event ID), or a webhook and a time (--webhook ID --dead-since TIME)."
    return None


async def _webhooks_redeliver(db: Database, args: argparse.Namespace) -> None:
    if args.event is not None:
        count = await db.write(redelivery.redeliver_event, args.event, args.webhook, utcnow())
        print(f"{counted(count, 'delivery', 'deliveries')} of event {args.event} will go out again.")
        return
    count = await db.write(redelivery.redeliver_dead, args.webhook, args.dead_since, utcnow())
    letters = counted(count, "dead letter", "dead letters")
    print(f"{letters} of webhook {args.webhook} since {args.dead_since.isoformat()} will go out again.")


def _replaying(count: int, since: datetime) -> str:
    return f"Replaying {counted(count, 'earlier event', 'earlier events')} since {since.isoformat()} to it."


# A calendar date alone in ISO 8601's extended format; the API refuses it, an operator types it.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME_FORMS = (
    "an RFC 3339 time (2026-11-30T09:00:00Z), a date (2026-11-30, its midnight UTC) or an age such as 2d or 6h"
)
_TIME_RANGE = "a time is from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z, once in UTC"


def _moment(text: str) -> datetime:
    """A time as the API reads a bound (`parse_utc_bound`, README "Dates": RFC 3339, UTC unless
    it says otherwise, a fraction past the microsecond rounded up), a date alone (`2026-11-30`:
    its midnight UTC, as the CLI always took it), or an age before now (`2d`, `6h`:
    `retention.parse_age`). Another ISO 8601 form (a week or ordinal date, the basic format),
    a time out of range (said so, with the range), a leap second where none can be (said as
    the API says it), or an age of nothing or past `retention.MAX_AGE` (`0s`, `36501d`: said
    as `kanal events prune` says it), raises ArgumentTypeError: argparse prints it naming the
    option, exit status 2, before anything is done."""
    try:
        return utcnow() - retention.parse_age(text)
    except ValueError as refused:
        if retention.is_an_age(text):  # `0s`, `36501d`: an age, refused as one (prune's words)
            raise argparse.ArgumentTypeError(str(refused)) from None
    try:
        if _DATE.fullmatch(text.strip()):  # its midnight UTC (year 0000's: out of range)
            return parse_utc_bound(f"{text.strip()}T00:00:00Z")
        return parse_utc_bound(text)
    except (ValueError, OverflowError) as refused:
        reason = str(refused)
    if reason == DATETIME_OUT_OF_RANGE:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range: {_TIME_RANGE}")
    if reason == LEAP_SECOND_OUT_OF_PLACE:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time: {reason}")
    raise argparse.ArgumentTypeError(f"{text!r} is not a time: {_TIME_FORMS}")


def _webhooks_lifecycle_commands(wh: Any) -> None:
    """`kanal webhooks redeliver`: dead letters and single events, again."""
    rd = wh.add_parser("redeliver", help="send one event again, or every dead letter of a webhook since a time")
    rd.add_argument("--event", metavar="EVENT_ID", help="an event's id (the Kanal-Event-Id header)")
    rd.add_argument(
        "--webhook",
        type=cli_arguments.record_id,
        metavar="ID",
        help="only this webhook; with --dead-since, its dead letters",
    )
    rd.add_argument(
        "--dead-since",
        type=_moment,
        metavar="TIME",
        help="RFC 3339 time (UTC unless it says), a date (its midnight UTC), or an age such as 2d",
    )
    rd.set_defaults(run=_with_db(_webhooks_redeliver))
    cli_arguments.refuses(rd, _redelivery_refusal)
    en = wh.add_parser("enable", help="resume a webhook disabled for failing (its pending deliveries go out)")
    en.add_argument("id", type=cli_arguments.record_id)
    en.set_defaults(run=_with_db(_webhooks_enable))


def _import(args: argparse.Namespace) -> None:
    from app.imports import command

    if args.url is None:  # written in this process, to DATABASE_URL (over --url, the server's)
        _refuse_read_only("import")
    raise SystemExit(command.main(args))


def _import_command(commands: Any) -> None:
    from app.imports import command, sinks, sources

    im = commands.add_parser(
        "import",
        help="import a shop's history from JSON Lines or CSV, in batches (backfill: no automation fires)",
        description="Each record is written as the REST API's batch endpoint would; refused records are listed "
        "with their line in the report (JSON Lines), and the position confirmed after each batch in REPORT.state.",
    )
    im.add_argument("file", type=Path, help="JSON Lines (one REST body a line) or CSV (see README, CSV mapping)")
    im.add_argument("--store", type=cli_arguments.record_id, required=True)
    im.add_argument("--resource", choices=sorted(sinks.KINDS), required=True)
    im.add_argument("--format", choices=sources.FORMATS, help="default: csv for a .csv file, else jsonl")
    # As given: a path ending in / names a directory, which Path would forget (command._unusable)
    im.add_argument("--report", help="refused lines, JSON Lines (default: FILE.report.jsonl)")
    im.add_argument("--resume", action="store_true", help="skip what a previous run of the same import confirmed")
    im.add_argument("--live", action="store_true", help="not a backfill: the records' events fire automations")
    im.add_argument("--batch-size", type=_batch_size, default=1000, metavar="1-1000")
    im.add_argument(
        "--url",
        type=cli_arguments.server_url,
        help="a running server (e.g. http://127.0.0.1:8000); default: this process, on DATABASE_URL",
    )
    im.add_argument("--key", help="API key with --url (default: $KANAL_KEY)")
    im.set_defaults(run=_import)
    cli_arguments.refuses(im, command.refusal)


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    # Before any process starts: on a database without the tables, every request and every
    # in-process worker pass would fail (and SQLite would leave an empty file where none was).
    require_migrated(Settings.from_env().database_url)
    check_listen(args.host, args.port)

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


class _Parser(argparse.ArgumentParser):
    """argparse's parser, but a value led by `-` and a digit is a value, not an option: argparse
    takes only `-1` or `-1.5` for one, so `--older-than -1d` was "expected one argument" where
    `--older-than=-1d` got the age's own refusal. No option of `kanal` is spelt `-<digit>`."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")  # subparsers are of this class too


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kanal", description="Kanal commerce data service")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database migrations").add_subparsers(dest="action", required=True)
    up = db.add_parser("upgrade", help="migrate DATABASE_URL to the latest schema")
    up.add_argument("--revision", type=_revision, default="head")
    up.set_defaults(run=_db_upgrade)
    stamped = db.add_parser("stamp", help="record this release's migration for tables that have none, running none")
    stamped.set_defaults(run=_db_stamp)

    st = commands.add_parser("stores", help="manage stores").add_subparsers(dest="action", required=True)
    create = st.add_parser("create", help="create a store")
    create.add_argument("--id", type=cli_arguments.record_id, required=True)
    create.add_argument("--name", type=cli_arguments.label, required=True)
    create.add_argument(
        "--region", type=cli_arguments.region, required=True, help="default phone region, ISO 3166 alpha-2 (e.g. FR)"
    )
    create.add_argument("--team", type=cli_arguments.team, help="team that owns the store")
    create.add_argument(
        "--timezone",
        type=cli_arguments.timezone,
        help="IANA timezone of its dashboards' days (default: the region's, else UTC)",
    )
    create.set_defaults(run=_with_db(_stores_create))
    st.add_parser("list", help="list stores").set_defaults(run=_with_db(_stores_list))
    for name, action in (("pause", _stores_pause), ("resume", _stores_resume)):
        sub = st.add_parser(name, help=f"{name} a store")
        sub.add_argument("id", type=cli_arguments.record_id)
        sub.set_defaults(run=_with_db(action))
    limit = st.add_parser("set-rate-limit", help="requests per minute for one store")
    limit.add_argument("id", type=cli_arguments.record_id)
    limit.add_argument("per_minute", type=cli_arguments.rate_limit)
    limit.set_defaults(run=_with_db(_stores_rate_limit))
    zone = st.add_parser("set-timezone", help="IANA timezone the store's dashboards count days in")
    zone.add_argument("id", type=cli_arguments.record_id)
    zone.add_argument("timezone", type=cli_arguments.timezone, help="e.g. Europe/Paris")
    zone.set_defaults(run=_with_db(_stores_timezone))
    delay = st.add_parser("set-recovery-delay", help="minutes after abandonment before cart recovery fires")
    delay.add_argument("id", type=cli_arguments.record_id)
    delay.add_argument("minutes", type=cli_arguments.recovery_delay)
    delay.set_defaults(run=_with_db(_stores_recovery_delay))
    reset = st.add_parser("reset-test-data", help="delete what test keys wrote to a store, and its events")
    reset.add_argument("id", type=cli_arguments.record_id)
    reset.set_defaults(run=_with_db(_stores_reset_test_data))

    policy = st.add_parser(
        "set-consent-policy", help="the WhatsApp consent each automation needs (subscribed, not_unsubscribed, any)"
    )
    policy.add_argument("id", type=cli_arguments.record_id)
    for option, needed in (
        ("--cart-recovery", "marketing consent needed (default subscribed)"),
        ("--shipping-notification", "utility consent needed (default not_unsubscribed)"),
    ):
        policy.add_argument(option, choices=cli_arguments.REQUIREMENTS, metavar="REQUIREMENT", help=needed)
    policy.set_defaults(run=_with_db(_stores_consent_policy))
    cli_arguments.refuses(policy, _consent_policy_refusal)

    wh = commands.add_parser("webhooks", help="webhook subscriptions").add_subparsers(dest="action", required=True)
    wa = wh.add_parser("add", help="subscribe a URL to a store's events (prints the signing secret once)")
    wa.add_argument("--store", type=cli_arguments.record_id, required=True)
    wa.add_argument("--url", type=cli_arguments.webhook_url, required=True)
    # "extend": `--events a --events b` is both, as `--events a b` is (the last one alone, else).
    wa.add_argument(
        "--events",
        nargs="+",
        action="extend",
        type=cli_arguments.event_pattern,
        metavar="PATTERN",
        help="e.g. order.* shipment.created (default: all)",
    )
    wa.add_argument(
        "--test-events", action="store_true", help="also the events test keys cause (delivered with livemode false)"
    )
    wa.add_argument(
        "--since",
        type=_moment,
        metavar="TIME",
        help="replay earlier events since TIME (RFC 3339 time, a date, or an age such as 2d)",
    )
    wa.set_defaults(run=_with_db(_webhooks_add))
    wl = wh.add_parser("list", help="list subscriptions: last success, failed attempts, active or disabled")
    wl.add_argument("--store", type=cli_arguments.record_id)
    wl.set_defaults(run=_with_db(_webhooks_list))
    wr = wh.add_parser("remove", help="remove a subscription")
    wr.add_argument("id", type=cli_arguments.record_id)
    wr.set_defaults(run=_with_db(_webhooks_remove))
    _webhooks_lifecycle_commands(wh)

    _events_commands(commands)

    wk = commands.add_parser("worker", help="deliver webhooks and fire cart recoveries")
    wk.add_argument("--once", action="store_true", help="one pass, then exit")
    wk.add_argument("--interval", type=cli_arguments.interval, help="seconds between passes (default 1)")
    wk.add_argument(
        "--metrics-port", type=cli_arguments.port, help="serve this process's metrics (Prometheus) on this port"
    )
    wk.add_argument("--metrics-host", help=f"address for --metrics-port (default {_METRICS_HOST})")
    wk.set_defaults(run=_writing("worker", _with_db(_worker)))
    cli_arguments.refuses(wk, _worker_refusal)

    ks = commands.add_parser("keys", help="manage API keys").add_subparsers(dest="action", required=True)
    kc = ks.add_parser("create", help="issue a key (printed once, alone on the last line)")
    scope = kc.add_mutually_exclusive_group(required=True)
    scope.add_argument("--store", type=cli_arguments.record_id, help="key for one store")
    scope.add_argument("--team", type=cli_arguments.team, help="key for every store of a team")
    scope.add_argument("--admin", action="store_true", help="key for every store")
    kc.add_argument("--name", type=cli_arguments.label, help="a label")
    kc.add_argument("--test", action="store_true", help="a test key (kanal_sk_test_…): the stores' test data only")
    kc.set_defaults(run=_with_db(_keys_create))
    ks.add_parser("list", help="list keys").set_defaults(run=_with_db(_keys_list))
    kr = ks.add_parser("revoke", help="revoke a key (full key or prefix)")
    kr.add_argument("key")
    kr.set_defaults(run=_with_db(_keys_revoke))

    _import_command(commands)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", type=cli_arguments.listen_host, default="127.0.0.1")
    serve.add_argument("--port", type=cli_arguments.port, default=8000)
    serve.add_argument("--workers", type=cli_arguments.processes, default=1)
    serve.add_argument(
        "--access-log", action="store_true", help="uvicorn's access log too (the JSON request log is always on)"
    )
    serve.set_defaults(run=_serve)
    return parser


def _shown_url() -> str:
    """DATABASE_URL as an error names it (`config.shown_url`)."""
    return shown_url(Settings.from_env().database_url)


def main(argv: list[str] | None = None) -> None:
    output.guard()  # before anything runs: a closed stdout or stderr, and a write that fails
    args = build_parser().parse_args(argv)
    cli_arguments.check_combination(args)  # a usage error too, before anything runs
    from_env_or_exit()  # every variable checked before any command does anything
    try:
        args.run(args)
        sys.stdout.flush()  # a closed pipe is met here, not in the interpreter's flush at exit
    except stores.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except CannotListen as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except DatabaseReadOnly:  # a command that writes, on a read-only URL: nothing was written
        _stop(f"the database {_shown_url()} {READ_ONLY}: this command writes to it.")
    except DatabaseUnavailable as exc:  # one line, as the server and the worker log it
        if tables_missing(exc):
            _say_no_tables()
        print(f"error: the database {_shown_url()} is unavailable: {exc.cause}", file=sys.stderr)
        confirmed = getattr(exc, "confirmed", None)  # `kanal import` mid-file (sinks.UnavailableMidFile)
        if confirmed is not None:  # then where --resume goes on from, as for its other failures
            from app.imports.command import stopped_after

            print(stopped_after(confirmed))
        raise SystemExit(1) from None
    except output.SecretWithdrawn as exc:
        output.discard()
        output.say(f"error: {exc}")
        raise SystemExit(1) from None
    except output.Unwritable as exc:
        output.discard()
        if not isinstance(exc.__cause__, BrokenPipeError):  # a reader gone (`| head -1`) needs no word
            output.say(f"error: cannot write the output: {exc}")
        raise SystemExit(1) from None
    except BrokenPipeError:  # on stderr, shared with stdout (`2>&1 | head -1`)
        output.discard()
        raise SystemExit(1) from None
    except NoDatabase as exc:
        _stop(
            f"there is no database at {exc}: run `kanal db upgrade` first, or run kanal where the "
            "service's database is (same directory, or the same DATABASE_URL)."
        )
    except SchemaBehind as exc:
        _stop(
            f"the database {_shown_url()} is {exc}: run `kanal db upgrade` before starting this release's "
            'processes (README, "Production").'
        )
    except Exception as exc:
        if not (isinstance(exc, NotMigrated) or tables_missing(exc)):
            raise
        _say_no_tables()


def _say_no_tables() -> NoReturn:
    """The one line of a command whose database has no Kanal tables; exit status 1."""
    _stop(
        f"the database {_shown_url()} has no Kanal tables: run `kanal db upgrade` first, or run kanal "
        "where the service's database is (same directory, or the same DATABASE_URL)."
    )


def _stop(message: str) -> NoReturn:
    """`error: message` on stderr, one line; exit status 1."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(1) from None


if __name__ == "__main__":
    main()
