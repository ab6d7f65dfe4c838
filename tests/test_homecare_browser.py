"""The home care calculator in a real browser (Voila + headless Chromium).

Slow, so it runs only with SCRUTINY_BROWSER_TESTS=1 and when Chromium, Voila
and Playwright are present."""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VOILA = Path(sys.executable).with_name("voila")

pytestmark = pytest.mark.skipif(
    os.environ.get("SCRUTINY_BROWSER_TESTS") != "1" or not CHROMIUM or not VOILA.exists(),
    reason="browser tests need SCRUTINY_BROWSER_TESTS=1, chromium and voila",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_moving_the_pay_slider_changes_the_urban_price(tmp_path):
    import nbformat
    from playwright.sync_api import sync_playwright

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from toolkit.widgets import homecare_explorer\nhomecare_explorer()")]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, tmp_path / "explorer.ipynb")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    server = subprocess.Popen([str(VOILA), "explorer.ipynb", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/", timeout=120000)
            page.wait_for_selector(".homecare-summary", timeout=120000)
            assert page.inner_text(".homecare-summary").startswith("Urban: £18.75")
            page.locator(".widget-slider").first.locator(".noUi-handle").first.focus()
            for _ in range(10):
                page.keyboard.press("ArrowRight")   # 10 steps of 1p: £9.30 -> £9.40
            page.wait_for_function("document.querySelector('.homecare-summary').innerText.startsWith('Urban: £18.95')",
                                   timeout=30000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
