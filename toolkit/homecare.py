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
PAPER_2021 = "001_6c1a5cf086dcc65a.txt"
PAPER_2026 = "004_d7bc47fa68b1d77f.txt"


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
            if not isinstance(value, (int, float)) or math.isnan(value):
                raise HomecareInputError(f"{f.name} must be a number, got {value!r}")
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
            if not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
                raise HomecareInputError(f"{name} for band {self.name!r} must be a number >= 0, got {value!r}")
        return self


#: Assumed average driving speed between visits, by band (mph): slow urban
#: streets and parking, faster rural roads.  Miles per visit = travel minutes
#: x speed / 60.  A judgement, stated so anyone can change it.
BAND_SPEED_MPH = {"urban": 15.0, "fringe": 20.0, "rural": 25.0, "isolated": 30.0}

#: What we judge a plausible travel time per visit (minutes) in each band.
#: Anchor: the UKHCA 2020-21 minimum price pays travel time at 19.5% of
#: contact time (£1.70 / £8.72), about 6 minutes per 30-minute visit, as a
#: national average of mostly urban work; isolated visits (farms and hamlets,
#: the Rural Free Zone) commonly take 12 minutes or more to reach.
PLAUSIBLE_TRAVEL_MINUTES = {"urban": (3.0, 10.0), "fringe": (5.0, 14.0), "rural": (8.0, 22.0), "isolated": (12.0, 35.0)}


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


def band_from_minutes(name: str, travel_minutes: float, speed_mph: float | None = None) -> Band:
    """A band whose miles per visit follow from its travel minutes and speed
    (miles rounded to 0.001, as the parameter table shows them)."""
    check_band(name)
    speed = BAND_SPEED_MPH[name] if speed_mph is None else speed_mph
    return Band(name, travel_minutes, round(travel_minutes * speed / 60.0, 3))


# --- calibration ------------------------------------------------------------------

def _solve(name: str, target: float, a: Assumptions) -> float:
    """Continuous travel minutes giving the target price (bisection)."""
    lo, hi = 0.0, 240.0
    f = lambda t: price(Band(name, t, t * BAND_SPEED_MPH[name] / 60.0), a) - target  # noqa: E731
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


def calibrate(published: pd.DataFrame, assumptions: Assumptions | None = None, step: float = 0.01) -> pd.DataFrame:
    """Fit travel minutes per band so the modelled price equals the published
    price to the penny.

    ``published``: one row per band with ``band`` and ``published_gbp``.
    Travel minutes are searched on a grid of ``step`` minutes around the exact
    solution; the fitted value is the grid point nearest to it whose price
    rounds to the published penny.  A band with no such point keeps the
    nearest grid value and ``exact`` is false.
    """
    a = (assumptions or Assumptions()).check()
    rows = []
    for rec in published.itertuples():
        name = check_band(rec.band)
        target = float(rec.published_gbp)
        exact_t = _solve(name, target, a)
        best, exact = None, False
        if not math.isnan(exact_t):
            centre = round(exact_t / step)
            candidates = sorted(range(centre - 40, centre + 41), key=lambda k: abs(k * step - exact_t))
            for k in candidates:
                if k < 0:
                    continue
                band = band_from_minutes(name, round(k * step, 6))
                if price_pence(band, a) == target:
                    best, exact = band, True
                    break
            if best is None:
                best = band_from_minutes(name, round(centre * step, 6))
        else:
            best = band_from_minutes(name, 0.0)
        lo, hi = PLAUSIBLE_TRAVEL_MINUTES[name]
        rows.append({
            "band": name,
            "published_gbp": target,
            "modelled_gbp": price_pence(best, a),
            "difference_gbp": round(price_pence(best, a) - target, 2),
            "exact": exact,
            "travel_minutes": best.travel_minutes,
            "miles": best.miles,
            "speed_mph": BAND_SPEED_MPH[name],
            "travel_minutes_per_contact_hour": round(travel_minutes_per_contact_hour(a.visit_minutes, best.travel_minutes), 2),
            "plausible_min": lo,
            "plausible_max": hi,
            "plausible": lo <= best.travel_minutes <= hi,
        })
    return pd.DataFrame(rows)


