"""Screenshots of a running demo server for the docs (docs/screenshots/*.png).

Start the demo first (`make demo`), then, from the repository root:

    .venv/bin/python scripts/screenshot.py [--url http://127.0.0.1:8000] [--out docs/screenshots]

It signs in through the login form with the demo logins (password Yixian@2026) and saves
  login.png     the login page
  home.png      the home page of `leader`
  stations.png  the rider station list of `mishixiang` (米市巷街道)
  dashboard.png the district dashboard (驾驶舱) of `leader`
  board.png     the major projects by stage (阶段看板) of `leader`
  red.png       the page of a red project, with its reasons, blockers and visits (`leader`)
  group.png     the page of service group SG01 (`fuwuzu`)
  visit.png     the phone visit form (375x812) of `fuwuzu`
at 1280x800 in a Chinese-language browser. Chromium is the system one, launched as STACK.md
prescribes. Console errors, failed requests and requests to other hosts are printed; the
exit status is 1 if there were any (the screenshots are still written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from yixian.framework.chromium import CHROMIUM, chromium_available, launch_options  # noqa: E402

VIEWPORT = {"width": 1280, "height": 800}
DEMO_PASSWORD = "Yixian@2026"
ROOT = Path(__file__).resolve().parent.parent


class Session:
    """One browser context (one signed-in person) and what went wrong in it."""

    def __init__(self, browser, base: str, problems: list[str]):
        self.base = base
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        self.problems = problems
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.method} {r.url} {r.failure}"))
        self.page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} (at {(message.location or {}).get('url', '?')})")

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.problems.append(f"request to another host: {request.url}")

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="networkidle")

    def log_in(self, username: str, password: str) -> None:
        self.goto("/accounts/login/")
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        self.page.locator("form:has(#id_password) button[type=submit]").click()
        self.page.wait_for_load_state("networkidle")
        if urlsplit(self.page.url).path.startswith("/accounts/login/"):
            raise SystemExit(f"could not sign in as {username!r} at {self.base} (is the demo data loaded?)")

    def shoot(self, path: Path, *, full_page: bool = False) -> None:
        self.page.evaluate("document.fonts.ready.then(() => true)")
        self.page.wait_for_timeout(800)  # let chart animations settle
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), animations="disabled", full_page=full_page)
        print(f"saved {path} ({self.page.url})")

    def close(self) -> None:
        self.context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running demo server (default %(default)s)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="output folder (default docs/screenshots)")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="password of the demo logins")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    out = Path(args.out)
    if not chromium_available():
        print(f"Chromium not found at {CHROMIUM} (Debian package `chromium`)", file=sys.stderr)
        return 2

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_options())
        try:
            anonymous = Session(browser, base, problems)
            anonymous.goto("/accounts/login/")
            anonymous.shoot(out / "login.png")
            anonymous.close()

            leader = Session(browser, base, problems)
            leader.log_in("leader", args.password)
            leader.goto("/")
            leader.shoot(out / "home.png")
            leader.goto("/indicators/dashboard/")
            leader.shoot(out / "dashboard.png", full_page=True)
            leader.goto("/projects/board/")
            leader.shoot(out / "board.png")
            leader.goto("/projects/lights/red/")
            leader.page.locator(".page-body a[href^='/projects/projects/']").first.click()
            leader.page.wait_for_load_state("networkidle")
            leader.shoot(out / "red.png", full_page=True)
            leader.close()

            cadre = Session(browser, base, problems)
            cadre.log_in("fuwuzu", args.password)
            cadre.goto("/projects/groups/")
            cadre.page.locator(".page-body a[href^='/projects/groups/']").first.click()
            cadre.page.wait_for_load_state("networkidle")
            cadre.shoot(out / "group.png", full_page=True)
            cadre.page.set_viewport_size({"width": 375, "height": 812})
            cadre.goto("/projects/lights/red/")
            href = cadre.page.locator(".page-body a[href^='/projects/projects/']").first.get_attribute("href")
            cadre.goto(href.replace("/projects/projects/", "/projects/").rstrip("/") + "/visit/")
            cadre.shoot(out / "visit.png")
            cadre.close()

            worker = Session(browser, base, problems)
            worker.log_in("mishixiang", args.password)
            worker.goto("/riders/stations/")
            worker.shoot(out / "stations.png")
            worker.close()
        finally:
            browser.close()

    for problem in problems:
        print(f"WARNING {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
