"""The explorers in a real browser: ``scrutiny explore`` serves
notebooks/explore.ipynb with Voila on 127.0.0.1; Playwright drives Debian's
Chromium; for each explorer a control is changed and the figures shown must
change to the values the package computes.  Screenshots go to
test-artifacts/, whether the test passes or fails.

Needs /usr/bin/chromium (``make browser`` installs it; ``make test`` does that
first).  Part of the normal test run."""
import html
import re
import signal
import urllib.request
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psutil
import pytest

from toolkit.browser import CHROMIUM, explorers_page
from toolkit.cli import free_port, start_explore
from toolkit.sources import ROOT

ARTIFACTS = ROOT / "test-artifacts"

if not Path(CHROMIUM).exists():  # pragma: no cover - make test installs it
    pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser`", pytrace=False)


def listening_ips(port: int) -> set[str]:
    return {c.laddr.ip for c in psutil.net_connections("tcp") if c.laddr and c.laddr.port == port
            and c.status == psutil.CONN_LISTEN}


def stop_with_ctrl_c(proc) -> None:
    """Ctrl-C, as a person would: the server and every kernel it started stop."""
    started = psutil.Process(proc.pid).children(recursive=True)
    assert started, "scrutiny explore started no server"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    _, alive = psutil.wait_procs(started, timeout=20)
    assert not alive, f"left running after Ctrl-C: {[(p.pid, p.name()) for p in alive]}"


@contextmanager
def explore_server(lab: bool = False):
    """``scrutiny explore`` on a free port; stopped with Ctrl-C (asserting
    that nothing is left) or, if the test failed, stopped whatever happens."""
    from toolkit.cli import stop_process_tree

    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    with open(ARTIFACTS / f"explore-{'lab' if lab else 'voila'}-server.log", "w") as log:
        proc, url = start_explore(port, lab=lab, log=log)
        try:
            yield {"url": url, "port": port, "proc": proc}
        except BaseException:
            stop_process_tree(proc.pid)
            raise
        stop_with_ctrl_c(proc)


@pytest.fixture(scope="module")
def server():
    with explore_server() as served:
        yield served


@pytest.fixture(scope="module")
def page(server):
    with explorers_page(server["url"]) as page:
        yield page


@pytest.fixture(scope="module")
def python_explorers():
    """The same explorers built in this process: what each shows is the
    expected value in the browser."""
    from toolkit import widgets

    return {"Budget": widgets.budget_explorer(), "Home-care prices": widgets.homecare_explorer(),
            "Waiting lists": widgets.waiting_explorer()}


@contextmanager
def screenshot(page, name):
    """Save the page as test-artifacts/<name>.png when the block ends, passed or failed."""
    try:
        yield
    finally:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_tab(page, title):
    page.locator(".lm-TabBar-tab", has_text=title).first.click()


def wait_text(page, selector, startswith, timeout=30_000):
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return e && e.innerText.startsWith(t); }",
        arg=[selector, startswith], timeout=timeout)
    return page.inner_text(selector)


def text_of(value: str) -> str:
    """The text an HTML widget's value shows."""
    return html.unescape(re.sub(r"<[^>]+>", "", value))


def test_the_page_serves_on_loopback_only(server):
    assert listening_ips(server["port"]) == {"127.0.0.1"}


def test_explore_lab_serves_on_loopback_and_stops_cleanly():
    """``scrutiny explore --lab``: JupyterLab on 127.0.0.1 opens the explorer
    notebook; a kernel started through it stops with Ctrl-C too."""
    import json

    from http.cookiejar import CookieJar

    with explore_server(lab=True) as served:
        assert listening_ips(served["port"]) == {"127.0.0.1"}
        cookies = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        with opener.open(served["url"], timeout=30) as r:  # the page, and its _xsrf cookie
            assert r.status == 200
        xsrf = next(c.value for c in cookies if c.name == "_xsrf")
        base = served["url"].split("/lab/")[0]
        request = urllib.request.Request(f"{base}/api/kernels", data=b'{"name": "python3"}', method="POST",
                                         headers={"Content-Type": "application/json", "X-XSRFToken": xsrf})
        with opener.open(request, timeout=60) as r:
            kernel = json.load(r)["id"]
        with opener.open(f"{base}/api/kernels", timeout=30) as r:
            assert [k["id"] for k in json.load(r)] == [kernel]
        kernels = [p for p in psutil.Process(served["proc"].pid).children(recursive=True)
                   if "ipykernel_launcher" in " ".join(p.cmdline())]
        assert len(kernels) == 1


def test_every_control_has_a_whole_label(page, python_explorers):
    """Each tab shows as many labelled controls as its explorer has, and no
    label is cut short."""
    for title, box in python_explorers.items():
        open_tab(page, title)
        page.wait_for_timeout(200)
        shown = page.evaluate("""() => [...document.querySelectorAll('.widget-inline-hbox')]
            .filter(b => b.offsetParent !== null && b.querySelector('select, input, .noUi-handle'))
            .map(b => { const l = b.querySelector('label');
                        return l ? [l.innerText.trim(), l.scrollWidth <= l.clientWidth + 1] : ['', false]; })""")
        assert len(shown) == len(box.controls), title
        assert sorted(label for label, _ in shown) == sorted(c.description for c in box.controls.values()), title
        assert [label for label, whole in shown if not whole] == [], f"{title}: labels cut short"


def test_budget_explorer_shows_the_chosen_editions_net_budget(page):
    from toolkit import budget

    data = budget.load_all()
    latest, older = list(budget.EDITIONS)[-1], "2019/20-2022/23"
    with screenshot(page, "explorer-budget"):
        open_tab(page, "Budget")
        assert wait_text(page, ".budget-total", "MTFS 2026") == budget.net_budget_text(data["summary"], latest)
        page.locator(".widget-dropdown", has_text="Edition").locator("select").select_option(older)
        shown = wait_text(page, ".budget-total", "MTFS 2019")
        assert shown == budget.net_budget_text(data["summary"], older) == "MTFS 2019: net budget 2019/20 £137,713k"
        # the Lines tab follows: the edition's department total, as printed (£m)
        split = budget.division_split(data["divisions"], older).set_index("division")
        total = split.loc["Department Total", "net_gbp_millions"]
        assert total == 137.7
        page.wait_for_function("""v => [...document.querySelectorAll('table.budget-lines tr')].some(r =>
            r.cells[0].innerText === 'Department Total' && Number(r.cells[1].innerText.replace(/,/g, '')) === v)""",
                               arg=total, timeout=30_000)


def test_price_calculator_reprices_when_the_pay_slider_moves(page):
    from toolkit import homecare as h

    calibration, minimum, inputs = h.calibrated_prices(), h.load_minimum_price(), h.CalculatorInputs()
    before = h.calculator_summary(h.calculator(inputs, calibration, minimum))
    after = h.calculator_summary(h.calculator(replace(inputs, pay_rate=round(inputs.pay_rate + 0.10, 2)),
                                              calibration, minimum))
    assert before.startswith("Urban: £18.75") and after.startswith("Urban: £18.95")
    with screenshot(page, "explorer-home-care"):
        open_tab(page, "Home-care prices")
        assert wait_text(page, ".homecare-summary", before) == before
        handle = page.locator(".widget-hslider", has_text="Pay rate").locator(".noUi-handle").first
        handle.focus()
        for _ in range(10):  # ten steps of 1p
            page.keyboard.press("ArrowRight")
        assert wait_text(page, ".homecare-summary", after) == after


def test_waiting_explorer_shows_the_chosen_queues_count(page, python_explorers):
    from toolkit import waiting

    box = python_explorers["Waiting lists"]
    start, end = box.controls["start"].value, box.controls["end"].value
    extract = waiting.load_waiting_list(waiting.synthetic_path(None))
    expected = {q: waiting.explorer_view(extract, q, start, end, {})["summary"]
                for q in ("care_act_assessment", "carer_assessment")}
    assert expected["care_act_assessment"].startswith("care_act_assessment: 416 waiting on 2025-12-28")
    assert expected["carer_assessment"].startswith("carer_assessment: 150 waiting on 2025-12-28")
    with screenshot(page, "explorer-waiting"):
        open_tab(page, "Waiting lists")
        assert wait_text(page, ".waiting-summary", "care_act_assessment") == expected["care_act_assessment"]
        page.locator(".widget-dropdown", has_text="Queue").locator("select").select_option("carer_assessment")
        assert wait_text(page, ".waiting-summary", "carer_assessment") == expected["carer_assessment"]
        # the trend figure follows, with its text summary beside it and the plan's targets in the controls
        box.controls["queue"].value = "carer_assessment"
        caption = text_of(re.search(r"<figcaption.*?</figcaption>", box.children[3].children[0].value).group(0))
        assert wait_text(page, ".waiting-trend-summary", "carer_assessment") == caption
        assert page.get_attribute(".waiting-trend img", "alt") == caption
        target = page.locator(".widget-text", has_text="Median target").locator("input")
        assert float(target.input_value()) == box.controls["median_target"].value
