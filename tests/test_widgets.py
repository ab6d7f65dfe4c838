"""The explorers' wiring, without a browser (the browser suite is
tests/test_browser.py): one refresh per control change, whole labels, the
one colour-blind-safe palette, and a text summary beside every figure."""
import re

import pytest

from toolkit import figures, waiting, widgets


@pytest.fixture(scope="module")
def waiting_box():
    return widgets.waiting_explorer()


def test_a_queue_change_refreshes_the_waiting_explorer_once(waiting_box, monkeypatch):
    calls = []
    real = waiting.explorer_view
    monkeypatch.setattr(waiting, "explorer_view", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    controls = waiting_box.controls
    # annual_review changes both targets (each a control of its own): still one refresh
    before = (controls["median_target"].value, controls["max_target"].value)
    controls["queue"].value = "annual_review"
    assert (controls["median_target"].value, controls["max_target"].value) != before
    assert calls == ["annual_review"]
    controls["median_target"].value = controls["median_target"].value + 1
    assert calls == ["annual_review"] * 2
    controls["queue"].value = "care_act_assessment"


def test_the_budget_explorer_refreshes_once_per_edition(monkeypatch):
    from toolkit import budget

    box = widgets.budget_explorer()
    calls = []
    real = budget.explorer_view
    monkeypatch.setattr(budget, "explorer_view", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    box.controls["edition"].value = "2019/20-2022/23"
    assert calls == ["2019/20-2022/23"]
    assert box.controls["division"].value == box.controls["item"].value == ""


def test_every_control_has_its_whole_label(waiting_box):
    for box in (waiting_box, widgets.budget_explorer(), widgets.homecare_explorer()):
        assert len(box.controls) >= 3
        for control in box.controls.values():
            assert control.description
            width = control.style.description_width
            # "initial" sizes the label to its text; a fixed width must hold it (about 7 px a character)
            assert width == "initial" or int(width.rstrip("px")) >= 7 * len(control.description), control.description


def test_the_waiting_trend_uses_the_palette_and_names_every_line(waiting_box):
    chart_html = waiting_box.children[3].children[0].value
    caption = re.search(r'<figcaption class="waiting-trend-summary">(.*?)</figcaption>', chart_html).group(1)
    alt = re.search(r'alt="(.*?)"', chart_html).group(1)
    assert caption == alt and caption.startswith("care_act_assessment, 53 weeks from 2024-12-29 to 2025-12-28: ")
    assert ("; median over its target of 14 days in 53 of 53 weeks; maximum over its target of 56 days "
            "in 53 of 53 weeks.") in caption


def test_trend_chart_lines_and_legend():
    chart = widgets._WaitingTrendChart()
    extract = waiting.load_waiting_list(waiting.synthetic_path(None))
    view = waiting.explorer_view(extract, "carer_assessment", "2025-06-01", "2025-12-28", {})
    thresholds = {"median_days": 14.0, "max_days": 56.0, "waiting": 100.0}
    chart.draw(view["trend"], thresholds)
    palette = {tuple(round(c, 6) for c in rgb) for rgb in figures.PALETTE}
    for ax in chart.axes:
        for line in ax.get_lines():
            from matplotlib.colors import to_rgb

            assert tuple(round(c, 6) for c in to_rgb(line.get_color())) in palette
    assert [line.get_label() for line in chart.legend()] == [
        "people waiting", "count target", "median wait", "maximum wait", "median target", "maximum target"]
    assert list(chart.median_target.get_ydata()) == [14.0, 14.0]
    legend = widgets.legend_html(chart.legend())
    assert legend.count("<li ") == 6 and legend.count("stroke-dasharray") == 3
    # no count target: its line and legend entry go
    chart.draw(view["trend"], {**thresholds, "waiting": None})
    assert "count target" not in [line.get_label() for line in chart.legend()]


def test_waiting_trend_summary_suppresses_small_counts():
    import pandas as pd

    trend = pd.DataFrame({"as_of": pd.to_datetime(["2025-12-21", "2025-12-28"]), "queue": "ot_assessment",
                          "waiting": [3, 12], "median_days": [5.0, 9.0], "max_days": pd.array([20, 30], "Int64")})
    text = widgets.waiting_trend_summary(trend, {"median_days": 7, "max_days": 28})
    assert text == ("ot_assessment, 2 weeks from 2025-12-21 to 2025-12-28: waiting [c] then 12; median wait "
                    "5 then 9 days; median over its target of 7 days in 1 of 2 weeks; maximum over its target "
                    "of 28 days in 1 of 2 weeks.")
    assert widgets.waiting_trend_summary(trend, {"waiting": 10}).endswith("; count over its target of 10 in 1 of 2 weeks.")
    assert "median wait 5 then 9 working days; median over its target of 7 working days" in \
        widgets.waiting_trend_summary(trend, {"median_days": 7}, unit="working days")
    assert "waiting 3 then 12" in widgets.waiting_trend_summary(trend, {}, internal=True)
