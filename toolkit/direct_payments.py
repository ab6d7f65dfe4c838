"""The Adult Social Care Direct Payments Development Plan 2018-2023.

Published in the 21 January 2019 pack (``002_5b95b27d885825d4.txt``): the
covering report, the plan (Appendix A) and its equality assessment (EHRIA).

Loaders read ``data/published/direct_payments_*.csv``; calculations are pure
functions on the loaded frames; :func:`findings` runs every check.  Money is
in pounds (``gbp``) as printed, the MTFS savings line in ``gbp_thousands``.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import reconcile
from .errors import LoaderError, Problem
from .sources import Column, load_published, published_path

DOMAIN = "direct_payments"
SOURCE = "002_5b95b27d885825d4.txt"
#: The meeting that received the plan.
PLAN_MEETING = dt.date(2019, 1, 21)

CLIENT_GROUPS = ("LD", "PD", "MH", "Older People", "Carers", "Clawback", "Total")
FORECAST_GROUPS = ("Older People", "Learning Disabilities", "Mental Health", "Physical Disabilities", "Carers", "Total")
#: The 2017/18 table's labels matched to the forecast table's labels.
GROUP_NAMES = {
    "LD": "Learning Disabilities", "PD": "Physical Disabilities", "MH": "Mental Health",
    "Older People": "Older People", "Carers": "Carers",
}
YEARS = ("2019/20", "2020/21", "2021/22", "2022/23")
PRECISIONS = ("day", "month", "season", "financial_year", "year", "range", "none")
SECTIONS = ("report", "plan", "ehria", "performance")
#: A share of spend that moves by more than this many percentage points
#: between the 2017/18 budget and the 2019/20 forecast is flagged for review.
SHARE_SHIFT_REVIEW = 5.0
#: A "majority" is more than this share (%).
MAJORITY = 50.0
#: Words that mark a printed round number as approximate ("approximately
#: 1200" is printed to the nearest hundred).


# --- loaders ------------------------------------------------------------------

def load_forecast(data_dir=None) -> pd.DataFrame:
    return load_published("direct_payments_forecast", [
        Column("client_group", choices=FORECAST_GROUPS), Column("year", choices=YEARS),
    ], unique=["client_group", "year"], data_dir=data_dir)


def load_outturn(data_dir=None) -> pd.DataFrame:
    return load_published("direct_payments_outturn", [
        Column("client_group", choices=CLIENT_GROUPS),
        Column("measure", choices=("budget", "outturn", "variance", "variance_percent")),
    ], unique=["client_group", "measure"], data_dir=data_dir)


def _survey(name: str, category: str, data_dir) -> pd.DataFrame:
    return load_published(name, [Column(category), Column("measure", choices=("count", "percent"))],
                          unique=[category, "measure"], data_dir=data_dir)


def load_administration(data_dir=None) -> pd.DataFrame:
    return _survey("direct_payments_administration", "response", data_dir)


def load_support_needs(data_dir=None) -> pd.DataFrame:
    return _survey("direct_payments_support_needs", "response", data_dir)


def load_ethnicity(data_dir=None) -> pd.DataFrame:
    return _survey("direct_payments_ethnicity", "ethnicity", data_dir)


def load_card_purchases(data_dir=None) -> pd.DataFrame:
    return load_published("direct_payments_card_purchases", [Column("response")],
                          unique=["response"], data_dir=data_dir)


def load_facts(data_dir=None) -> pd.DataFrame:
    return load_published("direct_payments_facts", [
        Column("measure"), Column("section", choices=SECTIONS), Column("period"),
    ], unique=["measure", "section", "lines"], data_dir=data_dir, value_kind="str")


def load_mtfs(data_dir=None) -> pd.DataFrame:
    return load_published("direct_payments_mtfs", [Column("line"), Column("column")],
                          unique=["line", "column"], data_dir=data_dir)


def load_outcomes(data_dir=None) -> pd.DataFrame:
    return load_published("direct_payments_outcomes", [Column("outcome", "int", min=1, max=5)],
                          unique=["outcome"], data_dir=data_dir, value_kind="str")


def load_actions(data_dir=None) -> pd.DataFrame:
    """The headline action plan, one row per action.

    ``value`` is the last day the printed target allows (the deadline),
    ``period_start`` the first, ``precision`` how exact the printed target is.
    Both dates must agree with :func:`parse_target` of the printed text.
    """
    path = published_path("direct_payments_actions", data_dir)
    frame = load_published("direct_payments_actions", [
        Column("action_id", pattern=r"O[1-5]\.\d{2}"), Column("outcome", "int", min=1, max=5),
        Column("action"), Column("resource"),
        Column("period_start", "date", nullable=True), Column("precision", choices=PRECISIONS),
    ], unique=["action_id"], data_dir=data_dir, value_kind="date")
    problems = []
    for row, rec in frame.iterrows():
        start, end, precision = parse_target(rec["printed"] or "")
        stored = (_day(rec["period_start"]), _day(rec["value"]), rec["precision"])
        if stored != (start, end, precision):
            problems.append(Problem(column="value", row=int(row),
                                    expected=f"{start} to {end} ({precision}) as printed {rec['printed']!r}",
                                    found=f"{stored[0]} to {stored[1]} ({stored[2]})"))
    if problems:
        raise LoaderError(path, problems)
    return frame


def _round(value, ndigits: int = 0) -> float:
    """Round half away from zero; numpy scalars are turned into floats first."""
    return reconcile.round_half_away(float(value), ndigits)


def _day(value) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


# --- dates of the action plan -----------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_target(printed: str) -> tuple[dt.date | None, dt.date | None, str]:
    """A printed target date as (first day, last day, precision).

    "2019" -> year, "Oct 2019" -> month, "Autumn 2019" -> season (Sep-Nov),
    "2019/20" -> financial_year (April-March), "2018 – 2023" -> range,
    "12 Oct 2019" -> day; anything else ("Ongoing") -> (None, None, "none").
    """
    text = re.sub(r"\s+", " ", printed.strip()).lower()
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if m := re.fullmatch(r"(\d{4})/(\d{2})", text):
        year = int(m[1])
        if (year + 1) % 100 != int(m[2]):
            return None, None, "none"
        return dt.date(year, 4, 1), dt.date(year + 1, 3, 31), "financial_year"
    if m := re.fullmatch(r"(\d{4}) ?[–—-] ?(\d{4})", text):
        return dt.date(int(m[1]), 1, 1), dt.date(int(m[2]), 12, 31), "range"
    if (m := re.fullmatch(r"([a-z]+) (\d{4})", text)) and m[1] in _SEASONS:
        first, last = _SEASONS[m[1]]
        year = int(m[2])
        end_year = year + 1 if last < first else year
        return dt.date(year, first, 1), _month_end(end_year, last), "season"
    if (m := re.fullmatch(r"([a-z]+)\.? (\d{4})", text)) and m[1] in _MONTHS:
        year, month = int(m[2]), _MONTHS[m[1]]
        return dt.date(year, month, 1), _month_end(year, month), "month"
    if (m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.? (\d{4})", text)) and m[2] in _MONTHS:
        try:
            day = dt.date(int(m[3]), _MONTHS[m[2]], int(m[1]))
        except ValueError:
            return None, None, "none"
        return day, day, "day"
    return None, None, "none"


def action_status(actions: pd.DataFrame, on: dt.date | str) -> pd.DataFrame:
    """Each action's status at a date: ``due`` (its deadline has passed),
    ``in period`` (its target period has begun but not ended), ``not yet due``,
    or ``no date`` (Ongoing, For discussion...)."""
    on = pd.Timestamp(on)
    out = actions[["action_id", "outcome", "action", "printed", "precision", "period_start", "value"]].rename(
        columns={"printed": "target", "value": "deadline"}).reset_index(drop=True)

    def status(rec) -> str:
        if pd.isna(rec["deadline"]):
            return "no date"
        if rec["deadline"] < on:
            return "due"
        if rec["period_start"] <= on:
            return "in period"
        return "not yet due"

    out["status"] = out.apply(status, axis=1)
    return out


def action_tracker(actions: pd.DataFrame, dates: Iterable) -> pd.DataFrame:
    """Actions due by each date: one row per date with the count in each status."""
    rows = []
    for when in dates:
        counts = action_status(actions, when)["status"].value_counts()
        total = len(actions)
        due = int(counts.get("due", 0))
        rows.append({
            "date": pd.Timestamp(when).date().isoformat(), "actions": total, "due": due,
            "in_period": int(counts.get("in period", 0)), "not_yet_due": int(counts.get("not yet due", 0)),
            "no_date": int(counts.get("no date", 0)),
            "due_percent": _round(100.0 * due / total, 1) if total else float("nan"),
        })
    return pd.DataFrame(rows)


# --- calculations -------------------------------------------------------------

def outturn_table(outturn: pd.DataFrame) -> pd.DataFrame:
    """2017/18 budget against outturn by client group, printed and recomputed."""
    wide = outturn.pivot(index="client_group", columns="measure", values="value")
    wide = wide.reindex([g for g in CLIENT_GROUPS if g in wide.index])
    out = wide.reindex(columns=["budget", "outturn", "variance", "variance_percent"]).reset_index()
    out["computed_variance"] = out["outturn"] - out["budget"]
    out["computed_percent"] = [
        _round(100.0 * v / b, 1) if b else float("nan")
        for v, b in zip(out["computed_variance"], out["budget"])
    ]
    return out


def forecast_table(forecast: pd.DataFrame) -> pd.DataFrame:
    """Forecast expenditure: client groups down, years across."""
    wide = forecast.pivot(index="client_group", columns="year", values="value")
    return wide.reindex(index=list(FORECAST_GROUPS), columns=list(YEARS))


def forecast_growth(forecast: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year growth of the forecast by client group (long form)."""
    rows = []
    wide = forecast_table(forecast)
    for group, series in wide.iterrows():
        previous = None
        for year, value in series.items():
            change = float("nan") if previous is None else value - previous
            percent = float("nan") if previous is None else _round(100.0 * change / previous, 2)
            rows.append({"client_group": group, "year": year, "value": value, "change": change, "change_percent": percent})
            previous = value
        first, last = series.iloc[0], series.iloc[-1]
        rows.append({"client_group": group, "year": f"{YEARS[0]}-{YEARS[-1]}", "value": last, "change": last - first,
                     "change_percent": _round(100.0 * (last - first) / first, 2)})
    return pd.DataFrame(rows)


