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


#: Controls show their whole label (no "Median ta..." cut short).
LABEL = {"description_width": "initial"}


def table_html(frame, css_class: str = "", float_format=None) -> str:
    """A frame as an HTML table for an ``HTML`` widget, styled as notebook
    output (cheaper than displaying it in an ``Output`` widget: one value set,
    no plain-text repr) and shown as :class:`toolkit.figures.Shown` shows a
    table.  Numbers print as pandas shows them in a notebook."""
    from . import figures

    body = figures.Shown(frame, classes=css_class or None, float_format=float_format)._repr_html_()
    return f'<div class="jp-RenderedHTMLCommon">{body}</div>'


def figure_html(fig, summary: str, css_class: str, legend: str = "") -> str:
    """The figure as an image (the toolkit's SVG, ``toolkit.figures.render``:
    quicker to make and smaller than its PNG) with its text summary as alt
    text and as a caption beside it; ``legend`` (HTML) goes between the two."""
    import base64

    from . import figures

    svg = base64.b64encode(figures.render(fig, "svg")).decode("ascii")
    text = html.escape(summary)
    return (f'<figure class="{css_class}"><img src="data:image/svg+xml;base64,{svg}" alt="{text}">{legend}'
            f'<figcaption class="{css_class}-summary">{text}</figcaption></figure>')


# --- budget -------------------------------------------------------------------

