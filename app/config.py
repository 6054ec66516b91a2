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
    # "auto": `kanal serve` delivers webhooks itself on SQLite; on PostgreSQL run `kanal worker`.
    in_process_worker: str = "auto"
    worker_interval_seconds: float = 1.0
    webhook_backoff_seconds: float = 15.0
    webhook_max_attempts: int = 14
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
            "in_process_worker": env.get("KANAL_IN_PROCESS_WORKER", "auto").lower(),
            "worker_interval_seconds": float(env.get("KANAL_WORKER_INTERVAL_SECONDS", 1.0)),
            "webhook_backoff_seconds": float(env.get("KANAL_WEBHOOK_BACKOFF_SECONDS", 15.0)),
            "webhook_max_attempts": int(env.get("KANAL_WEBHOOK_MAX_ATTEMPTS", 14)),
            "request_log": env.get("KANAL_REQUEST_LOG", "on").lower() not in ("0", "off", "false", "no"),
            "metrics_token": env.get("KANAL_METRICS_TOKEN") or None,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def worker_in_process(self, dialect: str) -> bool:
        if self.in_process_worker in ("auto", ""):
            return dialect == "sqlite"
        return self.in_process_worker in ("1", "true", "yes", "on")