def spend_shares(outturn: pd.DataFrame, forecast: pd.DataFrame) -> pd.DataFrame:
    """Each client group's share of the 2017/18 budget and outturn (without
    clawback) and of the 2019/20 forecast, in percent."""
    wide = outturn.pivot(index="client_group", columns="measure", values="value")
    groups = list(GROUP_NAMES)
    budget = wide.loc[groups, "budget"]
    spent = wide.loc[groups, "outturn"]
    fc = forecast[(forecast["year"] == YEARS[0]) & (forecast["client_group"] != "Total")].set_index("client_group")["value"]
    fc = fc.reindex([GROUP_NAMES[g] for g in groups])
    out = pd.DataFrame({
        "client_group": [GROUP_NAMES[g] for g in groups],
        "budget_2017_18": budget.to_numpy(), "outturn_2017_18": spent.to_numpy(), "forecast_2019_20": fc.to_numpy(),
    })
    out["budget_share"] = 100.0 * out["budget_2017_18"] / out["budget_2017_18"].sum()
    out["forecast_share"] = 100.0 * out["forecast_2019_20"] / out["forecast_2019_20"].sum()
    out["share_shift"] = out["forecast_share"] - out["budget_share"]
    out["change_from_outturn_percent"] = 100.0 * (out["forecast_2019_20"] / out["outturn_2017_18"] - 1)
    for col in ("budget_share", "forecast_share", "share_shift", "change_from_outturn_percent"):
        out[col] = out[col].map(lambda v: _round(v, 1))
    return out


