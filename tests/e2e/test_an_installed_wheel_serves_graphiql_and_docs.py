"""A deployment from the built package, not the checkout: the wheel is built, installed into a
fresh virtual environment outside the checkout, and its `kanal` serves a temporary SQLite
database. Headless Chromium, every outside host blocked, then runs a query in GraphiQL with a
pasted key, reads the operations on /docs and opens /dashboard by a link, as a person would.

The fresh environment gets the wheel alone (`--no-deps`); the dependencies it declares are read
from this test environment (a `.pth` line naming its site-packages, after the venv's own, so the
package itself comes from the wheel) and `pip check` confirms they satisfy the wheel's metadata.
No node_modules is reachable: the server runs in a temporary directory, and KANAL_IDE_ASSETS is
unset."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import order_body
from tests.e2e.test_api_docs_render_offline_in_a_browser import OPERATIONS
from tests.e2e.test_graphiql_works_offline_in_a_browser import (  # noqa: F401
    executed,
    offline_page,
    paste_key_and_query,
    pytestmark,
    sync_api,
)
from tests.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600, env=env, cwd=cwd)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding the wheel built from this checkout's files (git's, ignored ones left out)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in run("git", "ls-files", "--cached", "--others", "--exclude-standard", cwd=ROOT).splitlines():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    (source / "node_modules").symlink_to(ROOT / "node_modules")  # the build copies from it, as `npm ci` left it
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source)
    (wheel,) = (work / "dist").glob("kanal-*.whl")

    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    own = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (own / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    run(sys.executable, "-m", "pip", "--python", python, "check")
    location = run(python, "-c", "import app, graphql_schema; print(app.__file__, graphql_schema.__file__)", cwd=work)
    assert str(ROOT) not in location and str(own) in location, location
    return venv / "bin"


@pytest.fixture
def served(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KANAL_IDE_ASSETS"}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/installed.db"
    kanal = installed / "kanal"
    run(kanal, "db", "upgrade", env=env, cwd=tmp_path)
    run(kanal, "stores", "create", "--id", "123", "--name", "Demo", "--region", "FR", env=env, cwd=tmp_path)
    key = run(kanal, "keys", "create", "--store", "123", env=env, cwd=tmp_path).strip().splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [kanal, "serve", "--port", str(port)], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        posted = httpx.post(
            f"{base}/api/v1/stores/123/orders", json=order_body(), headers={"Authorization": f"Bearer {key}"}
        )
        assert posted.status_code == 201, posted.text
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()  # type: ignore[union-attr]


def test_the_installed_package_serves_graphiql_the_docs_and_the_dashboard_offline(served):
    base, key = served
    with offline_page(locale="en-US") as (page, outside, problems):
        paste_key_and_query(page, base, key)
        assert '"+33612345678"' in executed(page).inner_text()

        page.goto(f"{base}/docs")
        page.wait_for_selector(".opblock", timeout=20_000)
        shown = {
            " ".join(block.inner_text().split()[:2])
            for block in page.locator(".opblock-summary-path-description-wrapper, .opblock-summary").all()
        }
        assert "Kanal commerce data API" in " ".join(page.inner_text("body").split())
        for operation in OPERATIONS:
            method, path = operation.split(" ")
            assert any(line.startswith(method) and path in line for line in shown), (operation, sorted(shown)[:8])

        page.goto(f"{base}/dashboard#key={key}&store=123&from=2026-05-01&to=2026-05-31")
        sync_api.expect(page.locator("#status")).to_contain_text("read at", timeout=20_000)
        sync_api.expect(page.locator("#total-Orders")).to_have_text("1")  # the order posted above, on 18 May
        sync_api.expect(page.locator("#total-Revenue")).to_have_text("€49.90")
        sync_api.expect(page.locator("#live-status")).to_contain_text("Live:")

    assert outside == [], f"requests to outside hosts: {outside}"
    assert problems == [], problems
