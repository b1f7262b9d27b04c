"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import importlib.util
import os
import shutil
import tempfile

import pytest

from .axe import AXE_SCRIPT

CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach the network on start (closed here) and
# sandboxing fails when running as root in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the test's own database
# calls are still synchronous, so Django must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# `make test` sets this, so that there a missing browser fails the run instead of skipping.
REQUIRED = os.environ.get("NEWSROOM_BROWSER_TESTS") == "required"


def missing_tools():
    """Say what the browser tests lack on this machine, or return "" when they can run."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed"
    if not shutil.which(CHROMIUM):
        return f"Chromium was not found at {CHROMIUM}"
    if not AXE_SCRIPT.exists():
        return f"axe-core was not found at {AXE_SCRIPT}"
    return ""


def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if "tests/browser/" in str(item.fspath).replace(os.sep, "/")]
    missing = "" if REQUIRED else missing_tools()
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"{missing}; `make test` installs it"))


@pytest.fixture(scope="session")
def chromium(django_db_setup, live_server):
    # Depending on live_server makes pytest stop the server after the browser has
    # closed its connections, not before (which left request threads failing).
    if missing := missing_tools():
        pytest.fail(f"The browser tests cannot run: {missing}. `make test` installs what they need.")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    saved_rows = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        # Between its calls Playwright's sync API marks an event loop as running in this
        # thread, so from here on Django hands the tests other connection objects. Give
        # them the migrated rows test setup saved on the first ones, for serialized_rollback.
        for alias, rows in saved_rows.items():
            if rows is not None:
                connections[alias]._test_serialized_contents = rows
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh desktop browser tab whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Open further tabs, each in its own context (its own cookies), e.g. for a second user."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = chromium.new_context(base_url=live_server.url, viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_dir():
    """Where browser tests leave screenshots for people to look at."""
    path = os.environ.get("NEWSROOM_SCREENSHOTS") or tempfile.mkdtemp(prefix="newsroom-screenshots-")
    os.makedirs(path, exist_ok=True)
    return path