def percent_table(survey: pd.DataFrame, category: str) -> pd.DataFrame:
    """Counts with their printed percentages and the percentages recomputed
    from the counts (the table's own total as denominator)."""
    wide = survey.pivot(index=category, columns="measure", values="value")
    order = list(dict.fromkeys(survey[category]))
    wide = wide.reindex(order)
    total = wide["count"].sum()
    out = pd.DataFrame({category: order, "count": wide["count"].to_numpy(), "printed_percent": wide["percent"].to_numpy()})
    out["computed_percent"] = 100.0 * out["count"] / total
    return out


def percent_kinds(survey: pd.DataFrame, category: str) -> pd.DataFrame:
    """:func:`percent_table` with each printed percentage's ``kind`` and
    ``detail`` by the shared rule (:func:`toolkit.reconcile.printed_kind`)
    and the ``lines`` it is printed on: the counts are exact, so a printed
    share is a rounding of the exact one or it is wrong."""
    out = percent_table(survey, category)
    printed = survey[survey["measure"] == "percent"].set_index(category)
    classed = [_printed_kind(p, c, printed.at[k, "printed"])
               for k, p, c in zip(out[category], out["printed_percent"], out["computed_percent"])]
    return out.assign(kind=[k for k, _ in classed], detail=[d for _, d in classed],
                      lines=[printed.at[k, "lines"] for k in out[category]])


def _percent_label(rec: pd.Series, category: str, total: int) -> str:
    """A survey row as the checks name it: "Knowing who to contact for help (356 of 767)"."""
    return f"{rec[category]} ({int(rec['count'])} of {total})"


def recipient_counts(facts: pd.DataFrame, ethnicity: pd.DataFrame) -> pd.DataFrame:
    """Every count of direct payment recipients (or accounts) the plan gives,
    keyed by ``measure`` (the facts' measure, ``ethnicity_total`` for the
    ethnicity table's total)."""
    wanted = {
        "recipients": "people receiving a direct payment",
        "card_users": "people using a direct payment card",
        "card_accounts": "direct payment card accounts",
        "questionnaires_sent": "questionnaires sent to all recipients",
        "payroll_recipients": "people receiving payroll support",
        "third_party_managed": "people supported by a third party money manager",
    }
    rows = []
    for _, rec in facts[facts["measure"].isin(wanted)].iterrows():
        rows.append({"count": wanted[rec["measure"]], "period": rec["period"], "section": rec["section"],
                     "lines": rec["lines"], "value": float(rec["value"]), "measure": rec["measure"]})
    eth = ethnicity[ethnicity["measure"] == "count"]
    rows.append({"count": "current holders by ethnicity (table total)", "period": "current", "section": "plan",
                 "lines": reconcile.span_lines(eth["lines"]), "value": float(eth["value"].sum()),
                 "measure": "ethnicity_total"})
    out = pd.DataFrame(rows)
    out["label"] = out["count"] + " (" + out["period"] + ")"
    return out


#: The counts of people receiving a payment (or holding a card account).
RECIPIENT_MEASURES = ("recipients", "card_accounts", "ethnicity_total")


def _fact(facts: pd.DataFrame, measure: str, section: str | None = None, period: str | None = None) -> pd.Series:
    sel = facts[facts["measure"] == measure]
    if section:
        sel = sel[sel["section"] == section]
    if period:
        sel = sel[sel["period"] == period]
    if sel.empty:
        raise KeyError(f"direct_payments_facts: no {measure!r}" + (f" in {section}" if section else ""))
    return sel.iloc[0]


#: The shared reading of a printed figure's precision (kept under this name).
printed_decimals = reconcile.printed_decimals


