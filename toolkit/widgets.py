"""Interactive explorers (ipywidgets).  The logic of each lives in its domain
module and is tested there; this module only wires controls to it.  Each
domain appends its own section."""
from __future__ import annotations

import html

import ipywidgets as widgets


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
    summary = widgets.HTML()
    table = widgets.HTML()

    def update(*_):
        try:
            inputs = h.CalculatorInputs(
                **{k: float(c.value) for k, c in controls.items()},
                travel_minutes={b: float(c.value) for b, c in travel.items()},
                miles={b: float(c.value) for b, c in miles.items()},
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

    for c in list(controls.values()) + list(travel.values()) + list(miles.values()):
        c.observe(update, names="value")
    update()
    box = widgets.VBox([
        widgets.HTML("<b>Home care price calculator</b> (cost-of-care model calibrated to the 2020-21 prices)"),
        *controls.values(),
        widgets.HBox([widgets.VBox(list(travel.values())), widgets.VBox(list(miles.values()))]),
        summary, table,
    ])
    box.controls = {**controls, **{f"travel_{b}": c for b, c in travel.items()}, **{f"miles_{b}": c for b, c in miles.items()}}
    box.summary = summary
    return box