def published_band_prices(prices: pd.DataFrame, year: str = "2020-21") -> pd.DataFrame:
    """The four published band prices as ``band, published_gbp`` in band order."""
    sel = prices[(prices["year"] == year) & prices["measure"].isin(BANDS)]
    absent = [b for b in BANDS if b not in set(sel["measure"])]
    if absent:
        raise HomecareInputError(f"no published {year} price for band(s) {', '.join(absent)}; "
                                 f"every band ({', '.join(BANDS)}) needs one")
    out = sel[["measure", "value"]].rename(columns={"measure": "band", "value": "published_gbp"})
    out["band"] = pd.Categorical(out["band"], BANDS, ordered=True)
    out = out.sort_values("band").reset_index(drop=True)
    out["band"] = out["band"].astype(str)
    return out


def calibrated_prices(data_dir: str | Path | None = None, assumptions: Assumptions | None = None) -> pd.DataFrame:
    """One row per band (urban, fringe, rural, isolated) with ``published_gbp``
    and ``modelled_gbp``, and the fitted travel minutes and miles per visit."""
    return calibrate(published_band_prices(load_prices(data_dir)), assumptions)


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
        band = band_from_minutes(r.band, float(round(r.travel_minutes)))
        modelled = price_pence(band, assumptions)
        rows.append({"band": r.band, "travel_minutes": band.travel_minutes, "miles": band.miles,
                     "published_gbp": r.published_gbp, "modelled_gbp": modelled,
                     "difference_gbp": round(modelled - r.published_gbp, 2)})
    return pd.DataFrame(rows)


# --- uprating and the Homecare Association comparator ---------------------------------

