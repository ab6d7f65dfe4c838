"""The interactive explorers (ipywidgets).  The logic lives in the domain
modules, testable without a browser; this module only wires the controls."""
from __future__ import annotations


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
        total.value = view["total"]
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
