"""SPEC §8: an acknowledged write survives a SIGKILL of the server process, on both engines
(writes are grouped into shared transactions on both: an answer comes after the COMMIT)."""

import concurrent.futures

import httpx

from tests.conftest import order_body
from tests.server import Server, kanal


def test_acknowledged_orders_survive_sigkill(database_url):
    url = database_url
    kanal(url, "db", "upgrade")
    kanal(url, "stores", "create", "--id", "123", "--name", "Demo", "--region", "FR")
    kanal(url, "stores", "set-rate-limit", "123", "100000")
    key = kanal(url, "keys", "create", "--store", "123").stdout.strip().splitlines()[-1]
    server = Server(url)
    acknowledged: list[str] = []

    def send(index: int) -> None:
        external_id = f"O-{index}"
        body = order_body(external_id=external_id, customer={"phone": f"+336123{index:05d}"})
        try:
            response = httpx.post(
                f"{server.base_url}/api/v1/stores/123/orders",
                json=body,
                headers={"Authorization": f"Bearer {key}"},
                timeout=5,
            )
        except httpx.HTTPError:
            return
        if response.status_code == 201:
            acknowledged.append(external_id)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(send, i) for i in range(400)]
        concurrent.futures.wait(futures[:150])
        server.kill()
        concurrent.futures.wait(futures)

    assert len(acknowledged) >= 150
    restarted = Server(url)
    try:
        auth = {"Authorization": f"Bearer {key}"}
        for external_id in acknowledged:
            order = httpx.get(f"{restarted.base_url}/api/v1/stores/123/orders/{external_id}", headers=auth).json()
            assert order["external_id"] == external_id
            assert order["contact"]["phone"] is not None and order["line_items"] == order_body()["line_items"]
    finally:
        restarted.stop()