def _printed_kind(published: float, exact: float, printed: str | None) -> tuple[str, str]:
    """The shared rule for a printed figure against the exact value it stands for."""
    return reconcile.printed_kind(published, exact, printed_decimals(printed))


# --- checks -------------------------------------------------------------------

def _finding(check, description, published, computed, lines, **kw) -> dict:
    return reconcile.finding(DOMAIN, check, description, published, computed, SOURCE, lines, **kw)


def _printed_finding(check, description, published, exact, printed, lines, **kw) -> dict:
    return reconcile.printed_finding(DOMAIN, check, description, published, exact, printed, SOURCE, lines, **kw)


def check_outturn(outturn: pd.DataFrame) -> list[dict]:
    rows = []
    table = outturn_table(outturn)
    line = outturn.drop_duplicates("client_group").set_index("client_group")["lines"]
    printed = outturn.set_index(["client_group", "measure"])["printed"]
    for _, rec in table.iterrows():
        group = rec["client_group"]
        rows.append(_finding("dp_outturn_variance", f"{group}: variance = outturn - budget (2017/18)",
                             rec["variance"], rec["computed_variance"], line[group], unit="gbp",
                             printed=printed[(group, "variance")]))
        if group == "Total":
            continue
        pct_printed = printed[(group, "variance_percent")]
        if rec["budget"] == 0:
            rows.append(_finding("dp_outturn_variance_percent", f"{group}: variance as % of budget (2017/18)",
                                 rec["variance_percent"], float("nan"), line[group], unit="percent", kind="review",
                                 detail=f"printed {pct_printed} on a nil budget: the percentage is undefined, "
                                        f"the variance is the whole outturn of {rec['outturn']:,.0f}"))
        else:
            exact = 100.0 * rec["computed_variance"] / rec["budget"]
            rows.append(_printed_finding("dp_outturn_variance_percent", f"{group}: variance as % of budget (2017/18)",
                                         rec["variance_percent"], exact, pct_printed, line[group],
                                         computed=round(exact, 4), unit="percent"))
    body = table[table["client_group"] != "Total"]
    total = table.set_index("client_group").loc["Total"]
    for measure in ("budget", "outturn", "variance"):
        rows.append(_finding("dp_outturn_total", f"total {measure} = sum of client groups (2017/18)",
                             total[measure], body[measure].sum(), line["Total"], unit="gbp"))
    return rows


def check_forecast(forecast: pd.DataFrame, facts: pd.DataFrame) -> list[dict]:
    rows = []
    wide = forecast_table(forecast)
    lines = forecast[forecast["client_group"] == "Total"].iloc[0]["lines"]
    body = wide.drop(index="Total")
    for year in YEARS:
        rows.append(_finding("dp_forecast_total", f"forecast total {year} = sum of client groups",
                             wide.loc["Total", year], body[year].sum(), lines, unit="gbp",
                             tolerance=0.5 * len(body),
                             detail="tolerance: half a pound for each of the client groups summed"))
    stated = _fact(facts, "forecast_years_stated")
    rows.append(_finding("dp_forecast_years", "years of budgeted growth stated against years in the forecast table",
                         float(stated["value"]), float(len(YEARS)), f"{stated['lines']};{reconcile.span_lines(forecast['lines'])}", unit="years",
                         tolerance=0, detail=f"printed '{stated['printed']}'; the table runs {YEARS[0]} to {YEARS[-1]}"))
    flat = forecast_growth(forecast)
    flat = flat[(flat["change"] == 0) & (flat["client_group"] != "Total")]
    for _, rec in flat.iterrows():
        rows.append(_finding("dp_forecast_growth", f"{rec['client_group']}: no growth forecast into {rec['year']}",
                             float("nan"), 0.0, _lines_of(forecast, rec["client_group"]), unit="gbp", kind="review",
                             detail="the plan says cost per user is rising and growth is budgeted every year"))
    return rows


def _lines_of(forecast: pd.DataFrame, group: str) -> str:
    return forecast[forecast["client_group"] == group].iloc[0]["lines"]


