"""`kanal serve --workers 2` as an operator runs it: /metrics adds up the counts of both
processes (prometheus-client's multiprocess mode, its folder made by `kanal serve`), and stderr
holds one JSON line per request, ids echoed, and not one traceback for client errors. A
separate `kanal worker --metrics-port` serves its own delivery counts."""

from __future__ import annotations

import json
import os
import subprocess
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import order_body
from tests.receiver import Receiver
from tests.server import KANAL, Server, free_port, kanal

ORDERS = "/api/v1/stores/{store_id}/orders"


@pytest.fixture
def prepared(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/served.db"
    kanal(url, "db", "upgrade")
    kanal(url, "stores", "create", "--id", "123", "--name", "Demo", "--region", "FR")
    key = kanal(url, "keys", "create", "--store", "123").stdout.strip().splitlines()[-1]
    admin = kanal(url, "keys", "create", "--admin").stdout.strip().splitlines()[-1]
    return url, key, admin


def test_two_processes_count_into_one_scrape_and_log_one_line_each(prepared):
    url, key, admin = prepared
    server = Server(url, workers=2, env={"PROMETHEUS_MULTIPROC_DIR": ""})
    sent_ids = [f"req-{n}" for n in range(12)]
    try:
        statuses = []
        for n, rid in enumerate(sent_ids):
            # a new connection each time: the kernel spreads them over both processes
            with httpx.Client(base_url=server.base_url) as client:
                response = client.post(
                    "/api/v1/stores/123/orders",
                    json=order_body(external_id=f"ORDER-{n}") if n % 3 else {"currency": "EURO"},
                    headers={"Authorization": f"Bearer {key}", "X-Request-Id": rid},
                )
                assert response.headers["x-request-id"] == rid
                statuses.append(response.status_code)
        assert statuses.count(201) == 8 and statuses.count(422) == 4
        with httpx.Client(base_url=server.base_url) as client:
            bad_first = client.post(
                "/graphql",
                json={"query": "{ orders(storeId: 123, first: 500) { edges { node { externalId } } } }"},
                headers={"Authorization": f"Bearer {key}"},
            )
            assert bad_first.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
            assert client.get("/api/v1/stores/123/orders/ORDER-1").status_code == 401
        scrapes = []
        for _ in range(4):
            with httpx.Client(base_url=server.base_url) as client:
                response = client.get("/metrics", headers={"Authorization": f"Bearer {admin}"})
                assert response.status_code == 200, response.text
                scrapes.append(response.text)
    finally:
        server.stop()
    stderr = server.output

    for text in scrapes:  # whichever process answered, the counts of both
        values = {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
        }
        count = "kanal_http_request_duration_seconds_count"
        assert values[(count, (("method", "POST"), ("route", ORDERS), ("status", "201")))] == 8
        assert values[(count, (("method", "POST"), ("route", ORDERS), ("status", "422")))] == 4
        written = "kanal_records_written_total"
        assert values[(written, (("outcome", "created"), ("resource", "order")))] == 8
        assert values[(written, (("outcome", "rejected"), ("resource", "order")))] == 4
        assert values[("kanal_events_pending", ())] >= 0  # the in-process worker dispatches them meanwhile

    # two processes write to one stderr: a line is written once its response is sent, so the
    # order of lines may differ from the order of requests
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    lines = [line for line in lines if line["route"] != "/healthz"]  # the readiness checks
    posted = [line for line in lines if line["route"] == ORDERS]
    assert sorted(line["request_id"] for line in posted) == sorted(sent_ids)
    assert (
        sorted((line["status"], line["outcome"]) for line in posted) == [(201, "created")] * 8 + [(422, "rejected")] * 4
    )
    assert (
        sorted((line["route"], line["status"]) for line in lines if line["route"] != ORDERS)
        == [
            ("/api/v1/stores/{store_id}/orders/{external_id}", 401),
            ("/graphql", 200),
        ]
        + [("/metrics", 200)] * 4
    )
    assert "Traceback" not in stderr, stderr
    assert key not in stderr and admin not in stderr


def test_a_separate_worker_serves_its_delivery_counts(prepared, tmp_path):
    url, key, admin = prepared
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # this process's counts, in memory
    with Receiver() as receiver:
        kanal(url, "webhooks", "add", "--store", "123", "--url", receiver.url)
        server = Server(url, env={"KANAL_IN_PROCESS_WORKER": "false"})
        try:
            with httpx.Client(base_url=server.base_url) as client:
                posted = client.post(
                    "/api/v1/stores/123/orders", json=order_body(), headers={"Authorization": f"Bearer {key}"}
                )
                assert posted.status_code == 201
        finally:
            server.stop()
        with subprocess.Popen(
            [KANAL, "worker", "--interval", "0.1", "--metrics-port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as worker:
            try:
                deadline = time.monotonic() + 30
                delivered = 0.0
                while delivered < 1 and time.monotonic() < deadline:
                    time.sleep(0.2)
                    try:
                        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1).text
                    except httpx.HTTPError:
                        continue
                    for family in text_string_to_metric_families(text):
                        for s in family.samples:
                            if s.name == "kanal_webhook_deliveries_total" and s.labels == {"outcome": "delivered"}:
                                delivered = s.value
            finally:
                worker.terminate()
                worker.wait(timeout=10)
    assert delivered == 1 == len(receiver.received)
