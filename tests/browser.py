"""End-to-end fixtures: the app served on a free local port with the demo faculty, and
Debian's Chromium driven by Playwright (headless, no background networking: the machine
has no outside network, and nothing may be fetched from it anyway)."""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from datetime import datetime

import pytest

from docservice import create_app
from docservice.clock import FrozenClock
from docservice.demo import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
# The demo world's day: some journals are past their deadline, some still open.
DEMO_NOW = datetime(2026, 11, 23, 10, 0)


def read_whole(app):
    """The app with each response read whole, and its file closed, before a byte is sent. When a
    browser context closed while a file was being sent (the icon, fetched after the page), the
    development server gave up on the dropped connection without closing the file, and the
    collector's ResourceWarning failed whichever test ran next."""
    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return serve


@pytest.fixture
def live_server(demo_sqlite_template, tmp_path):
    """The demo faculty served at http://127.0.0.1:<port> (a thread; stopped after the test)."""
    from werkzeug.serving import make_server

    db_path = tmp_path / "live.db"
    shutil.copy(demo_sqlite_template, db_path)
    clock = FrozenClock(DEMO_NOW)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "SECRET_KEY": "e2e", "CLOCK": clock,
                      "SESSION_COOKIE_SECURE": False, "STORAGE_DIR": str(tmp_path / "documents"),
                      "PUBLIC_URL": "http://127.0.0.1"})
    server = make_server("127.0.0.1", 0, read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, clock
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            from docservice.models import db

            db.engine.dispose()


# One Playwright and one Chromium for the whole run: each test module imports this fixture,
# which makes one session fixture per module, and a second sync Playwright cannot start
# while the first runs.
_SHARED: dict = {"users": 0}


@pytest.fixture(scope="session")
def chromium():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    if not _SHARED["users"]:
        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = _SHARED["playwright"].chromium.launch(executable_path=CHROMIUM, headless=True,
                                                                   args=CHROMIUM_ARGS)
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="kk-KZ")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@contextmanager
def screen(chromium, width: int, height: int, phone: bool = False):
    """A page in a browser context of its own, ``width`` × ``height`` (a phone: touch, mobile)."""
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="kk-KZ",
                                   is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


def sign_in(page, base: str, login: str, password: str = DEMO_PASSWORD, lang: str = "ru") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button.primary")
    assert "/login" not in page.url, page.inner_text("main")
    with page.expect_navigation():
        page.locator(f"form.lang button[value={lang}]").click()


# The two screens every story is checked at: a desktop and a phone (touch, mobile).
SCREENS = [pytest.param((1366, 768, False), id="1366x768"), pytest.param((390, 844, True), id="390x844")]

# The elements that stick out of a ``w`` px window in a box that does not scroll: what to fix.
STICKING_OUT = """w => [...document.querySelectorAll('body *')].filter(e => {
    if (e.getBoundingClientRect().right <= w) return false;
    for (let a = e.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false;
    return true;
  }).slice(0, 5).map(e => `${e.tagName}.${e.className} ${(e.innerText || '').slice(0, 40)}`)"""


def fits_sideways(page, width: int | None = None) -> None:
    """The page does not scroll sideways in its window (wide tables scroll in their own box)."""
    width = width or page.viewport_size["width"]
    if page.evaluate("document.documentElement.scrollWidth") > width:
        pytest.fail(f"{page.url} scrolls sideways at {width} px: {page.evaluate(STICKING_OUT, width)}")

