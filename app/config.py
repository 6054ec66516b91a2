"""Settings read from the environment, once, when the app or CLI starts."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/kanal.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    max_body_bytes: int = 1024 * 1024
    default_rate_limit_per_minute: int = 60
    # "memory://" keeps counters in this process; a redis:// URI shares them between processes.
    rate_limit_storage_uri: str = "memory://"
    # NORMAL survives a crash of the server process (the WAL is in the OS cache);
    # FULL also survives power loss, at the price of an fsync per commit.
    sqlite_synchronous: str = "NORMAL"
    sqlite_busy_timeout_ms: int = 5000
    # A read's time budget: past it the query is stopped and the caller gets a clear error
    # (REST 503, GraphQL QUERY_TOO_SLOW); 0 = no budget. app/db/read_budget.py.
    read_timeout_seconds: float = 5.0
    # SQLite reads run on reader threads, each with its own connection (app/db/readers.py):
    # this many for small reads and as many for large ones, a read being small while it
    # takes at most `sqlite_small_read_steps` SQLite VM steps. With `sqlite_inline_read_steps`
    # (0 = off), reads within that many steps run inline on the event loop instead.
    sqlite_readers: int = 2
    sqlite_small_read_steps: int = 20_000
    sqlite_inline_read_steps: int = 0
    # "auto": `kanal serve` delivers webhooks itself on SQLite; on PostgreSQL run `kanal worker`.
    in_process_worker: str = "auto"
    worker_interval_seconds: float = 1.0
    webhook_backoff_seconds: float = 15.0
    webhook_max_attempts: int = 14
    # Delivery (app.automations.sender.Limits): deliveries one worker holds at once, POSTs at
    # once to one webhook, and each POST's time budget in seconds (at most 60).
    worker_in_flight: int = 1024
    webhook_concurrency: int = 32
    webhook_timeout_seconds: float = 10.0
    # A webhook whose deliveries have failed for this long is disabled (`kanal webhooks enable`).
    webhook_disable_after_seconds: float = 3 * 86400.0
    # The worker prunes delivered and backfilled events older than this many days (0: keeps all).
    event_retention_days: float = 0.0
    # One JSON line per request on stderr (app.observability.request_log).
    request_log: bool = True
    # A bearer token that reads /metrics (besides admin keys); None: admin keys only.
    metrics_token: str | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            "max_body_bytes": int(env.get("KANAL_MAX_BODY_BYTES", 1024 * 1024)),
            "default_rate_limit_per_minute": int(env.get("KANAL_RATE_LIMIT_PER_MINUTE", 60)),
            "rate_limit_storage_uri": env.get("KANAL_RATE_LIMIT_STORAGE", "memory://"),
            "sqlite_synchronous": env.get("KANAL_SQLITE_SYNCHRONOUS", "NORMAL").upper(),
            "sqlite_busy_timeout_ms": int(env.get("KANAL_SQLITE_BUSY_TIMEOUT_MS", 5000)),
            "read_timeout_seconds": float(env.get("KANAL_READ_TIMEOUT", 5.0)),
            "sqlite_readers": int(env.get("KANAL_SQLITE_READERS", 2)),
            "sqlite_small_read_steps": int(env.get("KANAL_SQLITE_SMALL_READ_STEPS", 20_000)),
            "sqlite_inline_read_steps": int(env.get("KANAL_SQLITE_INLINE_READ_STEPS", 0)),
            "in_process_worker": env.get("KANAL_IN_PROCESS_WORKER", "auto").lower(),
            "worker_interval_seconds": float(env.get("KANAL_WORKER_INTERVAL_SECONDS", 1.0)),
            "webhook_backoff_seconds": float(env.get("KANAL_WEBHOOK_BACKOFF_SECONDS", 15.0)),
            "webhook_max_attempts": int(env.get("KANAL_WEBHOOK_MAX_ATTEMPTS", 14)),
            "worker_in_flight": int(env.get("KANAL_WORKER_IN_FLIGHT", 1024)),
            "webhook_concurrency": int(env.get("KANAL_WEBHOOK_CONCURRENCY", 32)),
            "webhook_timeout_seconds": float(env.get("KANAL_WEBHOOK_TIMEOUT_SECONDS", 10.0)),
            "event_retention_days": float(env.get("KANAL_EVENT_RETENTION_DAYS", 0)),
            "webhook_disable_after_seconds": float(env.get("KANAL_WEBHOOK_DISABLE_AFTER_SECONDS", 3 * 86400)),
            "request_log": env.get("KANAL_REQUEST_LOG", "on").lower() not in ("0", "off", "false", "no"),
            "metrics_token": env.get("KANAL_METRICS_TOKEN") or None,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def worker_in_process(self, dialect: str) -> bool:
        if self.in_process_worker in ("auto", ""):
            return dialect == "sqlite"
        return self.in_process_worker in ("1", "true", "yes", "on")