def check_against_mtfs(forecast: pd.DataFrame, mtfs: pd.DataFrame) -> list[dict]:
    """The plan's 2019/20 forecast against Appendix A's Direct Cash Payments line."""
    rows = []
    dcp = mtfs[mtfs["line"] == "Direct Cash Payments"].set_index("column")["value"]
    dcp_lines = mtfs[mtfs["line"] == "Direct Cash Payments"].iloc[0]["lines"]
    total = forecast[(forecast["client_group"] == "Total") & (forecast["year"] == YEARS[0])].iloc[0]
    lines = f"{total['lines']};{dcp_lines}"
    where = f"plan line {total['lines']} against Appendix A line {dcp_lines}"
    rows.append(_finding("dp_forecast_vs_mtfs_gross", f"plan's {YEARS[0]} forecast = MTFS Appendix A Direct Cash Payments gross budget {YEARS[0]}",
                         dcp["gross_budget"], total["value"], lines, unit="gbp", detail=where))
    rows.append(_finding("dp_forecast_vs_mtfs_net", f"plan's {YEARS[0]} forecast = MTFS Appendix A Direct Cash Payments net budget {YEARS[0]}",
                         dcp["net_budget_2019_20"], total["value"], lines, unit="gbp",
                         detail=f"{where} (net of external income)"))
    saving = mtfs[mtfs["line"].str.startswith("AC3")].sort_values("column")
    first, last = saving.iloc[0], saving.iloc[-1]
    code = first["line"].split()[0]
    after = total["value"] + first["value"] * 1000
    final = forecast[(forecast["client_group"] == "Total") & (forecast["year"] == YEARS[-1])].iloc[0]
    rows.append(_finding("dp_forecast_vs_mtfs_after_saving",
                         f"plan's {YEARS[0]} forecast less MTFS saving {code} against Appendix A Direct Cash Payments gross budget",
                         dcp["gross_budget"], after, f"{total['lines']};{dcp_lines};{first['lines']}", unit="gbp", kind="review",
                         detail=f"{code} ({first['line'][len(code) + 1:]}) saves £{-first['value']:,.0f}k in {YEARS[0]} and still "
                                f"£{-last['value']:,.0f}k in {YEARS[-1]}, while the plan's forecast grows to £{final['value']:,.0f}; "
                                f"the saving may not all fall on this budget line"))
    rows.append(_finding("dp_mtfs_line", "Appendix A: gross = employees + running expenses + internal income",
                         dcp["gross_budget"], dcp["employees"] + dcp["running_expenses"] + dcp["internal_income"],
                         dcp_lines, unit="gbp"))
    rows.append(_finding("dp_mtfs_line", "Appendix A: net 2019/20 = gross + external income",
                         dcp["net_budget_2019_20"], dcp["gross_budget"] + dcp["external_income"], dcp_lines, unit="gbp"))
    return rows


def check_shares(outturn: pd.DataFrame, forecast: pd.DataFrame) -> list[dict]:
    rows = []
    shares = spend_shares(outturn, forecast)
    lines = f"{reconcile.span_lines(outturn[outturn['client_group'] != 'Clawback']['lines'])};{reconcile.span_lines(forecast['lines'])}"
    for _, rec in shares.iterrows():
        kind = "review" if abs(rec["share_shift"]) > SHARE_SHIFT_REVIEW else "ok"
        rows.append(_finding("dp_forecast_share_shift",
                             f"{rec['client_group']}: share of 2017/18 budget against share of 2019/20 forecast (%)",
                             rec["budget_share"], rec["forecast_share"], lines, unit="percent", kind=kind,
                             detail=f"2017/18 outturn {rec['outturn_2017_18']:,.0f}; 2019/20 forecast "
                                    f"{rec['forecast_2019_20']:,.0f} ({rec['change_from_outturn_percent']:+.1f}%)"))
    return rows


def check_percentages(survey: pd.DataFrame, category: str, table: str) -> list[dict]:
    """Printed percentages against their counts (:func:`percent_kinds`), and
    the printed percentages' sum against 100."""
    pct = percent_kinds(survey, category)
    total = int(pct["count"].sum())
    rows = [_finding(f"dp_percent_{table}", f"{table}: {_percent_label(rec, category, total)}",
                     rec["printed_percent"], round(rec["computed_percent"], 4), rec["lines"], unit="percent",
                     kind=rec["kind"], detail=rec["detail"]) for _, rec in pct.iterrows()]
    first = survey.loc[survey["measure"] == "percent", "printed"].iloc[0]
    rows.append(_finding(f"dp_percent_{table}", f"{table}: printed percentages add up to 100",
                         100.0, round(float(pct["printed_percent"].sum()), 4), reconcile.span_lines(survey["lines"]), unit="percent",
                         tolerance=0.5 * len(pct) * reconcile.precision_of(first),
                         detail="tolerance: half a unit for each of the rounded shares"))
    return rows


