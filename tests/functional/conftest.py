"""Real browser tests: Debian's chromium driven by Playwright against Django's live server.

Every page a browser test visits is checked twice before the test may touch it again: axe-core (installed
with npm, see package.json) for WCAG 2.2 A and AA, and reflow (WCAG 1.4.10): at 320 CSS px wide the page
must not scroll sideways. A violation fails the test that visited the page, with the list. The session
ends by saying how many distinct pages (paths with ids folded) were checked.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("GOLDENTHREAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1200, "height": 900}
NARROWEST = 320
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# How long a navigation the test started may take to load before the check gives up waiting for it.
LOAD_WAIT_MS = 15000

# Distinct pages checked over the session: path with numeric segments folded, e.g. /children/<id>/.
PAGES_CHECKED: set[str] = set()
PAGES_FAILED: set[str] = set()


def page_key(url: str) -> str:
    path = urlsplit(url).path or "/"
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        # A missing checker is a failure, never a skip: `make setup` runs `npm ci`, which installs it.
        pytest.fail(f"axe-core not found at {AXE_SCRIPT}; run `npm ci` (make setup)")
    return AXE_SCRIPT.read_text(encoding="utf-8")


class PageChecks:
    """Counts the navigations of one page and checks each loaded document once, between test steps."""

    def __init__(self, page: Any, axe_source: str, *, without_script: Any = None) -> None:
        self.page = page
        self.axe_source = axe_source
        # A page whose context runs no script cannot run axe (its timers never fire): its document is
        # checked in this page of a context that does, served the same HTML at the same address, the
        # service's own scripts held back, so the check sees the page as it was without script.
        self.without_script = without_script
        self.started = 0  # main-frame navigations requested (a redirect continues the same one)
        self.loaded = 0  # documents loaded
        self.checked = 0
        self.failures: list[str] = []
        page.on("request", self._on_request)
        page.on("load", self._on_load)

    def _on_request(self, request: Any) -> None:
        if (
            request.is_navigation_request()
            and request.frame == self.page.main_frame
            and request.redirected_from is None
        ):
            self.started += 1

    def _on_load(self, _page: Any) -> None:
        self.loaded += 1

    def flush(self) -> None:
        """Check the page in the browser if a document loaded since the last check."""
        if self.started > self.loaded:
            # A navigation is under way (a click or a key press started it): let it load before checking.
            deadline = LOAD_WAIT_MS
            while self.started > self.loaded and deadline > 0:
                self.page.wait_for_timeout(25)
                deadline -= 25
            if self.started > self.loaded:
                self.loaded = self.started  # a download or an answer with no page: nothing to check
        if self.loaded > self.checked:
            self.checked = self.loaded
            self.page.wait_for_load_state("load")
            try:
                self._check()
            except PlaywrightError as error:
                # The test moved the page on while it was being checked: the next document is checked when
                # it loads. Anything else is a real failure.
                if "context was destroyed" not in str(error) and "navigat" not in str(error):
                    raise

    def check_now(self) -> None:
        """Check the page as it is now, loaded or changed since."""
        self.flush()
        self._check(record=False)

    def _check(self, *, record: bool = True) -> None:
        page = self.page
        url = page.url
        if not url.startswith("http") or page.evaluate("document.contentType") != "text/html":
            return
        if self.without_script is not None:
            page = self._served_without_script(url, page.content())
        problems = self._axe(page) + self._reflow(page)
        if record:
            PAGES_CHECKED.add(page_key(url))
        if problems:
            if record:
                PAGES_FAILED.add(page_key(url))
            message = f"{url} is not accessible:\n  " + "\n  ".join(problems)
            self.failures.append(message)
            raise AssertionError(message)

    def _served_without_script(self, url: str, html: str) -> Any:
        helper = self.without_script
        helper.unroute_all()
        helper.route("**/*.{js,mjs}", lambda route: route.abort())
        helper.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        helper.goto(url)
        helper.wait_for_load_state("load")
        return helper

    def _axe(self, page: Any) -> list[str]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.axe_source)
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        violations = page.evaluate(
            "async (options) => (await window.axe.run(document, options)).violations.map(v => ({"
            "id: v.id, impact: v.impact, help: v.help,"
            "nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' '))"
            "}))",
            options,
        )
        return [
            f"axe {v['id']} ({v['impact']}): {v['help']}; " + json.dumps(v["nodes"][:5]) for v in violations
        ]

    def _reflow(self, page: Any) -> list[str]:
        viewport = page.viewport_size or VIEWPORT
        page.set_viewport_size({"width": NARROWEST, "height": viewport["height"]})
        try:
            width = page.evaluate(
                "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame("
                "() => done(document.documentElement.scrollWidth))))"
            )
            wide = []
            if width > NARROWEST:
                wide = page.evaluate(
                    "(limit) => [...document.querySelectorAll('body *')]"
                    ".filter(e => e.getBoundingClientRect().right > limit + 1)"
                    ".slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + "
                    "String(e.className).trim().split(/\\s+/).join('.') : ''))",
                    NARROWEST,
                )
        finally:
            page.set_viewport_size(viewport)
        if width > NARROWEST:
            return [f"reflow: {width} px wide at {NARROWEST} px (WCAG 1.4.10), widest: {', '.join(wide)}"]
        return []


class CheckedPage:
    """A Playwright page that checks each newly loaded document before the test's next use of the page."""

    def __init__(self, page: Any, checks: PageChecks) -> None:
        object.__setattr__(self, "_page", page)
        object.__setattr__(self, "_checks", checks)

    def __getattr__(self, name: str) -> Any:
        self._checks.flush()
        return getattr(self._page, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._page, name, value)


def checked_page(page: Any, *, browser: Any = None) -> tuple[CheckedPage, PageChecks]:
    """Wrap a page so every document it loads is checked; pass the browser for a context without script."""
    without_script = None
    if browser is not None:
        without_script = browser.new_context(viewport=VIEWPORT).new_page()
        page.context.on("close", lambda _context: without_script.context.close())
    checks = PageChecks(page, _axe_source(), without_script=without_script)
    return CheckedPage(page, checks), checks


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        # A missing browser is a failure, never a skip: the promise is that browser tests run.
        pytest.fail(f"chromium not found at {CHROMIUM}; run scripts/ensure-chromium.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page whose every visited document is checked by axe-core and at 320 px; see the module's doc."""
    context = browser.new_context(viewport=VIEWPORT)
    raw = context.new_page()
    raw.set_default_timeout(15000)
    page, checks = checked_page(raw)
    yield page
    try:
        # The last page the test saw is checked too, unless the test failed already.
        report = getattr(request.node, "rep_call", None)
        if report is None or report.passed:
            checks.flush()
    finally:
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if PAGES_CHECKED:
        terminalreporter.write_sep(
            "-",
            f"axe checked {len(PAGES_CHECKED)} pages (WCAG 2.2 A/AA; no sideways scroll at {NARROWEST} px): "
            f"{len(PAGES_FAILED)} with a violation",
        )
        terminalreporter.write_line(", ".join(sorted(PAGES_CHECKED)))
