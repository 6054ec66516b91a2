"""README: /healthz answers 200 when the database is reachable, 503 when not."""

import httpx

from app.config import Settings
from app.main import create_app


async def test_healthz_reports_database(api):
    response = await api.client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": True})


async def test_healthz_503_when_database_is_unreachable(tmp_path):
    app = create_app(Settings.from_env(database_url=f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"))
    (tmp_path / "missing" / "dir").rmdir()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()["database"]) == (503, False)