def budget_explorer(data_dir=None):
    """Choose an MTFS edition, a division or an item: see its lines, its
    history across editions and the findings that touch it.  The selected
    edition's net budget total is shown as text."""
    import ipywidgets as w

    from . import budget

    data = budget.explorer_data(data_dir)
    found = budget.findings(data=data)
    editions = list(budget.EDITIONS)
    edition = w.Dropdown(options=editions, value=editions[-1], description="Edition", style=LABEL)
    division = w.Dropdown(options=[], description="Division", style=LABEL)
    item = w.Dropdown(options=[], description="Item", style=LABEL)
    total = w.HTML(description="Net budget", style=LABEL)
    lines, history, findings = w.HTML(), w.HTML(), w.HTML()

    busy = {"on": False}

    def refresh(*_):
        if busy["on"]:
            return
        view = budget.explorer_view(data, found, edition.value, division.value or None, item.value or None)
        for out, frame, css in ((lines, view["lines"], "budget-lines"),
                                (history, view["drift"] if len(view["drift"]) else view["history"], "budget-history"),
                                (findings, view["findings"], "budget-findings")):
            out.value = table_html(frame, css)
        # the headline text last: once it shows the choice, every output does
        total.value = f'<span class="budget-total">{html.escape(view["total"])}</span>'

    def choose_edition(*_):
        choices = budget.explorer_choices(data, edition.value)
        busy["on"] = True
        try:
            division.options = [("(all divisions)", "")] + [(d, d) for d in choices["divisions"]]
            item.options = [("(no item)", "")] + [(k, k) for k in choices["items"]]
            division.value, item.value = "", ""
        finally:
            busy["on"] = False
        refresh()

    edition.observe(choose_edition, names="value")
    division.observe(refresh, names="value")
    item.observe(refresh, names="value")
    choose_edition()
    tabs = w.Tab(children=[lines, history, findings])
    for i, title in enumerate(("Lines", "History", "Findings")):
        tabs.set_title(i, title)
    box = w.VBox([w.HBox([edition, division, item]), total, tabs])
    box.controls = {"edition": edition, "division": division, "item": item}
    return box


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
    style = {"description_width": "260px"}  # the longest label whole
    layout = widgets.Layout(width="580px")

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
        shown = result.rename(columns={
            "band": "Band", "travel_minutes": "Travel min/visit", "miles": "Miles/visit", "price_gbp": "Price £/h",
            "published_2020_21_gbp": "Published 2020-21 £/h", "hca_minimum_gbp": "HCA minimum £/h", "hca_year": "HCA year"})
        table.value = table_html(shown, "homecare-prices", float_format=lambda v: f"{v:.2f}")
        summary.value = f'<span class="homecare-summary">{html.escape(h.calculator_summary(result))}</span>'

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
    import ipywidgets as w
    import pandas as pd

    from . import waiting
    from .disclosure import display_frame

    path = waiting.extract_path(waiting_list_path) if waiting_list_path else waiting.synthetic_path(data_dir)
    prepared = waiting.ExplorerData(waiting.load_waiting_list(path))
    plan = waiting.targets(waiting.load_figures(data_dir))
    basis = {"days": "calendar"}

    last = min(prepared.last_request, pd.Timestamp("2025-12-28"))
    queue = w.Dropdown(options=list(waiting.QUEUES), value="care_act_assessment", description="Queue", style=LABEL)
    start = w.DatePicker(value=(last - pd.Timedelta(days=364)).date(), description="From", style=LABEL)
    end = w.DatePicker(value=last.date(), description="To", style=LABEL)
    median_t = w.BoundedFloatText(value=14, min=0, max=10_000, description="Median target", style=LABEL)
    max_t = w.BoundedFloatText(value=56, min=0, max=10_000, description="Maximum target", style=LABEL)
    count_t = w.BoundedFloatText(value=0, min=0, max=1_000_000, description="Count target (0: none)", style=LABEL)
    summary = w.HTML(description="Waiting", style=LABEL)
    trend_out, dist_out, longest_out = w.HTML(), w.HTML(), w.HTML()
    chart = _WaitingTrendChart()
    busy = {"on": False}

    def refresh(*_):
        if busy["on"]:
            return
        thresholds = {"median_days": median_t.value, "max_days": max_t.value,
                      "waiting": count_t.value or None}
        try:
            view = waiting.explorer_view(prepared, queue.value, start.value, end.value, thresholds,
                                         internal=internal, days=basis["days"])
        except ValueError as exc:
            summary.value = html.escape(str(exc))
            return
        trend_out.value = chart.draw(view["trend"], thresholds, internal, waiting.UNIT_LABEL[view["days"]])
        dist_out.value = table_html(display_frame(view["distribution"]), "waiting-distribution")
        longest_out.value = ("Longest waiters are shown in internal mode only." if view["longest"] is None
                             else table_html(view["longest"], "waiting-longest"))
        # the headline text last: once it shows the choice, every output does
        summary.value = f'<span class="waiting-summary">{html.escape(view["summary"])}</span>'

    def choose_queue(*_):
        # The plan's targets for the queue, then one refresh (not one per target changed).
        chosen = waiting.explorer_targets(plan, queue.value)
        basis["days"] = chosen["days"]      # the targets' days: waits are counted the same way
        busy["on"] = True
        try:
            median_t.value = chosen["median_days"] if chosen["median_days"] is not None else 14
            max_t.value = chosen["max_days"] if chosen["max_days"] is not None else 56
        finally:
            busy["on"] = False
        refresh()

    queue.observe(choose_queue, names="value")
    for control in (start, end, median_t, max_t, count_t):
        control.observe(refresh, names="value")
    choose_queue()
    tabs = w.Tab(children=[trend_out, dist_out, longest_out])
    for i, title in enumerate(["Trend against targets", "Distribution of waits", "Longest waiters"]):
        tabs.set_title(i, title)
    box = w.VBox([w.HBox([queue, start, end]), w.HBox([median_t, max_t, count_t]), summary, tabs])
    box.controls = {"queue": queue, "start": start, "end": end, "median_target": median_t,
                    "max_target": max_t, "count_target": count_t}
    return box


def waiting_trend_summary(trend, thresholds: dict, internal: bool = False, unit: str = "days") -> str:
    """One line on the weekly trend: the first and last week's count and
    median wait, and in how many weeks each figure was over its target.
    Waits are in ``unit`` (days, or working days).  Counts of 1-4 show as
    ``[c]`` unless ``internal``."""
    import pandas as pd

    from .disclosure import MARK, is_small

    if trend.empty:
        return "No weeks in the chosen range."
    first, last, weeks = trend.iloc[0], trend.iloc[-1], len(trend)

    def count(v):
        return MARK if is_small(int(v)) and not internal else f"{int(v):,}"

    def days(v):
        return "none" if pd.isna(v) else f"{float(v):g}"

    text = (f"{trend['queue'].iloc[0]}, {weeks} weeks from {first['as_of'].date()} to {last['as_of'].date()}: "
            f"waiting {count(first['waiting'])} then {count(last['waiting'])}; "
            f"median wait {days(first['median_days'])} then {days(last['median_days'])} {unit}")
    over = []
    for metric, name in (("median_days", "median"), ("max_days", "maximum"), ("waiting", "count")):
        target = thresholds.get(metric)
        if target is None or (metric == "waiting" and not target):
            continue
        n = int((trend[metric].astype("Float64") > target).fillna(False).sum())
        what = f"{float(target):g} {unit}" if metric != "waiting" else f"{float(target):g}"
        over.append(f"{name} over its target of {what} in {n} of {weeks} weeks")
    return text + "".join(f"; {o}" for o in over) + "."


