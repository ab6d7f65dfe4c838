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


def recipient_counts(facts: pd.DataFrame, ethnicity: pd.DataFrame) -> pd.DataFrame:
    """Every count of direct payment recipients (or accounts) the plan gives."""
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
                     "lines": rec["lines"], "value": float(rec["value"])})
    eth = ethnicity[ethnicity["measure"] == "count"]
    rows.append({"count": "current holders by ethnicity (table total)", "period": "current", "section": "plan",
                 "lines": _span(eth["lines"]), "value": float(eth["value"].sum())})
    out = pd.DataFrame(rows)
    out["label"] = out["count"] + " (" + out["period"] + ")"
    return out


def _span(lines: Iterable[str]) -> str:
    numbers = sorted({int(x) for part in lines for x in re.split(r"[-;]", str(part))})
    return f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def _fact(facts: pd.DataFrame, measure: str, section: str | None = None, period: str | None = None) -> pd.Series:
    sel = facts[facts["measure"] == measure]
    if section:
        sel = sel[sel["section"] == section]
    if period:
        sel = sel[sel["period"] == period]
    if sel.empty:
        raise KeyError(f"direct_payments_facts: no {measure!r}" + (f" in {section}" if section else ""))
    return sel.iloc[0]


# --- checks -------------------------------------------------------------------

def _finding(check, description, published, computed, lines, **kw) -> dict:
    return reconcile.finding(DOMAIN, check, description, published, computed, SOURCE, lines, **kw)


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
            rows.append(_finding("dp_outturn_variance_percent", f"{group}: variance as % of budget (2017/18)",
                                 rec["variance_percent"], round(exact, 4), line[group], unit="percent",
                                 tolerance=0.5 * reconcile.precision_of(pct_printed)))
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
                         float(stated["value"]), float(len(YEARS)), f"{stated['lines']};1029", unit="years",
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
    rows.append(_finding("dp_forecast_vs_mtfs_gross", "plan's 2019/20 forecast = MTFS Appendix A Direct Cash Payments gross budget 2019/20",
                         dcp["gross_budget"], total["value"], lines, unit="gbp",
                         detail="plan line 1035 against Appendix A line 680"))
    rows.append(_finding("dp_forecast_vs_mtfs_net", "plan's 2019/20 forecast = MTFS Appendix A Direct Cash Payments net budget 2019/20",
                         dcp["net_budget_2019_20"], total["value"], lines, unit="gbp",
                         detail="plan line 1035 against Appendix A line 680 (net of external income)"))
    rows.append(_finding("dp_mtfs_line", "Appendix A: gross = employees + running expenses + internal income",
                         dcp["gross_budget"], dcp["employees"] + dcp["running_expenses"] + dcp["internal_income"],
                         dcp_lines, unit="gbp"))
    rows.append(_finding("dp_mtfs_line", "Appendix A: net 2019/20 = gross + external income",
                         dcp["net_budget_2019_20"], dcp["gross_budget"] + dcp["external_income"], dcp_lines, unit="gbp"))
    return rows


def check_shares(outturn: pd.DataFrame, forecast: pd.DataFrame) -> list[dict]:
    rows = []
    shares = spend_shares(outturn, forecast)
    lines = f"{_span(outturn[outturn['client_group'] != 'Clawback']['lines'])};{_span(forecast['lines'])}"
    for _, rec in shares.iterrows():
        kind = "review" if abs(rec["share_shift"]) > SHARE_SHIFT_REVIEW else "ok"
        rows.append(_finding("dp_forecast_share_shift",
                             f"{rec['client_group']}: share of 2017/18 budget against share of 2019/20 forecast (%)",
                             rec["budget_share"], rec["forecast_share"], lines, unit="percent", kind=kind,
                             detail=f"2017/18 outturn {rec['outturn_2017_18']:,.0f}; 2019/20 forecast "
                                    f"{rec['forecast_2019_20']:,.0f} ({rec['change_from_outturn_percent']:+.1f}%)"))
    return rows


