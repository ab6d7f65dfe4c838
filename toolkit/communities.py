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
#: The dashboard columns (``communities_crossref``) the reports are checked against.
NOW, BEFORE = "2023/24 to November", "2022/23 to November"
CLS_ATTENDANCES = "Attendances at Creative Learning Service workshops"


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


def _printed_kind(printed_row: pd.Series, exact: float) -> tuple[str, str]:
    """The shared rule (:func:`toolkit.reconcile.printed_kind`) for a
    transcribed figure against the exact value it should be a printing of."""
    return reconcile.printed_kind(float(printed_row["value"]), exact, reconcile.printed_decimals(printed_row["printed"]))


def _shown(row: pd.Series) -> str:
    """A figure as the paper printed it, or its value when nothing was kept."""
    return row["printed"] or f"{float(row['value']):,g}"


def implied_whole(part: pd.Series, share: pd.Series) -> float:
    """The whole that ``part`` is the printed percentage ``share`` of."""
    return _round(float(part["value"]) / (float(share["value"]) / 100.0))


def weeks_between(start, end) -> float:
    """Whole and part weeks from one date to another."""
    return (pd.Timestamp(end) - pd.Timestamp(start)).days / 7


# --- calculations -------------------------------------------------------------

def income_targets(cls: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The CLS income target of the current year and of the next (rows)."""
    targets = cls[cls["measure"] == "income_target"].sort_values("period")
    if len(targets) != 2:
        raise KeyError(f"communities_cls: expected two income_target rows, found {len(targets)}")
    return targets.iloc[0], targets.iloc[1]


def cls_summary(cls: pd.DataFrame) -> pd.DataFrame:
    """Figures derived from the Creative Learning Services report."""
    subs, payg, schools = _num(cls, "subscribing_schools"), _num(cls, "payg_customers"), _num(cls, "schools_total")
    target_now, target_next = (-float(t["value"]) for t in income_targets(cls))
    net = _num(cls, "net_budget")
    hours = [m for m in cls["measure"] if m.endswith("_hours")]
    ytd, rise = _get(cls, "attendances_to_november"), _get(cls, "attendances_increase_on_previous_ytd")
    rows = [
        ("schools subscribing or buying PAYG", subs + payg, "count"),
        ("share of all schools (%)", _round(100 * (subs + payg) / schools, 1), "percent"),
        ("income target rise to the next year (£)", target_next - target_now, "gbp"),
        ("income target rise (%)", _round(100 * (target_next / target_now - 1), 1), "percent"),
        ("gross spending implied by net budget plus income target (£)", net + target_now, "gbp"),
        ("hours of workshops, advice and CPD delivered in the year", sum(_num(cls, m) for m in hours), "hours"),
        (f"attendances a year earlier implied by {_shown(ytd)} and a rise of {_shown(rise)}",
         _round(float(ytd["value"]) / (1 + float(rise["value"]) / 100)), "count"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


def cls_outputs(cls: pd.DataFrame) -> pd.DataFrame:
    """The 2022/23 outputs list (paragraph 18)."""
    names = ["books_into_schools", "project_collections", "pupil_workshop_hours", "museum_workshop_hours",
             "library_advice_hours", "professional_development_hours", "artefacts", "artworks_into_schools"]
    sel = cls[cls["measure"].isin(names)].copy()
    sel["value"] = sel["value"].astype(float)
    return sel[["measure", "value", "unit", "lines"]].reset_index(drop=True)


def tlp_money(tlp: pd.DataFrame) -> dict[str, float]:
    """The TLP's yearly money at full capacity and with its current learners
    (pounds a year, unrounded): the running cost implied by income at
    capacity plus the gap, the income per place, the learners needed to
    break even at that income, and the deficit the current learners would
    leave if income scaled with learners."""
    capacity = _num(tlp, "capacity")
    income = -_num(tlp, "income_at_capacity")
    gap = _num(tlp, "additional_funding_needed")
    learners = _num(tlp, "learners_current")
    cost, per_place = income + gap, income / capacity
    return {"capacity": capacity, "income": income, "gap": gap, "cost": cost, "per_place": per_place,
            "learners": learners, "break_even": cost / per_place, "deficit_now": cost - learners * per_place}


def tlp_finance(tlp: pd.DataFrame) -> pd.DataFrame:
    """The Transitions Learning Programme's money, hours and capacity."""
    money = tlp_money(tlp)
    capacity, income, cost, per_place = money["capacity"], money["income"], money["cost"], money["per_place"]
    learning, care = _num(tlp, "learning_hours_per_week"), _num(tlp, "care_hours_per_week")
    current = money["learners"]
    before, after = _num(tlp, "element3_rate_before"), _num(tlp, "element3_rate_after")
    rows = [
        ("running cost implied: income at capacity + gap (£ a year)", cost, "gbp"),
        ("income per place at capacity (£ a year)", _round(per_place, 2), "gbp"),
        ("cost per place at capacity (£ a year)", _round(cost / capacity, 2), "gbp"),
        ("learners needed to break even at the income per place", _round(money["break_even"], 1), "count"),
        ("Element 2 share of income at capacity (%)", _round(100 * _num(tlp, "element2_rate") * capacity / income, 1), "percent"),
        ("Element 3 hourly rate change (%)", _round(100 * (after / before - 1), 1), "percent"),
        ("hours of support per learner per week (learning + care)", learning + care, "hours"),
        ("learning hours a week at capacity", learning * capacity, "hours"),
        ("learning hours a week with current learners", learning * current, "hours"),
        ("places filled (%)", _round(100 * current / capacity, 1), "percent"),
        ("deficit a year implied with the current learners (£)", _round(money["deficit_now"]), "gbp"),
        ("forecast deficit plus further funding to the end of the academic year (£)",
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
    low, high = libraries_costs(libraries).set_index("item").loc["total", ["low", "high"]]
    grants = libraries[libraries["measure"] == "grant"]["value"].astype(float).sum()
    dash = lambda item, col: float(_xref(crossref, item, col)["value"])  # noqa: E731
    physical = dash("Total library loans", NOW) - dash("E-loans", NOW)
    implied = [
        (f"{label} implied by {_shown(part)} = {_shown(share)}", implied_whole(part, share), unit)
        for label, part, share, unit in (
            ("all issues", _get(libraries, "issues"), _get(libraries, "issues_share"), "count"),
            ("all junior issues", _get(libraries, "junior_issues"), _get(libraries, "junior_issues_share"), "count"),
            ("all new joiners", _get(libraries, "new_joiners"), _get(libraries, "new_joiners_share"), "count"),
            ("whole book fund (£)", _get(libraries, "bookstock"), _get(libraries, "bookstock_share"), "gbp"),
        )
    ]
    rows = [
        ("average opening hours per library per week", _round(_num(libraries, "opening_hours_per_week") / n, 2), "hours"),
        *implied,
        ("support agreements updated (%)", _round(100 * _num(libraries, "support_agreements_updated") / _num(libraries, "support_agreements_total"), 1), "percent"),
        ("support cost a year, low (staff, indirect, stock, property) (£)", low, "gbp"),
        ("support cost a year, high (£)", high, "gbp"),
        ("support cost per library a year, low (£)", _round(low / n), "gbp"),
        ("support cost per library a year, high (£)", _round(high / n), "gbp"),
        ("remaining grants a year (£)", grants, "gbp"),
        (f"CML share of physical loans, dashboard {NOW} (%)",
         _round(100 * dash("Total community library issues", NOW) / physical, 1), "percent"),
        (f"CML children's share of junior loans, dashboard {NOW} (%)",
         _round(100 * dash("Community library children's issues", NOW) / dash("Junior loans", NOW), 1), "percent"),
        ("CML issues change on the year, dashboard (%)",
         _round(100 * (dash("Total community library issues", NOW) / dash("Total community library issues", BEFORE) - 1), 1), "percent"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


# --- checks -------------------------------------------------------------------

def _finding(check, description, published, computed, lines, **kw) -> dict:
    return reconcile.finding(DOMAIN, check, description, published, computed, SOURCE, lines, **kw)


def _printed_finding(check, description, printed_row: pd.Series, exact: float, lines, **kw) -> dict:
    """A transcribed figure (its row) against the exact value it should be a
    printing of, by :func:`toolkit.reconcile.printed_finding`."""
    return reconcile.printed_finding(DOMAIN, check, description, float(printed_row["value"]), exact,
                                     printed_row["printed"], SOURCE, lines, **kw)


def check_cls(cls: pd.DataFrame, crossref: pd.DataFrame) -> list[dict]:
    rows = []
    share = _get(cls, "market_share")
    subs, payg, schools = _num(cls, "subscribing_schools"), _num(cls, "payg_customers"), _num(cls, "schools_total")
    exact = 100 * (subs + payg) / schools
    rows.append(_printed_finding("cls_market_share", f"subscribing + PAYG schools as % of all schools ({subs:.0f} + {payg:.0f} of {schools:.0f})",
                                 share, exact, share["lines"], computed=round(exact, 4), unit="percent"))
    narrative = _get(cls, "attendances_to_november_narrative")
    above = _get(cls, "attendances_above_milestone_narrative")
    milestone = _xref(crossref, CLS_ATTENDANCES, "milestone to November")
    rows.append(_finding("cls_attendances_milestone",
                         f"attendances to November as the performance report gives them = dashboard milestone + {_shown(above)} above it",
                         float(narrative["value"]), float(milestone["value"]) + float(above["value"]),
                         f"{narrative['lines']};{milestone['lines']}", unit="count"))
    ytd = _get(cls, "attendances_to_november")
    now, before = _xref(crossref, CLS_ATTENDANCES, NOW), _xref(crossref, CLS_ATTENDANCES, BEFORE)
    kind, detail = _printed_kind(now, float(ytd["value"]))
    rows.append(_finding("cls_attendances_to_november", f"CLS report's attendances to November ({ytd['period']}) = the dashboard's {NOW}",
                         float(ytd["value"]), float(now["value"]), f"{ytd['lines']};{now['lines']}", unit="count", kind=kind,
                         detail=f"dashboard {now['printed']}: {detail}; the report's {ytd['printed']} matches the dashboard's "
                                f"{BEFORE} ({before['printed']}) and the performance report gives {narrative['printed']}"))
    kind, detail = _printed_kind(before, float(ytd["value"]))
    rows.append(_finding("cls_attendances_previous_year", f"CLS report's attendances to November ({ytd['period']}) against the dashboard's {BEFORE}",
                         float(before["value"]), float(ytd["value"]), f"{ytd['lines']};{before['lines']}", unit="count",
                         kind=kind, detail=f"dashboard {before['printed']}: {detail}; the report's figure is last year's"))
    rise = _get(cls, "attendances_increase_on_previous_ytd")
    exact = 100 * (float(narrative["value"]) / float(ytd["value"]) - 1)
    rows.append(_printed_finding("cls_attendances_increase", f"{_shown(rise)} increase: {_shown(narrative)} (performance report) on {_shown(ytd)}",
                                 rise, exact, f"{rise['lines']};{narrative['lines']}", computed=round(exact, 4), unit="percent",
                                 detail=f"read as printed ({ytd['printed']} this year) the previous year would be "
                                        f"{float(ytd['value']) / (1 + float(rise['value']) / 100):,.0f}, not the dashboard's {before['printed']}"))
    t_now, t_next = income_targets(cls)
    ac20 = crossref[(crossref["table"] == "savings") & (crossref["unit"] == "gbp_thousands")].iloc[0]
    rows.append(_finding("cls_income_target_vs_mtfs",
                         f"rise in the CLS income target {t_now['period']} to {t_next['period']} = MTFS saving {ac20['item'].split()[0]} (£000)",
                         float(ac20["value"]), (float(t_next["value"]) - float(t_now["value"])) / 1000,
                         f"{t_now['lines']};{ac20['lines']}", unit="gbp_thousands"))
    for period in (t_now["period"], t_next["period"]):
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
                       ("deficit_forecast", "deficit_forecast_restated", "forecast deficit"),
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
    rows.append(_finding("tlp_annual_reviews", f"the outstanding annual review falls within {frm['printed']} to {to['printed']} (1 = yes)",
                         1.0, 1.0 if inside else 0.0, f"{review['lines']};{frm['lines']}", unit="", tolerance=0,
                         detail=f"{review['value']:%d %B %Y}"))
    return rows


def check_tlp_deficit(tlp: pd.DataFrame, dates: pd.DataFrame) -> list[dict]:
    """The forecast deficit against the deficit a year that the report's own
    figures imply with the current learners (review: income need not scale
    with learners, and the financial year began with the previous cohort)."""
    money = tlp_money(tlp)
    deficit, further = _get(tlp, "deficit_forecast"), _get(tlp, "further_funding_to_academic_year_end")
    year_end = pd.Timestamp(int(str(deficit["period"])[:4]) + 1, 3, 31)  # a financial year ends on 31 March
    plans_to = _date(dates, "Learners' plans assumed to run to (month)")
    months = (plans_to["value"].year - year_end.year) * 12 + plans_to["value"].month - year_end.month
    parts = [_get(tlp, m) for m in ("income_at_capacity", "additional_funding_needed", "capacity", "learners_current")]
    return [_finding(
        "tlp_deficit_implied",
        f"forecast deficit {deficit['period']} against the running cost less the income of "
        f"{money['learners']:.0f} learners at the income per place (£ a year)",
        float(deficit["value"]), _round(money["deficit_now"]),
        f"{deficit['lines']};{reconcile.join_lines(r['lines'] for r in parts)}", unit="gbp", kind="review",
        detail=f"running cost {money['cost']:,.0f} ({_shown(parts[0])} at capacity + {_shown(parts[1])}) less "
               f"{money['learners']:.0f} x {money['per_place']:,.2f}; the further {_shown(further)} to {plans_to['printed']}, "
               f"if it covers the {months} months after the financial year, is {float(further['value']) / months:,.0f} "
               f"a month ({float(further['value']) * 12 / months:,.0f} a year)")]


def check_libraries(libraries: pd.DataFrame, library_list: pd.DataFrame, crossref: pd.DataFrame) -> list[dict]:
    rows = []
    n = _get(libraries, "libraries_established")
    count = float(n["value"])
    rows.append(_finding("cml_count", f"libraries in the appendix list = the {count:.0f} the report names",
                         count, float(len(library_list)),
                         f"{n['lines']};{library_list['lines'].min()}-{library_list['lines'].max()}", unit="count"))
    total = _get(libraries, "support_agreements_total")
    rows.append(_finding("cml_count", "support agreements total = libraries in the network",
                         float(total["value"]), float(len(library_list)), total["lines"], unit="count"))
    hours, avg = _get(libraries, "opening_hours_per_week"), _get(libraries, "average_hours_per_library")
    exact = float(hours["value"]) / count
    rows.append(_printed_finding("cml_average_hours", f"average opening hours = {_shown(hours)} hours a week / {count:.0f} libraries",
                                 avg, exact, avg["lines"], computed=round(exact, 4), unit="hours"))
    lo, hi = _get(libraries, "minimum_hours"), _get(libraries, "maximum_hours")
    inside = float(lo["value"]) * count <= float(hours["value"]) <= float(hi["value"]) * count
    rows.append(_finding("cml_hours_range", f"total opening hours lie between {count:.0f} x the minimum and {count:.0f} x the maximum (1 = yes)",
                         1.0, 1.0 if inside else 0.0, hours["lines"], unit="", tolerance=0))
    budget = _get(libraries, "library_service_budget")
    op = _xref(crossref, "Libraries Operational", "net_budget_2023_24")
    res = _xref(crossref, "Libraries Resources", "net_budget_2023_24")
    rows.append(_finding("cml_library_budget_vs_mtfs", f"Library Service budget {budget['period']} = MTFS Appendix A Libraries Operational + Resources",
                         float(budget["value"]), float(op["value"]) + float(res["value"]),
                         f"{budget['lines']};{op['lines']}-{res['lines']}", unit="gbp"))
    dash = lambda item, col: _xref(crossref, item, col)  # noqa: E731
    share = _get(libraries, "issues_share")
    cml, loans, e = (dash("Total community library issues", NOW), dash("Total library loans", NOW), dash("E-loans", NOW))
    rows.append(_finding("cml_issue_share_vs_dashboard",
                         f"CML share of issues ({share['period']}) against the dashboard's CML share of physical loans ({NOW})",
                         float(share["value"]), round(100 * float(cml["value"]) / (float(loans["value"]) - float(e["value"])), 4),
                         f"{share['lines']};{loans['lines']}-{cml['lines']}", unit="percent", kind="review",
                         detail="different periods; e-loans taken out of total loans"))
    jshare = _get(libraries, "junior_issues_share")
    kids, junior = dash("Community library children's issues", NOW), dash("Junior loans", NOW)
    rows.append(_finding("cml_issue_share_vs_dashboard",
                         f"CML share of junior issues ({jshare['period']}) against the dashboard's ({NOW})",
                         float(jshare["value"]), round(100 * float(kids["value"]) / float(junior["value"]), 4),
                         f"{jshare['lines']};{junior['lines']}-{kids['lines']}", unit="percent", kind="review",
                         detail="different periods"))
    rows += check_new_joiners(libraries)
    return rows


def check_new_joiners(libraries: pd.DataFrame) -> list[dict]:
    """New joiners across the Library Service implied by the CMLs' count and
    printed share, set beside the issues implied the same way (review: the
    implied service-wide rate of joining is ten times the CMLs' own)."""
    joiners, jshare = _get(libraries, "new_joiners"), _get(libraries, "new_joiners_share")
    issues, ishare = _get(libraries, "issues"), _get(libraries, "issues_share")
    all_joiners, all_issues = implied_whole(joiners, jshare), implied_whole(issues, ishare)
    per_100_all = 100 * all_joiners / all_issues
    per_100_cml = 100 * float(joiners["value"]) / float(issues["value"])
    return [_finding(
        "cml_new_joiners_implied",
        f"new joiners in the whole Library Service implied by {_shown(joiners)} = {_shown(jshare)} ({jshare['period']})",
        float(joiners["value"]), all_joiners, reconcile.join_lines(r["lines"] for r in [joiners, jshare]), unit="count", kind="review",
        detail=f"{per_100_all:.1f} new joiners per 100 issues across the service ({all_issues:,.0f} issues implied by "
               f"{_shown(issues)} = {_shown(ishare)}) against {per_100_cml:.1f} per 100 at the CMLs")]


def findings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every check of the three Communities & Wellbeing reports, ``ok`` rows included."""
    d = load_all(data_dir)
    rows: list[dict] = []
    rows += check_cls(d["cls"], d["crossref"])
    rows += check_tlp(d["tlp"], d["dates"])
    rows += check_tlp_deficit(d["tlp"], d["dates"])
    rows += check_libraries(d["libraries"], d["library_list"], d["crossref"])
    return reconcile.frame(rows)


# --- frames for the notebook's charts ----------------------------------------

def cls_attendances(cls: pd.DataFrame, crossref: pd.DataFrame) -> pd.DataFrame:
    """CLS workshop attendances as the report and the dashboard give them."""
    rows = []
    for measure, label in (("attendances", "CLS report: {} full year"),
                           ("attendances_to_november", "CLS report: {} to November"),
                           ("attendances_to_november_narrative", "performance report: {} to November")):
        rec = _get(cls, measure)
        rows.append({"figure": label.format(rec["period"]), "value": float(rec["value"]), "printed": rec["printed"],
                     "lines": rec["lines"]})
    dash = crossref[crossref["item"] == CLS_ATTENDANCES]
    for _, rec in dash.iterrows():
        rows.append({"figure": f"dashboard: {rec['column']}", "value": float(rec["value"]), "printed": rec["printed"], "lines": rec["lines"]})
    return pd.DataFrame(rows)


def tlp_gap(tlp: pd.DataFrame) -> pd.DataFrame:
    """The TLP's income at capacity, the gap, the implied cost and the deficit (£ a year, positive)."""
    money = tlp_money(tlp)
    deficit = _get(tlp, "deficit_forecast")
    return pd.DataFrame({
        "item": ["income at full capacity", "additional funding needed", "running cost implied",
                 f"deficit implied with {money['learners']:.0f} learners", f"forecast deficit {deficit['period']}"],
        "value": [money["income"], money["gap"], money["cost"], _round(money["deficit_now"]), float(deficit["value"])],
    })


def libraries_costs(libraries: pd.DataFrame) -> pd.DataFrame:
    """The yearly costs of supporting the CMLs as the report gives them (£),
    each as a range: ``low`` and ``high`` are equal except for property,
    printed as a range of estimates, and the total that carries it."""
    names = {"direct_staffing_cost": "direct staffing", "indirect_officer_cost": "indirect officer time",
             "bookstock": "book stock"}
    rows = [{"item": label, "low": _num(libraries, m), "high": _num(libraries, m)} for m, label in names.items()]
    rows.append({"item": "property", "low": _num(libraries, "property_cost_min"), "high": _num(libraries, "property_cost_max")})
    out = pd.DataFrame(rows)
    total = {"item": "total", "low": out["low"].sum(), "high": out["high"].sum()}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


# --- one-line summaries of the notebook's figures, built from the data -------

def cls_attendances_text(cls: pd.DataFrame, crossref: pd.DataFrame) -> str:
    ytd = _get(cls, "attendances_to_november")
    now, before = _xref(crossref, CLS_ATTENDANCES, NOW), _xref(crossref, CLS_ATTENDANCES, BEFORE)
    same = _printed_kind(before, float(ytd["value"]))[0] != "mismatch"
    return (f"The CLS report's {ytd['printed']} attendances to November {'rounds to' if same else 'differs from'} the "
            f"dashboard's {BEFORE} figure ({before['printed']}); the dashboard gives {now['printed']} for {NOW}.")


def tlp_gap_text(tlp: pd.DataFrame) -> str:
    money = tlp_money(tlp)
    deficit = _get(tlp, "deficit_forecast")
    return (f"Income at full capacity (£{money['income']:,.0f}) falls £{money['gap']:,.0f} short of an implied running cost "
            f"of £{money['cost']:,.0f}, so {money['break_even']:.1f} learners would be needed against "
            f"{money['capacity']:.0f} places; with {money['learners']:.0f} learners the implied deficit is "
            f"£{_round(money['deficit_now']):,.0f} a year against the £{float(deficit['value']):,.0f} forecast for {deficit['period']}.")


def libraries_costs_text(costs: pd.DataFrame, libraries: pd.DataFrame) -> str:
    total = costs.set_index("item").loc["total"]
    n = _num(libraries, "libraries_established")
    return (f"Supporting the {n:.0f} CMLs costs £{total['low']:,.0f} to £{total['high']:,.0f} a year, "
            f"£{_round(total['low'] / n):,.0f} to £{_round(total['high'] / n):,.0f} per library.")
