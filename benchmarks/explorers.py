"""Explorer responsiveness: from a control change to the updated output.

In Python: the widget's callback, run synchronously when a control's value is
set (wall clock, and the process's CPU time beside it: on a shared machine
the difference is time spent waiting for a core).  In the browser: the round
trip through Voila and the kernel, from changing the control in headless
Chromium to the new text on the page.  Prints the medians (target: 100 ms or
less) and the machine's load average.

    python benchmarks/explorers.py [--repeat 20]
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAUSE = 0.3  # seconds between changes in the browser

#: the rows printed, in order: "explorer: control changed"
CASES = ("budget: edition", "home care: pay rate", "waiting: queue", "waiting: median target")


def python_latencies(repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall ms, CPU ms) per case."""
    from toolkit import widgets

    def timed(control, values):
        wall, cpu = [], []
        for i in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            control.value = values[i % 2]
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        return statistics.median(wall) * 1000, statistics.median(cpu) * 1000

    budget, home, waiting = widgets.budget_explorer(), widgets.homecare_explorer(), widgets.waiting_explorer()
    return {
        "budget: edition": timed(budget.controls["edition"], ["2019/20-2022/23", "2026/27-2029/30"]),
        "home care: pay rate": timed(home.controls["pay_rate"], [9.31, 9.30]),
        "waiting: queue": timed(waiting.controls["queue"], ["carer_assessment", "care_act_assessment"]),
        "waiting: median target": timed(waiting.controls["median_target"], [15.0, 14.0]),
    }


#: Armed before each change: the first input event after it starts the clock,
#: the first DOM change that shows the expected text stops it.
PROBE = """([selector, expect]) => {
    const probe = window.__probe = {start: null, done: null};
    const begin = () => { if (probe.start === null) probe.start = performance.now(); };
    for (const type of ["keydown", "input", "change"]) document.addEventListener(type, begin, {capture: true, once: true});
    const shown = () => { const e = document.querySelector(selector); return e && e.innerText.includes(expect); };
    const observer = new MutationObserver(() => {
        if (probe.start !== null && shown()) { probe.done = performance.now(); observer.disconnect(); }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def browser_latencies(repeat: int) -> dict[str, tuple[float, float]]:
    """Median (in-page ms, seen-by-Playwright ms) per case."""
    from toolkit.browser import explorers_page
    from toolkit.cli import start_explore, stop_process_tree

    proc, url = start_explore()
    try:
        with explorers_page(url) as page:

            def measure(tab, change, selector, expects, prepare=None):
                """Medians in ms over ``repeat`` changes: from the input event the browser
                receives (a capturing listener notes its time) to the DOM showing
                ``expects[i % 2]`` in ``selector`` (a MutationObserver notes that); and
                the same seen from Playwright, with its own round trips to the browser."""
                page.locator(".lm-TabBar-tab", has_text=tab).first.click()
                in_page, seen = [], []
                for i in range(repeat):
                    time.sleep(PAUSE)  # a person's pace: the last change has settled
                    if prepare:
                        prepare(i)
                    page.evaluate(PROBE, [selector, expects[i % 2]])
                    t = time.perf_counter()
                    change(i)
                    page.wait_for_function("() => window.__probe.done !== null", timeout=30_000, polling=5)
                    seen.append(time.perf_counter() - t)
                    in_page.append(page.evaluate("() => window.__probe.done - window.__probe.start") / 1000)
                return statistics.median(in_page) * 1000, statistics.median(seen) * 1000

            def select(label, values):
                box = page.locator(".widget-dropdown", has_text=label).locator("select")
                return lambda i: box.select_option(values[i % 2])

            def slider(label):
                handle = page.locator(".widget-hslider", has_text=label).locator(".noUi-handle").first
                handle.focus()
                return lambda i: page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")

            def number(label, values):
                """(type the value, then commit it with Enter): the clock starts at Enter."""
                field = page.locator(".widget-text", has_text=label).locator("input")
                return (lambda i: field.press("Enter")), (lambda i: field.fill(str(values[i % 2])))

            commit_target, type_target = number("Median target", [15, 14])
            out = {
                "budget: edition": measure("Budget", select("Edition", ["2019/20-2022/23", "2026/27-2029/30"]),
                                           ".budget-total", ["MTFS 2019", "MTFS 2026"]),
                "waiting: queue": measure("Waiting lists",
                                          select("Queue", ["carer_assessment", "care_act_assessment"]),
                                          ".waiting-summary", ["carer_assessment:", "care_act_assessment:"]),
                "waiting: median target": measure("Waiting lists", commit_target, ".waiting-trend-summary",
                                                  ["target of 15 days", "target of 14 days"], prepare=type_target),
            }
            page.locator(".lm-TabBar-tab", has_text="Home-care prices").first.click()
            out["home care: pay rate"] = measure("Home-care prices", slider("Pay rate"), ".homecare-summary",
                                                 ["Urban: £18.77", "Urban: £18.75"])
        return out
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except Exception:
            stop_process_tree(proc.pid)
            raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    py = python_latencies(args.repeat)
    web = browser_latencies(args.repeat)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"median latency over {args.repeat} changes (ms); target <= 100; "
          f"{os.cpu_count()} cores, load average {load}")
    print("python: the callback (wall, and CPU time); browser: input event to updated DOM in Chromium "
          "(and as Playwright sees it, with its own round trips)")
    print(f"{'explorer: control':26} {'python':>8} {'(cpu)':>8} {'browser':>8} {'(pw)':>8}")
    for name in CASES:
        wall, cpu = py[name]
        in_page, seen = web[name]
        print(f"{name:26} {wall:8.1f} {cpu:8.1f} {in_page:8.1f} {seen:8.1f}")


if __name__ == "__main__":
    main()