def check_percentages(survey: pd.DataFrame, category: str, table: str) -> list[dict]:
    """Printed percentages against their counts.  The tolerance is half a unit
    of the printed precision: the counts are exact, so a correctly rounded
    percentage is never further than that from the exact share."""
    rows = []
    pct = percent_table(survey, category)
    printed = survey[survey["measure"] == "percent"].set_index(category)
    for _, rec in pct.iterrows():
        p = printed.loc[rec[category]]
        rows.append(_finding(f"dp_percent_{table}", f"{table}: {rec[category]} ({int(rec['count'])} of {int(pct['count'].sum())})",
                             rec["printed_percent"], round(rec["computed_percent"], 4), p["lines"], unit="percent",
                             tolerance=0.5 * reconcile.precision_of(p["printed"])))
    rows.append(_finding(f"dp_percent_{table}", f"{table}: printed percentages add up to 100",
                         100.0, round(float(pct["printed_percent"].sum()), 4), _span(survey["lines"]), unit="percent",
                         tolerance=0.5 * len(pct) * reconcile.precision_of(printed["printed"].iloc[0]),
                         detail="tolerance: half a unit for each of the rounded shares"))
    return rows


def check_recipients(facts: pd.DataFrame, ethnicity: pd.DataFrame) -> list[dict]:
    rows = []
    f = lambda m, s=None, p=None: _fact(facts, m, s, p)  # noqa: E731
    dec = f("recipients", "ehria", "2018-12")
    age = float(f("recipients_65_plus")["value"]) + float(f("recipients_18_64")["value"])
    rows.append(_finding("dp_recipients_breakdown", "December 2018 recipients = aged 65+ plus aged 18-64",
                         float(dec["value"]), age, dec["lines"], unit="count"))
    need = sum(float(f(m)["value"]) for m in ("recipients_mental_health", "recipients_physical", "recipients_learning_disability"))
    rows.append(_finding("dp_recipients_breakdown", "December 2018 recipients = mental health + physical + learning disability",
                         float(dec["value"]), need, f"{dec['lines']}-1566", unit="count", kind="review",
                         detail=f"{float(dec['value']) - need:,.0f} recipients are in none of the three primary needs named"))
    for section in ("report", "plan", "ehria"):
        rec = f("recipients", section, "2018-03")
        rows.append(_finding("dp_recipients_march_2018", f"March 2018 recipients in the {section} = the plan's 2,700",
                             2700.0, float(rec["value"]), rec["lines"], unit="count"))
    headline = f("recipients", "plan")
    eth = ethnicity[ethnicity["measure"] == "count"]
    rows.append(_finding("dp_recipients_counts", "current holders in the ethnicity table against the plan's 2,700 recipients",
                         float(headline["value"]), float(eth["value"].sum()), f"{headline['lines']};{_span(eth['lines'])}",
                         unit="count", kind="review", detail="the ethnicity table gives no date"))
    rows.append(_finding("dp_recipients_counts", "December 2018 recipients against the plan's 2,700 (March 2018)",
                         float(headline["value"]), float(dec["value"]), f"{headline['lines']};{dec['lines']}",
                         unit="count", kind="review", detail="a fall of 233 in nine months while the plan speaks of growth"))
    cards = f("card_accounts")
    rows.append(_finding("dp_recipients_counts", "card accounts (November 2018) cannot exceed recipients (December 2018)",
                         float(dec["value"]), float(cards["value"]), f"{cards['lines']};{dec['lines']}",
                         unit="count", kind="review",
                         detail=f"2,692 card accounts against 2,467 recipients a month later; 2,100 of 2,700 in March 2018"))
    sent = f("questionnaires_sent")
    rows.append(_finding("dp_recipients_counts", "questionnaires 'sent to all those in receipt' against the 2,700 recipients",
                         float(headline["value"]), float(sent["value"]), f"{headline['lines']};{sent['lines']}",
                         unit="count", kind="review", detail="3,023 questionnaires went to 2,700 recipients and their carers"))
    for measure, label in (("takeup_leicestershire", "Leicestershire"), ("takeup_england", "England")):
        plan = f(measure, "plan")
        other = f(measure, "ehria")
        rows.append(_finding("dp_takeup", f"{label} direct payment take-up, March 2018: plan against EHRIA (%)",
                             float(plan["value"]), float(other["value"]), f"{plan['lines']};{other['lines']}",
                             unit="percent", printed=plan["printed"],
                             detail=f"printed {plan['printed']} in the plan and {other['printed']} in the EHRIA"))
    for share, counts, label in (("share_mental_health", ["recipients_mental_health"], "mental health"),
                                 ("share_learning_disabilities", ["recipients_learning_disability"], "learning disability"),
                                 ("share_older_people", ["recipients_65_plus"], "older people (aged 65+)")):
        p = f(share)
        n = sum(float(f(c)["value"]) for c in counts)
        rows.append(_finding("dp_recipient_shares", f"share of recipients with {label}: plan against EHRIA December 2018 counts (%)",
                             float(p["value"]), round(100.0 * n / float(dec["value"]), 4), f"{p['lines']};{dec['lines']}-1566",
                             unit="percent", kind="review",
                             detail=f"{n:,.0f} of {float(dec['value']):,.0f}; the plan's shares are undated"))
    return rows