class _WaitingTrendChart:
    """The waiting explorer's trend figure, drawn once and then updated in
    place (new line data, rescaled axes): a fresh seaborn figure per change
    took most of the callback's time.  Matplotlib lines in the toolkit's
    seaborn theme and colour-blind-safe palette; each target line is dashed in
    its metric's colour.  The legend is HTML beside the image (text a screen
    reader reads, and no legend to draw on every change)."""

    SIZE = (6.4, 4.8)  # inches (640 x 480 px at the toolkit DPI): quicker to draw and show than the report size

    def __init__(self):
        import matplotlib.dates as mdates
        from matplotlib.figure import Figure

        from . import figures

        figures.apply_theme()
        c = figures.PALETTE
        self.fig = Figure(figsize=self.SIZE, dpi=figures.DPI)
        top, bottom = self.fig.subplots(nrows=2, sharex=True)
        self.axes = (top, bottom)
        self.waiting, = top.plot([], [], color=c[0], label="people waiting")
        self.count_target = top.axhline(0, color=c[0], linestyle="--", linewidth=1, label="count target")
        self.median, = bottom.plot([], [], color=c[1], label="median wait")
        self.maximum, = bottom.plot([], [], color=c[2], label="maximum wait")
        self.median_target = bottom.axhline(0, color=c[1], linestyle="--", linewidth=1, label="median target")
        self.max_target = bottom.axhline(0, color=c[2], linestyle="--", linewidth=1, label="maximum target")
        locator = mdates.AutoDateLocator()
        bottom.xaxis.set_major_locator(locator)  # dates on x (shared), even before the first data
        bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        top.set(ylabel="people waiting")
        bottom.set(ylabel="wait (days)", xlabel="week ending")
        # fixed margins, no layout engine: one draw per image, not two
        self.fig.subplots_adjust(left=0.13, right=0.98, top=0.98, bottom=0.1, hspace=0.08)

    def draw(self, trend, thresholds: dict, internal: bool = False, unit: str = "days") -> str:
        """The figure for a trend (as HTML), waits in ``unit``."""
        import numpy as np

        x = trend["as_of"].to_numpy()
        self.waiting.set_data(x, trend["waiting"].to_numpy(dtype="float64"))
        self.median.set_data(x, trend["median_days"].to_numpy(dtype="float64", na_value=np.nan))
        self.maximum.set_data(x, trend["max_days"].to_numpy(dtype="float64", na_value=np.nan))
        for line, key in ((self.count_target, "waiting"), (self.median_target, "median_days"),
                          (self.max_target, "max_days")):
            target = thresholds.get(key)
            line.set_visible(target is not None and (key != "waiting" or bool(target)))
            line.set_ydata([target or 0, target or 0])
        for ax in self.axes:
            ax.relim(visible_only=True)
            ax.autoscale_view()
        if len(x) > 1:
            self.axes[1].set_xlim(x[0], x[-1])
        self.axes[1].set_ylabel(f"wait ({unit})")
        summary = waiting_trend_summary(trend, thresholds, internal, unit)
        return figure_html(self.fig, summary, "waiting-trend", legend_html(self.legend()))

    def legend(self) -> list:
        """The lines shown, top panel first: what the legend lists."""
        return [line for ax in self.axes for line in ax.get_lines() if line.get_visible()]


def legend_html(lines) -> str:
    """An HTML legend for matplotlib lines: a swatch in each line's colour and
    dash, and its label."""
    from matplotlib.colors import to_hex

    items = []
    for line in lines:
        dash = ' stroke-dasharray="5,3"' if line.get_linestyle() == "--" else ""
        swatch = (f'<svg width="26" height="10" aria-hidden="true"><line x1="1" y1="5" x2="25" y2="5" '
                  f'stroke="{to_hex(line.get_color())}" stroke-width="2"{dash}/></svg>')
        items.append(f'<li style="display:inline-block;margin-right:1.2em">{swatch} {html.escape(line.get_label())}</li>')
    return f'<ul class="figure-legend" style="list-style:none;padding-left:0">{"".join(items)}</ul>'
