"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Chromium is the system one (/usr/bin/chromium), never a Playwright download. Where it is
missing the browser tests are skipped, unless YIXIAN_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from yixian.framework.chromium import CHROMIUM, chromium_available, launch_options

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    """Skip (or, when YIXIAN_REQUIRE_BROWSER=1, fail) unless the system Chromium is there."""
    if chromium_available():
        return
    reason = f"browser tests need Chromium at {CHROMIUM} (Debian package `chromium`); it is not installed"
    if os.environ.get("YIXIAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and YIXIAN_REQUIRE_BROWSER=1 requires the browser tests to run", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Overrides pytest-playwright's: the launch STACK.md prescribes, nothing from the command line."""
    require_chromium()
    return launch_options()


@dataclass
class PageWatch:
    """What went wrong in the browser while a test ran: console errors (a CSP violation is
    one), uncaught page errors, failed requests and requests to any host but the live server."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[tuple[str, str, str]] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    downloads: set[str] = field(default_factory=set)
    expected_console: list[re.Pattern] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", self._on_request_failed)
        page.on("request", self._on_request)
        page.on("download", lambda download: self.downloads.add(download.url))

    def expect_console_error(self, pattern: str) -> None:
        """Allow one kind of console error the test provokes on purpose (e.g. a 401 page)."""
        self.expected_console.append(re.compile(pattern))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        text = f"{message.text} (at {location.get('url', '?')})"
        if any(p.search(text) for p in self.expected_console):
            return
        self.console_errors.append(text)

    def _on_request_failed(self, request) -> None:
        self.failed_requests.append((request.method, request.url, request.failure))

    def _on_request(self, request) -> None:
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def assert_clean(self) -> None:
        assert self.requests, "no request was seen at all"
        problems = {
            "console errors": self.console_errors,
            "page errors": self.page_errors,
            # A link that answers with an attachment ends its navigation as net::ERR_ABORTED
            # in Chromium; that is the download working, not a failure.
            "failed requests": [
                f"{method} {url}: {failure}"
                for method, url, failure in self.failed_requests
                if not (url in self.downloads and failure == "net::ERR_ABORTED")
            ],
            f"requests to hosts other than {self.origin}": self.foreign_requests,
        }
        found = {k: v for k, v in problems.items() if v}
        assert not found, f"the browser reported problems: {found}"


@pytest.fixture
def open_page(new_context, live_server):
    """open_page(viewport=..., **context_args) -> (page, watch): a page in a fresh context with its watch attached."""
    origin = live_server.url.rstrip("/")

    def _open(*, viewport=DESKTOP, locale="zh-CN", **context_args):
        # The users' browsers ask for Chinese; Playwright's default (en-US) would get the English UI.
        context = new_context(viewport=viewport, locale=locale, accept_downloads=True, **context_args)
        context.set_default_timeout(10_000)
        page = context.new_page()
        watch = PageWatch(origin=origin)
        watch.attach(page)
        return page, watch

    return _open
