"""The interactive explorers (ipywidgets), and the tabs that hold them.

The logic of each explorer lives in its domain module and is tested there
without a browser; this module only wires controls to it.  Every control has a
label (``description``); colours come from ``toolkit.figures.PALETTE``, which
is safe for colour-blind readers; figures carry a text summary.
"""
from __future__ import annotations

import html

import ipywidgets as widgets

#: (tab title, the one question it answers, explorer function name)
EXPLORERS = (
    ("Budget", "What does each MTFS edition plan, line by line, how did an item's forecast move "
               "between editions, and which findings touch it?", "budget_explorer"),
    ("Home-care prices", "What hourly price per zone band does the cost-of-care model give for a "
                         "pay rate, travel time and mileage, beside the published and minimum prices?",
     "homecare_explorer"),
    ("Waiting lists", "How many people wait in each queue and for how long, against the "
                      "improvement-plan targets?", "waiting_explorer"),
)


def explorer_tabs(data_dir=None, internal: bool = False) -> widgets.Tab:
    """Every explorer in a tab, each headed by the question it answers."""
    children = []
    for title, question, name in EXPLORERS:
        func = globals()[name]
        explorer = func(data_dir, internal=internal) if name == "waiting_explorer" else func(data_dir)
        children.append(widgets.VBox([widgets.HTML(f"<p class='explorer-question'>{html.escape(question)}</p>"),
                                      explorer]))
    tabs = widgets.Tab(children=children)
    for i, (title, _, _) in enumerate(EXPLORERS):
        tabs.set_title(i, title)
    return tabs


# --- budget -------------------------------------------------------------------

def budget_explorer(data_dir=None):
    """Choose an MTFS edition, a division or an item: see its lines, its
    history across editions and the findings that touch it.  The selected
    edition's net budget total is shown as text."""
    import ipywidgets as w
    from IPython.display import display

    from . import budget

    data = budget.load_all(data_dir)
    found = budget.findings(data_dir)
    editions = list(budget.EDITIONS)
    edition = w.Dropdown(options=editions, value=editions[-1], description="Edition")
    division = w.Dropdown(options=[], description="Division")
    item = w.Dropdown(options=[], description="Item")
    total = w.HTML(description="Net budget")
    lines, history, findings = w.Output(), w.Output(), w.Output()

    busy = {"on": False}

    def refresh(*_):
        if busy["on"]:
            return
        view = budget.explorer_view(data, found, edition.value, division.value or None, item.value or None)
        total.value = f'<span class="budget-total">{html.escape(view["total"])}</span>'
        for out, frame in ((lines, view["lines"]), (history, view["drift"] if len(view["drift"]) else view["history"]),
                           (findings, view["findings"])):
            out.clear_output()
            with out:
                display(frame)

    def choose_edition(*_):
        choices = budget.explorer_choices(data, edition.value)
        busy["on"] = True
        division.options = [("(all divisions)", "")] + [(d, d) for d in choices["divisions"]]
        item.options = [("(no item)", "")] + [(k, k) for k in choices["items"]]
        division.value, item.value = "", ""
        busy["on"] = False
        refresh()

    edition.observe(choose_edition, names="value")
    division.observe(refresh, names="value")
    item.observe(refresh, names="value")
    choose_edition()
    tabs = w.Tab(children=[lines, history, findings])
    for i, title in enumerate(("Lines", "History", "Findings")):
        tabs.set_title(i, title)
    return w.VBox([w.HBox([edition, division, item]), total, tabs])


# --- home care: the price calculator -----------------------------------------------

