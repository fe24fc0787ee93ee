"""How yixian starts Chromium (STACK.md): the system browser, never a Playwright download,
with background networking off (the machines have no internet). Used by the browser tests
and by scripts/screenshot.py."""

import os

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def launch_options() -> dict:
    """Keyword arguments for playwright's `chromium.launch()`."""
    return {"executable_path": CHROMIUM, "headless": True, "args": list(CHROMIUM_ARGS)}
