"""The interactive explorers (ipywidgets).  The logic lives in the domain
modules, testable without a browser; this module only wires the controls.
Each domain appends its own section."""
from __future__ import annotations


# --- waiting times ---------------------------------------------------------------

def waiting_explorer(data_dir=None, waiting_list_path: str | None = None, internal: bool = False):
    """Choose a queue and a date range, set the target thresholds: see the
    weekly trend against the targets, the distribution of waits on the last
    date and, in internal mode only, the longest waiters by pseudonymous id.
    The selected queue's waiting count is shown as text."""
    import html

    import ipywidgets as w
    import pandas as pd
    import seaborn as sns
    from IPython.display import display

    from . import figures, waiting
    from .disclosure import display_frame

    path = waiting.extract_path(waiting_list_path) if waiting_list_path else waiting.synthetic_path(data_dir)
    extract = waiting.load_waiting_list(path)
    plan = waiting.targets(waiting.load_figures(data_dir))

    def plan_target(queue, measure, default):
        rows = plan[(plan["measure"] == measure) & plan["queue"].isin([queue, *[g for g, m in waiting.QUEUE_GROUPS.items() if queue in m]])]
        return float(rows["value"].max()) if len(rows) else default

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
        median_t.value = plan_target(queue.value, "median_days", 14)
        max_t.value = plan_target(queue.value, "max_days", 56)

    def refresh(*_):
        thresholds = {"median_days": median_t.value, "max_days": max_t.value,
                      "waiting": count_t.value or None}
        try:
            view = waiting.explorer_view(extract, queue.value, start.value, end.value, thresholds, internal=internal)
        except ValueError as exc:
            summary.value = html.escape(str(exc))
            return
        summary.value = f'<span class="waiting-summary">{html.escape(view["summary"])}</span>'
        trend = view["trend"]
        trend_out.clear_output(wait=True)
        with trend_out:
            fig, axes = figures.figure(height=6.0, nrows=2, sharex=True)
            sns.lineplot(data=trend, x="as_of", y="waiting", ax=axes[0], errorbar=None)
            if count_t.value:
                axes[0].axhline(count_t.value, color="grey", linestyle="--", linewidth=1)
            axes[0].set(ylabel="people waiting")
            sns.lineplot(data=trend, x="as_of", y="median_days", ax=axes[1], errorbar=None, label="median")
            sns.lineplot(data=trend, x="as_of", y="max_days", ax=axes[1], errorbar=None, label="maximum")
            for value in (median_t.value, max_t.value):
                axes[1].axhline(value, color="grey", linestyle="--", linewidth=1)
            axes[1].set(ylabel="wait (days)", xlabel="week ending")
            figures.show(fig, "waiting_explorer_trend", None, summary=view["summary"])
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
