"""The service's Prometheus metrics (prometheus-client), counted where things happen.

Names and labels (no label carries store data: no store id, key, phone, email or name):

- `kanal_http_request_duration_seconds{route, method, status}`: a histogram per route
  template (`/api/v1/stores/{store_id}/orders`, `unmatched` when no route matched); its
  `_count` is the number of requests.
- `kanal_records_written_total{resource, outcome}`: outcome `created`, `updated`,
  `unchanged` (a replay that changed nothing), `stale` (older than the stored record: nothing
  written) or `rejected` (refused input: a 422 or GraphQL userErrors).
- `kanal_rate_limited_requests_total{route}`: requests answered 429 (a store over budget).
- `kanal_webhook_deliveries_total{outcome}`: what came of deliveries: each attempt
  `delivered`, `retrying` (failed, tried again later) or `dead` (failed for the last time),
  and each delivery `cancelled` once, as it is cancelled (no longer due: its webhook removed,
  its contact erased, its message's consent withdrawn, its cart recovery's cart settled), at
  its claim or as its attempt fails (`app.automations.delivery`). Only a worker cancels a
  delivery (a command or request only makes it no longer due), so every outcome is counted by
  the process that delivers: `kanal serve` with the in-process worker, or `kanal worker`.
  Each series is there from the worker's start, at 0.
- `kanal_write_conflicts_total{reason}` (PostgreSQL): writes run again because a concurrent
  transaction made them fail: `deadlock_detected`, `serialization_failure`,
  `unique_violation`, `foreign_key_violation`, `out_of_memory` (the server's lock table full of
  concurrent batches' key locks, `app/db/key_locks.py`) (each attempt that failed so and ran again, and
  each group of writes rolled back so), `connection_lost` (the server had ended the connection).
  A steady rise says writes of the same records meet: each deadlock cost its write about a
  second (PostgreSQL's `deadlock_timeout`).
- Read from the database at each scrape (`outbox`): events not yet dispatched and the age of
  the oldest, pending deliveries and the age of the oldest, dead letters; and
  `kanal_database_up`, 0 when that read found the database unavailable (the figures left out).

Under `kanal serve --workers N` every process counts into files in PROMETHEUS_MULTIPROC_DIR
and a scrape, answered by any one process, adds them up (`processes`). The variable must be
set before this module is first imported: prometheus-client chooses its storage then.

Cost per request: one dict look-up and one `observe` (about 1-3 µs; `labels()` is called once
per label set, its child kept here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from .processes import MULTIPROC_DIR

# prometheus-client counts into files as soon as the variable exists, even empty (then in the
# working directory): empty means unset here.
if os.environ.get(MULTIPROC_DIR) == "":
    del os.environ[MULTIPROC_DIR]

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.db import postgres

from .outbox import OutboxFigures

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Finer at the low end than prometheus-client's default: an ingest request takes about a millisecond.
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Methods a route may answer; any other (a client may send any token) is counted as "other".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Histogram(
    "kanal_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template, method and status.",
    ["route", "method", "status"],
    buckets=_BUCKETS,
)
RECORDS = Counter(
    "kanal_records_written_total",
    "Records written by REST and GraphQL commands, by resource and outcome.",
    ["resource", "outcome"],
)
RATE_LIMITED = Counter(
    "kanal_rate_limited_requests_total", "Requests answered 429 (a store over its budget), by route.", ["route"]
)
DELIVERIES = Counter(
    "kanal_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (delivered, retrying, dead), and deliveries cancelled.",
    ["outcome"],
)
DELIVERY_OUTCOMES = ("delivered", "retrying", "dead", "cancelled")

WRITE_CONFLICTS = Counter(
    "kanal_write_conflicts_total",
    "Writes run again because a concurrent transaction made them fail (PostgreSQL), by reason.",
    ["reason"],
)

_requests: dict[tuple[str, str, int], Any] = {}
_records: dict[tuple[str, str], Any] = {}


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request that took `seconds`."""
    key = (route, method, status)
    child = _requests.get(key)
    if child is None:
        child = _requests[key] = REQUESTS.labels(route, method if method in _METHODS else "other", str(status))
    child.observe(seconds)
    if status == 429:
        RATE_LIMITED.labels(route).inc()


def count_record(resource: str, outcome: str) -> None:
    key = (resource, outcome)
    child = _records.get(key)
    if child is None:
        child = _records[key] = RECORDS.labels(resource, outcome)
    child.inc()


def count_write_conflict(reason: str) -> None:
    """Count one write attempt (or group of writes) run again for `reason`, the condition name
    of its SQLSTATE (PostgreSQL's, e.g. `deadlock_detected`) or `connection_lost`."""
    WRITE_CONFLICTS.labels(reason).inc()


postgres.observe_conflicts(count_write_conflict)


def start_delivery_counts() -> None:
    """Each outcome's series of `kanal_webhook_deliveries_total`, at 0 until counted: scraped
    from the worker's start, as a rate over a series missing until its first count reads as no
    data, not as none. Called by a process that delivers (a worker), not at import: a command
    that only imports this module would leave its files in PROMETHEUS_MULTIPROC_DIR."""
    for outcome in DELIVERY_OUTCOMES:
        DELIVERIES.labels(outcome)


def count_delivery(status: str, count: int = 1) -> None:
    """Count `count` deliveries by the status a worker's turn left them in (`delivery.
    record_outcomes`, `delivery.claim`): `delivered`, `dead`, `pending` (an attempt failed,
    counted as `retrying`), or `cancelled` (no longer due: at its claim, or as its attempt failed)."""
    if count:
        DELIVERIES.labels("retrying" if status == "pending" else status).inc(count)


class _Outbox(Collector):
    """Gauges of the figures read for this scrape; None: the database could not be read, only
    `kanal_database_up` 0."""

    def __init__(self, figures: OutboxFigures | None):
        self.figures = figures

    def collect(self) -> Iterator[GaugeMetricFamily]:
        f = self.figures
        yield GaugeMetricFamily(
            "kanal_database_up", "1 when this scrape read the database, 0 when it was unavailable.", int(f is not None)
        )
        if f is None:
            return
        yield GaugeMetricFamily("kanal_events_pending", "Events not yet dispatched to webhooks.", f.events_pending)
        yield GaugeMetricFamily(
            "kanal_events_oldest_pending_age_seconds",
            "Age of the oldest event not yet dispatched (0: none).",
            f.oldest_event_age_seconds,
        )
        yield GaugeMetricFamily(
            "kanal_deliveries_pending", "Webhook deliveries waiting for an attempt.", f.deliveries_pending
        )
        yield GaugeMetricFamily(
            "kanal_deliveries_oldest_pending_age_seconds",
            "Age of the oldest pending webhook delivery (0: none).",
            f.oldest_delivery_age_seconds,
        )
        yield GaugeMetricFamily(
            "kanal_dead_letters", "Webhook deliveries given up after their last attempt.", f.dead_letters
        )


def exposition(figures: OutboxFigures | None) -> bytes:
    """The text format (version 0.0.4) of every metric: this process's, or with
    PROMETHEUS_MULTIPROC_DIR set every process's, then `kanal_database_up` and the outbox
    `figures` (None: the database was unavailable, none of them)."""
    if os.environ.get(MULTIPROC_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        counted = generate_latest(registry)
    else:
        counted = generate_latest(REGISTRY)
    read = CollectorRegistry(auto_describe=False)
    read.register(_Outbox(figures))
    return counted + generate_latest(read)
