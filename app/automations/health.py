"""Webhook health (issue 13, README "Outbox lifecycle"): each turn's outcomes update their
webhook's last success, consecutive failed attempts and the time it started failing; a webhook
failing for longer than `Backoff.disable_after_seconds` (default 3 days) is disabled with its
reason. A disabled webhook keeps its deliveries, pending, unclaimed, until `kanal webhooks
enable` resumes it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, or_, select, update

from app.db.tables import deliveries, webhooks
from app.domain.statuses import DeliveryStatus
from app.services.stores import StoreError

if TYPE_CHECKING:
    from .delivery import Outcome

SUCCESS_EVERY = timedelta(seconds=10)  # `last success` is exact to this much


def record_health(conn: Connection, outcomes: Sequence[Outcome], now: datetime, disable_after: timedelta) -> None:
    """One UPDATE per webhook in the batch (outcomes in the order they came back)."""
    by_webhook: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.webhook_id is not None:
            by_webhook.setdefault(outcome.webhook_id, []).append(outcome)
    for webhook_id, attempts in by_webhook.items():
        successes = [index for index, attempt in enumerate(attempts) if attempt.error is None]
        if successes:
            failures = len(attempts) - 1 - successes[-1]
            healthy = update(webhooks).where(webhooks.c.id == webhook_id)
            if not failures:  # a healthy webhook's row is written every SUCCESS_EVERY at most: workers
                # that deliver to it at once do not queue on its row lock each turn
                healthy = healthy.where(
                    or_(
                        webhooks.c.last_success_at.is_(None),
                        webhooks.c.last_success_at < now - SUCCESS_EVERY,
                        webhooks.c.consecutive_failures != 0,
                    )
                )
            since = now if failures else None
            conn.execute(healthy.values(last_success_at=now, consecutive_failures=failures, failing_since=since))
            continue
        conn.execute(
            update(webhooks)
            .where(webhooks.c.id == webhook_id)
            .values(
                consecutive_failures=webhooks.c.consecutive_failures + len(attempts),
                failing_since=func.coalesce(webhooks.c.failing_since, now),
            )
        )
        since = conn.scalar(
            select(webhooks.c.failing_since).where(webhooks.c.id == webhook_id, webhooks.c.disabled_at.is_(None))
        )
        if since is not None and now - since >= disable_after:
            reason = f"Failing since {since.isoformat(timespec='seconds')}: {attempts[-1].error}"
            disabled = {"disabled_at": now, "disabled_reason": reason[:1024]}
            conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(disabled))


def enable(conn: Connection, webhook_id: int, now: datetime) -> int:
    """Resume a webhook: its health starts afresh and its pending deliveries are due now.
    Returns how many are pending; StoreError if the webhook is unknown or removed."""
    changed = conn.execute(
        update(webhooks)
        .where(webhooks.c.id == webhook_id, webhooks.c.removed_at.is_(None))
        .values(disabled_at=None, disabled_reason=None, failing_since=None, consecutive_failures=0)
    ).rowcount
    if not changed:
        raise StoreError(f"No active webhook {webhook_id}.")
    return conn.execute(
        update(deliveries)
        .where(deliveries.c.webhook_id == webhook_id, deliveries.c.status == DeliveryStatus.PENDING)
        .values(next_attempt_at=now)
    ).rowcount