def check_recipients(facts: pd.DataFrame, ethnicity: pd.DataFrame) -> list[dict]:
    rows = []
    f = lambda m, s=None, p=None: _fact(facts, m, s, p)  # noqa: E731
    n = lambda rec: float(rec["value"])  # noqa: E731
    dec = f("recipients", "ehria", "2018-12")
    young, old = f("recipients_18_64"), f("recipients_65_plus")
    rows.append(_finding("dp_recipients_breakdown", f"{dec['period']} recipients = aged 65+ plus aged 18-64",
                         n(dec), n(old) + n(young), reconcile.span_lines([dec["lines"], old["lines"], young["lines"]]), unit="count"))
    needs = [f(m) for m in ("recipients_mental_health", "recipients_physical", "recipients_learning_disability")]
    need = sum(n(r) for r in needs)
    rows.append(_finding("dp_recipients_breakdown", f"{dec['period']} recipients = mental health + physical + learning disability",
                         n(dec), need, reconcile.span_lines([dec["lines"], *(r["lines"] for r in needs)]), unit="count", kind="review",
                         detail=f"{n(dec) - need:,.0f} recipients are in none of the three primary needs named"))
    headline = f("recipients", "plan")
    for section in ("report", "plan", "ehria"):
        rec = f("recipients", section, headline["period"])
        rows.append(_finding("dp_recipients_march_2018", f"{headline['period']} recipients in the {section} = the plan's {headline['printed']}",
                             n(headline), n(rec), rec["lines"], unit="count"))
    eth = ethnicity[ethnicity["measure"] == "count"]
    rows.append(_finding("dp_recipients_counts", f"current holders in the ethnicity table against the plan's {headline['printed']} recipients",
                         n(headline), float(eth["value"].sum()), f"{headline['lines']};{reconcile.span_lines(eth['lines'])}",
                         unit="count", kind="review", detail="the ethnicity table gives no date"))
    months = _months_between(headline["period"], dec["period"])
    rows.append(_finding("dp_recipients_counts", f"{dec['period']} recipients against the plan's {headline['printed']} ({headline['period']})",
                         n(headline), n(dec), f"{headline['lines']};{dec['lines']}",
                         unit="count", kind="review",
                         detail=f"a fall of {n(headline) - n(dec):,.0f} in {months} months while the plan speaks of growth"))
    cards, card_users = f("card_accounts"), f("card_users", "plan")
    rows.append(_finding("dp_recipients_counts", f"card accounts ({cards['period']}) cannot exceed recipients ({dec['period']})",
                         n(dec), n(cards), f"{cards['lines']};{dec['lines']}", unit="count", kind="review",
                         detail=f"{n(cards):,.0f} card accounts against {n(dec):,.0f} recipients "
                                f"{_months_between(cards['period'], dec['period'])} month(s) later; "
                                f"{n(card_users):,.0f} of {n(headline):,.0f} used a card in {headline['period']}"))
    sent = f("questionnaires_sent")
    rows.append(_finding("dp_recipients_counts", f"questionnaires 'sent to all those in receipt' against the {headline['printed']} recipients",
                         n(headline), n(sent), f"{headline['lines']};{sent['lines']}", unit="count", kind="review",
                         detail=f"{n(sent):,.0f} questionnaires went to {n(headline):,.0f} recipients and their carers"))
    for measure, label in (("takeup_leicestershire", "Leicestershire"), ("takeup_england", "England")):
        plan, other = f(measure, "plan"), f(measure, "ehria")
        rows.append(_finding("dp_takeup", f"{label} direct payment take-up, {plan['period']}: plan against EHRIA (%)",
                             n(plan), n(other), f"{plan['lines']};{other['lines']}", unit="percent",
                             kind="ok" if n(plan) == n(other) else "review",
                             detail=f"one {plan['period']} figure printed {plan['printed']} in the plan and {other['printed']} "
                                    f"in the EHRIA: both are whole percentages, so they cannot both be right"))
    rows += check_recipient_shares(facts)
    return rows


def _months_between(start: str, end: str) -> int:
    """Whole months between two ``YYYY-MM`` periods."""
    (y0, m0), (y1, m1) = (map(int, p.split("-")) for p in (start, end))
    return (y1 - y0) * 12 + m1 - m0


def check_recipient_shares(facts: pd.DataFrame) -> list[dict]:
    """The plan's undated client-group shares of recipients against the
    EHRIA's December 2018 counts, and its claim that older people are the
    majority (review: the plan's groups and the EHRIA's primary needs are
    not the same classification)."""
    rows = []
    f = lambda m, s=None, p=None: _fact(facts, m, s, p)  # noqa: E731
    dec = f("recipients", "ehria", "2018-12")
    for share, count, label in (("share_mental_health", "recipients_mental_health", "mental health"),
                                ("share_learning_disabilities", "recipients_learning_disability", "learning disability"),
                                ("share_physical_disability", "recipients_physical", "physical disability"),
                                ("share_older_people", "recipients_65_plus", "older people (aged 65+)")):
        p, c = f(share), f(count)
        rows.append(_finding("dp_recipient_shares", f"share of recipients with {label}: plan against EHRIA {dec['period']} counts (%)",
                             float(p["value"]), round(100.0 * float(c["value"]) / float(dec["value"]), 4),
                             f"{p['lines']};{reconcile.span_lines([dec['lines'], c['lines']])}", unit="percent", kind="review",
                             detail=f"{float(c['value']):,.0f} of {float(dec['value']):,.0f}; the plan's shares are undated"))
    older, counted = f("share_older_people"), f("recipients_65_plus")
    claims = facts[facts["measure"] == "older_people_majority"]
    for _, claim in claims.iterrows():
        rows.append(_finding("dp_older_people_majority",
                             f"older people '{claim['printed']}' of recipients ({claim['section']}): more than {MAJORITY:g}% "
                             f"against the plan's own share (%)",
                             MAJORITY, float(older["value"]), ";".join(dict.fromkeys([claim["lines"], older["lines"]])), unit="percent",
                             kind="review" if float(older["value"]) <= MAJORITY else "ok",
                             detail=f"the plan gives older people {older['printed']}, the EHRIA {float(counted['value']):,.0f} of "
                                    f"{float(dec['value']):,.0f} aged 65+ ({100 * float(counted['value']) / float(dec['value']):.1f}%): "
                                    f"the largest group, not a majority"))
    return rows