def homecare_explorer(data_dir=None) -> widgets.Widget:
    """Pay rate, visit length, travel minutes and miles per band, mileage rate,
    on-costs, overheads and surplus in; the price per band out, beside the
    published 2020-21 prices and the Homecare Association's minimum price.

    The urban price is shown as text (``Urban: £18.75``) in the element with
    class ``homecare-summary``.
    """
    from . import homecare as h

    calibration = h.calibrated_prices(data_dir)
    minimum = h.load_minimum_price(data_dir)
    d = h.CalculatorInputs()
    style = {"description_width": "240px"}
    layout = widgets.Layout(width="560px")

    def slider(description, value, lo, hi, step, fmt=".2f"):
        return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                                   readout_format=fmt, continuous_update=False, style=style, layout=layout)

    controls = {
        "pay_rate": slider("Pay rate (£ an hour)", d.pay_rate, 0.0, 20.0, 0.01),
        "visit_minutes": slider("Visit length (minutes)", d.visit_minutes, 5.0, 120.0, 5.0, ".0f"),
        "mileage_rate": slider("Mileage rate (£ a mile)", d.mileage_rate, 0.0, 1.0, 0.01),
        "on_cost_rate": slider("Holiday, sickness, training (share)", round(d.on_cost_rate, 4), 0.0, 0.5, 0.0001, ".4f"),
        "overhead_rate": slider("Overheads (share of costs)", d.overhead_rate, 0.0, 1.0, 0.01),
        "surplus_rate": slider("Surplus (share of costs)", d.surplus_rate, 0.0, 0.3, 0.005, ".3f"),
    }
    travel = {r.band: slider(f"{r.band.capitalize()}: travel minutes a visit", float(r.travel_minutes), 0.0, 60.0, 0.01)
              for r in calibration.itertuples()}
    miles = {r.band: slider(f"{r.band.capitalize()}: miles a visit", float(r.miles), 0.0, 30.0, 0.001, ".3f")
             for r in calibration.itertuples()}
    years = sorted(minimum.loc[minimum["component"] == "total", "financial_year"])
    year = widgets.Dropdown(options=years, value=d.minimum_year if d.minimum_year in years else years[0],
                            description="Minimum price year", style=style, layout=layout)
    summary = widgets.HTML()
    table = widgets.HTML()

    def update(*_):
        try:
            inputs = h.CalculatorInputs(
                **{k: float(c.value) for k, c in controls.items()},
                travel_minutes={b: float(c.value) for b, c in travel.items()},
                miles={b: float(c.value) for b, c in miles.items()},
                minimum_year=year.value,
            )
            result = h.calculator(inputs, calibration, minimum)
        except h.HomecareInputError as exc:
            summary.value = f'<span class="homecare-summary homecare-error">{html.escape(str(exc))}</span>'
            table.value = ""
            return
        summary.value = f'<span class="homecare-summary">{html.escape(h.calculator_summary(result))}</span>'
        shown = result.rename(columns={
            "band": "Band", "travel_minutes": "Travel min/visit", "miles": "Miles/visit", "price_gbp": "Price £/h",
            "published_2020_21_gbp": "Published 2020-21 £/h", "hca_minimum_gbp": "HCA minimum £/h", "hca_year": "HCA year"})
        table.value = shown.to_html(index=False, float_format=lambda v: f"{v:.2f}")

    for c in list(controls.values()) + list(travel.values()) + list(miles.values()) + [year]:
        c.observe(update, names="value")
    update()
    box = widgets.VBox([
        widgets.HTML("<b>Home care price calculator</b> (cost-of-care model calibrated to the 2020-21 prices)"),
        *controls.values(), year,
        widgets.HBox([widgets.VBox(list(travel.values())), widgets.VBox(list(miles.values()))]),
        summary, table,
    ])
    box.controls = {**controls, "minimum_year": year, **{f"travel_{b}": c for b, c in travel.items()},
                    **{f"miles_{b}": c for b, c in miles.items()}}
    box.summary = summary
    return box


# --- waiting times ---------------------------------------------------------------

def waiting_explorer(data_dir=None, waiting_list_path: str | None = None, internal: bool = False):
    """Choose a queue and a date range, set the target thresholds: see the
    weekly trend against the targets, the distribution of waits on the last
    date and, in internal mode only, the longest waiters by pseudonymous id.
    The selected queue's waiting count is shown as text."""
    import html

    import ipywidgets as w
    import pandas as pd
    from IPython.display import display

    from . import figures, waiting
    from .disclosure import display_frame

    path = waiting.extract_path(waiting_list_path) if waiting_list_path else waiting.synthetic_path(data_dir)
    extract = waiting.load_waiting_list(path)
    prepared = waiting.ExplorerData(extract)
    plan = waiting.targets(waiting.load_figures(data_dir))
    basis = {"days": "calendar"}

    last = min(extract["requested_date"].max(), pd.Timestamp("2025-12-28"))
    queue = w.Dropdown(options=list(waiting.QUEUES), value="care_act_assessment", description="Queue")
    start = w.DatePicker(value=(last - pd.Timedelta(days=364)).date(), description="From")
    end = w.DatePicker(value=last.date(), description="To")
    median_t = w.BoundedFloatText(value=14, min=0, max=10_000, description="Median target")
    max_t = w.BoundedFloatText(value=56, min=0, max=10_000, description="Maximum target")
    count_t = w.BoundedFloatText(value=0, min=0, max=1_000_000, description="Count target (0: none)")
    summary = w.HTML(description="Waiting")
    trend_out, dist_out, longest_out = w.Output(), w.Output(), w.Output()

    def set_targets(*_):
        chosen = waiting.explorer_targets(plan, queue.value)
        basis["days"] = chosen["days"]      # the targets' days: waits are counted the same way
        median_t.value = chosen["median_days"] if chosen["median_days"] is not None else 14
        max_t.value = chosen["max_days"] if chosen["max_days"] is not None else 56

    def refresh(*_):
        thresholds = {"median_days": median_t.value, "max_days": max_t.value,
                      "waiting": count_t.value or None}
        try:
            view = waiting.explorer_view(prepared, queue.value, start.value, end.value, thresholds,
                                         internal=internal, days=basis["days"])
        except ValueError as exc:
            summary.value = html.escape(str(exc))
            return
        summary.value = f'<span class="waiting-summary">{html.escape(view["summary"])}</span>'
        trend_out.clear_output(wait=True)
        with trend_out:
            fig, text = waiting.trend_chart(view["long"], view["lines"], counts=True, ncols=1)
            figures.show(fig, "waiting_explorer_trend", None, summary=text)
        dist_out.clear_output(wait=True)
        with dist_out:
            display(display_frame(view["distribution"]))
        longest_out.clear_output(wait=True)
        with longest_out:
            if view["longest"] is None:
                display(w.HTML("Longest waiters are shown in internal mode only."))
            else:
                display(view["longest"])

    queue.observe(set_targets, names="value")
    for control in (queue, start, end, median_t, max_t, count_t):
        control.observe(refresh, names="value")
    set_targets()
    refresh()
    tabs = w.Tab(children=[trend_out, dist_out, longest_out])
    for i, title in enumerate(["Trend against targets", "Distribution of waits", "Longest waiters"]):
        tabs.set_title(i, title)
    return w.VBox([w.HBox([queue, start, end]), w.HBox([median_t, max_t, count_t]), summary, tabs])
