"""Home care: zones, price levels, an open cost-of-care model, procurement timelines.

Loaders (``load_*``) read ``data/published/homecare_*.csv`` and
``data/reference/homecare_*.csv``; everything else is a pure function on
frames and :class:`Assumptions`.

The cost-of-care model builds an hourly price per *contact hour* (an hour of
care delivered in a person's home) from named components:

=================  ==========================================================
component          per contact hour
=================  ==========================================================
contact_pay        pay rate x 1 hour
travel_pay         pay rate x travel hours per contact hour, where travel
                   minutes per contact hour = (60 / visit minutes) x travel
                   minutes per visit
non_contact_pay    pay rate x paid non-contact hours per contact hour
holiday            basic pay x holiday rate
sickness           basic pay x sickness rate
training           basic pay x training rate
employer_ni        NI rate on weekly gross pay above the secondary threshold,
                   as a share of gross pay
pension            employer pension rate on weekly gross pay above the lower
                   limit of qualifying earnings, as a share of gross pay
mileage            (60 / visit minutes) x miles per visit x mileage rate
overheads          overhead rate x all of the above
surplus            surplus rate x all of the above and overheads
=================  ==========================================================

Each price band (urban, fringe, rural, isolated) differs only in its travel
minutes and miles per visit.  :func:`calibrate` fits the travel minutes per
band (miles follow from an assumed average speed per band) so the model gives
the four published 2020-21 prices to the penny.  See docs/homecare.md.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import pandas as pd

from . import reconcile, sources
from .errors import LoaderError, Problem, ToolkitError
from .sources import Column

DOMAIN = "homecare"
BANDS = ("urban", "fringe", "rural", "isolated")
#: What a row of homecare_prices.csv may hold: a band's price or one of the
#: paper's stated assumptions.  Every year in the file must have each of them.
PRICE_MEASURES = BANDS + ("real_living_wage", "mileage_rate", "price_levels")
ZONE_TYPES = ("large", "medium", "small_town", "small_rural", "rural_free")
COMPONENTS = (
    "contact_pay", "travel_pay", "non_contact_pay", "holiday", "sickness", "training",
    "employer_ni", "pension", "mileage", "overheads", "surplus",
)


class HomecareInputError(ToolkitError, ValueError):
    """An impossible input to the cost-of-care model or the timeline."""


# --- assumptions ----------------------------------------------------------------

@dataclass(frozen=True)
class Assumptions:
    """Inputs common to every band.  Defaults are the 2020-21 basis; see
    :func:`assumption_table` for where each comes from."""

    pay_rate: float = 9.30              # £ per paid hour (the paper: Real Living Wage)
    visit_minutes: float = 30.0         # average contact minutes per visit
    non_contact_share: float = 0.05     # paid non-contact hours per contact hour
    holiday_rate: float = 0.1207        # 5.6 weeks / 46.4 weeks worked
    sickness_rate: float = 0.029        # sick pay as a share of basic pay
    training_rate: float = 0.02         # paid training time as a share of basic pay
    ni_rate: float = 0.138              # employer Class 1 NI, 2020-21
    ni_threshold_weekly: float = 169.0  # secondary threshold, 2020-21, £ a week
    pension_rate: float = 0.03          # employer auto-enrolment minimum
    pension_threshold_weekly: float = 120.0  # lower limit of qualifying earnings, £ a week
    weekly_paid_hours: float = 30.0     # paid hours a care worker works in a week
    mileage_rate: float = 0.45          # £ a mile (the paper: HMRC approved rate)
    overhead_rate: float = 0.20         # running the business, share of direct costs
    surplus_rate: float = 0.03          # surplus, share of costs

    def check(self) -> "Assumptions":
        """Raise :class:`HomecareInputError` for an impossible value."""
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise HomecareInputError(f"{f.name} must be a finite number, got {value!r}")
            if value < 0:
                raise HomecareInputError(f"{f.name} must not be negative, got {value:g}")
        if self.visit_minutes <= 0:
            raise HomecareInputError(f"visit_minutes must be more than zero, got {self.visit_minutes:g}")
        if self.weekly_paid_hours <= 0:
            raise HomecareInputError(f"weekly_paid_hours must be more than zero, got {self.weekly_paid_hours:g}")
        return self


@dataclass(frozen=True)
class Band:
    """Travel per visit in one price band."""

    name: str
    travel_minutes: float   # minutes of travel per visit
    miles: float            # miles driven per visit

    def check(self) -> "Band":
        check_band(self.name)
        for name in ("travel_minutes", "miles"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise HomecareInputError(f"{name} for band {self.name!r} must be a finite number >= 0, got {value!r}")
        return self


#: A fitted travel time this close (minutes) to either end of its band's
#: plausible range is reported for review even though it lies inside it.
NEAR_BOUND_MINUTES = 0.5


def check_band(name: str) -> str:
    if name not in BANDS:
        raise HomecareInputError(f"unknown band {name!r}; known bands: {', '.join(BANDS)}")
    return name


def assumption_table(assumptions: Assumptions | None = None) -> pd.DataFrame:
    """The common assumptions with their unit and basis, for display."""
    a = assumptions or Assumptions()
    basis = {
        "pay_rate": ("gbp per hour", "the paper: Real Living Wage £9.30 (001_6c1a5cf086dcc65a.txt line 2390)"),
        "visit_minutes": ("minutes", "model assumption: a 30-minute average visit"),
        "non_contact_share": ("hours per contact hour", "model assumption: 3 minutes an hour of paid supervision, handover and waiting"),
        "holiday_rate": ("share of pay", "statutory 5.6 weeks' leave: 5.6 / 46.4 weeks worked"),
        "sickness_rate": ("share of pay", "model assumption, as UKHCA's 2020-21 minimum price (2.9%)"),
        "training_rate": ("share of pay", "model assumption: about 1 day in 50 of paid training"),
        "ni_rate": ("share of pay above threshold", "HMRC rates and thresholds 2020-21: employer Class 1, 13.8%"),
        "ni_threshold_weekly": ("gbp per week", "HMRC rates and thresholds 2020-21: secondary threshold £169"),
        "pension_rate": ("share of qualifying earnings", "The Pensions Regulator: employer auto-enrolment minimum 3%"),
        "pension_threshold_weekly": ("gbp per week", "The Pensions Regulator 2020-21: lower limit of qualifying earnings £120"),
        "weekly_paid_hours": ("hours per week", "model assumption: a 30-hour paid week"),
        "mileage_rate": ("gbp per mile", "the paper: 45p, HMRC approved rate (001_6c1a5cf086dcc65a.txt lines 2390-2391)"),
        "overhead_rate": ("share of direct costs", "model assumption (not identified by the four prices; see docs/homecare.md)"),
        "surplus_rate": ("share of costs", "model assumption, as UKHCA's 2020-21 surplus (£0.60 on £20.09)"),
    }
    rows = [{"assumption": k, "value": v, "unit": basis[k][0], "basis": basis[k][1]} for k, v in asdict(a).items()]
    return pd.DataFrame(rows)


# --- the model --------------------------------------------------------------------

def travel_minutes_per_contact_hour(visit_minutes: float, travel_minutes: float) -> float:
    """(60 / visit minutes) x travel minutes per visit."""
    if visit_minutes <= 0:
        raise HomecareInputError(f"visit_minutes must be more than zero, got {visit_minutes:g}")
    if travel_minutes < 0:
        raise HomecareInputError(f"travel_minutes must not be negative, got {travel_minutes:g}")
    return 60.0 / visit_minutes * travel_minutes


def _share_above(weekly: float, threshold: float) -> float:
    """The share of weekly earnings above a weekly threshold (0 when below)."""
    if weekly <= 0:
        return 0.0
    return max(0.0, weekly - threshold) / weekly


def build_up(band: Band, assumptions: Assumptions | None = None) -> dict[str, float]:
    """The price per contact hour of one band, component by component (£, unrounded).

    The keys are :data:`COMPONENTS`; their sum is :func:`price`.
    """
    a = (assumptions or Assumptions()).check()
    band.check()
    w = a.pay_rate
    travel_hours = travel_minutes_per_contact_hour(a.visit_minutes, band.travel_minutes) / 60.0
    out = {
        "contact_pay": w * 1.0,
        "travel_pay": w * travel_hours,
        "non_contact_pay": w * a.non_contact_share,
    }
    basic = out["contact_pay"] + out["travel_pay"] + out["non_contact_pay"]
    out["holiday"] = basic * a.holiday_rate
    out["sickness"] = basic * a.sickness_rate
    out["training"] = basic * a.training_rate
    gross = basic + out["holiday"] + out["sickness"] + out["training"]
    weekly_gross = w * (1 + a.holiday_rate + a.sickness_rate + a.training_rate) * a.weekly_paid_hours
    out["employer_ni"] = gross * a.ni_rate * _share_above(weekly_gross, a.ni_threshold_weekly)
    out["pension"] = gross * a.pension_rate * _share_above(weekly_gross, a.pension_threshold_weekly)
    out["mileage"] = 60.0 / a.visit_minutes * band.miles * a.mileage_rate
    direct = sum(out.values())
    out["overheads"] = direct * a.overhead_rate
    out["surplus"] = (direct + out["overheads"]) * a.surplus_rate
    return out


def price(band: Band, assumptions: Assumptions | None = None) -> float:
    """The price per contact hour (£, unrounded)."""
    return sum(build_up(band, assumptions).values())


def price_pence(band: Band, assumptions: Assumptions | None = None) -> float:
    """The price rounded half away from zero to the penny."""
    return reconcile.round_half_away(price(band, assumptions), 2)


def band_from_minutes(name: str, travel_minutes: float, speed_mph: float) -> Band:
    """A band whose miles per visit follow from its travel minutes and its
    assumed average speed (miles rounded to 0.001, as the parameter table
    shows them)."""
    check_band(name)
    if not speed_mph > 0:
        raise HomecareInputError(f"speed for band {name!r} must be more than zero, got {speed_mph!r}")
    return Band(name, travel_minutes, round(travel_minutes * speed_mph / 60.0, 3))


# --- calibration ------------------------------------------------------------------

def _solve(name: str, target: float, a: Assumptions, speed: float) -> float:
    """Continuous travel minutes giving the target price (bisection)."""
    lo, hi = 0.0, 240.0
    f = lambda t: price(Band(name, t, t * speed / 60.0), a) - target  # noqa: E731
    if f(lo) > 0:
        return float("nan")  # even no travel costs more than the target
    if f(hi) < 0:
        return float("nan")
    for _ in range(100):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def calibrate(published: pd.DataFrame, band_table: pd.DataFrame, assumptions: Assumptions | None = None,
              step: float = 0.01) -> pd.DataFrame:
    """Fit travel minutes per band so the modelled price equals the published
    price to the penny.

    ``published``: one row per band with ``band`` and ``published_gbp``.
    ``band_table``: the per-band assumptions (:func:`load_band_assumptions`):
    average speed, which turns minutes into miles, and the plausible range of
    travel minutes.  Travel minutes are searched on a grid of ``step``
    minutes around the exact solution; the fitted value is the grid point
    nearest to it whose price rounds to the published penny.  A band with no
    such point keeps the nearest grid value and ``exact`` is false.
    ``near_bound`` flags a plausible fit within :data:`NEAR_BOUND_MINUTES` of
    either end of its range.
    """
    a = (assumptions or Assumptions()).check()
    table = band_table.set_index("band")
    rows = []
    for rec in published.itertuples():
        name = check_band(rec.band)
        if name not in table.index:
            raise HomecareInputError(f"no per-band assumptions for band {name!r}")
        speed = float(table.at[name, "speed_mph"])
        target = float(rec.published_gbp)
        exact_t = _solve(name, target, a, speed)
        best, exact = None, False
        if not math.isnan(exact_t):
            centre = round(exact_t / step)
            candidates = sorted(range(centre - 40, centre + 41), key=lambda k: abs(k * step - exact_t))
            for k in candidates:
                if k < 0:
                    continue
                band = band_from_minutes(name, round(k * step, 6), speed)
                if price_pence(band, a) == target:
                    best, exact = band, True
                    break
            if best is None:
                best = band_from_minutes(name, round(centre * step, 6), speed)
        else:
            best = band_from_minutes(name, 0.0, speed)
        lo, hi = float(table.at[name, "travel_min_minutes"]), float(table.at[name, "travel_max_minutes"])
        plausible = lo <= best.travel_minutes <= hi
        rows.append({
            "band": name,
            "published_gbp": target,
            "modelled_gbp": price_pence(best, a),
            "difference_gbp": round(price_pence(best, a) - target, 2),
            "exact": exact,
            "travel_minutes": best.travel_minutes,
            "miles": best.miles,
            "speed_mph": speed,
            "travel_minutes_per_contact_hour": round(travel_minutes_per_contact_hour(a.visit_minutes, best.travel_minutes), 2),
            "plausible_min": lo,
            "plausible_max": hi,
            "plausible": plausible,
            "near_bound": plausible and min(best.travel_minutes - lo, hi - best.travel_minutes) <= NEAR_BOUND_MINUTES,
        })
    return pd.DataFrame(rows)


def published_band_prices(prices: pd.DataFrame, year: str = "2020-21") -> pd.DataFrame:
    """The four published band prices as ``band, published_gbp`` in band order."""
    sel = prices[(prices["year"] == year) & prices["measure"].isin(BANDS)]
    absent = [b for b in BANDS if b not in set(sel["measure"])]
    if absent:
        raise HomecareInputError(f"no published {year} price for band(s) {', '.join(absent)}; "
                                 f"every band ({', '.join(BANDS)}) needs one")
    return _in_band_order(sel[["measure", "value"]].rename(columns={"measure": "band", "value": "published_gbp"}))


def _in_band_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted urban, fringe, rural, isolated by their ``band`` column."""
    order = {b: i for i, b in enumerate(BANDS)}
    return frame.sort_values("band", key=lambda c: c.map(order)).reset_index(drop=True)


