import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import CHROMIUM

ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.10.3" / "axe.min.js"


@pytest.fixture
def page(live_server):
    """A real headless Chromium page pointed at the live test server."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is required for browser tests and was not found at {CHROMIUM}.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                      base_url=live_server.url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        # Every browser test also checks the Content-Security-Policy: nothing on the pages the
        # flow visits may be refused by it (an inline script or style would be).
        refused = []
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        # axe-core is served from the page's own origin, as the policy allows scripts.
        page.route("**/__tests__/axe.min.js", lambda route: route.fulfill(
            path=str(AXE), content_type="application/javascript"))
        yield page
        context.close()
        browser.close()
        assert not refused, f"refused by the Content-Security-Policy: {refused}"


@pytest.fixture
def real_units(transactional_db):
    """Live-server tests commit for real and are flushed afterwards: load the lists again."""
    call_command("load_units", stdout=io.StringIO())


def screenshot(page, name: str) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def wait_until_true(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression until it is true.

    Playwright's ``wait_for_function`` evaluates a string predicate with ``eval`` in the page
    when it has to poll, which the app's Content Security Policy (no 'unsafe-eval') refuses;
    ``page.evaluate`` goes through the DevTools protocol and is not bound by the page's CSP.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.1)
