"""The explorers page in headless Chromium, for the browser tests and the
explorer benchmark: one launch recipe (Debian's Chromium, driven by
Playwright; Playwright's own browser download is not used).

Chromium runs with the flags a closed, GPU-less, possibly root machine needs:
no sandbox, no GPU, and no background networking, component updates, first-run
or sync, whose connections this machine's network refuses."""
from __future__ import annotations

import shutil
from contextlib import contextmanager

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}
#: What shows once every explorer has rendered (the budget explorer's total).
READY = ".budget-total"


@contextmanager
def explorers_page(url: str):
    """A Chromium page on the explorers at ``url``, once the widgets have
    rendered; the browser is closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(url, timeout=120_000)
            page.wait_for_selector(READY, state="attached", timeout=180_000)
            yield page
        finally:
            browser.close()
