"""Browser-test fixtures: the real app served over HTTP on loopback, driven by Debian's Chromium.

``live_server`` runs ``create_app`` against the same database as the ``app`` fixture (so the
browser tests run on SQLite and on PostgreSQL like everything else) in a background thread with
Werkzeug's threaded server on 127.0.0.1 and a free port.  ``page`` is a fresh browser context per
test; when a test fails its last screen is saved under ``test-results/``.

Playwright cannot download browsers here, so we drive ``/usr/bin/chromium`` (Debian's package).
Without it the tests are skipped with the reason on a laptop and fail in CI (``CI`` set).
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from shop import create_app, db
from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("SHOP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite may run as root (CI containers)
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-proxy-server",  # loopback only: never route the test through an environment proxy
]
DEFAULT_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: object

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(app, tmp_path_factory):
    """The real application on http://127.0.0.1:<free port>, sharing the test database."""
    served = create_app({
        "DATABASE_URL": app.config["DATABASE_URL"],
        "MEDIA_DIR": app.config["MEDIA_DIR"],
        "SECRET_KEY": "browser-test-secret",
    })
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=served)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        db.get_db(served).engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (Debian package 'chromium'); "
                     "Playwright cannot download browsers here")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so ``page`` can tell, at teardown, whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A fresh context and page (Chinese first, like a shopper in China); screenshot on failure."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            out = Path(request.config.rootpath) / "test-results"
            out.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            try:
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            except Exception as exc:  # a dead page must not hide the real failure
                print(f"screenshot failed: {exc}")
        context.close()