def check_headlines(facts: pd.DataFrame, outturn: pd.DataFrame) -> list[dict]:
    rows = []
    f = lambda m, s=None: _fact(facts, m, s)  # noqa: E731
    out = outturn.set_index(["client_group", "measure"])["value"]
    budget = f("budget_total")
    rows.append(_finding("dp_headline", "2017/18 direct payment budget (£m) = table total",
                         float(budget["value"]), out[("Total", "budget")] / 1e6, budget["lines"] + ";1182",
                         unit="gbp_millions", printed=budget["printed"]))
    surplus = f("card_surplus_balances")
    rows.append(_finding("dp_headline", "2017/18 surplus card balances (£m) = clawback in the table",
                         float(surplus["value"]), out[("Clawback", "outturn")] / 1e6, surplus["lines"] + ";1181",
                         unit="gbp_millions", printed=surplus["printed"]))
    for section in ("report", "plan"):
        spend = f("spend_total", section)
        rows.append(_finding("dp_headline", f"2017/18 total spend in the {section} (£m) = table outturn",
                             float(spend["value"]), out[("Total", "outturn")] / 1e6, spend["lines"] + ";1182",
                             unit="gbp_millions", printed=spend["printed"],
                             detail=f"outturn without clawback is {(out[('Total', 'outturn')] - out[('Clawback', 'outturn')]) / 1e6:.2f}m"))
    returned, phoned, about = f("questionnaires_returned"), f("telephone_contacts"), f("survey_responses")
    total = float(returned["value"]) + float(phoned["value"])
    rows.append(_finding("dp_survey", "'just under 900' responses = questionnaires returned + telephone contacts",
                         float(about["value"]), total, f"{about['lines']};{returned['lines']}",
                         unit="count", kind="ok" if 850 <= total < 900 else "mismatch",
                         detail="'just under 900' is taken as 850 to 899"))
    start, end, weeks = f("survey_open_from"), f("survey_open_to"), f("survey_weeks_stated")
    days = (dt.date.fromisoformat(end["value"]) - dt.date.fromisoformat(start["value"])).days
    rows.append(_finding("dp_survey_duration", "survey open 'three weeks': weeks between its dates",
                         float(weeks["value"]), days / 7, start["lines"], unit="weeks", tolerance=0,
                         detail=f"{start['value']} to {end['value']}"))
    payroll, each, pas = f("payroll_recipients"), f("pas_per_payroll_recipient"), f("personal_assistants")
    rows.append(_finding("dp_personal_assistants", "personal assistants = payroll recipients x two each",
                         float(pas["value"]), float(payroll["value"]) * float(each["value"]), pas["lines"],
                         unit="count", tolerance=50, detail="printed 'approximately 1200': tolerance half a hundred"))
    return rows


def check_actions(actions: pd.DataFrame, presented: dt.date = PLAN_MEETING) -> list[dict]:
    rows = []
    status = action_status(actions, presented)
    lines = _span(actions["lines"])
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
    rows += check_actions(d["actions"])
    return reconcile.frame(rows)
