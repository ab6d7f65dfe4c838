"""Explorer responsiveness: from a control change to the updated output.

In Python: the widget's callback, run synchronously when a control's value is
set.  In the browser: the round trip through Voila and the kernel, from
changing the control in headless Chromium to the new text on the page.
Prints the medians (target: 100 ms or less).

    python benchmarks/explorers.py [--repeat 20]
"""
from __future__ import annotations

import argparse
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def python_latencies(repeat: int) -> dict[str, float]:
    from toolkit import widgets

    def timed(control, values):
        times = []
        for i in range(repeat):
            t = time.perf_counter()
            control.value = values[i % 2]
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000

    out = {}
    budget = widgets.budget_explorer()
    edition = budget.children[0].children[0]
    out["budget: edition"] = timed(edition, ["2019/20-2022/23", "2026/27-2029/30"])
    home = widgets.homecare_explorer()
    out["home care: pay rate"] = timed(home.controls["pay_rate"], [9.40, 9.30])
    waiting = widgets.waiting_explorer()
    queue = [c for c in _walk(waiting) if getattr(c, "description", "") == "Queue"][0]
    out["waiting: queue"] = timed(queue, ["carer_assessment", "care_act_assessment"])
    return out


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def browser_latencies(repeat: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "toolkit.cli", "explore", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url, timeout=120_000)
            page.wait_for_selector(".budget-total", state="attached", timeout=180_000)

            def round_trip(tab, select_label, selector, choices):
                page.locator(".lm-TabBar-tab", has_text=tab).click()
                select = page.locator(".widget-dropdown", has_text=select_label).locator("select")
                times = []
                for i in range(repeat):
                    value, expect = choices[i % 2]
                    t = time.perf_counter()
                    select.select_option(value)
                    page.wait_for_function(
                        "([s, x]) => { const e = document.querySelector(s); return e && e.innerText.startsWith(x); }",
                        arg=[selector, expect], timeout=30_000, polling=5)
                    times.append(time.perf_counter() - t)
                return statistics.median(times) * 1000

            out = {
                "budget: edition": round_trip("Budget", "Edition", ".budget-total",
                                              [("2019/20-2022/23", "MTFS 2019"), ("2026/27-2029/30", "MTFS 2026")]),
                "waiting: queue": round_trip("Waiting lists", "Queue", ".waiting-summary",
                                             [("carer_assessment", "carer_assessment"),
                                              ("care_act_assessment", "care_act_assessment")]),
            }
            page.locator(".lm-TabBar-tab", has_text="Home-care prices").click()
            handle = page.locator(".widget-hslider", has_text="Pay rate").locator(".noUi-handle").first
            handle.focus()
            times = []
            for i in range(repeat):
                key, expect = ("ArrowRight", "Urban: £18.77") if i % 2 == 0 else ("ArrowLeft", "Urban: £18.75")
                t = time.perf_counter()
                page.keyboard.press(key)
                page.wait_for_function("x => document.querySelector('.homecare-summary').innerText.startsWith(x)",
                                       arg=expect, timeout=30_000, polling=5)
                times.append(time.perf_counter() - t)
            out["home care: pay rate"] = statistics.median(times) * 1000
            browser.close()
        return out
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    py = python_latencies(args.repeat)
    web = browser_latencies(args.repeat)
    print(f"median latency over {args.repeat} changes (ms); target <= 100")
    print(f"{'explorer: control':28} {'python':>8} {'browser':>8}")
    for name in py:
        print(f"{name:28} {py[name]:8.1f} {web.get(name, float('nan')):8.1f}")


if __name__ == "__main__":
    main()
