"""Communities & Wellbeing reports of the 22 January 2024 pack
(``003_6b8cfb4131de48e1.txt``): Creative Learning Services (CLS), the future
of the Transitions Learning Programme (TLP) and Community Managed Libraries
(CMLs).

Loaders read ``data/published/communities_*.csv``; calculations are pure
functions on the frames; :func:`findings` runs every check.  Income is
negative (the CLS income target, the TLP income at capacity); costs,
deficits, grants and rates are positive.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import reconcile
from .sources import Column, load_published

DOMAIN = "communities"
SOURCE = "003_6b8cfb4131de48e1.txt"


# --- loaders ------------------------------------------------------------------

def _measures(name: str, data_dir, extra=()) -> pd.DataFrame:
    return load_published(name, [Column("measure"), *extra, Column("period")],
                          unique=["measure", "period", "lines"], data_dir=data_dir, value_kind="str")


def load_cls(data_dir=None) -> pd.DataFrame:
    return _measures("communities_cls", data_dir)


def load_tlp(data_dir=None) -> pd.DataFrame:
    return _measures("communities_tlp", data_dir)


def load_libraries(data_dir=None) -> pd.DataFrame:
    return load_published("communities_libraries", [
        Column("measure"), Column("library", nullable=True), Column("period"),
    ], unique=["measure", "library", "period"], data_dir=data_dir, value_kind="str")


def load_dates(data_dir=None) -> pd.DataFrame:
    return load_published("communities_dates", [
        Column("report", choices=("cls", "tlp", "libraries")), Column("event"),
        Column("precision", choices=("day", "month")),
    ], unique=["report", "event"], data_dir=data_dir, value_kind="date")


def load_library_list(data_dir=None) -> pd.DataFrame:
    return load_published("communities_library_list", [Column("library")], unique=["library"],
                          data_dir=data_dir, value_kind="str")


def load_crossref(data_dir=None) -> pd.DataFrame:
    return load_published("communities_crossref", [
        Column("table", choices=("appendix_a", "savings", "dashboard")), Column("item"), Column("column"),
    ], unique=["table", "item", "column"], data_dir=data_dir)


def load_all(data_dir=None) -> dict[str, pd.DataFrame]:
    return {
        "cls": load_cls(data_dir), "tlp": load_tlp(data_dir), "libraries": load_libraries(data_dir),
        "dates": load_dates(data_dir), "library_list": load_library_list(data_dir),
        "crossref": load_crossref(data_dir),
    }


# --- helpers ------------------------------------------------------------------

def _get(frame: pd.DataFrame, measure: str, **keys) -> pd.Series:
    sel = frame[frame["measure"] == measure]
    for key, value in keys.items():
        sel = sel[sel[key] == value]
    if sel.empty:
        raise KeyError(f"no {measure!r} with {keys}")
    return sel.iloc[0]


def _num(frame: pd.DataFrame, measure: str, **keys) -> float:
    return float(_get(frame, measure, **keys)["value"])


def _xref(crossref: pd.DataFrame, item: str, column: str) -> pd.Series:
    sel = crossref[(crossref["item"] == item) & (crossref["column"] == column)]
    if sel.empty:
        raise KeyError(f"communities_crossref: no {item!r} / {column!r}")
    return sel.iloc[0]


def _round(value, ndigits: int = 0) -> float:
    return reconcile.round_half_away(float(value), ndigits)


def _date(dates: pd.DataFrame, event: str) -> pd.Series:
    sel = dates[dates["event"] == event]
    if sel.empty:
        raise KeyError(f"communities_dates: no event {event!r}")
    return sel.iloc[0]


def weeks_between(start, end) -> float:
    """Whole and part weeks from one date to another."""
    return (pd.Timestamp(end) - pd.Timestamp(start)).days / 7


# --- calculations -------------------------------------------------------------

def cls_summary(cls: pd.DataFrame) -> pd.DataFrame:
    """Figures derived from the Creative Learning Services report."""
    subs, payg, schools = _num(cls, "subscribing_schools"), _num(cls, "payg_customers"), _num(cls, "schools_total")
    target_now = -_num(cls, "income_target", period="2023/24")
    target_next = -_num(cls, "income_target", period="2024/25")
    net = _num(cls, "net_budget")
    hours = [m for m in cls["measure"] if m.endswith("_hours")]
    rows = [
        ("schools subscribing or buying PAYG", subs + payg, "count"),
        ("share of all schools (%)", _round(100 * (subs + payg) / schools, 1), "percent"),
        ("income target rise 2023/24 to 2024/25 (£)", target_next - target_now, "gbp"),
        ("income target rise (%)", _round(100 * (target_next / target_now - 1), 1), "percent"),
        ("gross spending implied by net budget plus income target (£)", net + target_now, "gbp"),
        ("hours of workshops, advice and CPD delivered 2022/23", sum(_num(cls, m) for m in hours), "hours"),
        ("attendances to November 2022 implied by 9,433 and +38%",
         _round(_num(cls, "attendances_to_november") / (1 + _num(cls, "attendances_increase_on_previous_ytd") / 100)), "count"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


def cls_outputs(cls: pd.DataFrame) -> pd.DataFrame:
    """The 2022/23 outputs list (paragraph 18)."""
    names = ["books_into_schools", "project_collections", "pupil_workshop_hours", "museum_workshop_hours",
             "library_advice_hours", "professional_development_hours", "artefacts", "artworks_into_schools"]
    sel = cls[cls["measure"].isin(names)].copy()
    sel["value"] = sel["value"].astype(float)
    return sel[["measure", "value", "unit", "lines"]].reset_index(drop=True)


def tlp_finance(tlp: pd.DataFrame) -> pd.DataFrame:
    """The Transitions Learning Programme's money, hours and capacity."""
    capacity = _num(tlp, "capacity")
    income = -_num(tlp, "income_at_capacity")
    gap = _num(tlp, "additional_funding_needed")
    cost = income + gap
    per_place = income / capacity
    learning, care = _num(tlp, "learning_hours_per_week"), _num(tlp, "care_hours_per_week")
    current = _num(tlp, "learners_current")
    before, after = _num(tlp, "element3_rate_before"), _num(tlp, "element3_rate_after")
    rows = [
        ("running cost implied: income at capacity + gap (£ a year)", cost, "gbp"),
        ("income per place at capacity (£ a year)", _round(per_place, 2), "gbp"),
        ("cost per place at capacity (£ a year)", _round(cost / capacity, 2), "gbp"),
        ("learners needed to break even at the income per place", _round(cost / per_place, 1), "count"),
        ("Element 2 share of income at capacity (%)", _round(100 * _num(tlp, "element2_rate") * capacity / income, 1), "percent"),
        ("Element 3 hourly rate change (%)", _round(100 * (after / before - 1), 1), "percent"),
        ("hours of support per learner per week (learning + care)", learning + care, "hours"),
        ("learning hours a week at capacity", learning * capacity, "hours"),
        ("learning hours a week with current learners", learning * current, "hours"),
        ("places filled (%)", _round(100 * current / capacity, 1), "percent"),
        ("deficit 2023/24 plus further funding to July 2024 (£)",
         _num(tlp, "deficit_forecast") + _num(tlp, "further_funding_to_academic_year_end"), "gbp"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


def tlp_timetable(dates: pd.DataFrame) -> pd.DataFrame:
    """The TLP decision timetable in date order, with days from the meeting."""
    sel = dates[(dates["report"] == "tlp") & dates["event"].str.startswith("Timetable")].copy()
    sel = sel.sort_values("value")
    sel["weekday"] = sel["value"].dt.day_name()
    return sel[["event", "value", "weekday", "printed", "lines"]].rename(columns={"value": "date"}).reset_index(drop=True)


def libraries_summary(libraries: pd.DataFrame, crossref: pd.DataFrame) -> pd.DataFrame:
    """Figures derived from the Community Managed Libraries report."""
    n = _num(libraries, "libraries_established")
    support = _num(libraries, "direct_staffing_cost") + _num(libraries, "indirect_officer_cost") + _num(libraries, "bookstock")
    pmin, pmax = _num(libraries, "property_cost_min"), _num(libraries, "property_cost_max")
    grants = libraries[libraries["measure"] == "grant"]["value"].astype(float).sum()
    dash = lambda item, col: float(_xref(crossref, item, col)["value"])  # noqa: E731
    physical = dash("Total library loans", "2023/24 to November") - dash("E-loans", "2023/24 to November")
    rows = [
        ("average opening hours per library per week", _round(_num(libraries, "opening_hours_per_week") / n, 2), "hours"),
        ("total issues implied by 305,551 = 22%", _round(_num(libraries, "issues") / 0.22), "count"),
        ("junior issues implied by 180,225 = 23%", _round(_num(libraries, "junior_issues") / 0.23), "count"),
        ("new joiners implied by 7,857 = 2.5%", _round(_num(libraries, "new_joiners") / 0.025), "count"),
        ("book fund implied by £90,000 = 21% (£)", _round(_num(libraries, "bookstock") / 0.21), "gbp"),
        ("support agreements updated (%)", _round(100 * _num(libraries, "support_agreements_updated") / _num(libraries, "support_agreements_total"), 1), "percent"),
        ("support cost a year, low (staff, indirect, stock, property) (£)", support + pmin, "gbp"),
        ("support cost a year, high (£)", support + pmax, "gbp"),
        ("support cost per library a year, low (£)", _round((support + pmin) / n), "gbp"),
        ("support cost per library a year, high (£)", _round((support + pmax) / n), "gbp"),
        ("remaining grants a year (£)", grants, "gbp"),
        ("CML share of physical loans, dashboard April-November 2023 (%)",
         _round(100 * dash("Total community library issues", "2023/24 to November") / physical, 1), "percent"),
        ("CML children's share of junior loans, dashboard April-November 2023 (%)",
         _round(100 * dash("Community library children's issues", "2023/24 to November") / dash("Junior loans", "2023/24 to November"), 1), "percent"),
        ("CML issues change on the year, dashboard (%)",
         _round(100 * (dash("Total community library issues", "2023/24 to November") / dash("Total community library issues", "2022/23 to November") - 1), 1), "percent"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


# --- checks -------------------------------------------------------------------

def _finding(check, description, published, computed, lines, **kw) -> dict:
    return reconcile.finding(DOMAIN, check, description, published, computed, SOURCE, lines, **kw)


def check_cls(cls: pd.DataFrame, crossref: pd.DataFrame) -> list[dict]:
    rows = []
    share = _get(cls, "market_share")
    subs, payg, schools = _num(cls, "subscribing_schools"), _num(cls, "payg_customers"), _num(cls, "schools_total")
    rows.append(_finding("cls_market_share", f"subscribing + PAYG schools as % of all schools ({subs:.0f} + {payg:.0f} of {schools:.0f})",
                         float(share["value"]), round(100 * (subs + payg) / schools, 4), share["lines"], unit="percent",
                         tolerance=0.5 * reconcile.precision_of(share["printed"]),
                         detail="tolerance half a unit: the counts are exact"))
    narrative = _get(cls, "attendances_to_november_narrative")
    above = _num(cls, "attendances_above_milestone_narrative")
    milestone = _xref(crossref, "Attendances at Creative Learning Service workshops", "milestone to November")
    rows.append(_finding("cls_attendances_milestone", "attendances April-November 2023 = dashboard milestone + 2,700 above it",
                         float(narrative["value"]), float(milestone["value"]) + above,
                         f"{narrative['lines']};{milestone['lines']}", unit="count"))
    ytd = _get(cls, "attendances_to_november")
    now = _xref(crossref, "Attendances at Creative Learning Service workshops", "2023/24 to November")
    before = _xref(crossref, "Attendances at Creative Learning Service workshops", "2022/23 to November")
    rows.append(_finding("cls_attendances_to_november", "CLS report's attendances to end of November 2023 = the dashboard's 2023/24 figure",
                         float(ytd["value"]), float(now["value"]), f"{ytd['lines']};{now['lines']}", unit="count",
                         tolerance=50, detail=f"the report's {ytd['printed']} matches the dashboard's 2022/23 column "
                                              f"({before['printed']}) and the performance report gives {narrative['printed']}"))
    rows.append(_finding("cls_attendances_previous_year", "CLS report's 'to November 2023' figure against the dashboard's 2022/23 figure",
                         float(before["value"]), float(ytd["value"]), f"{ytd['lines']};{before['lines']}", unit="count",
                         tolerance=50, detail="within the dashboard's rounding to 0.1k: the report's figure is last year's"))
    rise = _get(cls, "attendances_increase_on_previous_ytd")
    rows.append(_finding("cls_attendances_increase", "38% increase: 13,000 (April-November 2023) on 9,433",
                         float(rise["value"]), round(100 * (float(narrative["value"]) / float(ytd["value"]) - 1), 4),
                         f"{rise['lines']};{narrative['lines']}", unit="percent", tolerance=0.5,
                         detail=f"read as printed (9,433 this year) the previous year would be "
                                f"{float(ytd['value']) / (1 + float(rise['value']) / 100):,.0f}, not the dashboard's {before['printed']}"))
    t_now, t_next = _get(cls, "income_target", period="2023/24"), _get(cls, "income_target", period="2024/25")
    ac20 = _xref(crossref, "AC20 Review charging for Creative Learning Services", "2024_25")
    rows.append(_finding("cls_income_target_vs_mtfs", "rise in the CLS income target 2024/25 = MTFS saving AC20 (£000)",
                         float(ac20["value"]), (float(t_next["value"]) - float(t_now["value"])) / 1000,
                         f"{t_now['lines']};{ac20['lines']}", unit="gbp_thousands"))
    for period in ("2023/24", "2024/25"):
        a, b = _get(cls, "income_target", period=period), _get(cls, "income_target_in_budget", period=period)
        rows.append(_finding("cls_income_target_restated", f"income target {period}: performance paragraph = resources paragraph",
                             float(a["value"]), float(b["value"]), f"{a['lines']};{b['lines']}", unit="gbp"))
    return rows


def check_tlp(tlp: pd.DataFrame, dates: pd.DataFrame) -> list[dict]:
    rows = []
    for a, b, what in (("learning_hours_per_week", "learning_hours_per_week_eia", "learning hours per learner per week"),
                       ("care_hours_per_week", "care_hours_per_week_eia", "care hours per learner per week"),
                       ("learners_current", "learners_current_eia", "learners enrolled"),
                       ("learners_current", "learners_eia_table_total", "learners enrolled (EIA table)"),
                       ("deficit_forecast", "deficit_forecast_restated", "forecast deficit 2023/24"),
                       ("capacity", "capacity_restated", "places at full capacity")):
        x, y = _get(tlp, a), _get(tlp, b)
        rows.append(_finding("tlp_restated", f"{what}: report = restatement", float(x["value"]), float(y["value"]),
                             f"{x['lines']};{y['lines']}", unit=x["unit"]))
    start = _date(dates, "Timetable: consultation start (week commencing)")
    end = _date(dates, "Timetable: consultation end (week commencing)")
    weeks = weeks_between(start["value"], end["value"])
    for _, rec in tlp[tlp["measure"] == "consultation_weeks_stated"].iterrows():
        rows.append(_finding("tlp_consultation_weeks", f"consultation length stated in the {rec['period']} against its dates",
                             float(rec["value"]), weeks, f"{rec['lines']};{start['lines']}-{end['lines']}", unit="weeks",
                             tolerance=0, detail=f"printed '{rec['printed']}'; start w/c {start['value']:%d %B %Y}, "
                                                 f"end w/c {end['value']:%d %B %Y}"))
    for event in ("Timetable: consultation start (week commencing)", "Timetable: consultation end (week commencing)"):
        rec = _date(dates, event)
        rows.append(_finding("tlp_week_commencing", f"{event.split(': ')[1]} falls on a Monday (0 = Monday)",
                             0.0, float(rec["value"].weekday()), rec["lines"], unit="days",
                             tolerance=0, detail=f"{rec['value']:%A %d %B %Y}"))
    timetable = tlp_timetable(dates)
    in_order = bool(timetable["date"].is_monotonic_increasing)
    ordered = dates[(dates["report"] == "tlp") & dates["event"].str.startswith("Timetable")]
    listed = list(ordered["value"])
    rows.append(_finding("tlp_timetable_order", "timetable dates are listed in date order (1 = yes)", 1.0,
                         1.0 if listed == sorted(listed) and in_order else 0.0,
                         f"{ordered['lines'].min()}-{ordered['lines'].max()}", unit="", tolerance=0))
    june = _date(dates, "Report back to Scrutiny and Cabinet (month)")
    for event in ("Timetable: Scrutiny Committee", "Timetable: Cabinet decision"):
        rec = _date(dates, event)
        same = rec["value"].year == june["value"].year and rec["value"].month == june["value"].month
        rows.append(_finding("tlp_report_back", f"{event.split(': ')[1]} falls in the month the report gives ({june['printed']}) (1 = yes)",
                             1.0, 1.0 if same else 0.0, f"{june['lines']};{rec['lines']}", unit="", tolerance=0,
                             detail=f"{rec['value']:%d %B %Y}"))
    review = _date(dates, "Outstanding annual review")
    frm = _date(dates, "EIA action plan: annual reviews from (month)")
    to = _date(dates, "EIA action plan: annual reviews to (month)")
    inside = frm["value"] <= review["value"] <= to["value"] + pd.offsets.MonthEnd(0)
    rows.append(_finding("tlp_annual_reviews", "the outstanding annual review falls within 'Nov 2023 – Jan 2024' (1 = yes)",
                         1.0, 1.0 if inside else 0.0, f"{review['lines']};{frm['lines']}", unit="", tolerance=0,
                         detail=f"{review['value']:%d %B %Y}"))
    return rows


def check_libraries(libraries: pd.DataFrame, library_list: pd.DataFrame, crossref: pd.DataFrame) -> list[dict]:
    rows = []
    n = _get(libraries, "libraries_established")
    rows.append(_finding("cml_count", "libraries in the appendix list = the 35 the report names",
                         float(n["value"]), float(len(library_list)),
                         f"{n['lines']};{library_list['lines'].min()}-{library_list['lines'].max()}", unit="count"))
    total = _get(libraries, "support_agreements_total")
    rows.append(_finding("cml_count", "support agreements total = libraries in the network",
                         float(total["value"]), float(len(library_list)), total["lines"], unit="count"))
    hours, avg = _get(libraries, "opening_hours_per_week"), _get(libraries, "average_hours_per_library")
    rows.append(_finding("cml_average_hours", "average opening hours = 598.25 hours / 35 libraries",
                         float(avg["value"]), round(float(hours["value"]) / float(n["value"]), 4), avg["lines"],
                         unit="hours", tolerance=0.5, detail="printed to the whole hour"))
    lo, hi = _num(libraries, "minimum_hours"), _num(libraries, "maximum_hours")
    rows.append(_finding("cml_hours_range", "total opening hours lie between 35 x minimum and 35 x maximum (1 = yes)",
                         1.0, 1.0 if lo * float(n["value"]) <= float(hours["value"]) <= hi * float(n["value"]) else 0.0,
                         hours["lines"], unit="", tolerance=0))
    budget = _get(libraries, "library_service_budget")
    op = _xref(crossref, "Libraries Operational", "net_budget_2023_24")
    res = _xref(crossref, "Libraries Resources", "net_budget_2023_24")
    rows.append(_finding("cml_library_budget_vs_mtfs", "Library Service budget 2023/24 = MTFS Appendix A Libraries Operational + Resources",
                         float(budget["value"]), float(op["value"]) + float(res["value"]),
                         f"{budget['lines']};{op['lines']}-{res['lines']}", unit="gbp"))
    dash = lambda item, col: _xref(crossref, item, col)  # noqa: E731
    share = _get(libraries, "issues_share")
    cml, loans, e = (dash("Total community library issues", "2023/24 to November"),
                     dash("Total library loans", "2023/24 to November"), dash("E-loans", "2023/24 to November"))
    rows.append(_finding("cml_issue_share_vs_dashboard", "CML share of issues (Jan-Dec 2023) against the dashboard's CML share of physical loans (Apr-Nov 2023)",
                         float(share["value"]), round(100 * float(cml["value"]) / (float(loans["value"]) - float(e["value"])), 4),
                         f"{share['lines']};{loans['lines']}-{cml['lines']}", unit="percent", kind="review",
                         detail="different periods; e-loans taken out of total loans"))
    jshare = _get(libraries, "junior_issues_share")
    kids, junior = dash("Community library children's issues", "2023/24 to November"), dash("Junior loans", "2023/24 to November")
    rows.append(_finding("cml_issue_share_vs_dashboard", "CML share of junior issues (Jan-Dec 2023) against the dashboard's (Apr-Nov 2023)",
                         float(jshare["value"]), round(100 * float(kids["value"]) / float(junior["value"]), 4),
                         f"{jshare['lines']};{junior['lines']}-{kids['lines']}", unit="percent", kind="review",
                         detail="different periods"))
    return rows


def findings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every check of the three Communities & Wellbeing reports, ``ok`` rows included."""
    d = load_all(data_dir)
    rows: list[dict] = []
    rows += check_cls(d["cls"], d["crossref"])
    rows += check_tlp(d["tlp"], d["dates"])
    rows += check_libraries(d["libraries"], d["library_list"], d["crossref"])
    return reconcile.frame(rows)


# --- frames for the notebook's charts ----------------------------------------

def cls_attendances(cls: pd.DataFrame, crossref: pd.DataFrame) -> pd.DataFrame:
    """CLS workshop attendances as the report and the dashboard give them."""
    rows = []
    for measure, label in (("attendances", "CLS report: 2022/23 full year"),
                           ("attendances_to_november", "CLS report: to November 2023"),
                           ("attendances_to_november_narrative", "performance report: April-November 2023")):
        rec = _get(cls, measure)
        rows.append({"figure": label, "value": float(rec["value"]), "printed": rec["printed"], "lines": rec["lines"]})
    dash = crossref[crossref["item"] == "Attendances at Creative Learning Service workshops"]
    for _, rec in dash.iterrows():
        rows.append({"figure": f"dashboard: {rec['column']}", "value": float(rec["value"]), "printed": rec["printed"], "lines": rec["lines"]})
    return pd.DataFrame(rows)


def tlp_gap(tlp: pd.DataFrame) -> pd.DataFrame:
    """The TLP's income at capacity, the gap, the implied cost and the deficit (£ a year, positive)."""
    income = -_num(tlp, "income_at_capacity")
    gap = _num(tlp, "additional_funding_needed")
    return pd.DataFrame({
        "item": ["income at full capacity", "additional funding needed", "running cost implied", "forecast deficit 2023/24"],
        "value": [income, gap, income + gap, _num(tlp, "deficit_forecast")],
    })


def libraries_costs(libraries: pd.DataFrame) -> pd.DataFrame:
    """The yearly costs of supporting the CMLs, as the report gives them (£)."""
    names = {"direct_staffing_cost": "direct staffing", "indirect_officer_cost": "indirect officer time",
             "bookstock": "book stock", "property_cost_min": "property (low)", "property_cost_max": "property (high)"}
    return pd.DataFrame({"item": list(names.values()), "value": [_num(libraries, m) for m in names]})
