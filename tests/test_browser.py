"""The explorers in a real browser: ``scrutiny explore`` serves
notebooks/explore.ipynb with Voila on 127.0.0.1; Playwright drives Debian's
Chromium; for each explorer a control is changed and the figures shown must
change to the expected values.  Screenshots go to test-artifacts/.

Needs /usr/bin/chromium (``make browser`` installs it; ``make test`` does that
first).  Part of the normal test run."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from toolkit.sources import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"

if not Path(CHROMIUM).exists():  # pragma: no cover - make test installs it
    pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`", pytrace=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    log = open(ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS / "explore-server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "toolkit.cli", "explore", "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"scrutiny explore did not serve {url}; see {log.name}")
            time.sleep(0.5)
    yield {"url": url, "proc": proc}
    # Ctrl-C, as a person would: the server and every kernel it started stop.
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    gone, alive = psutil.wait_procs(children, timeout=20)
    assert not alive, f"left running after Ctrl-C: {[p.pid for p in alive]}"
    log.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server["url"], timeout=120_000)
        page.wait_for_selector(".budget-total", state="attached", timeout=180_000)
        yield page
        browser.close()


def open_tab(page, title):
    page.locator(".lm-TabBar-tab", has_text=title).click()


def wait_text(page, selector, startswith, timeout=30_000):
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return e && e.innerText.startsWith(t); }",
        arg=[selector, startswith], timeout=timeout)
    return page.inner_text(selector)


def test_the_page_serves_on_loopback_only(server):
    port = int(server["url"].rsplit(":", 1)[1].strip("/"))
    listening = {c.laddr.ip for c in psutil.net_connections("tcp") if c.laddr and c.laddr.port == port
                 and c.status == psutil.CONN_LISTEN}
    assert listening == {"127.0.0.1"}


def test_every_control_has_a_label(page):
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('.widget-inline-hbox')]
        .filter(b => b.querySelector('select, input, .noUi-handle'))
        .filter(b => !(b.querySelector('label') && b.querySelector('label').innerText.trim())).length""")
    assert unlabelled == 0


def test_budget_explorer_shows_the_chosen_editions_net_budget(page):
    from toolkit import budget

    open_tab(page, "Budget")
    assert wait_text(page, ".budget-total", "MTFS 2026") == "MTFS 2026: net budget 2026/27 £255,513k"
    page.locator(".widget-dropdown", has_text="Edition").locator("select").select_option("2019/20-2022/23")
    shown = wait_text(page, ".budget-total", "MTFS 2019")
    assert shown == "MTFS 2019: net budget 2019/20 £137,713k"
    assert shown == budget.net_budget_text(budget.load_all()["summary"], "2019/20-2022/23")
    page.screenshot(path=str(ARTIFACTS / "explorer-budget.png"), full_page=True)


def test_price_calculator_reprices_when_the_pay_slider_moves(page):
    open_tab(page, "Home-care prices")
    assert wait_text(page, ".homecare-summary", "Urban: £18.75").startswith("Urban: £18.75")
    handle = page.locator(".widget-hslider", has_text="Pay rate").locator(".noUi-handle").first
    handle.focus()
    for _ in range(10):  # ten steps of 1p: £9.30 -> £9.40
        page.keyboard.press("ArrowRight")
    assert wait_text(page, ".homecare-summary", "Urban: £18.95").startswith("Urban: £18.95")
    page.screenshot(path=str(ARTIFACTS / "explorer-home-care.png"), full_page=True)


def test_waiting_explorer_shows_the_chosen_queues_count(page):
    open_tab(page, "Waiting lists")
    assert wait_text(page, ".waiting-summary", "care_act_assessment").startswith(
        "care_act_assessment: 416 waiting on 2025-12-28")
    page.locator(".widget-dropdown", has_text="Queue").locator("select").select_option("carer_assessment")
    assert wait_text(page, ".waiting-summary", "carer_assessment").startswith(
        "carer_assessment: 150 waiting on 2025-12-28")
    page.screenshot(path=str(ARTIFACTS / "explorer-waiting.png"), full_page=True)