def uprate(bands: list[Band], wage_rates: pd.DataFrame, assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Reprice every band at each published wage rate (Real and National Living
    Wage by financial year), all other assumptions held at their 2020-21 values.

    Returns ``financial_year, wage_measure, pay_rate, band, price_gbp``.
    """
    a = (assumptions or Assumptions()).check()
    rows = []
    for rec in wage_rates.sort_values(["measure", "financial_year"]).itertuples():
        if rec.value < 0:
            raise HomecareInputError(f"pay rate for {rec.financial_year} {rec.measure} must not be negative, got {rec.value:g}")
        at = replace(a, pay_rate=float(rec.value))
        for band in bands:
            rows.append({"financial_year": rec.financial_year, "wage_measure": rec.measure,
                         "pay_rate": float(rec.value), "band": band.name, "price_gbp": price_pence(band, at)})
    return pd.DataFrame(rows)


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
    """One row per milestone or event of a programme: ``seq, kind, event,
    start, end, precision`` in the order printed.  A month-precision date is
    the whole month (start: first day, end: last day)."""
    sel = dates[dates["programme"] == programme]
    if sel.empty:
        raise HomecareInputError(f"no dates for programme {programme!r}")
    rows = []
    for (kind, seq, event), grp in sel.groupby(["kind", "seq", "event"], sort=False):
        by = {r.bound: (pd.Timestamp(r.value), r.precision) for r in grp.itertuples()}
        start, start_prec = by.get("start", by.get("on", by.get("end")))
        end, end_prec = by.get("end", by.get("on", by.get("start")))
        rows.append({"seq": int(seq), "kind": kind, "event": event, "start": start, "end": _period_end(end, end_prec),
                     "precision": "/".join(dict.fromkeys([start_prec, end_prec]))})
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


def slippage(milestones: pd.DataFrame, months: int = 12) -> pd.DataFrame:
    """Each revised milestone beside the original plan it replaced.

    The 2021 paper prints only the revised timeline and says the whole
    timeline was pushed back by ``months``; the original date of each
    milestone is therefore the revised date less that many calendar months,
    and the slippage is the difference in days.
    """
    if months < 0:
        raise HomecareInputError(f"months must not be negative, got {months}")
    check_order(milestones)
    out = milestones[["seq", "event", "start", "end", "precision"]].copy()
    out["original_start"] = out["start"] - pd.DateOffset(months=months)
    out["original_end"] = out["end"] - pd.DateOffset(months=months)
    out["slippage_days"] = (out["start"] - out["original_start"]).dt.days
    return out


# --- loaders -------------------------------------------------------------------------

def _dates_in_order(frame: pd.DataFrame, path: Path) -> None:
    problems = []
    for (prog, kind, seq), grp in frame.groupby(["programme", "kind", "seq"]):
        starts = grp[grp["bound"] == "start"]
        ends = grp[grp["bound"] == "end"]
        if len(starts) and len(ends) and ends["value"].iloc[0] < starts["value"].iloc[0]:
            row = int(ends.index[0])
            problems.append(Problem(column="value", row=row,
                                    expected=f"an end on or after the start {starts['value'].iloc[0].date()} (row {int(starts.index[0])})",
                                    found=str(ends["value"].iloc[0].date())))
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
        Column("zone_type", choices=ZONE_TYPES), Column("zone"), Column("item", choices=("zone", "town")),
    ], unique=["zone", "item", "value"], data_dir=data_dir, value_kind="str")


def load_zone_types(data_dir=None) -> pd.DataFrame:
    return sources.load_published("homecare_zone_types", [Column("zone_type", choices=ZONE_TYPES + ("all",))],
                                  unique=["zone_type"], data_dir=data_dir)


def load_dates(data_dir=None) -> pd.DataFrame:
    path = sources.published_path("homecare_dates", data_dir)
    frame = sources.load_published("homecare_dates", [
        Column("programme", choices=("home_care", "dementia")), Column("kind", choices=("milestone", "event")),
        Column("seq", "int", min=1), Column("event"), Column("bound", choices=("on", "start", "end")),
        Column("precision", choices=("day", "month", "season", "year")),
    ], unique=["programme", "kind", "seq", "bound"], data_dir=data_dir, value_kind="date")
    _dates_in_order(frame, path)
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
        Column("item"), Column("presentation", choices=("text", "table")), Column("year"),
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


def _date_row(dates: pd.DataFrame, programme: str, seq: int, bound: str | None = None, kind: str = "milestone"):
    sel = dates[(dates["programme"] == programme) & (dates["seq"] == seq) & (dates["kind"] == kind)]
    if bound:
        sel = sel[sel["bound"] == bound]
    return sel.iloc[0]


def zone_checks(zones: pd.DataFrame, types: pd.DataFrame) -> list[dict]:
    rows = []
    listed = zones[zones["item"] == "zone"].groupby("zone_type")["zone"].nunique()
    for t in types.itertuples():
        if t.zone_type == "all":
            continue
        rows.append(_finding("zones_listed_per_type", f"{t.zone_type}: zones listed = zones stated ({t.printed})",
                             t.value, int(listed.get(t.zone_type, 0)), t.source, t.lines, unit="count"))
    total = types[types["zone_type"] == "all"].iloc[0]
    parts = types[types["zone_type"] != "all"]["value"].sum()
    rows.append(_finding("zones_total", "zones by type add up to the total of 14", total.value, parts,
                         total.source, total.lines, unit="count"))
    rows.append(_finding("zones_total_listed", "zones listed add up to the total of 14", total.value,
                         int(zones[zones["item"] == "zone"]["zone"].nunique()), total.source, total.lines, unit="count"))
    rows.append(_judgement("zone_band_mapping", "each zone's price band(s) are published", "not published",
                           "four bands, fourteen zones", PAPER_2021, "2386-2401", "missing",
                           detail="The paper gives zones by type and prices by band but not which band applies "
                                  "where; the model prices bands, not zones."))
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
                         0, int((steps <= 0).sum()), PAPER_2021, "2395-2401", tolerance=0.0, unit="count",
                         detail="steps: " + ", ".join(f"£{s:.2f}" for s in steps)))
    for r in calibration.itertuples():
        line = ordered.loc[r.band, "lines"]
        rows.append(_finding("model_reproduces_price", f"{r.band}: modelled price to the penny (travel {r.travel_minutes:.2f} min, "
                             f"{r.miles:.2f} miles per visit)", r.published_gbp, r.modelled_gbp, PAPER_2021, line,
                             tolerance=0.0, unit="gbp"))
        kind = "ok" if r.plausible else "review"
        rows.append(_finding("fitted_travel_plausible", f"{r.band}: fitted travel minutes per visit within the plausible "
                             f"range {r.plausible_min:g}-{r.plausible_max:g}", r.plausible_min if r.travel_minutes < r.plausible_min else r.plausible_max if r.travel_minutes > r.plausible_max else r.travel_minutes,
                             r.travel_minutes, PAPER_2021, line, kind=kind, unit="minutes",
                             detail=(f"The published {r.band} price at £{assumptions.pay_rate:.2f} and "
                                     f"{assumptions.visit_minutes:g}-minute visits leaves {r.travel_minutes:.2f} minutes "
                                     f"({r.miles:.2f} miles at {r.speed_mph:g} mph) per visit for travel.")))
    hca = minimum[(minimum["financial_year"] == "2020-21") & (minimum["component"] == "total")]
    if len(hca):
        m = float(hca["value"].iloc[0])
        for band in BANDS:
            p = float(ordered.loc[band, "value"])
            rows.append(_finding("price_vs_hca_minimum", f"{band} 2020-21 price at or above the UKHCA minimum price "
                                 f"(£{m:.2f}, National Living Wage basis)", p, m, PAPER_2021, ordered.loc[band, "lines"],
                                 kind="ok" if p >= m else "review", unit="gbp",
                                 detail="" if p >= m else "The council's price assumes the higher Real Living Wage "
                                 "yet is below the UKHCA minimum built on the National Living Wage: it allows less "
                                 "for travel, on-costs or running the business."))
    return rows


def timeline_checks(dates: pd.DataFrame, terms: pd.DataFrame) -> list[dict]:
    rows = []
    hc = "home_care"
    itt_pub = _date_row(dates, hc, 10)
    itt_close = _date_row(dates, hc, 13)
    ev_start = _date_row(dates, hc, 14, "start")
    ev_end = _date_row(dates, hc, 14, "end")
    award = _date_row(dates, hc, 16)
    mob = _date_row(dates, hc, 17)
    trans = _date_row(dates, hc, 20)
    stab = _date_row(dates, hc, 21)
    gap = (ev_start.value - itt_close.value).days
    rows.append(_finding("evaluation_after_tender_closes",
                         "the evaluation period starts on or after the ITT closes (days from ITT close to evaluation start >= 0)",
                         gap, max(gap, 0), ev_start.source, f"{itt_close.lines};{ev_start.lines}",
                         tolerance=0.0, unit="days",
                         detail=f"Evaluation starts {ev_start.value.date()} ({ev_start.value:%A}), "
                                f"{-gap} days before the ITT closes on {itt_close.value.date()}; it is also listed after it."))
    for name, first, second, why in (
        ("tender_open_before_close", itt_pub, itt_close, "the ITT is published before it closes"),
        ("award_after_evaluation", ev_end, award, "the award follows the end of evaluation"),
        ("mobilisation_after_award", award, mob, "provider mobilisation starts on or after the award"),
        ("stabilisation_after_transition", trans, stab, "stabilisation starts on or after transition is complete"),
    ):
        gap = (second.value - first.value).days
        rows.append(_finding(name, f"{why} (days between >= 0)", gap, max(gap, 0), second.source,
                             f"{first.lines};{second.lines}", tolerance=0.0, unit="days"))
    contract_end = _date_row(dates, hc, 115, kind="event")
    rows.append(_finding("transition_by_contract_end", "transition completes by the end of the current contract "
                         "(days to spare >= 0)", (contract_end.value - trans.value).days,
                         max((contract_end.value - trans.value).days, 0), contract_end.source,
                         f"{trans.lines};{contract_end.lines}", tolerance=0.0, unit="days"))
    # The original plan and the 12-month deferral.
    original = _date_row(dates, hc, 111, kind="event")
    deferral = terms[terms["term"] == "timeline_pushed_back_months"].iloc[0]
    months = (trans.value.year - original.value.year) * 12 + (trans.value.month - original.value.month)
    rows.append(_finding("deferral_matches_timeline", "months from the original completion (November 2020) to the "
                         "revised transition complete = the stated deferral", deferral.value, months,
                         deferral.source, f"{deferral.lines};{original.lines};{trans.lines}", tolerance=0.0, unit="months"))
    # Spring 2021 (paragraph 17) against February 2021 (paragraph 36 and the ITT date).
    spring = _date_row(dates, hc, 113, kind="event")
    feb = _date_row(dates, hc, 114, kind="event")
    rows.append(_judgement("procurement_start_consistent", "the start of procurement is stated consistently",
                           spring.printed, f"{feb.printed}; ITT published {itt_pub.value.date()}",
                           spring.source, f"{spring.lines};{feb.lines};{itt_pub.lines}", "review",
                           detail="Paragraph 17 projects the start in Spring 2021; paragraph 36 and the milestones put "
                                  "it in February 2021, before spring (1 March)."))
    # Milestones printed in date order.
    ms = dates[(dates["programme"] == hc) & (dates["kind"] == "milestone") & (dates["bound"] != "end")].sort_values("seq")
    out_of_order = [(a, b) for a, b in zip(ms.itertuples(), ms.iloc[1:].itertuples()) if b.value < a.value]
    rows.append(_finding("milestones_in_date_order", "milestones are listed in date order (pairs out of order)", 0,
                         len(out_of_order), PAPER_2021, "2595-2651", tolerance=0.0, unit="count",
                         detail="; ".join(f"'{b.event}' {b.value.date()} listed after '{a.event}' {a.value.date()}"
                                          for a, b in out_of_order)))
    rows += working_day_checks(dates[(dates["programme"] == hc) & (dates["kind"] == "milestone")])
    # The 2026 pack: the framework let in 2021 is replaced in 2026.
    replaced = _date_row(dates, hc, 117, kind="event")
    years = terms[terms["term"].str.startswith("contract_") & terms["term"].str.endswith("_years")]["value"].sum()
    latest_end = trans.value + pd.DateOffset(years=int(years))
    rows.append(_finding("framework_replacement_within_term", "the framework's replacement year (2026 pack) = the last "
                         "year of the 3+1+1 term counted from transition complete", replaced.value.year, latest_end.year,
                         replaced.source, replaced.lines, tolerance=0.0, unit="years",
                         detail=f"{trans.value.date()} + {int(years)} years = {latest_end.date()}"))
    return rows


def working_day_checks(milestones: pd.DataFrame) -> list[dict]:
    """Day-precision milestones that fall on a weekend or an England bank holiday."""
    import holidays

    years = sorted({d.year for d in milestones["value"]})
    bank = holidays.country_holidays("GB", subdiv="ENG", years=years)
    rows = []
    for r in milestones[milestones["precision"] == "day"].itertuples():
        day = r.value.date()
        why = bank.get(day) or ("a " + r.value.strftime("%A") if r.value.weekday() >= 5 else None)
        if why:
            detail = "A milestone on a non-working day is either a typing error or needs saying."
            if r.event == "Gateway Review" and day.day <= 3:
                detail += (f" '{r.printed}' may also be read as Gateway Review {day.day} in "
                           f"{r.value:%B %Y}, with no day given.")
            rows.append(_judgement("milestone_on_working_day", f"'{r.event}' falls on a working day", str(day), why,
                                   r.source, r.lines, "review", detail=detail))
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
    rows = []
    text = savings[savings["presentation"] == "text"]
    table = savings[savings["presentation"] == "table"].set_index("year")
    for r in text.itertuples():
        if r.year not in table.index:
            continue
        t = table.loc[r.year]
        computed = float(t["value"]) / 1000.0
        rounded = reconcile.round_half_away(computed, reconcile.decimals_of(r.printed))
        kind = "ok" if abs(computed - r.value) < 1e-9 else "rounding" if abs(rounded - r.value) < 1e-9 else "mismatch"
        rows.append(_finding("reprocurement_saving_text_vs_table", f"AC15 {r.year}: the text's saving = Appendix B "
                             f"(£{abs(t['value']):,.0f}k)", r.value, computed, r.source, f"{r.lines};{t['lines']}",
                             kind=kind, unit="gbp_millions",
                             detail="" if kind != "mismatch" else f"£{abs(computed):.2f}m rounds half away to "
                             f"£{abs(rounded):.1f}m; the text's £{abs(r.value):.1f}m truncates it."))
    return rows


def dementia_checks(figures: pd.DataFrame, dates: pd.DataFrame) -> list[dict]:
    rows = []
    f = figures.set_index("measure")
    rate, undiagnosed, people = f.loc["diagnosis_rate"], f.loc["people_without_formal_diagnosis"], f.loc["people_living_with_dementia"]
    implied = round(undiagnosed["value"] / (1 - rate["value"] / 100.0))
    rows.append(_finding("dementia_prevalence_consistent", "people with dementia implied by 4,000 undiagnosed at a 61% "
                         "diagnosis rate is 'over 10,000'", people["value"], implied, people["source"],
                         f"{people['lines']};{rate['lines']}", kind="ok" if implied >= people["value"] else "mismatch",
                         unit="count", detail=f"4,000 / (1 - 0.61) = {implied:,}; a rate 'just over' 61% implies a "
                         "little more."))
    target = f.loc["national_diagnosis_target"]
    rows.append(_finding("dementia_rate_below_target", "the diagnosis rate is below the national target, as the "
                         "paper says (gap in points)", rate["value"], target["value"], rate["source"], rate["lines"],
                         kind="ok" if rate["value"] < target["value"] else "mismatch", unit="percent"))
    dm = "dementia"
    ends = dates[(dates["programme"] == dm) & dates["seq"].isin([202, 203, 204])]
    rows.append(_finding("dementia_contract_end_consistent", "the current contract end date is the same in "
                         "paragraphs 3, 8 and 27 (distinct dates)", 1, ends["value"].nunique(), PAPER_2026,
                         ";".join(ends["lines"]), tolerance=0.0, unit="count"))
    end = _date_row(dates, dm, 204, kind="event")
    start = _date_row(dates, dm, 207, kind="event")
    rows.append(_finding("dementia_seamless_transition", "the new arrangement starts the day after the current "
                         "contract ends (days)", 1, (start.value - end.value).days, start.source,
                         f"{end.lines};{start.lines}", tolerance=0.0, unit="days"))
    ms = timeline(dates, dm)
    ms = ms[ms["kind"] == "milestone"].reset_index(drop=True)
    bad = [f"'{b.event}' ({b.start:%B %Y}) before '{a.event}' ({a.start:%B %Y})"
           for a, b in zip(ms.itertuples(), ms.iloc[1:].itertuples()) if b.start < a.start]
    rows.append(_finding("dementia_milestones_in_order", "procurement key dates are in order (pairs out of order)", 0,
                         len(bad), PAPER_2026, "946-950", tolerance=0.0, unit="count", detail="; ".join(bad)))
    commence = ms[ms["event"] == "Contract Commencement Date"].iloc[0]
    same = commence["start"].to_period("M") == start.value.to_period("M")
    rows.append(_judgement("dementia_commencement_matches", "the contract commencement month is the month of the new "
                           "arrangement", f"{commence['start']:%B %Y}", f"{start.value.date()}", PAPER_2026, f"944;950",
                           "ok" if same else "mismatch"))
    mob = ms[ms["event"] == "Provider Mobilisation"].iloc[0]
    rows.append(_finding("dementia_mobilisation_before_commencement", "the contract commences the day after "
                         "mobilisation ends (days from the end of September to the start of October)", 1,
                         (commence["start"] - mob["end"]).days, PAPER_2026, "949-950", tolerance=0.0, unit="days"))
    eia = _date_row(dates, dm, 206, kind="event")
    advert = ms.iloc[0]
    rows.append(_judgement("dementia_eia_before_advert", "the completed EIA goes to Cabinet before the advert",
                           f"{eia.value:%B %Y}", f"advert {advert['start']:%B %Y}", PAPER_2026, f"{eia.lines};946",
                           "ok" if eia.value < advert["start"] else "review"))
    return rows


def findings(data_dir=None) -> pd.DataFrame:
    """Every home-care and dementia check, including ``ok`` rows."""
    assumptions = Assumptions()
    prices = load_prices(data_dir)
    calibration = calibrate(published_band_prices(prices), assumptions)
    dates = load_dates(data_dir)
    rows = []
    rows += zone_checks(load_zones(data_dir), load_zone_types(data_dir))
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


def calculator(inputs: CalculatorInputs, calibration: pd.DataFrame, minimum: pd.DataFrame | None = None,
               base: Assumptions | None = None) -> pd.DataFrame:
    """Price per band for the calculator's inputs, beside the published 2020-21
    price and the Homecare Association's latest minimum price."""
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
    latest = None
    if minimum is not None and len(minimum):
        tot = minimum[minimum["component"] == "total"].sort_values("financial_year")
        latest = tot.iloc[-1]
    rows = []
    for r in calibration.itertuples():
        band = Band(r.band, float(inputs.travel_minutes.get(r.band, r.travel_minutes)),
                    float(inputs.miles.get(r.band, r.miles))).check()
        rows.append({"band": r.band, "travel_minutes": band.travel_minutes, "miles": band.miles,
                     "price_gbp": price_pence(band, a), "published_2020_21_gbp": r.published_gbp,
                     "hca_minimum_gbp": float(latest["value"]) if latest is not None else float("nan"),
                     "hca_year": latest["financial_year"] if latest is not None else ""})
    return pd.DataFrame(rows)


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


def overhead_sensitivity(published: pd.DataFrame, rates=(0.10, 0.15, 0.20, 0.25, 0.30),
                         assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Fitted travel minutes per band for several overhead rates: the four
    prices fix the steps between bands, not the split between overheads and
    urban travel."""
    a = assumptions or Assumptions()
    rows = []
    for rate in rates:
        cal = calibrate(published, replace(a, overhead_rate=rate))
        rows.append({"overhead_rate": rate, **{f"{r.band}_travel_minutes": r.travel_minutes for r in cal.itertuples()},
                     "all_exact": bool(cal["exact"].all())})
    return pd.DataFrame(rows)