def check_headlines(facts: pd.DataFrame, outturn: pd.DataFrame) -> list[dict]:
    rows = []
    f = lambda m, s=None: _fact(facts, m, s)  # noqa: E731
    out = outturn.set_index(["client_group", "measure"])
    value = lambda group, measure: float(out.loc[(group, measure), "value"])  # noqa: E731
    line = lambda group, measure: out.loc[(group, measure), "lines"]  # noqa: E731

    def printed(check, description, fact, exact, table_lines, detail=""):
        return _printed_finding(check, description, float(fact["value"]), exact, fact["printed"],
                                f"{fact['lines']};{table_lines}", computed=round(exact, 6), unit=fact["unit"],
                                detail=detail)

    budget = f("budget_total")
    rows.append(printed("dp_headline", f"{budget['period']} direct payment budget (£m) = table total", budget,
                        value("Total", "budget") / 1e6, line("Total", "budget")))
    surplus = f("card_surplus_balances")
    rows.append(printed("dp_headline", f"{surplus['period']} surplus card balances (£m) = clawback in the table", surplus,
                        value("Clawback", "outturn") / 1e6, line("Clawback", "outturn")))
    for section in ("report", "plan"):
        spend = f("spend_total", section)
        rows.append(printed("dp_headline", f"{spend['period']} total spend in the {section} (£m) = table outturn", spend,
                            value("Total", "outturn") / 1e6, line("Total", "outturn"),
                            detail=f"outturn without clawback is {(value('Total', 'outturn') - value('Clawback', 'outturn')) / 1e6:.2f}m"))
    returned, phoned, about = f("questionnaires_returned"), f("telephone_contacts"), f("survey_responses")
    total = float(returned["value"]) + float(phoned["value"])
    unit = 10.0 ** -printed_decimals(about["printed"])
    below = float(about["value"]) - unit <= total < float(about["value"])
    rows.append(_finding("dp_survey", f"'{about['printed']}' responses = questionnaires returned + telephone contacts",
                         float(about["value"]), total, f"{about['lines']};{returned['lines']}",
                         unit="count", kind="ok" if below else "mismatch",
                         detail=f"'{about['printed']}' is read as less than {about['value']} by under {unit:,.0f}"))
    start, end, weeks = f("survey_open_from"), f("survey_open_to"), f("survey_weeks_stated")
    days = (dt.date.fromisoformat(end["value"]) - dt.date.fromisoformat(start["value"])).days
    rows.append(_finding("dp_survey_duration", f"survey open '{weeks['printed']}': weeks between its dates",
                         float(weeks["value"]), days / 7, start["lines"], unit="weeks", tolerance=0,
                         detail=f"{start['value']} to {end['value']}"))
    payroll, each, pas = f("payroll_recipients"), f("pas_per_payroll_recipient"), f("personal_assistants")
    exact = float(payroll["value"]) * float(each["value"])
    kind, how = _printed_kind(float(pas["value"]), exact, pas["printed"])
    rows.append(_finding("dp_personal_assistants", "personal assistants = payroll recipients x personal assistants each",
                         float(pas["value"]), exact, pas["lines"], unit="count", kind=kind,
                         detail=f"printed '{pas['printed']}': {how}"))
    return rows


def check_survey_counts(facts: pd.DataFrame, administration: pd.DataFrame, support_needs: pd.DataFrame) -> list[dict]:
    """The survey tables' counts against the respondents the plan states."""
    rows = []
    stated = _fact(facts, "administration_respondents")
    counts = administration[administration["measure"] == "count"]
    rows.append(_finding("dp_survey_counts", "who administers the payment: table counts add up to the respondents stated",
                         float(stated["value"]), float(counts["value"].sum()), f"{stated['lines']};{reconcile.span_lines(counts['lines'])}",
                         unit="count"))
    returned = _fact(facts, "questionnaires_returned")
    needs = support_needs[support_needs["measure"] == "count"]
    rows.append(_finding("dp_survey_counts", "support people say they need: people counted against questionnaires returned",
                         float(returned["value"]), float(needs["value"].sum()), f"{returned['lines']};{reconcile.span_lines(needs['lines'])}",
                         unit="count", kind="review",
                         detail=f"the table counts {float(needs['value'].sum()):,.0f} people and prints shares of that "
                                f"total, against {float(returned['value']):,.0f} questionnaires returned"))
    return rows


def check_actions(actions: pd.DataFrame, presented: dt.date = PLAN_MEETING) -> list[dict]:
    rows = []
    status = action_status(actions, presented)
    lines = reconcile.span_lines(actions["lines"])
    overdue = status[status["status"] == "due"]
    rows.append(_finding("dp_actions_overdue_when_presented",
                         f"actions whose target date had passed when the plan came to committee ({presented.isoformat()})",
                         float("nan"), float(len(overdue)), lines, unit="count", kind="review",
                         detail="; ".join(f"{r.action_id} ({r.target})" for r in overdue.itertuples())))
    undated = status[status["status"] == "no date"]
    rows.append(_finding("dp_actions_undated", "actions with no target date", float("nan"), float(len(undated)),
                         lines, unit="count", kind="review",
                         detail="; ".join(f"{r.action_id} ({r.target})" for r in undated.itertuples())))
    return rows


def load_all(data_dir=None) -> dict[str, pd.DataFrame]:
    return {
        "forecast": load_forecast(data_dir), "outturn": load_outturn(data_dir),
        "administration": load_administration(data_dir), "support_needs": load_support_needs(data_dir),
        "ethnicity": load_ethnicity(data_dir), "card_purchases": load_card_purchases(data_dir),
        "facts": load_facts(data_dir), "mtfs": load_mtfs(data_dir),
        "outcomes": load_outcomes(data_dir), "actions": load_actions(data_dir),
    }


