"""What the browser tests share: Debian's Chromium driven by Playwright, a live server, logging in.

Importing this module skips the importing test module when Playwright is missing; `MARKS` skips its tests
when Chromium is not at /usr/bin/chromium (`.ci/run` installs it; browsers are never downloaded).
"""
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
MARKS = [pytest.mark.browser,
         pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium at /usr/bin/chromium")]
sync_api = pytest.importorskip("playwright.sync_api")


@contextmanager
def live_server(app):
    """Serve ``app`` on a free local port in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def log_in(page, base: str, username: str) -> None:
    """Log in through the form, as a person does (the password every test user gets)."""
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
