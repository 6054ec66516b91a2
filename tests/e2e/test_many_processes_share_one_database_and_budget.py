"""SPEC §8: stateless web processes on PostgreSQL; the per-store rate limit holds across them."""

import random

import httpx
import pytest

from tests import postgres
from tests.conftest import order_body
from tests.server import Server, kanal

pytestmark = pytest.mark.skipif("postgresql" not in postgres.engines_under_test(), reason="PostgreSQL not under test")


def test_four_processes_share_one_rate_limit_through_redis():
    store_id = str(random.randint(10**6, 10**9))  # Redis counters outlive a run: a fresh store each time
    with postgres.scratch_database() as url:
        kanal(url, "db", "upgrade")
        kanal(url, "stores", "create", "--id", store_id, "--name", "Scale", "--region", "FR")
        kanal(url, "stores", "set-rate-limit", store_id, "20")
        key = kanal(url, "keys", "create", "--store", store_id).stdout.strip().splitlines()[-1]
        server = Server(url, workers=4, env={"KANAL_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379"})
        try:
            statuses = []
            for index in range(30):
                # a new connection each time, so that requests spread over the processes
                with httpx.Client(base_url=server.base_url) as client:
                    body = order_body(external_id=f"O-{index}")
                    response = client.post(
                        f"/api/v1/stores/{store_id}/orders", json=body, headers={"Authorization": f"Bearer {key}"}
                    )
                statuses.append(response.status_code)
            assert statuses.count(201) == 20 and statuses.count(429) == 10
            assert statuses[:20] == [201] * 20
            with httpx.Client(base_url=server.base_url) as client:
                health = client.get("/healthz")
            assert health.json() == {"status": "ok", "database": True, "rate_limit_storage": True}
        finally:
            server.stop()