def calibrated_prices(data_dir: str | Path | None = None, assumptions: Assumptions | None = None) -> pd.DataFrame:
    """One row per band (urban, fringe, rural, isolated) with ``published_gbp``
    and ``modelled_gbp``, and the fitted travel minutes and miles per visit."""
    return calibrate(published_band_prices(load_prices(data_dir)), load_band_assumptions(data_dir), assumptions)


def bands_of(calibration: pd.DataFrame) -> list[Band]:
    return [Band(r.band, float(r.travel_minutes), float(r.miles)) for r in calibration.itertuples()]


def build_up_table(bands: list[Band], assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Component x band, £ per contact hour (rounded to 0.1p for display)."""
    rows = []
    for band in bands:
        parts = build_up(band, assumptions)
        for comp in COMPONENTS:
            rows.append({"band": band.name, "component": comp, "gbp": round(parts[comp], 4)})
    return pd.DataFrame(rows)


def whole_minute_prices(calibration: pd.DataFrame, assumptions: Assumptions | None = None) -> pd.DataFrame:
    """The prices the model gives with travel rounded to whole minutes: how far
    'to the penny' rests on fractional minutes."""
    rows = []
    for r in calibration.itertuples():
        band = band_from_minutes(r.band, float(round(r.travel_minutes)), r.speed_mph)
        modelled = price_pence(band, assumptions)
        rows.append({"band": r.band, "travel_minutes": band.travel_minutes, "miles": band.miles,
                     "published_gbp": r.published_gbp, "modelled_gbp": modelled,
                     "difference_gbp": round(modelled - r.published_gbp, 2)})
    return pd.DataFrame(rows)


# --- uprating and the Homecare Association comparator ---------------------------------

def uprate(bands: list[Band], wage_rates: pd.DataFrame, assumptions: Assumptions | None = None,
           employer_ni: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reprice every band at each published wage rate (Real and National Living
    Wage by financial year), all other assumptions held at their 2020-21 values
    unless ``employer_ni`` is given: then each year also takes that year's
    employer NI rate and threshold (a year missing from it is an error).

    Returns ``financial_year, wage_measure, pay_rate, band, price_gbp``.
    """
    a = (assumptions or Assumptions()).check()
    ni = employer_ni.set_index("financial_year") if employer_ni is not None else None
    rows = []
    for rec in wage_rates.sort_values(["measure", "financial_year"]).itertuples():
        if rec.value < 0:
            raise HomecareInputError(f"pay rate for {rec.financial_year} {rec.measure} must not be negative, got {rec.value:g}")
        at = replace(a, pay_rate=float(rec.value))
        if ni is not None:
            if rec.financial_year not in ni.index:
                raise HomecareInputError(f"no employer NI rules for {rec.financial_year}; the table has "
                                         + ", ".join(ni.index))
            at = replace(at, ni_rate=float(ni.at[rec.financial_year, "ni_rate"]),
                         ni_threshold_weekly=float(ni.at[rec.financial_year, "ni_threshold_weekly"]))
        for band in bands:
            rows.append({"financial_year": rec.financial_year, "wage_measure": rec.measure,
                         "pay_rate": float(rec.value), "band": band.name, "price_gbp": price_pence(band, at)})
    return pd.DataFrame(rows)


def ni_sensitivity(bands: list[Band], wage_rates: pd.DataFrame, employer_ni: pd.DataFrame,
                   assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Uprated prices with the 2020-21 NI rules held (pay only) beside the same
    with each year's employer NI rules, for the years the NI table covers."""
    rates = wage_rates[wage_rates["financial_year"].isin(employer_ni["financial_year"])]
    keys = ["financial_year", "wage_measure", "pay_rate", "band"]
    held = uprate(bands, rates, assumptions).rename(columns={"price_gbp": "price_pay_only_gbp"})
    moved = uprate(bands, rates, assumptions, employer_ni).rename(columns={"price_gbp": "price_with_year_ni_gbp"})
    out = held.merge(moved, on=keys)
    out["ni_effect_gbp"] = (out["price_with_year_ni_gbp"] - out["price_pay_only_gbp"]).round(2)
    rules = employer_ni[["financial_year", "ni_rate", "ni_threshold_weekly"]]
    return out.merge(rules, on="financial_year")[keys[:2] + ["ni_rate", "ni_threshold_weekly", "pay_rate", "band",
                                                             "price_pay_only_gbp", "price_with_year_ni_gbp",
                                                             "ni_effect_gbp"]]


def minimum_price_comparison(uprated: pd.DataFrame, minimum: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Council prices beside the Homecare Association minimum price by year:
    the published 2020-21 prices, and the model's Real Living Wage repricing
    for every year the Association published a minimum price."""
    totals = minimum[minimum["component"] == "total"][["financial_year", "value"]].rename(columns={"value": "hca_minimum_gbp"})
    rlw = uprated[uprated["wage_measure"] == "real_living_wage"]
    rows = []
    for t in totals.itertuples():
        for band in BANDS:
            model = rlw[(rlw["financial_year"] == t.financial_year) & (rlw["band"] == band)]["price_gbp"]
            pub = published[published["band"] == band]["published_gbp"] if t.financial_year == "2020-21" else pd.Series(dtype=float)
            rows.append({
                "financial_year": t.financial_year, "band": band,
                "published_gbp": float(pub.iloc[0]) if len(pub) else float("nan"),
                "modelled_rlw_gbp": float(model.iloc[0]) if len(model) else float("nan"),
                "hca_minimum_gbp": float(t.hca_minimum_gbp),
            })
    out = pd.DataFrame(rows)
    out["modelled_minus_minimum_gbp"] = (out["modelled_rlw_gbp"] - out["hca_minimum_gbp"]).round(2)
    return out


# --- timelines -----------------------------------------------------------------------

def timeline(dates: pd.DataFrame, programme: str) -> pd.DataFrame:
    """One row per milestone or event of a programme: ``seq, kind, event, key,
    plan, start, end, precision, printed, source, lines`` in the order printed.
    A month-precision date is the whole month (start: first day, end: last day)."""
    sel = dates[dates["programme"] == programme]
    if sel.empty:
        raise HomecareInputError(f"no dates for programme {programme!r}")
    steps: dict[tuple, list[dict]] = {}  # the rows of each step, steps in the order first printed
    for rec in sel.to_dict("records"):
        steps.setdefault((rec["kind"], rec["seq"], rec["event"]), []).append(rec)
    rows = []
    for (kind, seq, event), grp in steps.items():
        by = {r["bound"]: (pd.Timestamp(r["value"]), r["precision"]) for r in grp}
        start, start_prec = by.get("start", by.get("on", by.get("end")))
        end, end_prec = by.get("end", by.get("on", by.get("start")))
        rows.append({"seq": int(seq), "kind": kind, "event": event, "key": grp[0]["key"],
                     "plan": grp[0]["plan"] or "", "start": start, "end": _period_end(end, end_prec),
                     "precision": "/".join(dict.fromkeys([start_prec, end_prec])),
                     "printed": " | ".join(dict.fromkeys(r["printed"] for r in grp if r["printed"])),
                     "source": grp[0]["source"], "lines": reconcile.join_lines(r["lines"] for r in grp)})
    out = pd.DataFrame(rows).sort_values(["kind", "seq"], ascending=[False, True]).reset_index(drop=True)
    check_order(out)
    return out


def _period_end(day: pd.Timestamp, precision: str) -> pd.Timestamp:
    """The last day a date of the given precision may stand for."""
    if precision == "month":
        return day + pd.offsets.MonthEnd(0)
    if precision == "season":
        return day + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    if precision == "year":
        return day + pd.offsets.YearEnd(0)
    return day


def check_order(frame: pd.DataFrame) -> None:
    """Raise :class:`HomecareInputError` when any row ends before it starts."""
    bad = frame[frame["end"] < frame["start"]]
    if not bad.empty:
        r = bad.iloc[0]
        raise HomecareInputError(
            f"dates out of order: '{r['event']}' ends {r['end'].date()} before it starts {r['start'].date()}")


def _deferral(terms: pd.DataFrame) -> pd.Series:
    """The terms row where the paper states the push-back of the whole timeline."""
    return terms.set_index("term").loc["timeline_pushed_back_months"]


def stated_deferral_months(terms: pd.DataFrame) -> int:
    """The months by which the paper says the whole timeline was pushed back."""
    return int(_deferral(terms)["value"])


def _months_apart(earlier: pd.Series, later: pd.Series) -> float:
    """Months from one dated step to another: calendar months when either date
    is only known to the month (or coarser), else days / (365.25 / 12)."""
    if earlier["precision"] != "day" or later["precision"] != "day":
        return float((later["start"].year - earlier["start"].year) * 12 + later["start"].month - earlier["start"].month)
    return (later["start"] - earlier["start"]).days / (365.25 / 12)


def slippage(tl: pd.DataFrame, months: int) -> pd.DataFrame:
    """Each revised milestone beside its original date.

    The 2021 paper prints the revised timeline (rows with ``plan`` revised)
    and says the whole plan was pushed back by ``months``.  Slippage is
    *measured* only where the paper also prints the original date of the same
    step (a row with ``plan`` original and the same ``key``):
    ``slippage_days_min`` / ``_max`` are the fewest and most days between them
    (equal when both are exact days; a month-precision date spans its month),
    ``slippage_months`` as :func:`_months_apart`.  Elsewhere only the stated
    shift is known: ``stated_original`` (revised start less ``months``) is a
    derived date, not a measurement, and the slippage columns stay empty.
    """
    if months < 0:
        raise HomecareInputError(f"months must not be negative, got {months}")
    check_order(tl)
    original = tl[tl["plan"] == "original"].set_index("key")
    rows = []
    for _, r in tl[tl["plan"] == "revised"].iterrows():
        stated = r["start"] - pd.DateOffset(months=months)
        row = {"seq": r["seq"], "event": r["event"], "key": r["key"], "start": r["start"], "end": r["end"],
               "precision": r["precision"], "lines": r["lines"], "stated_original": stated,
               "stated_original_weekday": stated.day_name(), "original_printed": "", "original_start": pd.NaT,
               "original_end": pd.NaT, "original_lines": "", "slippage_days_min": float("nan"),
               "slippage_days_max": float("nan"), "slippage_months": float("nan"),
               "basis": f"stated shift of {months} months (derived, not measured)"}
        if r["key"] in original.index:
            o = original.loc[r["key"]]
            row.update(original_printed=o["printed"], original_start=o["start"], original_end=o["end"],
                       original_lines=o["lines"], slippage_days_min=float((r["start"] - o["end"]).days),
                       slippage_days_max=float((r["end"] - o["start"]).days),
                       slippage_months=round(_months_apart(o, r), 2), basis="measured from the printed original date")
        rows.append(row)
    return pd.DataFrame(rows)


def timeline_slippage(tl: pd.DataFrame, terms: pd.DataFrame) -> pd.DataFrame | None:
    """:func:`slippage` of a timeline at the push-back the paper states
    (:func:`stated_deferral_months`), or None when the timeline has no
    revised milestones (the paper states no push-back for it)."""
    if not (tl["plan"] == "revised").any():
        return None
    return slippage(tl, stated_deferral_months(terms))


def _days_text(fewest: float, most: float) -> str:
    """"12 days", or "12 to 43 days" when the fewest and most days differ."""
    return (f"{fewest:.0f}" if fewest == most else f"{fewest:.0f} to {most:.0f}") + " days"


def slippage_summary(slip: pd.DataFrame) -> str:
    """One line on what the slippage table rests on."""
    measured = slip[slip["basis"].str.startswith("measured")]
    parts = [f"'{r.event}' {r.original_printed} -> {r.start:%d %B %Y}: "
             + _days_text(r.slippage_days_min, r.slippage_days_max) for r in measured.itertuples()]
    return (f"slippage measured for {len(measured)} of {len(slip)} revised milestones (" + "; ".join(parts)
            + f"); the other {len(slip) - len(measured)} carry only the stated shift")


def slippage_view(slip: pd.DataFrame) -> pd.DataFrame:
    """The slippage table for display: dates as dates, the columns a reader needs."""
    cols = ["seq", "event", "start", "end", "original_printed", "original_start", "original_end", "slippage_days_min",
            "slippage_days_max", "slippage_months", "stated_original", "stated_original_weekday", "basis"]
    out = slip[cols].copy()
    for c in ("start", "end", "original_start", "original_end", "stated_original"):
        out[c] = out[c].dt.date
    return out


def with_originals(chart: pd.DataFrame, slip: pd.DataFrame | None) -> pd.DataFrame:
    """Gantt rows with the original dates beside each revised milestone
    (``original_start``/``original_end`` where printed, ``stated_original``
    where only derived); without a slippage table the columns stay empty."""
    cols = ["original_start", "original_end", "stated_original"]
    if slip is None or slip.empty:
        return chart.assign(**{c: pd.NaT for c in cols})
    keyed = slip.set_index("seq")[cols]
    out = chart.copy()
    for c in cols:
        out[c] = [keyed.at[s, c] if k == "milestone" and s in keyed.index else pd.NaT
                  for s, k in zip(chart["seq"], chart["kind"])]
        out[c] = pd.to_datetime(out[c])
    return out


# --- loaders -------------------------------------------------------------------------

def _dates_in_order(frame: pd.DataFrame, path: Path) -> None:
    """Each step's end on or after its start (one of each per programme, kind
    and seq: the loader's unique key), in key order."""
    bounds = {}
    for row, *key, bound, value in zip(frame.index, frame["programme"], frame["kind"], frame["seq"], frame["bound"],
                                       frame["value"]):
        if bound in ("start", "end"):
            bounds.setdefault(tuple(key), {})[bound] = (row, value)
    problems = []
    for key in sorted(bounds):
        if {"start", "end"} <= set(bounds[key]):
            (start_row, start), (end_row, end) = bounds[key]["start"], bounds[key]["end"]
            if end < start:
                problems.append(Problem(column="value", row=int(end_row),
                                        expected=f"an end on or after the start {start.date()} (row {int(start_row)})",
                                        found=str(end.date())))
    if problems:
        raise LoaderError(path, problems)


def load_prices(data_dir=None) -> pd.DataFrame:
    """The published prices per band and the paper's stated assumptions.

    ``measure`` must be one of :data:`PRICE_MEASURES`, and each year must have
    a row for every one of them: a misspelt or missing band is an error, not a
    band silently left out of the calibration."""
    frame = sources.load_published("homecare_prices", [
        Column("year", pattern=r"\d{4}-\d{2}"), Column("measure", choices=PRICE_MEASURES),
    ], unique=["year", "measure"], data_dir=data_dir)
    path = sources.published_path("homecare_prices", data_dir)
    problems = [Problem(column="value", row=int(i), expected="a price >= 0", found=str(v))
                for i, v in frame["value"].items() if v is not None and v < 0]
    for year, grp in frame.groupby("year", sort=False):
        absent = [m for m in PRICE_MEASURES if m not in set(grp["measure"])]
        if absent:
            problems.append(Problem(column="measure", row=None,
                                    expected=f"a row for each of {', '.join(PRICE_MEASURES)} in {year}",
                                    found="no row for " + ", ".join(absent)))
    if problems:
        raise LoaderError(path, problems)
    return frame


def load_zones(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_zones", [
        Column("zone_type", choices=ZONE_TYPES), Column("zone"), Column("item", choices=("zone", "town", "band")),
    ], unique=["zone", "item", "value"], data_dir=data_dir, value_kind="str")


def load_zone_types(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_zone_types", [Column("zone_type", choices=ZONE_TYPES + ("all",))],
                                  unique=["zone_type"], data_dir=data_dir)


#: The dated steps the checks read, by programme: ``homecare_dates.csv`` must
#: hold a row with each key (``key`` names what a date is, stable across papers).
DATE_KEYS = {
    "home_care": ("itt_published", "itt_closes", "evaluation", "award", "mobilisation_start", "transition_complete",
                  "stabilisation_start", "current_contract_end", "procurement_start_projected",
                  "procurement_start_proposed", "framework_replaced", "market_pressures", "pause"),
    "dementia": ("current_contract_end", "new_arrangement_start", "eia_to_cabinet", "advert_published",
                 "mobilisation", "commencement"),
}


def load_dates(data_dir=None) -> pd.DataFrame:
    """Milestones and dated events.  ``plan`` marks the revised 2021 timeline
    and the original dates the paper prints for the same steps (same ``key``)."""
    path = sources.published_path("homecare_dates", data_dir)
    frame = sources.load_published("homecare_dates", [
        Column("programme", choices=tuple(DATE_KEYS)), Column("kind", choices=("milestone", "event")),
        Column("seq", "int", min=1), Column("event"), Column("key", pattern=r"[a-z][a-z0-9_]*"),
        Column("plan", choices=("original", "revised"), nullable=True),
        Column("bound", choices=("on", "start", "end")),
        Column("precision", choices=("day", "month", "season", "year")),
    ], unique=["programme", "kind", "seq", "bound"], data_dir=data_dir, value_kind="date")
    frame["plan"] = frame["plan"].where(frame["plan"].notna(), "")
    _dates_in_order(frame, path)
    problems = []
    for programme, keys in DATE_KEYS.items():
        have = set(frame.loc[frame["programme"] == programme, "key"])
        problems += [Problem(column="key", expected=f"a row with key {k!r} for programme {programme!r}",
                             found="none") for k in keys if k not in have]
    revised = set(zip(frame.loc[frame["plan"] == "revised", "programme"], frame.loc[frame["plan"] == "revised", "key"]))
    for row, r in frame[frame["plan"] == "original"].iterrows():
        if (r["programme"], r["key"]) not in revised:
            problems.append(Problem(column="key", row=int(row), found=r["key"],
                                    expected="an original date whose key is also on a revised milestone"))
    if problems:
        raise LoaderError(path, problems)
    return frame


def load_market(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_market", [Column("measure")], unique=["measure"], data_dir=data_dir)


def load_terms(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_terms", [Column("term")], unique=["term"], data_dir=data_dir)


def load_provider_model(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_provider_model", [Column("model"), Column("item")],
                                  unique=["model", "item", "value"], data_dir=data_dir, value_kind="str")


BUDGET_COLUMNS = ("previous_net", "employees", "running_expenses", "internal_income", "gross", "external_income", "net")


def load_budget_lines(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_budget_lines", [
        Column("edition", pattern=r"\d{4}/\d{2}"), Column("budget_year", pattern=r"\d{4}/\d{2}"),
        Column("column", choices=BUDGET_COLUMNS),
    ], unique=["edition", "column"], data_dir=data_dir)


def load_savings(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_savings", [
        Column("item"), Column("presentation", choices=("text", "table")),
        Column("appendix", nullable=True, pattern=r"[A-Z]"), Column("year"),
    ], unique=["item", "presentation", "year"], data_dir=data_dir)


def load_dementia(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_dementia", [Column("measure")], unique=["measure"], data_dir=data_dir)


def _reference_path(name: str, data_dir=None) -> Path:
    return sources.resolve_data_dir(data_dir) / "reference" / f"{name}.csv"


def load_wage_rates(data_dir=None) -> pd.DataFrame:
    """Real Living Wage and National Living Wage by financial year, with source."""
    path = _reference_path("homecare_wage_rates", data_dir)
    return sources.parse_frame(sources.read_table(path), [
        Column("financial_year", pattern=r"\d{4}-\d{2}"),
        Column("measure", choices=("real_living_wage", "national_living_wage")),
        Column("value", "float", min=0), Column("unit", choices=("gbp",)),
        Column("date", "date"), Column("date_meaning", choices=("in force", "announced")),
        Column("applies_to"), Column("source"),
    ], path, unique=["financial_year", "measure"])


def load_band_assumptions(data_dir=None) -> pd.DataFrame:
    """The per-band parameter table: average speed between visits (miles =
    travel minutes x speed / 60) and the plausible range of travel minutes per
    visit, each with its basis.  Stated judgements, kept as data so anyone
    can change them."""
    path = _reference_path("homecare_band_assumptions", data_dir)
    frame = sources.parse_frame(sources.read_table(path), [
        Column("band", choices=BANDS), Column("speed_mph", "float", min=0),
        Column("travel_min_minutes", "float", min=0), Column("travel_max_minutes", "float", min=0),
        Column("speed_basis"), Column("range_basis"),
    ], path, unique=["band"])
    problems = [Problem(column="speed_mph", row=int(i), expected="a speed more than zero", found=f"{v:g}")
                for i, v in frame["speed_mph"].items() if v <= 0]
    problems += [Problem(column="travel_max_minutes", row=int(i), expected=f"at least travel_min_minutes ({lo:g})",
                         found=f"{hi:g}")
                 for i, lo, hi in zip(frame.index, frame["travel_min_minutes"], frame["travel_max_minutes"]) if hi < lo]
    absent = [b for b in BANDS if b not in set(frame["band"])]
    if absent:
        problems.append(Problem(column="band", expected="a row for each of " + ", ".join(BANDS),
                                found="no row for " + ", ".join(absent)))
    if problems:
        raise LoaderError(path, problems)
    return _in_band_order(frame)


def load_employer_ni(data_dir=None) -> pd.DataFrame:
    """Employer Class 1 National Insurance by financial year: the rate and the
    weekly secondary threshold in force from the start of the tax year, with
    source (``note`` says where the rate changed within a year)."""
    path = _reference_path("homecare_employer_ni", data_dir)
    return sources.parse_frame(sources.read_table(path), [
        Column("financial_year", pattern=r"\d{4}-\d{2}"), Column("ni_rate", "float", min=0, max=1),
        Column("ni_threshold_weekly", "float", min=0), Column("in_force_from", "date"),
        Column("note", nullable=True), Column("source"),
    ], path, unique=["financial_year"])


def load_minimum_price(data_dir=None) -> pd.DataFrame:
    """The Homecare Association (formerly UKHCA) minimum price per hour, with source."""
    path = _reference_path("homecare_minimum_price", data_dir)
    frame = sources.parse_frame(sources.read_table(path), [
        Column("financial_year", pattern=r"\d{4}-\d{2}"), Column("component"),
        Column("value", "float", min=0), Column("unit", choices=("gbp",)),
        Column("wage_basis"), Column("source"),
    ], path, unique=["financial_year", "component"])
    return frame


# --- findings --------------------------------------------------------------------------

def _finding(check, description, published, computed, source, lines, **kw):
    return reconcile.finding(DOMAIN, check, description, published, computed, source, lines, **kw)


def _judgement(check, description, published, computed, source, lines, kind, detail="", unit=""):
    """A finding whose two sides are not numbers (dates, text): no difference."""
    row = reconcile.finding(DOMAIN, check, description, None, None, source, lines, kind=kind, detail=detail, unit=unit)
    row["published"], row["computed"] = published, computed
    return row


def _only(frame: pd.DataFrame, what: str, **match) -> pd.Series:
    """The one row of ``frame`` whose columns hold the values in ``match``
    (``key=...``, ``bound=...``, ``plan=...``); ``what`` names the row in the
    error raised when there is none or more than one."""
    sel = frame
    for column, value in match.items():
        sel = sel[sel[column] == value]
    if len(sel) != 1:
        raise HomecareInputError(f"expected one {what} with " + ", ".join(f"{c} {v!r}" for c, v in match.items())
                                 + f"; found {len(sel)}")
    return sel.iloc[0]


def _non_working(day: pd.Timestamp, bank) -> str | None:
    """Why a day is not a working day in England (bank holiday, Easter Sunday,
    weekend), or None."""
    from dateutil.easter import easter

    if day.date() in bank:
        return bank.get(day.date())
    if day.date() == easter(day.year):
        return "Easter Sunday"
    return "a " + day.strftime("%A") if day.weekday() >= 5 else None


def _bank_holidays(days):
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG", years=sorted({d.year for d in days}))


def zone_checks(zones: pd.DataFrame, types: pd.DataFrame, prices: pd.DataFrame) -> list[dict]:
    rows = []
    listed = zones[zones["item"] == "zone"].groupby("zone_type")["zone"].nunique()
    for t in types.itertuples():
        if t.zone_type == "all":
            continue
        rows.append(_finding("zones_listed_per_type", f"{t.zone_type}: zones listed = zones stated ({t.printed})",
                             t.value, int(listed.get(t.zone_type, 0)), t.source, t.lines, unit="count"))
    total = types[types["zone_type"] == "all"].iloc[0]
    parts = types[types["zone_type"] != "all"]["value"].sum()
    rows.append(_finding("zones_total", f"zones by type add up to the total ({total.printed})", total.value, parts,
                         total.source, total.lines, unit="count"))
    names = zones[zones["item"] == "zone"]["zone"]
    rows.append(_finding("zones_total_listed", f"zones listed add up to the total ({total.printed})", total.value,
                         int(names.nunique()), total.source, total.lines, unit="count"))
    # Which band applies in which zone: a zone's band is a row with item 'band'.
    banded = set(zones[zones["item"] == "band"]["zone"])
    unbanded = [z for z in dict.fromkeys(names) if z not in banded]
    levels = prices[prices["measure"].isin(BANDS + ("price_levels",))]
    rows.append(_judgement("zone_band_mapping", "each zone's price band is published",
                           f"{len(banded)} of {names.nunique()} zones with a band",
                           f"{int(levels['measure'].isin(BANDS).sum())} bands, {names.nunique()} zones",
                           levels["source"].iloc[0], reconcile.span_lines(levels["lines"]), "ok" if not unbanded else "missing",
                           detail="" if not unbanded else "The paper gives zones by type and prices by band but "
                           "not which band applies where; the model prices bands, not zones."))
    return rows


def price_checks(prices: pd.DataFrame, calibration: pd.DataFrame, wage_rates: pd.DataFrame,
                 minimum: pd.DataFrame, assumptions: Assumptions) -> list[dict]:
    rows = []
    rlw = prices[prices["measure"] == "real_living_wage"].iloc[0]
    ref = wage_rates[(wage_rates["measure"] == "real_living_wage") & (wage_rates["financial_year"] == rlw.year)]
    rows.append(_finding("rlw_matches_reference", f"the paper's Real Living Wage for {rlw.year} = Living Wage Foundation rate",
                         rlw.value, float(ref["value"].iloc[0]) if len(ref) else None, rlw.source, rlw.lines,
                         tolerance=0.0, unit="gbp", detail=ref["source"].iloc[0] if len(ref) else ""))
    ordered = prices[prices["measure"].isin(BANDS)].set_index("measure").loc[list(BANDS)]
    steps = ordered["value"].diff().dropna()
    rows.append(_finding("bands_increase", "prices rise from urban to fringe to rural to isolated (steps > 0)",
                         0, int((steps <= 0).sum()), ordered["source"].iloc[0], reconcile.span_lines(ordered["lines"]),
                         tolerance=0.0, unit="count",
                         detail="steps: " + ", ".join(f"£{s:.2f}" for s in steps)))
    for r in calibration.itertuples():
        line = ordered.loc[r.band, "lines"]
        rows.append(_finding("model_reproduces_price", f"{r.band}: modelled price to the penny (travel {r.travel_minutes:.2f} min, "
                             f"{r.miles:.2f} miles per visit)", r.published_gbp, r.modelled_gbp, ordered.loc[r.band, "source"], line,
                             tolerance=0.0, unit="gbp"))
        kind = "ok" if r.plausible and not r.near_bound else "review"
        nearest = r.plausible_min if r.travel_minutes - r.plausible_min <= r.plausible_max - r.travel_minutes else r.plausible_max
        where = ("inside the range" if r.plausible else "outside the range") + (
            f", within {NEAR_BOUND_MINUTES:g} minutes of its end at {nearest:g}" if r.near_bound else "")
        rows.append(_finding("fitted_travel_plausible", f"{r.band}: fitted travel minutes per visit within the plausible "
                             f"range {r.plausible_min:g}-{r.plausible_max:g} and not within {NEAR_BOUND_MINUTES:g} of "
                             "either end", nearest if (not r.plausible or r.near_bound) else r.travel_minutes,
                             r.travel_minutes, ordered.loc[r.band, "source"], line, kind=kind, unit="minutes",
                             detail=(f"The published {r.band} price at £{assumptions.pay_rate:.2f} and "
                                     f"{assumptions.visit_minutes:g}-minute visits leaves {r.travel_minutes:.2f} minutes "
                                     f"({r.miles:.2f} miles at {r.speed_mph:g} mph) per visit for travel: {where}.")))
    year = rlw.year
    hca = minimum[(minimum["financial_year"] == year) & (minimum["component"] == "total")]
    if len(hca):
        m, basis = float(hca["value"].iloc[0]), str(hca["wage_basis"].iloc[0]).replace("_", " ")
        for band in BANDS:
            p = float(ordered.loc[band, "value"])
            rows.append(_finding("price_vs_hca_minimum", f"{band} {year} price at or above the Homecare Association "
                                 f"(UKHCA) minimum price (£{m:.2f}, {basis} basis)", p, m, ordered.loc[band, "source"],
                                 ordered.loc[band, "lines"], kind="ok" if p >= m else "review", unit="gbp",
                                 detail="" if p >= m else f"The council's price assumes the {rlw.measure.replace('_', ' ')} "
                                 f"(£{rlw.value:.2f}) yet is below the minimum built on the {basis}: it allows less "
                                 "for travel, on-costs or running the business."))
    return rows


def timeline_checks(dates: pd.DataFrame, terms: pd.DataFrame) -> list[dict]:
    rows = []
    hc = "home_care"
    own = dates[dates["programme"] == hc]
    itt_pub = _only(own, "home_care date", key="itt_published")
    itt_close = _only(own, "home_care date", key="itt_closes")
    ev_start = _only(own, "home_care date", key="evaluation", bound="start")
    ev_end = _only(own, "home_care date", key="evaluation", bound="end")
    award = _only(own, "home_care date", key="award")
    mob = _only(own, "home_care date", key="mobilisation_start")
    trans = _only(own, "home_care date", key="transition_complete", plan="revised")
    stab = _only(own, "home_care date", key="stabilisation_start")
    gap = (ev_start.value - itt_close.value).days
    rows.append(_finding("evaluation_after_tender_closes",
                         "the evaluation period starts on or after the ITT closes (days from ITT close to evaluation start >= 0)",
                         gap, max(gap, 0), ev_start.source, f"{itt_close.lines};{ev_start.lines}",
                         tolerance=0.0, unit="days",
                         detail="" if gap >= 0 else
                         f"Evaluation starts {ev_start.value.date()} ({ev_start.value:%A}), {-gap} days before the "
                         f"ITT closes on {itt_close.value.date()}"
                         + ("; it is also listed after it." if ev_start.seq > itt_close.seq else ".")))
    for name, first, second, why in (
        ("tender_open_before_close", itt_pub, itt_close, "the ITT is published before it closes"),
        ("award_after_evaluation", ev_end, award, "the award follows the end of evaluation"),
        ("mobilisation_after_award", award, mob, "provider mobilisation starts on or after the award"),
        ("stabilisation_after_transition", trans, stab, "stabilisation starts on or after transition is complete"),
    ):
        gap = (second.value - first.value).days
        rows.append(_finding(name, f"{why} (days between >= 0)", gap, max(gap, 0), second.source,
                             f"{first.lines};{second.lines}", tolerance=0.0, unit="days"))
    contract_end = _only(own, "home_care date", key="current_contract_end")
    rows.append(_finding("transition_by_contract_end", "transition completes by the end of the current contract "
                         "(days to spare >= 0)", (contract_end.value - trans.value).days,
                         max((contract_end.value - trans.value).days, 0), contract_end.source,
                         f"{trans.lines};{contract_end.lines}", tolerance=0.0, unit="days"))
    tl = timeline(dates, hc)
    rows += slippage_checks(tl, terms, dates)
    # The start of procurement: "Spring 2021" (paragraph 17) against "from February 2021" and the ITT date.
    spring = _only(tl, "timeline row", key="procurement_start_projected")
    proposed = _only(tl, "timeline row", key="procurement_start_proposed")
    overlap = proposed["start"] <= spring["end"] and spring["start"] <= proposed["end"]
    itt_inside = spring["start"] <= itt_pub.value <= spring["end"]
    rows.append(_judgement("procurement_start_consistent", "the start of procurement is stated consistently "
                           "(the proposed month overlaps the projected season, and the ITT falls in it)",
                           spring["printed"], f"{proposed['printed']}; ITT published {itt_pub.value.date()}",
                           spring["source"], f"{spring['lines']};{proposed['lines']};{itt_pub.lines}",
                           "ok" if overlap and itt_inside else "review",
                           detail="" if overlap and itt_inside else
                           f"'{spring['printed']}' is read as {spring['start'].date()} to {spring['end'].date()}; "
                           f"'{proposed['printed']}' ({proposed['start']:%B %Y}) "
                           + ("overlaps it" if overlap else "ends before it starts")
                           + f", and the ITT date {itt_pub.value.date()} is "
                           + ("inside it." if itt_inside else "outside it.")))
    # Milestones printed in date order.
    ms = dates[(dates["programme"] == hc) & (dates["kind"] == "milestone") & (dates["bound"] != "end")].sort_values("seq")
    out_of_order = [(a, b) for a, b in zip(ms.itertuples(), ms.iloc[1:].itertuples()) if b.value < a.value]
    rows.append(_finding("milestones_in_date_order", "milestones are listed in date order (pairs out of order)", 0,
                         len(out_of_order), ms["source"].iloc[0], reconcile.span_lines(ms["lines"]), tolerance=0.0,
                         unit="count", detail="; ".join(f"'{b.event}' {b.value.date()} listed after '{a.event}' "
                                                        f"{a.value.date()}" for a, b in out_of_order)))
    rows += working_day_checks(dates[(dates["programme"] == hc) & (dates["kind"] == "milestone")])
    # The 2026 pack: the framework let in 2021 is replaced in 2026.
    replaced = _only(own, "home_care date", key="framework_replaced")
    years = terms[terms["term"].str.startswith("contract_") & terms["term"].str.endswith("_years")]["value"].sum()
    latest_end = trans.value + pd.DateOffset(years=int(years))
    rows.append(_finding("framework_replacement_within_term", "the framework's replacement year (2026 pack) = the last "
                         "year of the 3+1+1 term counted from transition complete", replaced.value.year, latest_end.year,
                         replaced.source, replaced.lines, tolerance=0.0, unit="years",
                         detail=f"{trans.value.date()} + {int(years)} years = {latest_end.date()}"))
    return rows


def slippage_checks(tl: pd.DataFrame, terms: pd.DataFrame, dates: pd.DataFrame) -> list[dict]:
    """The stated push-back against the original dates the paper prints, and
    what the original dates derived from it would imply."""
    rows = []
    deferral = _deferral(terms)
    months = int(deferral["value"])
    slip = slippage(tl, months)
    for r in slip[slip["basis"].str.startswith("measured")].itertuples():
        days = _days_text(r.slippage_days_min, r.slippage_days_max)
        kind, how = reconcile.printed_kind(deferral["value"], r.slippage_months,
                                           reconcile.decimals_of(deferral["printed"]))
        where = f"{deferral['lines']};{r.original_lines};{r.lines}"
        rows.append(_finding("slippage_matches_stated_deferral", f"'{r.event}': the slippage from the printed original "
                             f"date ({r.original_printed}) to {r.start.date()} = the stated push-back (months)",
                             deferral["value"], r.slippage_months, deferral["source"], where, kind=kind, unit="months",
                             detail=f"Measured: {days}. {how}".strip()))
        inside = r.original_start <= r.stated_original <= r.original_end
        off = min(abs((r.stated_original - r.original_start).days), abs((r.stated_original - r.original_end).days))
        rows.append(_judgement("stated_shift_matches_printed_original", f"'{r.event}': the revised date less the "
                               f"stated {months} months falls on the original date the paper prints",
                               r.original_printed, f"{r.stated_original.date()} ({r.stated_original_weekday})",
                               deferral["source"], where, "ok" if inside else "mismatch",
                               detail="" if inside else f"{off} day(s) from the printed original: the original dates "
                               f"derived from the stated shift are approximate, so slippage is measured only where an "
                               f"original date is printed."))
    bank = _bank_holidays(slip["stated_original"])
    exact = slip[slip["precision"] == "day"]
    off_days = [(r, why) for r in exact.itertuples() if (why := _non_working(r.stated_original, bank))]
    rows.append(_finding("stated_originals_on_working_days", f"original dates derived from the stated {months}-month "
                         f"shift fall on working days (count of {len(exact)} exact days that do not)", 0, len(off_days), deferral["source"],
                         deferral["lines"], tolerance=0.0, unit="count", kind="ok" if not off_days else "review",
                         detail="; ".join(f"'{r.event}' {r.stated_original.date()} ({why})" for r, why in off_days)))
    # The derived original ITT against the pause (paragraph 16: no ITT was attempted once the pressures began).
    own = dates[dates["programme"] == "home_care"]
    pressures = _only(own, "home_care date", key="market_pressures")
    pause = _only(own, "home_care date", key="pause", bound="start")
    itt = slip[slip["key"] == "itt_published"].iloc[0]
    before = itt["stated_original"] < pressures.value
    rows.append(_judgement("stated_original_itt_before_pause", "the original ITT date derived from the stated shift "
                           "falls after the market pressures began (the paper implies no ITT had been issued)",
                           f"pressures {pressures.printed}; activity {pause.printed}",
                           f"ITT {itt['stated_original'].date()}", pressures.source,
                           f"{pressures.lines};{pause.lines};{itt['lines']}", "review" if before else "ok",
                           detail="" if not before else f"Shifting the ITT ({itt['start'].date()}) back {months} "
                           f"months puts it before the pressures and the pause, when the paper says a tender was "
                           f"judged unlikely to draw bids; the original plan's ITT date is not printed."))
    return rows


def working_day_checks(milestones: pd.DataFrame) -> list[dict]:
    """Day-precision milestones that fall on a weekend, Easter Sunday or an England bank holiday."""
    bank = _bank_holidays(milestones["value"])
    rows = []
    for r in milestones[milestones["precision"] == "day"].itertuples():
        why = _non_working(r.value, bank)
        if why:
            detail = "A milestone on a non-working day is either a typing error or needs saying."
            if r.key.startswith("gateway_review") and r.value.day <= 3:
                detail += (f" '{r.printed}' may also be read as Gateway Review {r.value.day} in "
                           f"{r.value:%B %Y}, with no day given.")
            rows.append(_judgement("milestone_on_working_day", f"'{r.event}' falls on a working day", str(r.value.date()),
                                   why, r.source, r.lines, "review", detail=detail))
    return rows


def budget_checks(lines: pd.DataFrame) -> list[dict]:
    rows = []
    for edition, grp in lines.groupby("edition"):
        v = grp.set_index("column")["value"]
        src, ln = grp["source"].iloc[0], grp["lines"].iloc[0]
        rows.append(_finding("budget_gross", f"Home Care {edition}: employees + running expenses + internal income = gross",
                             v["gross"], v["employees"] + v["running_expenses"] + v["internal_income"], src, ln, unit="gbp"))
        rows.append(_finding("budget_net", f"Home Care {edition}: gross + external income = net",
                             v["net"], v["gross"] + v["external_income"], src, ln, unit="gbp"))
    return rows


def savings_checks(savings: pd.DataFrame) -> list[dict]:
    """The saving the text prints (to 0.1 £m) against the savings table (£000),
    classed by the shared rule for printed figures."""
    rows = []
    text = savings[savings["presentation"] == "text"]
    table = savings[savings["presentation"] == "table"].set_index("year")
    for r in text.itertuples():
        if r.year not in table.index:
            continue
        t = table.loc[r.year]
        exact = float(t["value"]) / 1000.0
        kind, detail = reconcile.printed_kind(r.value, exact, reconcile.decimals_of(r.printed))
        rows.append(_finding("reprocurement_saving_text_vs_table", f"{r.item} {r.year}: the text's saving = Appendix "
                             f"{t['appendix']} (£{abs(t['value']):,.0f}k)", r.value, exact, r.source,
                             f"{r.lines};{t['lines']}", kind=kind, unit="gbp_millions", detail=detail))
    return rows


def dementia_checks(figures: pd.DataFrame, dates: pd.DataFrame) -> list[dict]:
    rows = []
    f = figures.set_index("measure")
    rate, undiagnosed, people = f.loc["diagnosis_rate"], f.loc["people_without_formal_diagnosis"], f.loc["people_living_with_dementia"]
    implied = round(undiagnosed["value"] / (1 - rate["value"] / 100.0))
    rows.append(_finding("dementia_prevalence_consistent", f"people with dementia implied by {undiagnosed['value']:,.0f} "
                         f"undiagnosed at a {rate['value']:g}% diagnosis rate is at least the '{people['printed']}'",
                         people["value"], implied, people["source"],
                         reconcile.join_lines([people["lines"], undiagnosed["lines"], rate["lines"]]),
                         kind="ok" if implied >= people["value"] else "mismatch", unit="count",
                         detail=f"{undiagnosed['value']:,.0f} / (1 - {rate['value'] / 100:g}) = {implied:,}; a rate "
                         f"'{rate['printed']}' implies a little more."))
    target = f.loc["national_diagnosis_target"]
    rows.append(_finding("dementia_rate_below_target", "the diagnosis rate is below the national target, as the "
                         "paper says (gap in points)", rate["value"], target["value"], rate["source"],
                         reconcile.join_lines([rate["lines"], target["lines"]]),
                         kind="ok" if rate["value"] < target["value"] else "mismatch", unit="percent"))
    dm = "dementia"
    ends = dates[(dates["programme"] == dm) & (dates["key"] == "current_contract_end")].sort_values("seq")
    rows.append(_finding("dementia_contract_end_consistent", f"the current contract end date is the same in each of "
                         f"the {len(ends)} places it is printed (distinct dates)", 1, ends["value"].nunique(),
                         ends["source"].iloc[0], reconcile.join_lines(ends["lines"]), tolerance=0.0, unit="count",
                         detail=", ".join(f"{v.date()}" for v in dict.fromkeys(ends["value"]))))
    end = ends.iloc[-1]
    start = _only(dates[dates["programme"] == dm], "dementia date", key="new_arrangement_start")
    rows.append(_finding("dementia_seamless_transition", "the new arrangement starts the day after the current "
                         "contract ends (days)", 1, (start.value - end.value).days, start.source,
                         reconcile.join_lines([end.lines, start.lines]), tolerance=0.0, unit="days"))
    tl = timeline(dates, dm)
    ms = tl[tl["kind"] == "milestone"].reset_index(drop=True)
    bad = [f"'{b.event}' ({b.start:%B %Y}) before '{a.event}' ({a.start:%B %Y})"
           for a, b in zip(ms.itertuples(), ms.iloc[1:].itertuples()) if b.start < a.start]
    rows.append(_finding("dementia_milestones_in_order", "procurement key dates are in order (pairs out of order)", 0,
                         len(bad), ms["source"].iloc[0], reconcile.span_lines(ms["lines"]), tolerance=0.0, unit="count",
                         detail="; ".join(bad)))
    commence = _only(tl, "timeline row", key="commencement")
    same = commence["start"].to_period("M") == start.value.to_period("M")
    rows.append(_judgement("dementia_commencement_matches", "the contract commencement month is the month of the new "
                           "arrangement", f"{commence['start']:%B %Y}", f"{start.value.date()}", commence["source"],
                           reconcile.join_lines([start.lines, commence["lines"]]), "ok" if same else "mismatch"))
    mob = _only(tl, "timeline row", key="mobilisation")
    rows.append(_finding("dementia_mobilisation_before_commencement", "the contract commences the day after "
                         f"mobilisation ends (days from {mob['end'].date()} to {commence['start'].date()})", 1,
                         (commence["start"] - mob["end"]).days, commence["source"],
                         reconcile.span_lines([mob["lines"], commence["lines"]]), tolerance=0.0, unit="days"))
    eia = _only(tl, "timeline row", key="eia_to_cabinet")
    advert = _only(tl, "timeline row", key="advert_published")
    rows.append(_judgement("dementia_eia_before_advert", "the completed EIA goes to Cabinet before the advert",
                           f"{eia['start']:%B %Y}", f"advert {advert['start']:%B %Y}", eia["source"],
                           reconcile.join_lines([eia["lines"], advert["lines"]]), "ok" if eia["end"] < advert["start"] else "review"))
    return rows


def findings(data_dir=None, prices: pd.DataFrame | None = None, calibration: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every home-care and dementia check, including ``ok`` rows.  ``prices``
    (:func:`load_prices`) and ``calibration`` (:func:`calibrate` of them at
    the default :class:`Assumptions`) are computed unless the caller has them."""
    assumptions = Assumptions()
    prices = load_prices(data_dir) if prices is None else prices
    if calibration is None:
        calibration = calibrate(published_band_prices(prices), load_band_assumptions(data_dir), assumptions)
    dates = load_dates(data_dir)
    rows = []
    rows += zone_checks(load_zones(data_dir), load_zone_types(data_dir), prices)
    rows += price_checks(prices, calibration, load_wage_rates(data_dir), load_minimum_price(data_dir), assumptions)
    rows += timeline_checks(dates, load_terms(data_dir))
    rows += budget_checks(load_budget_lines(data_dir))
    rows += savings_checks(load_savings(data_dir))
    rows += dementia_checks(load_dementia(data_dir), dates)
    return reconcile.frame(rows)


# --- the price calculator (logic for the widget) ----------------------------------------

@dataclass(frozen=True)
class CalculatorInputs:
    """What the price calculator's controls set.  Travel and miles are per
    band; ``None`` keeps the calibrated value."""

    pay_rate: float = 9.30
    visit_minutes: float = 30.0
    mileage_rate: float = 0.45
    on_cost_rate: float = 0.1207 + 0.029 + 0.02   # holiday + sickness + training
    overhead_rate: float = 0.20
    surplus_rate: float = 0.03
    travel_minutes: dict = field(default_factory=dict)
    miles: dict = field(default_factory=dict)
    minimum_year: str = "2020-21"   # the Homecare Association year shown beside the prices (the 2020-21 basis)


def calculator(inputs: CalculatorInputs, calibration: pd.DataFrame, minimum: pd.DataFrame | None = None,
               base: Assumptions | None = None) -> pd.DataFrame:
    """Price per band for the calculator's inputs, beside the published 2020-21
    price and the Homecare Association's minimum price for ``minimum_year``
    (by default the 2020-21 year the calculator's defaults stand for)."""
    base = base or Assumptions()
    default_on = base.holiday_rate + base.sickness_rate + base.training_rate
    if inputs.on_cost_rate < 0:
        raise HomecareInputError(f"on_cost_rate must not be negative, got {inputs.on_cost_rate:g}")
    scale = inputs.on_cost_rate / default_on if default_on else 0.0
    a = replace(base, pay_rate=inputs.pay_rate, visit_minutes=inputs.visit_minutes, mileage_rate=inputs.mileage_rate,
                holiday_rate=base.holiday_rate * scale, sickness_rate=base.sickness_rate * scale,
                training_rate=base.training_rate * scale, overhead_rate=inputs.overhead_rate,
                surplus_rate=inputs.surplus_rate).check()
    for name in list(inputs.travel_minutes) + list(inputs.miles):
        check_band(name)
    hca = minimum_price_for(minimum, inputs.minimum_year) if minimum is not None else float("nan")
    rows = []
    for r in calibration.itertuples():
        band = Band(r.band, float(inputs.travel_minutes.get(r.band, r.travel_minutes)),
                    float(inputs.miles.get(r.band, r.miles))).check()
        rows.append({"band": r.band, "travel_minutes": band.travel_minutes, "miles": band.miles,
                     "price_gbp": price_pence(band, a), "published_2020_21_gbp": r.published_gbp,
                     "hca_minimum_gbp": hca, "hca_year": inputs.minimum_year if minimum is not None else ""})
    return pd.DataFrame(rows)


def minimum_price_for(minimum: pd.DataFrame, year: str) -> float:
    """The Homecare Association's total minimum price for a financial year."""
    totals = minimum[minimum["component"] == "total"].set_index("financial_year")["value"]
    if year not in totals.index:
        raise HomecareInputError(f"no Homecare Association minimum price for {year}; published for: "
                                 + ", ".join(sorted(totals.index)))
    return float(totals[year])


def calculator_summary(table: pd.DataFrame) -> str:
    """One line of text a person (or a browser test) reads: the urban price first."""
    parts = [f"{r.band.capitalize()}: £{r.price_gbp:.2f}" for r in table.itertuples()]
    return " | ".join(parts)


# --- views for the notebook (selection and reshaping only) ------------------------------

def zone_table(zones: pd.DataFrame) -> pd.DataFrame:
    """One row per zone: its type and the towns the paper names in it."""
    rows = []
    for zone, grp in zones.groupby("zone", sort=False):
        towns = grp[grp["item"] == "town"]["value"].tolist()
        rows.append({"zone_type": grp["zone_type"].iloc[0], "zone": zone, "towns": ", ".join(towns),
                     "lines": ";".join(dict.fromkeys(grp["lines"]))})
    return pd.DataFrame(rows)


def build_up_wide(bands: list[Band], assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Components (rows, in model order) x bands (columns), £ per contact hour."""
    long = build_up_table(bands, assumptions)
    wide = long.pivot(index="component", columns="band", values="gbp")
    return wide.loc[list(COMPONENTS), [b.name for b in bands]]


def years_up_to(frame: pd.DataFrame, last_year: str, column: str = "financial_year", strict: bool = True) -> pd.DataFrame:
    """Rows whose financial year is no later than ``last_year`` ("2026-27").
    With ``strict``, the table must reach ``last_year``."""
    if strict and (frame.empty or last_year > frame[column].max()):
        raise HomecareInputError(f"no rows for {last_year}; the table runs to {frame[column].max()}")
    return frame[frame[column] <= last_year].reset_index(drop=True)


def uprated_wide(uprated: pd.DataFrame) -> pd.DataFrame:
    """Uprated prices with one row per wage measure and year, one column per band."""
    wide = uprated.pivot_table(index=["wage_measure", "financial_year", "pay_rate"], columns="band",
                               values="price_gbp").reset_index()
    wide.columns.name = None
    return wide[["wage_measure", "financial_year", "pay_rate", *BANDS]]


def known_at(frame: pd.DataFrame, meeting_date: str) -> pd.DataFrame:
    """Rows whose source paper was published at or before the meeting."""
    keep = frame["source"].map(lambda s: sources.SOURCES.get(s, "9999-12-31") <= str(meeting_date))
    return frame[keep].reset_index(drop=True)


def budget_across_editions(lines: pd.DataFrame, meeting_date: str) -> pd.DataFrame:
    """The Home Care net budget in each MTFS edition up to the meeting."""
    sel = known_at(lines, meeting_date)
    sel = sel[sel["column"].isin(["previous_net", "net"])]
    out = sel.pivot(index="edition", columns="column", values="value").reset_index()
    out = out.rename(columns={"previous_net": "previous_year_net_gbp", "net": "budget_year_net_gbp"})
    return out[["edition", "previous_year_net_gbp", "budget_year_net_gbp"]]


def gantt_rows(tl: pd.DataFrame, months_before: int = 18, months_after: int = 3) -> pd.DataFrame:
    """The rows of a timeline worth a Gantt chart: every milestone, and the
    events from ``months_before`` the first milestone to ``months_after`` the last."""
    ms = tl[tl["kind"] == "milestone"]
    if ms.empty:
        return tl
    lo = ms["start"].min() - pd.DateOffset(months=months_before)
    hi = ms["end"].max() + pd.DateOffset(months=months_after)
    keep = (tl["kind"] == "milestone") | ((tl["start"] >= lo) & (tl["end"] <= hi))
    return tl[keep].reset_index(drop=True)


def overhead_sensitivity(published: pd.DataFrame, band_table: pd.DataFrame, rates=(0.10, 0.15, 0.20, 0.25, 0.30),
                         assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Fitted travel minutes per band for several overhead rates: the four
    prices fix the steps between bands, not the split between overheads and
    urban travel."""
    a = assumptions or Assumptions()
    rows = []
    for rate in rates:
        cal = calibrate(published, band_table, replace(a, overhead_rate=rate))
        rows.append({"overhead_rate": rate, **{f"{r.band}_travel_minutes": r.travel_minutes for r in cal.itertuples()},
                     "all_exact": bool(cal["exact"].all())})
    return pd.DataFrame(rows)