def findings(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every check of the Direct Payments Development Plan, ``ok`` rows included."""
    d = load_all(data_dir)
    rows: list[dict] = []
    rows += check_outturn(d["outturn"])
    rows += check_forecast(d["forecast"], d["facts"])
    rows += check_against_mtfs(d["forecast"], d["mtfs"])
    rows += check_shares(d["outturn"], d["forecast"])
    rows += check_percentages(d["administration"], "response", "administration")
    rows += check_percentages(d["support_needs"], "response", "support_needs")
    rows += check_percentages(d["ethnicity"], "ethnicity", "ethnicity")
    rows += check_recipients(d["facts"], d["ethnicity"])
    rows += check_headlines(d["facts"], d["outturn"])
    rows += check_survey_counts(d["facts"], d["administration"], d["support_needs"])
    rows += check_actions(d["actions"])
    return reconcile.frame(rows)


# --- one-line summaries of the notebook's figures, built from the data -------

def outturn_text(table: pd.DataFrame) -> str:
    """The 2017/18 budget against outturn chart in one line."""
    body = table[~table["client_group"].isin(["Total", "Clawback"])]
    under = body[body["computed_variance"] < 0].sort_values("computed_variance")
    over = body[body["computed_variance"] > 0].sort_values("computed_variance", ascending=False)
    claw = table.set_index("client_group").loc["Clawback"]
    parts = [f"{', '.join(under['client_group'])} spent below budget in 2017/18 (most: {under.iloc[0]['client_group']} "
             f"£{-under.iloc[0]['computed_variance']:,.0f})" if len(under) else "no client group spent below budget",
             f"{', '.join(over['client_group'])} above" if len(over) else "none above"]
    budget_note = "with no budget" if claw["budget"] == 0 else f"against a budget of £{claw['budget']:,.0f}"
    return f"{'; '.join(parts)}; clawback of £{claw['outturn']:,.0f} stands in the outturn {budget_note}."


def forecast_text(forecast: pd.DataFrame) -> str:
    """The forecast chart in one line."""
    growth = forecast_growth(forecast)
    whole = growth[growth["year"] == f"{YEARS[0]}-{YEARS[-1]}"].set_index("client_group")
    total = whole.loc["Total"]
    flat = growth[(growth["change"] == 0) & (growth["client_group"] != "Total")]
    text = (f"The forecast total rises from £{total['value'] - total['change']:,.0f} in {YEARS[0]} to £{total['value']:,.0f} "
            f"in {YEARS[-1]} ({total['change_percent']:+.2f}%)")
    if len(flat):
        text += "; no growth for " + ", ".join(f"{r.client_group} into {r.year}" for r in flat.itertuples())
    return text + "."


def shares_text(shares: pd.DataFrame) -> str:
    """The client-group shares chart in one line: the shifts flagged for review."""
    moved = shares[shares["share_shift"].abs() > SHARE_SHIFT_REVIEW].sort_values("share_shift", ascending=False)
    if moved.empty:
        return f"No client group's share moves by more than {SHARE_SHIFT_REVIEW:g} points."
    return "; ".join(f"{r.client_group} {'rise' if r.share_shift > 0 else 'fall'} from {r.budget_share:.1f}% of the 2017/18 "
                     f"budget to {r.forecast_share:.1f}% of the {YEARS[0]} forecast" for r in moved.itertuples()) + "."


def recipients_text(counts: pd.DataFrame) -> str:
    """The recipient counts chart in one line: the distinct counts of people
    receiving a payment (or holding a card account)."""
    wanted = counts[counts["measure"].isin(RECIPIENT_MEASURES)]
    distinct = wanted.drop_duplicates("value").sort_values("value", ascending=False)
    return (f"The plan gives {len(distinct)} different counts of recipients or card accounts: "
            + "; ".join(f"{r.value:,.0f} ({r.count}, {r.period})" for r in distinct.itertuples()) + ".")


def percent_text(survey: pd.DataFrame, category: str, table: str) -> str:
    """A survey table's printed percentages that are not roundings of their counts."""
    pct = percent_kinds(survey, category)
    total = int(pct["count"].sum())
    wrong = pct[pct["kind"] == "mismatch"]
    if wrong.empty:
        return f"Every printed percentage in {table.replace('_', ' ')} is a rounding of its count."
    return "; ".join(f"{_percent_label(r, category, total)} is printed as {r['printed_percent']:g}% but is "
                     f"{round(r['computed_percent'], 4):.1f}%" for _, r in wrong.iterrows()) + "."


def card_purchases_text(cards: pd.DataFrame) -> str:
    top = cards.sort_values(["value", "response"], ascending=[False, True]).head(2)
    return ("The most common card purchases are " + " and ".join(f"{r.response.lower()} ({r.value:,.0f})" for r in top.itertuples())
            + f", of {len(cards)} kinds.")


def tracker_text(tracker: pd.DataFrame, presented: dt.date = PLAN_MEETING) -> str:
    """The action tracker chart in one line."""
    rows = tracker.set_index("date")
    first, last = rows.loc[presented.isoformat()], rows.iloc[-1]
    return (f"{first['due']:.0f} of {first['actions']:.0f} actions were past their target when the plan came to committee "
            f"({presented.isoformat()}); {last['due']:.0f} are past their target by {rows.index[-1]}.")
