"""Safeguarding: alerts (concerns), Section 42 enquiries, thresholds, SARs.

Loaders (``load_*``) read the published figures transcribed from the packs
and the record-level extract of concerns; calculations are pure functions on
frames; :func:`findings` runs every reconciliation check on the published
figures.  The synthetic extract in ``data/synthetic/`` is made by
:func:`synthetic_concerns` (``python -m toolkit.safeguarding`` rewrites it).
"""
from __future__ import annotations

import calendar
import math
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from . import disclosure
from .errors import LoaderError, Problem
from .reconcile import decimals_of, finding, frame, of_source, printed_kind, round_half_away
from .sources import SOURCES, UNIT_SCALE, Column, load_published, parse_frame, read_table, resolve_data_dir

DOMAIN = "safeguarding"
CASE_TYPES = ("organisational", "community")
OUTCOMES = ("closed_by_team", "threshold_not_met", "transferred_to_locality", "open")
MEASURES = ("received",) + OUTCOMES
#: Types of risk as in the Safeguarding Adults Collection (SAC).
RISK_TYPES = (
    "physical", "sexual", "psychological", "financial", "discriminatory", "organisational",
    "neglect", "domestic", "sexual_exploitation", "modern_slavery", "self_neglect",
)
RISK_OUTCOMES = ("reduced", "removed", "remained")
MSP_OUTCOMES = ("fully", "partially", "not_achieved")
TABLE_OF = {"organisational": 1, "community": 2}
TOTAL = "total"
AREAS = ("leicestershire", "east_midlands", "england")

SYNTHETIC_SEED = 20210118
SYNTHETIC_SNAPSHOT = date(2020, 12, 11)
SYNTHETIC_FILE = Path("synthetic") / "safeguarding_concerns_synthetic.csv"


# --- loaders: published figures ----------------------------------------------

def load_cases(data_dir=None) -> pd.DataFrame:
    """Tables 1 (organisational) and 2 (community) of the January 2021 pack:
    one row per (case type, month, measure, unit); ``month`` is ``YYYY-MM`` or
    ``total``; unit ``count`` for the counts, ``percent`` for the printed shares."""
    return load_published(
        "safeguarding_cases",
        columns=[
            Column("table", "int", choices=("1", "2")),
            Column("case_type", choices=CASE_TYPES),
            Column("month", pattern=r"\d{4}-\d{2}|total"),
            Column("measure", choices=MEASURES),
        ],
        unique=["case_type", "month", "measure", "unit"],
        data_dir=data_dir,
    )


def load_sar(data_dir=None) -> pd.DataFrame:
    """Tables 3 (SAR referrals, commenced, completed) and 4 (independent reviewer costs)."""
    return load_published(
        "safeguarding_sar",
        columns=[Column("table", "int", choices=("3", "4")), Column("year", pattern=r"\d{4}/\d{2}"),
                 Column("measure", choices=("referrals", "commenced", "completed", "as_at", "independent_reviewer_cost"))],
        unique=["table", "year", "measure"],
        data_dir=data_dir,
        value_kind="str",
    )


def load_figures(data_dir=None) -> pd.DataFrame:
    """Single figures from the packs' prose and dashboards, by measure, area and
    period.  ``value`` is a number (empty for text rows), ``text`` the text of
    text rows (unit ``text``)."""
    out = load_published(
        "safeguarding_figures",
        columns=[Column("measure"), Column("area", choices=AREAS), Column("period")],
        unique=["source", "lines", "measure", "area", "period"],
        data_dir=data_dir,
        value_kind="str",
    )
    return _split_text(out, "safeguarding_figures", data_dir)


def load_budget(data_dir=None) -> pd.DataFrame:
    """Each MTFS edition's Safeguarding, DoLS and Court of Protection budget line
    (Mental Health & Safeguarding from 2024/25), DoLS grants and growth."""
    return load_published(
        "safeguarding_budget",
        columns=[Column("edition", pattern=r"\d{4}/\d{2}"), Column("item"), Column("measure")],
        unique=["edition", "item", "measure"],
        data_dir=data_dir,
    )


def load_plan(data_dir=None) -> pd.DataFrame:
    """Safeguarding actions of an improvement plan (the CQC Assessment 2025
    plan in the January 2026 pack): one row per action, ``value`` the end of
    its delivery period (``precision`` month), ``printed`` as printed."""
    return load_published(
        "safeguarding_plan",
        columns=[Column("plan"), Column("improvement_area"), Column("action_id", pattern=r"[a-z_]+"),
                 Column("action"), Column("outcome"), Column("progress"),
                 Column("period_start", "date"), Column("precision", choices=("month",))],
        unique=["plan", "action_id"],
        data_dir=data_dir,
        value_kind="date",
    )


def pack_plan(plan: pd.DataFrame, source: str | None, meeting_date) -> pd.DataFrame:
    """One pack's safeguarding plan actions, with the days from the meeting to
    the end of each delivery period (negative when past due)."""
    part = figures_for(plan, source)
    due = (part["value"] - pd.Timestamp(meeting_date)).dt.days
    return part[["improvement_area", "action", "outcome", "progress", "printed", "lines"]].assign(
        delivery_by=part["value"].dt.strftime("%Y-%m-%d"), days_to_delivery=due)


def _split_text(out: pd.DataFrame, name: str, data_dir) -> pd.DataFrame:
    from .sources import published_path

    problems = []
    numbers = []
    for row, rec in out.iterrows():
        if rec["unit"] == "text":
            numbers.append(math.nan)
            continue
        try:
            numbers.append(float(rec["value"]))
        except (TypeError, ValueError):
            numbers.append(math.nan)
            problems.append(Problem(column="value", expected="a number for a non-text unit", found=str(rec["value"]), row=int(row)))
    if problems:
        raise LoaderError(published_path(name, data_dir), problems)
    out = out.copy()
    out["text"] = out["value"].where(out["unit"] == "text", None)
    out["value"] = pd.Series(numbers, index=out.index, dtype="float64")
    return out


# --- loader: the cross-reference mapping -------------------------------------

#: The other domains' tables a safeguarding figure can be paired with.
CROSSREF_TARGETS = ("performance_prose", "performance_dashboard", "budget_revenue", "budget_items")
CROSSREF_FILE = Path("mappings") / "safeguarding_crossref.csv"
CROSSREF_COLUMNS = (
    Column("table", choices=("figures", "budget"), description="safeguarding_figures or safeguarding_budget"),
    Column("measure", pattern=r"[a-z0-9_]+", description="the safeguarding measure"),
    Column("area", nullable=True, choices=AREAS, description="the area of a figures row"),
    Column("item", nullable=True, pattern=r"[a-z0-9_]+", description="the item of a budget row"),
    Column("period", nullable=True, description="only this safeguarding period (else every period)"),
    Column("target", choices=CROSSREF_TARGETS, description="the other domain's table"),
    Column("target_measure", description="its measure key, revenue line or Appendix B/C reference"),
    Column("target_field", nullable=True,
           description="prose statistic, dashboard field or revenue column (empty for budget_items)"),
    Column("target_part", nullable=True, description="dashboard part (default value)"),
    Column("target_period", nullable=True, description="only this target period (else the same period as the figure)"),
    Column("note", nullable=True),
)


def load_crossref(data_dir=None) -> pd.DataFrame:
    """The pairing of safeguarding figures with the same figures in the
    performance and budget tables (``data/mappings/safeguarding_crossref.csv``):
    one row per pairing.  A figures row names its area, a budget row its item;
    every target but ``budget_items`` names a field; only the dashboard takes a
    part."""
    path = resolve_data_dir(data_dir) / CROSSREF_FILE
    out = parse_frame(read_table(path), CROSSREF_COLUMNS, path,
                      unique=["table", "measure", "area", "item", "period", "target", "target_measure",
                              "target_field", "target_part", "target_period"])
    for col in out.columns:  # empty cells as None, not NaN
        out[col] = pd.Series([None if pd.isna(v) else v for v in out[col]], index=out.index, dtype=object)
    problems = []
    for row in out.index:
        rec = out.loc[row].to_dict()
        def bad(column, expected):
            problems.append(Problem(column=column, expected=expected, found=str(rec[column] or ""), row=int(row)))

        if rec["table"] == "figures" and (rec["area"] is None or rec["item"] is not None):
            bad("area" if rec["area"] is None else "item", "an area and no item for a figures row")
        if rec["table"] == "budget" and (rec["item"] is None or rec["area"] is not None):
            bad("item" if rec["item"] is None else "area", "an item and no area for a budget row")
        if (rec["target"] == "budget_items") != (rec["target_field"] is None):
            bad("target_field", "empty for budget_items, else a field" if rec["target"] == "budget_items"
                else f"a field of {rec['target']}")
        if rec["target_part"] is not None and rec["target"] != "performance_dashboard":
            bad("target_part", "empty except for performance_dashboard")
    if problems:
        raise LoaderError(path, problems)
    out["target_part"] = out["target_part"].fillna("value")
    return out


# --- loader: the record-level extract -----------------------------------------

CONCERN_COLUMNS = (
    Column("concern_id", pattern=r"[A-Za-z0-9_.-]+", description="unique id of the concern"),
    Column("person_id", pattern=r"(?!\d{10}$)[A-Za-z0-9_.-]+", description="pseudonymous person id (never an NHS number)"),
    Column("received_date", "date", description="date the concern was received"),
    Column("case_type", choices=CASE_TYPES),
    Column("outcome", choices=OUTCOMES),
    Column("outcome_date", "date", nullable=True, description="empty while the outcome is open"),
    Column("s42_enquiry", "bool", description="a Section 42 enquiry followed"),
    Column("enquiry_concluded_date", "date", nullable=True),
    Column("risk_type", nullable=True, choices=RISK_TYPES),
    Column("risk_outcome", nullable=True, choices=RISK_OUTCOMES),
    Column("msp_asked", "bool", description="asked about desired outcomes (Making Safeguarding Personal)"),
    Column("msp_outcomes", nullable=True, choices=MSP_OUTCOMES),
)


def load_concerns(path, snapshot: date | str | None = None) -> pd.DataFrame:
    """Load and validate an extract of concerns, one row per concern.

    Checks every cell (codes, dates, booleans), duplicate ``concern_id`` and the
    rules between columns: an outcome date exactly when the outcome is not
    ``open``; no outcome or conclusion before the concern was received; a
    concluded date, risk outcome or Section 42 flag only where an enquiry can
    have followed; MSP outcomes only where the person was asked; no date after
    ``snapshot`` (a date or ISO text; default today).  Every problem is
    reported with its row and column; nothing is dropped.  Extra columns are
    kept as text.
    """
    path = Path(path)
    out = parse_frame(read_table(path), CONCERN_COLUMNS, path, unique=["concern_id"])
    snapshot = snapshot or date.today()
    limit = pd.Timestamp(snapshot)
    problems = []
    for row, rec in out.iterrows():
        def bad(column, expected, found):
            problems.append(Problem(column=column, expected=expected, found=str(found), row=int(row)))

        received = rec["received_date"]
        is_open = rec["outcome"] == "open"
        if is_open and not pd.isna(rec["outcome_date"]):
            bad("outcome_date", "empty while the outcome is open", rec["outcome_date"].date())
        if not is_open and pd.isna(rec["outcome_date"]):
            bad("outcome_date", f"a date for outcome {rec['outcome']}", "")
        for col in ("outcome_date", "enquiry_concluded_date"):
            when = rec[col]
            if not pd.isna(when) and when < received:
                bad(col, f"a date on or after received_date {received.date()}", when.date())
        for col in ("received_date", "outcome_date", "enquiry_concluded_date"):
            when = rec[col]
            if not pd.isna(when) and when > limit:
                bad(col, f"a date on or before the snapshot {snapshot}", when.date())
        if rec["s42_enquiry"] and rec["outcome"] == "threshold_not_met":
            bad("s42_enquiry", "false when the threshold was not met", "true")
        if not rec["s42_enquiry"] and not pd.isna(rec["enquiry_concluded_date"]):
            bad("enquiry_concluded_date", "empty when s42_enquiry is false", rec["enquiry_concluded_date"].date())
        if rec["risk_outcome"] is not None and pd.isna(rec["enquiry_concluded_date"]):
            bad("risk_outcome", "empty until the enquiry is concluded", rec["risk_outcome"])
        if rec["msp_outcomes"] is not None and not rec["msp_asked"]:
            bad("msp_outcomes", "empty when msp_asked is false", rec["msp_outcomes"])
    if problems:
        raise LoaderError(path, problems)
    return out


# --- calculations on the extract ----------------------------------------------

COUNT_COLUMNS = ["received", *OUTCOMES]


def monthly_cases(concerns: pd.DataFrame) -> pd.DataFrame:
    """One row per (month, case_type) with integer ``received`` and the count
    of each outcome (``closed_by_team``, ``threshold_not_met``,
    ``transferred_to_locality``, ``open``); months from the first to the last
    concern, both case types, zeros included.  No suppression here."""
    columns = ["month", "case_type", *COUNT_COLUMNS]
    if concerns.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in COUNT_COLUMNS else object) for c in columns})
    month = concerns["received_date"].dt.strftime("%Y-%m")
    counts = pd.crosstab([month.rename("month"), concerns["case_type"].rename("case_type")],
                         concerns["outcome"]).reindex(columns=list(OUTCOMES), fill_value=0)
    periods = pd.period_range(month.min(), month.max(), freq="M").strftime("%Y-%m")
    full = pd.MultiIndex.from_product([list(periods), list(CASE_TYPES)], names=["month", "case_type"])
    counts = counts.reindex(full, fill_value=0)
    counts.insert(0, "received", counts.sum(axis=1))
    out = counts.reset_index()
    out.columns.name = None
    for col in COUNT_COLUMNS:
        out[col] = out[col].astype("int64")
    return out[columns]


def _round(value, ndigits: int = 0) -> float:
    """Round half away from zero (numpy scalars included)."""
    return round_half_away(float(value), ndigits)


def _share(part, whole, ndigits: int = 1):
    if pd.isna(part) or pd.isna(whole) or whole == 0:
        return math.nan
    return _round(100.0 * float(part) / float(whole), ndigits)


def case_table(monthly: pd.DataFrame, case_type: str, internal: bool = False) -> pd.DataFrame:
    """The published layout of Table 1 or 2 from :func:`monthly_cases`: one row
    per month and a ``total`` row; counts, and each outcome's share of cases
    received (one decimal, half away from zero).  Unless ``internal``, counts of
    1 to 4 and any count that would reveal one by subtraction are suppressed
    (``<NA>``), and so are the shares of suppressed counts."""
    part = monthly[monthly["case_type"] == case_type].set_index("month")[COUNT_COLUMNS]
    part.loc[TOTAL] = part.sum()
    part.index.name = "month"
    counts = disclosure.suppress(part, list(OUTCOMES), total="received", total_row=TOTAL, internal=internal)
    out = counts.copy()
    for col in OUTCOMES[:3]:
        shares = [_share(n, d) for n, d in zip(counts[col], counts["received"])]
        out.insert(out.columns.get_loc(col) + 1, f"{col}_pct", pd.Series(shares, index=out.index, dtype="float64"))
    return out.reset_index()


def compare_received(monthly: pd.DataFrame, cases: pd.DataFrame, internal: bool = False) -> pd.DataFrame:
    """Cases received month by month: published (Tables 1 and 2) beside the
    counts rebuilt from an extract, and their difference.

    The rebuilt counts are those :func:`case_table` shows: unless
    ``internal``, a count it suppresses is ``<NA>`` here too, and so is its
    difference (the published count plus the difference would give it away)."""
    pub = published_received(cases)[["month", "case_type", "value"]].rename(columns={"value": "published"})
    shown = pd.concat([case_table(monthly, t, internal=internal).assign(case_type=t) for t in CASE_TYPES])
    shown = shown[shown["month"] != TOTAL]
    rebuilt = shown[["month", "case_type", "received"]].rename(columns={"received": "rebuilt"})
    out = pub.merge(rebuilt, on=["month", "case_type"], how="outer")
    out["published"] = out["published"].astype("Int64")
    out["rebuilt"] = out["rebuilt"].astype("Int64")
    out["difference"] = out["rebuilt"] - out["published"]
    return out.sort_values(["case_type", "month"], key=lambda s: s.map({c: i for i, c in enumerate(CASE_TYPES)}) if s.name == "case_type" else s).reset_index(drop=True)


def sac_counts(concerns: pd.DataFrame) -> dict:
    """The counts behind the SAC-style measures of an extract.

    Threshold and conversion counts are of decided concerns only (an ``open``
    concern has no threshold decision yet); the outcomes of risk and Making
    Safeguarding Personal are of concluded Section 42 enquiries."""
    decided = concerns["outcome"] != "open"
    met = decided & (concerns["outcome"] != "threshold_not_met")
    s42 = concerns["s42_enquiry"].astype(bool)
    concluded = s42 & concerns["enquiry_concluded_date"].notna()
    risk = concerns["risk_outcome"].where(concluded)
    asked = concluded & concerns["msp_asked"].astype(bool)
    msp = concerns["msp_outcomes"].where(asked)
    counts = {
        "concerns": len(concerns), "decided": int(decided.sum()), "met_threshold": int(met.sum()),
        "s42_of_decided": int((decided & s42).sum()), "s42_enquiries": int(s42.sum()),
        "concluded": int(concluded.sum()), "risk_identified": int(risk.notna().sum()),
    }
    counts.update({f"risk_{o}": int((risk == o).sum()) for o in RISK_OUTCOMES})
    counts["risk_reduced_or_removed"] = counts["risk_reduced"] + counts["risk_removed"]
    counts.update({"msp_asked": int(asked.sum()), "msp_expressed": int(msp.notna().sum())})
    counts.update({f"msp_{o}": int((msp == o).sum()) for o in MSP_OUTCOMES})
    counts["msp_achieved"] = counts["msp_fully"] + counts["msp_partially"]
    return counts


def sac_measures(concerns: pd.DataFrame, internal: bool = False) -> pd.DataFrame:
    """SAC-style measures from an extract: numerator, denominator and share (%)
    for the share of decided concerns that met the threshold, the conversion
    rate (decided concerns leading to a Section 42 enquiry), the Section 42
    share of concerns that met the threshold, each outcome of identified risks
    (reduced, removed, remained, and reduced or removed) and Making
    Safeguarding Personal (asked; outcomes fully, partially, and fully or
    partially achieved).

    Unless ``internal``, counts are suppressed by
    :func:`toolkit.disclosure.suppress_related` over :data:`SAC_SUMS` and
    :data:`SAC_PARENT`, and a share whose numerator or denominator is hidden
    is hidden too."""
    shown = disclosure.suppress_related(sac_counts(concerns), SAC_SUMS, SAC_PARENT, internal=internal)
    rows = []
    for measure, description, num, den in SAC_MEASURES:
        n, d = shown[num], shown[den]
        rows.append({"measure": measure, "description": description,
                     "numerator": n, "denominator": d, "value": _share(n, d)})
    out = pd.DataFrame(rows)
    out["numerator"] = out["numerator"].astype("Int64")
    out["denominator"] = out["denominator"].astype("Int64")
    return out


#: Counts of an extract that add up to another.
SAC_SUMS = {
    "risk_identified": [f"risk_{o}" for o in RISK_OUTCOMES],
    "risk_reduced_or_removed": ["risk_reduced", "risk_removed"],
    "msp_expressed": [f"msp_{o}" for o in MSP_OUTCOMES],
    "msp_achieved": ["msp_fully", "msp_partially"],
}
#: Nested counts of an extract: each is a subset of its parent.
SAC_PARENT = {
    "decided": "concerns", "met_threshold": "decided", "s42_of_decided": "met_threshold",
    "s42_enquiries": "concerns", "concluded": "s42_enquiries", "risk_identified": "concluded",
    "msp_asked": "concluded", "msp_expressed": "msp_asked",
}
#: measure, description, numerator, denominator.
SAC_MEASURES = (
    ("met_threshold_rate", "decided concerns that met the threshold", "met_threshold", "decided"),
    ("conversion_rate", "decided concerns leading to a Section 42 enquiry", "s42_of_decided", "decided"),
    ("s42_share_of_met_threshold", "Section 42 enquiries among concerns that met the threshold", "s42_of_decided", "met_threshold"),
    ("risk_reduced", "concluded enquiries with a risk identified: risk reduced", "risk_reduced", "risk_identified"),
    ("risk_removed", "concluded enquiries with a risk identified: risk removed", "risk_removed", "risk_identified"),
    ("risk_remained", "concluded enquiries with a risk identified: risk remained", "risk_remained", "risk_identified"),
    ("risk_reduced_or_removed", "concluded enquiries with a risk identified: risk reduced or removed", "risk_reduced_or_removed", "risk_identified"),
    ("msp_asked", "concluded enquiries where the person was asked about outcomes", "msp_asked", "concluded"),
    ("msp_fully_achieved", "outcomes expressed that were fully achieved", "msp_fully", "msp_expressed"),
    ("msp_partially_achieved", "outcomes expressed that were partially achieved", "msp_partially", "msp_expressed"),
    ("msp_outcomes_achieved", "outcomes expressed that were fully or partially achieved", "msp_achieved", "msp_expressed"),
)


def risk_types(concerns: pd.DataFrame, internal: bool = False) -> pd.DataFrame:
    """Concluded Section 42 enquiries by type of risk, with each type's share (%)."""
    concluded = concerns[concerns["s42_enquiry"].astype(bool) & concerns["enquiry_concluded_date"].notna()]
    counts = concluded["risk_type"].value_counts().reindex(list(RISK_TYPES), fill_value=0)
    wide = pd.DataFrame([list(counts) + [int(counts.sum())]], columns=[*RISK_TYPES, TOTAL])
    wide = disclosure.suppress(wide, list(RISK_TYPES), total=TOTAL, internal=internal)
    total = wide.at[0, TOTAL]
    return pd.DataFrame({
        "risk_type": [*RISK_TYPES, TOTAL],
        "enquiries": pd.array([wide.at[0, c] for c in [*RISK_TYPES, TOTAL]], dtype="Int64"),
        "share": [_share(wide.at[0, c], total) for c in [*RISK_TYPES, TOTAL]],
    })


# --- calculations on the published figures ------------------------------------

def published_table(cases: pd.DataFrame, case_type: str) -> pd.DataFrame:
    """Table 1 or 2 as printed: counts and printed shares by month."""
    part = cases[cases["case_type"] == case_type]
    counts = part[part["unit"] == "count"].pivot(index="month", columns="measure", values="value")
    pcts = part[part["unit"] == "percent"].pivot(index="month", columns="measure", values="value")
    out = counts.reindex(columns=COUNT_COLUMNS).astype("Int64")
    for col in OUTCOMES[:3]:
        out.insert(out.columns.get_loc(col) + 1, f"{col}_pct", pcts[col] if col in pcts else math.nan)
    out = out.reset_index()
    out.columns.name = None
    return out


def published_received(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases received month by month as printed in Tables 1 and 2 (the count
    rows, without the totals row)."""
    return cases[(cases["measure"] == "received") & (cases["unit"] == "count") & (cases["month"] != TOTAL)]


def outcome_totals(cases: pd.DataFrame) -> pd.DataFrame:
    """Total received and each outcome for each case type, with shares of
    received (from the month rows, not the printed totals), and the threshold
    conversion: the share of cases that met the threshold."""
    body = cases[(cases["unit"] == "count") & (cases["month"] != TOTAL)]
    sums = body.pivot_table(index="case_type", columns="measure", values="value", aggfunc="sum")
    sums = sums.reindex(index=list(CASE_TYPES), columns=COUNT_COLUMNS)
    out = sums.astype("int64").reset_index()
    out.columns.name = None
    for col in OUTCOMES:
        out[f"{col}_pct"] = [_share(n, d) for n, d in zip(out[col], out["received"])]
    out["met_threshold_pct"] = [_share(d - n, d) for n, d in zip(out["threshold_not_met"], out["received"])]
    return out


def change_on_year(current: float, change: float) -> dict:
    """The previous year's figure and the percentage change, from this year's
    figure and the change on the year."""
    previous = current - change
    return {"current": current, "previous": previous, "change": change,
            "change_pct": 100.0 * change / previous if previous else math.nan}


def weekly_average(total: float, start: date, end: date) -> float:
    """Average per week over the days from ``start`` to ``end`` inclusive."""
    days = (end - start).days + 1
    return total / (days / 7.0)


def sar_activity(sar: pd.DataFrame) -> pd.DataFrame:
    """SAR referrals, commenced and completed, independent reviewer cost and
    cost per completed review, by financial year."""
    nums = sar[sar["unit"] != "date"].copy()
    nums["value"] = nums["value"].astype(float)
    out = nums.pivot(index="year", columns="measure", values="value")
    out = out.reindex(columns=["referrals", "commenced", "completed", "independent_reviewer_cost"])
    out["cost_per_completed_review"] = [
        _round(c / n, 2) if n else math.nan for c, n in zip(out["independent_reviewer_cost"], out["completed"])
    ]
    for col in ("referrals", "commenced", "completed"):
        out[col] = out[col].astype("Int64")
    out = out.reset_index()
    out.columns.name = None
    return out


def _in_print_order(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures in the order they were printed: by meeting, then by first line."""
    out = figures.assign(meeting=figures["source"].map(SOURCES),
                         first_line=figures["lines"].map(lambda s: int(str(s).split(";")[0].split("-")[0])))
    return out.sort_values(["meeting", "first_line"], kind="stable").drop(columns="first_line")


#: Units whose figures can be set beside another area's (rates, not raw counts).
COMPARABLE_UNITS = ("percent", "per_100k")


def national_comparison(figures: pd.DataFrame) -> pd.DataFrame:
    """Leicestershire beside the East Midlands and England: one row per
    measure and comparator period.  Where Leicestershire is not printed for
    the comparator's period, the Leicestershire figure printed in the same
    pack is used (as the pack itself compares them), else the latest one
    printed; ``leicestershire_period`` says which, and ``note`` says when the
    periods differ or no local figure is printed.  Later printings of the same
    figure replace earlier ones."""
    nums = figures[figures["unit"].isin(COMPARABLE_UNITS)].copy()
    nums = _in_print_order(nums)
    columns = ["measure", "period", "leicestershire_period", "leicestershire", "east_midlands", "england",
               "gap_to_england", "note"]
    rows = []
    for measure, part in nums.groupby("measure", sort=True):
        local = part[part["area"] == "leicestershire"]
        others = part[part["area"] != "leicestershire"]
        for period, nat in others.groupby("period", sort=True):
            same = local[local["period"] == period]
            near = local[local["source"].isin(set(nat["source"]))]
            pick = same if not same.empty else (near if not near.empty else local)
            latest = pick.sort_values(["meeting", "period"], kind="stable").iloc[-1] if not pick.empty else None
            by_area = nat.drop_duplicates("area", keep="last").set_index("area")["value"]
            england = by_area.get("england", math.nan)
            value = math.nan if latest is None else latest["value"]
            note = ("" if latest is not None and latest["period"] == period else
                    "no Leicestershire figure printed" if latest is None else
                    f"periods differ: Leicestershire {latest['period']} against {period}")
            rows.append({"measure": measure, "period": period,
                         "leicestershire_period": "" if latest is None else latest["period"],
                         "leicestershire": value, "east_midlands": by_area.get("east_midlands", math.nan),
                         "england": england, "gap_to_england": _round(value - england, 1), "note": note})
    return pd.DataFrame(rows, columns=columns)


def figures_for(table: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """The rows of a published table (figures, budget lines, plan actions)
    that one pack prints."""
    return table[table["source"] == source].reset_index(drop=True)


def papers_with_material(data_dir=None) -> list[str]:
    """The source papers any safeguarding table cites, in paper order: the
    meetings whose packs should run the safeguarding analysis."""
    cited = set()
    for loader in PUBLISHED_LOADERS:
        cited |= set(loader(data_dir)["source"])
    return sorted(cited)


def packs_up_to(meeting_date) -> list[str]:
    """The source papers of the meetings held on or before ``meeting_date``,
    oldest first."""
    when = str(meeting_date)
    return [src for src, day in sorted(SOURCES.items(), key=lambda kv: kv[1]) if day <= when]


def pack_of(meeting_date) -> str | None:
    """The source paper of the meeting on ``meeting_date`` (None if not a pack)."""
    return next((src for src, day in SOURCES.items() if day == str(meeting_date)), None)


def pack_figures(figures: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """The single figures one pack prints, for display: measure, area, period,
    the figure (number or text), unit and lines."""
    part = figures_for(figures, source)
    shown = [t if t is not None else v for v, t in zip(part["value"], part["text"])]
    return pd.DataFrame({
        "measure": part["measure"].to_numpy(), "area": part["area"].to_numpy(), "period": part["period"].to_numpy(),
        "figure": shown, "unit": part["unit"].to_numpy(), "lines": part["lines"].to_numpy(),
    })


def pack_budget(budget: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """The safeguarding budget lines and grants one pack prints."""
    return figures_for(budget, source)[["edition", "item", "measure", "value", "unit", "lines"]]


def pack_published(figures: pd.DataFrame, budget: pd.DataFrame, plan: pd.DataFrame, source: str | None,
                   meeting_date) -> list[tuple[str, str, pd.DataFrame]]:
    """The tables of what one pack prints on safeguarding, as (name, caption,
    table), leaving out those the pack has nothing for."""
    tables = [
        ("safeguarding_pack_figures", "Safeguarding figures printed in this pack (lines of the pack's text)",
         pack_figures(figures, source)),
        ("safeguarding_pack_budget", "Safeguarding, DoLS and Court of Protection budget lines and grants in this pack",
         pack_budget(budget, source)),
        ("safeguarding_pack_plan", "Safeguarding actions of the improvement plan in this pack, with days from the "
         "meeting to the end of each delivery month", pack_plan(plan, source, meeting_date)),
    ]
    return [t for t in tables if not t[2].empty]


#: Measures the packs print for several years: shown as trends.
TREND_MEASURES = ("feel_safe_pct", "msp_outcomes_achieved_pct", "risk_reduced_or_removed_pct",
                  "substantiated_pct", "enquiries_completed", "concerns_per_100k")


def trend_tables(figures: pd.DataFrame, sources) -> list[tuple[str, str, pd.DataFrame]]:
    """Each of :data:`TREND_MEASURES` printed in the given packs, as (name,
    caption, table) with the latest printing of each period; measures not yet
    printed are left out."""
    tables = [(f"safeguarding_trend_{m}", f"{m}: as printed in the packs to date (the latest printing of each period)",
               trend(figures, m, sources)) for m in TREND_MEASURES]
    return [t for t in tables if not t[2].empty]


def trend_summary(frame: pd.DataFrame) -> str:
    """One line naming each area's figure by period, from a :func:`trend` table."""
    suffix = {"percent": "%", "per_100k": " per 100,000"}
    return "; ".join(f"{r.area} {r.period}: {r.value:g}{suffix.get(r.unit, '')}" for r in frame.itertuples())


def findings_summary(found: pd.DataFrame, source: str | None) -> str:
    """One line: how many checks on this pack's figures, and of what kind."""
    part = of_source(found, source)
    if part.empty:
        return "No reconciliation check applies to this pack's safeguarding figures."
    counts = part["kind"].value_counts()
    return f"{len(part)} checks on this pack's figures: " + ", ".join(f"{n} {k}" for k, n in counts.items())


def findings_for(found: pd.DataFrame, sources) -> pd.DataFrame:
    """The findings worth attention (every kind but ok) on the given packs,
    with the standard columns first."""
    part = found[(found["kind"] != "ok") & found["source"].isin(list(sources))]
    cols = ["domain", "check", "source", "lines", "published", "computed", "difference", "kind", "description", "detail"]
    return part[cols].reset_index(drop=True)


def resolve_extract(path) -> Path | None:
    """An extract path from a meeting's options: '' means none; a relative
    path is taken from the repository root."""
    if not path:
        return None
    from .sources import ROOT

    path = Path(path)
    return path if path.is_absolute() else ROOT / path


def trend(figures: pd.DataFrame, measure: str, sources) -> pd.DataFrame:
    """One measure by period and area as printed in the given packs; where a
    later pack prints the same period again, the later figure is kept."""
    part = figures[(figures["measure"] == measure) & figures["source"].isin(list(sources))].copy()
    part = _in_print_order(part).drop_duplicates(["period", "area"], keep="last")
    return part.sort_values(["area", "period"])[["area", "period", "value", "unit", "meeting", "source", "lines"]].reset_index(drop=True)


def england_comparison(concerns: pd.DataFrame, figures: pd.DataFrame, sources, internal: bool = False) -> pd.DataFrame:
    """Measures from an extract beside the latest England figure printed in
    the given packs: risk reduced or removed, and neglect's share of risks in
    concluded enquiries."""
    sac = sac_measures(concerns, internal=internal).set_index("measure")
    types = risk_types(concerns, internal=internal).set_index("risk_type")
    national = figures[(figures["area"] == "england") & figures["source"].isin(list(sources))].copy()
    national["meeting"] = national["source"].map(SOURCES)
    rows = []
    for measure, local, published in (
        ("risk reduced or removed (%)", sac.at["risk_reduced_or_removed", "value"], "risk_reduced_or_removed_pct"),
        ("neglect: share of risks (%)", types.at["neglect", "share"], "neglect_share_of_risks_pct"),
    ):
        nat = national[national["measure"] == published].sort_values(["meeting", "period"])
        last = nat.iloc[-1] if not nat.empty else None
        rows.append({
            "measure": measure, "extract": local,
            "england": math.nan if last is None else last["value"],
            "england_period": "" if last is None else last["period"],
            "difference": math.nan if last is None or pd.isna(local) else _round(local - last["value"], 1),
        })
    return pd.DataFrame(rows)


# --- reconciliation -----------------------------------------------------------

def _f(check, description, published, computed, source, lines, **kw):
    return finding(DOMAIN, check, description, published, computed, source, lines, **kw)


def check_rows(cases: pd.DataFrame) -> list[dict]:
    """Outcome columns against cases received, row by row (totals row included)."""
    rows = []
    for (case_type, month), part in cases[cases["unit"] == "count"].groupby(["case_type", "month"], sort=False):
        vals = part.set_index("measure")["value"]
        rec = part.iloc[0]
        table = int(rec["table"])
        outcomes = sum(vals.get(m, 0) for m in OUTCOMES)
        rows.append(_f(
            "row_outcomes_vs_received",
            f"Table {table} {month}: outcomes add up to cases received",
            vals["received"], outcomes, rec["source"], rec["lines"], tolerance=0, unit="count",
            detail=" + ".join(f"{int(vals.get(m, 0))}" for m in OUTCOMES) + f" = {int(outcomes)}",
        ))
    return rows


def check_columns(cases: pd.DataFrame) -> list[dict]:
    """Each column's printed total against the sum of its month rows."""
    rows = []
    counts = cases[cases["unit"] == "count"]
    for case_type in CASE_TYPES:
        for measure in MEASURES:
            col = counts[(counts["case_type"] == case_type) & (counts["measure"] == measure)]
            total = col[col["month"] == TOTAL]
            if total.empty:
                continue
            rec = total.iloc[0]
            body = col[col["month"] != TOTAL]
            rows.append(_f(
                "column_total_vs_rows",
                f"Table {int(rec['table'])} {measure}: printed total equals the sum of the months",
                rec["value"], body["value"].sum(), rec["source"], rec["lines"], tolerance=0, unit="count",
                detail=f"{len(body)} months",
            ))
    return rows


def percentage_finding(check, description, printed_value, printed, part, whole, source, lines, note: str = "") -> dict:
    """A printed percentage against its counts, classed by the one shared rule
    :func:`toolkit.reconcile.printed_kind` (``ok`` exact; ``rounding`` rounded
    half away from zero, or truncated, which the detail says; ``mismatch``
    otherwise); ``computed`` is the share rounded half away from zero to the
    printed decimals.  ``note`` is added to the detail."""
    exact = 100.0 * float(part) / float(whole)
    d = decimals_of(printed)
    kind, why = printed_kind(printed_value, exact, d)
    detail = "; ".join(x for x in (f"{int(part)} / {int(whole)} = {exact:.4f}%", why, note) if x)
    return _f(check, description, printed_value, _round(exact, d), source, lines, kind=kind, unit="percent", detail=detail)


def check_percentages(cases: pd.DataFrame) -> list[dict]:
    """Each printed percentage against its count over cases received.  Where
    a row's printed shares add up to exactly 100 but the rounded shares do
    not, a share that does not match says the row looks adjusted to 100."""
    counts = {key: part.drop_duplicates("measure").set_index("measure")["value"]
              for key, part in cases[cases["unit"] == "count"].groupby(["case_type", "month"], sort=False)}
    pcts = cases[cases["unit"] == "percent"].reset_index(drop=True)
    found = {}
    for (case_type, month), row in pcts.groupby(["case_type", "month"], sort=False):
        cells = counts[(case_type, month)]
        received = cells["received"]
        shares = [float(v) for v in row["value"]]
        rounded = [_round(100.0 * cells[m] / received, decimals_of(p)) for m, p in zip(row["measure"], row["printed"])]
        note = ""
        if len(row) > 1 and abs(sum(shares) - 100) < 1e-9 and abs(sum(rounded) - 100) > 1e-9:
            note = (f"the row's printed shares add up to exactly 100 ({' + '.join(p.strip('()%') for p in row['printed'])}) "
                    f"where the rounded shares add up to {sum(rounded):g}: the row appears adjusted to total 100")
        for i, rec in row.iterrows():
            f = percentage_finding(
                "percent_vs_counts",
                f"Table {int(rec['table'])} {month} {rec['measure']}: printed share of cases received",
                rec["value"], rec["printed"], cells[rec["measure"]], received, rec["source"], rec["lines"],
            )
            if note and f["kind"] == "mismatch":
                f["detail"] += f"; {note}"
            found[i] = f
    return [found[i] for i in pcts.index]


def _fig(figures, measure, period=None, area="leicestershire", source=None):
    hit = figures[(figures["measure"] == measure) & (figures["area"] == area)]
    if period is not None:
        hit = hit[hit["period"] == period]
    if source is not None:
        hit = hit[hit["source"] == source]
    if hit.empty:
        raise KeyError(f"no published figure {measure} {area} {period}")
    return hit.iloc[0]


def check_prose(cases: pd.DataFrame, sar: pd.DataFrame, figures: pd.DataFrame) -> list[dict]:
    """Prose totals against table totals, and prose figures against each other."""
    rows = []
    received = published_received(cases)
    osa = received[received["case_type"] == "organisational"].set_index("month")["value"]
    for measure, pick in (("osa_cases_month_high", max), ("osa_cases_month_low", min)):
        extreme = pick(osa)
        word = "highest" if pick is max else "lowest"
        for _, rec in figures[figures["measure"] == measure].iterrows():
            month = rec["period"]
            got = osa.get(month, math.nan)
            rows.append(_f(
                "prose_vs_table", f"OSA cases received in {month} (prose, the {word} month) against Table 1",
                rec["value"], got, rec["source"], rec["lines"], unit="count",
                kind="ok" if rec["value"] == got == extreme else "mismatch",
                detail=f"Table 1 {word} month: {int(extreme)} in " + ", ".join(m for m, v in osa.items() if v == extreme),
            ))
    sar_num = sar[sar["unit"] != "date"].assign(value=lambda f: f["value"].astype(float))
    ref = sar_num[sar_num["measure"] == "referrals"]
    rec = _fig(figures, "sar_referrals_three_years")
    rows.append(_f("prose_vs_table", "SAR referrals in the past three years (prose) against Table 3",
                   rec["value"], ref["value"].sum(), rec["source"], rec["lines"], tolerance=0, unit="count",
                   detail=" + ".join(f"{int(v)}" for v in ref["value"])))
    cost = sar_num[sar_num["measure"] == "independent_reviewer_cost"]
    rec = _fig(figures, "sar_cost_three_years")
    rows.append(_f("prose_vs_table", "cost of SARs over three years (prose) against Table 4",
                   rec["value"], cost["value"].sum(), rec["source"], rec["lines"], tolerance=0, unit="gbp",
                   detail=" + ".join(f"{int(v):,}" for v in cost["value"])))
    rec = _fig(figures, "sar_referrals_since_march_2020")
    in_year = ref[ref["year"] == "2020/21"]["value"].iloc[0]
    rows.append(_f("prose_vs_table",
                   "SAR referrals from March 2020 (prose) cannot be fewer than the 2020/21 referrals in Table 3",
                   rec["value"], in_year, rec["source"], rec["lines"], unit="count",
                   kind="ok" if rec["value"] >= in_year else "mismatch",
                   detail="2020/21 began in April 2020, inside the period from March 2020"))

    rows += check_alerts(figures)

    for measure, num, den in (("msp_outcomes_achieved_pct", "msp_outcomes_achieved", "msp_outcomes_expressed"),
                              ("risk_reduced_or_removed_pct", "risk_reduced_or_removed", "risk_identified")):
        for _, n in figures[(figures["measure"] == num)].iterrows():
            d = _fig(figures, den, n["period"], source=n["source"])
            p = figures[(figures["measure"] == measure) & (figures["period"] == n["period"])
                        & (figures["source"] == n["source"]) & (figures["lines"] == n["lines"])]
            if p.empty:
                p = figures[(figures["measure"] == measure) & (figures["period"] == n["period"]) & (figures["source"] == n["source"])]
            p = p.iloc[0]
            rows.append(percentage_finding("prose_percent_vs_counts", f"{measure} {n['period']}: printed share of its counts",
                                           p["value"], p["printed"], n["value"], d["value"], p["source"], p["lines"]))
    return rows


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a calendar year (``2020``) or a financial year
    (``2020/21``, April to March)."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    return date(year, 4, 1), date(year + 1, 3, 31)


def months_that_fit(total: float, high: float, low: float) -> tuple[int, int]:
    """The fewest and most months a total can cover when its highest month is
    ``high`` and its lowest ``low``: every other month lies between them, so
    ``high + (n - 1) * low <= total <= (n - 1) * high + low``."""
    fewest = math.ceil((total - low) / high) + 1
    most = math.floor((total - high) / low) + 1
    return fewest, most


def check_alerts(figures: pd.DataFrame) -> list[dict]:
    """The alerts paragraph of the 2021 pack: the share via the CSC, the change
    on the year, the weekly average and the highest and lowest months, each
    against the total of alerts.  The figures do not share one period: each
    detail says what period the others imply."""
    rows = []
    alerts = _fig(figures, "alerts")
    period, total = alerts["period"], float(alerts["value"])
    first, last = period_bounds(period)
    days = (last - first).days + 1
    months = 12  # period_bounds reads every period as a calendar or financial year

    csc = _fig(figures, "alerts_via_csc", period)
    csc_pct = _fig(figures, "alerts_via_csc_pct", period)
    implied = csc["value"] * 100 / csc_pct["value"]
    rows.append(percentage_finding(
        "prose_percent_vs_counts", f"alerts via the Customer Service Centre: share of alerts in {period}",
        csc_pct["value"], csc_pct["printed"], csc["value"], total, csc_pct["source"], f"{alerts['lines']};{csc_pct['lines']}",
        note=f"{int(csc['value']):,} being {csc_pct['printed']} of the alerts would make {implied:,.0f} alerts, not {total:,.0f}"))
    change = _fig(figures, "alerts_change", period)
    change_pct = _fig(figures, "alerts_change_pct", period)
    rows.append(percentage_finding(
        "prose_percent_vs_counts", "alerts: change on the previous year as a share of it",
        change_pct["value"], change_pct["printed"], change["value"], total - change["value"],
        change_pct["source"], f"{alerts['lines']};{change_pct['lines']}"))

    weekly = figures[(figures["measure"] == "alerts_per_week") & (figures["area"] == "leicestershire")]
    per_week = weekly.iloc[0]
    avg = weekly_average(total, first, last)
    also = "; ".join(f"line {r['lines']} quotes {r['printed']!r}" for _, r in weekly.iloc[1:].iterrows())
    rows.append(_f(
        "prose_average_vs_total", f"alerts per week: {period} alerts over the {days / 7:.1f} weeks of {period}",
        per_week["value"], _round(avg, 0), per_week["source"], f"{alerts['lines']};{per_week['lines']}",
        tolerance=0, unit="count",
        detail=f"{total:,.0f} / {days / 7:.2f} = {avg:.2f}; {per_week['value']:g} a week would be "
               f"{per_week['value'] * days / 7:,.0f} alerts" + (f" ({also})" if also else "")
               + "; the periods of the figures appear mixed (see the months check)"))

    high = figures[(figures["measure"] == "alerts_month_high") & (figures["area"] == "leicestershire")]
    low = figures[(figures["measure"] == "alerts_month_low") & (figures["area"] == "leicestershire")]
    for (_, h), (_, lo) in zip(high.iterrows(), low.iterrows()):
        fewest, most = months_that_fit(total, h["value"], lo["value"])
        least = h["value"] + (months - 1) * lo["value"]
        greatest = (months - 1) * h["value"] + lo["value"]
        fits = least <= total <= greatest
        rows.append(_f(
            "prose_months_vs_total",
            f"alerts: the highest month ({h['period']}) and the lowest ({lo['period']}) can be months of a "
            f"{months}-month total",
            total, least if total < least else greatest, h["source"], f"{alerts['lines']};{h['lines']}",
            unit="count", kind="ok" if fits else "mismatch",
            detail=f"{months} months holding {h['value']:g} and {lo['value']:g} add up to between "
                   f"{h['value']:g} + {months - 1} x {lo['value']:g} = {least:,.0f} and "
                   f"{months - 1} x {h['value']:g} + {lo['value']:g} = {greatest:,.0f}; "
                   f"{total:,.0f} fits {fewest} to {most} months"
                   + ("" if fits else
                      f", not {months}: the total appears to cover a shorter period than the monthly figures "
                      f"and the weekly average (the periods appear mixed)"),
        ))
    return rows


def check_quoted_twice(figures: pd.DataFrame) -> list[dict]:
    """The same measure, area and period printed more than once: each later
    quotation against the first, at the coarser of the two precisions."""
    rows = []
    nums = figures[figures["unit"] != "text"]
    for (measure, area, period), part in nums.groupby(["measure", "area", "period"], sort=True):
        if len(part) < 2:
            continue
        first = part.iloc[0]
        for _, other in part.iloc[1:].iterrows():
            kind, _, _ = _printings(first["value"], decimals_of(first["printed"] or ""), 1.0,
                                    other["value"], decimals_of(other["printed"] or ""), 1.0)
            rows.append(_f("quoted_twice", f"{measure} ({area}, {period}) quoted at {first['source']} line {first['lines']} and again",
                           first["value"], other["value"], other["source"], other["lines"], kind=kind,
                           unit=first["unit"], detail=f"first quoted on line {first['lines']}"))
    return rows


def check_budget(budget: pd.DataFrame) -> list[dict]:
    """Each budget line: employees + running expenses + internal income = gross;
    gross + external income = net.  The DoLS service budget of 2024/25:
    staffing + running costs + income = net service budget."""
    rows = []
    for (edition, item), part in budget.groupby(["edition", "item"], sort=True):
        v = part.set_index("measure")["value"]
        rec = part.iloc[0]
        if {"employees", "running_expenses", "internal_income", "gross_budget"} <= set(v.index):
            rows.append(_f("budget_line_arithmetic", f"{edition} {item}: employees + running expenses + internal income = gross budget",
                           v["gross_budget"], v["employees"] + v["running_expenses"] + v["internal_income"],
                           rec["source"], rec["lines"], tolerance=0, unit="gbp"))
            rows.append(_f("budget_line_arithmetic", f"{edition} {item}: gross budget + external income = net budget",
                           v["net_budget"], v["gross_budget"] + v["external_income"], rec["source"], rec["lines"],
                           tolerance=0, unit="gbp"))
        if {"staffing_2023_24", "running_costs_2023_24", "income_2023_24", "net_budget_since_2017_18"} <= set(v.index):
            rows.append(_f("budget_line_arithmetic", f"{edition} {item}: staffing + running costs + income = net service budget",
                           v["net_budget_since_2017_18"],
                           round(v["staffing_2023_24"] + v["running_costs_2023_24"] + v["income_2023_24"], 6),
                           rec["source"], rec["lines"], printed="£2.2m", unit="gbp_millions"))
    return rows


# --- the same figure in another domain's table --------------------------------

#: Money units and their size in pounds: a figure in pounds and one in
#: thousands of pounds can be the same figure.
MONEY_SCALE = {"gbp": 1.0, **UNIT_SCALE}


def year_label(label) -> str:
    """A financial year in one spelling: ``2022/23``, ``2022-23`` and an MTFS
    edition ``2022/23-2025/26`` (its first year) all give ``2022-23``; any
    other label (``2020/21 to November``) is returned as it is."""
    text = "" if label is None or (isinstance(label, float) and math.isnan(label)) else str(label)
    match = re.fullmatch(r"(\d{4})[/-](\d{2})(?:-\d{4}/\d{2})?", text)
    return f"{match.group(1)}-{match.group(2)}" if match else text


def line_set(lines) -> set[int]:
    """The line numbers a ``lines`` cell cites (``12-14;20``)."""
    out: set[int] = set()
    for part in str(lines).split(";"):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def crossref_targets(prose: pd.DataFrame, dashboard: pd.DataFrame, revenue: pd.DataFrame,
                     items: pd.DataFrame) -> pd.DataFrame:
    """The performance and budget tables (as their loaders give them) in one
    layout: target, measure, field, part, period, number, text, unit, printed,
    source, lines and row (the line of the table's file)."""
    def text_of(frame):
        return frame["value"].where(frame["unit"] == "text", None)

    parts = [
        prose.assign(target="performance_prose", field=prose["statistic"], part="value", text=text_of(prose)),
        dashboard.assign(target="performance_dashboard", text=text_of(dashboard)),
        revenue.assign(target="budget_revenue", measure=revenue["line"], field=revenue["column"], part="value",
                       period=revenue["edition"], number=revenue["value"], text=None),
        items.assign(target="budget_items", measure=items["ref"], field=None, part="value", period=items["year"],
                     number=items["value"], text=None),
    ]
    cols = ["target", "measure", "field", "part", "period", "number", "text", "unit", "printed", "source", "lines", "row"]
    return pd.concat([p.assign(row=p.index)[cols] for p in parts], ignore_index=True)


def _safeguarding_side(figures: pd.DataFrame, budget: pd.DataFrame) -> pd.DataFrame:
    """safeguarding_figures and safeguarding_budget in one layout."""
    cols = ["table", "measure", "area", "item", "period", "number", "text", "unit", "printed", "source", "lines", "row"]
    return pd.concat([
        figures.assign(table="figures", item=None, number=figures["value"], row=figures.index)[cols],
        budget.assign(table="budget", area=None, period=budget["edition"], number=budget["value"], text=None,
                      row=budget.index)[cols],
    ], ignore_index=True)


def _decimals(printed, number: float) -> int:
    """Decimal places a figure was printed to: from its printed string, else
    from the value itself."""
    if printed and re.search(r"\d", str(printed)):
        return decimals_of(printed)
    return decimals_of(f"{number:g}")


def _compare(sg, other, same_printing: bool) -> tuple[str, object, object, str]:
    """kind, published, computed and a note for one pair.  One printing
    transcribed twice must agree exactly; two printings of a figure are
    compared at the coarser printed precision by the shared rule
    :func:`toolkit.reconcile.printed_kind`."""
    if sg["unit"] == "text" or other["unit"] == "text":
        a, b = sg["text"], other["text"]
        same = sg["unit"] == other["unit"] and str(a).strip().casefold() == str(b).strip().casefold()
        return ("ok" if same else "mismatch"), a, b, "" if same else "the texts differ"
    a, b = float(sg["number"]), float(other["number"])
    if sg["unit"] != other["unit"] and not {sg["unit"], other["unit"]} <= set(MONEY_SCALE):
        return "mismatch", a, b, f"units differ: {sg['unit']} against {other['unit']}"
    scale_a, scale_b = MONEY_SCALE.get(sg["unit"], 1.0), MONEY_SCALE.get(other["unit"], 1.0)
    b_in_a = b * scale_b / scale_a
    note = "" if scale_a == scale_b else f"{b:,.{_decimals(other['printed'], b)}f} {other['unit']} is {b_in_a:,g} {sg['unit']}"
    if same_printing:
        same = abs(a - b_in_a) < 1e-9 * max(1.0, abs(a))
        return ("ok" if same else "mismatch"), a, b_in_a, note
    kind, why, ours = _printings(a, _decimals(sg["printed"], a), scale_a, b, _decimals(other["printed"], b), scale_b)
    coarse = sg["unit"] if ours else other["unit"]
    return kind, a, b_in_a, "; ".join(x for x in (note, why and f"in {coarse}, the coarser printing: {why}") if x)


def _printings(a: float, da: int, scale_a: float, b: float, db: int, scale_b: float) -> tuple[str, str, bool]:
    """Two printings of one figure (``a`` to ``da`` places in a unit worth
    ``scale_a``, ``b`` likewise): the coarser one read as a printing of the
    finer by the shared rule :func:`toolkit.reconcile.printed_kind`.
    Returns the kind, its detail and whether ``a`` was the coarser."""
    if scale_a * 10.0 ** -da >= scale_b * 10.0 ** -db:
        return (*printed_kind(a, b * scale_b / scale_a, da), True)
    return (*printed_kind(b, a * scale_a / scale_b, db), False)


def _where(table: str, rec) -> str:
    printed = f", printed {rec['printed']!r}" if rec["printed"] else ""
    return f"{table}.csv row {rec['row']} ({rec['source']} line {rec['lines']}{printed})"


def check_crossref(figures: pd.DataFrame, budget: pd.DataFrame, targets: pd.DataFrame,
                   crossref: pd.DataFrame) -> list[dict]:
    """Each safeguarding figure against the same figure in the performance or
    budget tables, as paired by ``crossref`` (:func:`load_crossref`): same
    paper, same measure, same period after :func:`year_label` (or the periods
    a mapping row names).

    Each figure of the other table (with a value) is paired with its
    safeguarding twin on the same lines, else with every twin in the same
    paper (the figure printed twice).  ``ok`` when they agree; ``mismatch``
    when the two transcriptions of one printing differ at all, or two
    printings differ beyond the coarser one's rounding (``rounding`` when
    within it).  A figure of the other table with no safeguarding twin, and a
    mapping row that pairs nothing, are ``missing``."""
    ours = _safeguarding_side(figures, budget)
    # each side's rows as records, by table and measure: a mapping row reads
    # the few of its key rather than filtering both frames
    our_rows: dict[tuple, list[dict]] = {}
    for rec in ours.to_dict("records"):
        our_rows.setdefault((rec["table"], rec["measure"]), []).append(rec)
    their_rows: dict[tuple, list[dict]] = {}
    for rec in targets.to_dict("records"):
        their_rows.setdefault((rec["target"], rec["measure"]), []).append(rec)
    rows = []
    for m_row, m in crossref.iterrows():
        m = {k: None if pd.isna(v) else v for k, v in m.items()}
        qualifier = m["area"] if m["table"] == "figures" else m["item"]
        mine = [r for r in our_rows.get((m["table"], m["measure"]), [])
                if r["area" if m["table"] == "figures" else "item"] == qualifier
                and (m["period"] is None or r["period"] == m["period"])]
        sources = {r["source"] for r in mine}
        theirs = [r for r in their_rows.get((m["target"], m["target_measure"]), [])
                  if r["part"] == m["target_part"]
                  and (m["target_field"] is None or r["field"] == m["target_field"])
                  and (m["target_period"] is None or year_label(r["period"]) == year_label(m["target_period"]))
                  and (pd.notna(r["number"]) or pd.notna(r["text"])) and r["source"] in sources]
        by_period = m["period"] is None and m["target_period"] is None
        table = f"safeguarding_{m['table']}"
        key = "/".join(str(x) for x in (m["target_measure"], m["target_field"], m["target_part"]) if x not in (None, "value"))
        for other in theirs:
            twins = [r for r in mine if r["source"] == other["source"]
                     and (not by_period or year_label(r["period"]) == year_label(other["period"]))]
            if not twins:
                rows.append(_f("quoted_elsewhere",
                               f"{m['target']} {key} {other['period']}: printed there but not in {table} "
                               f"({m['measure']}, {qualifier})",
                               math.nan, other["number"], other["source"], other["lines"], kind="missing",
                               unit=other["unit"], detail=f"{_where(m['target'], other)}; mapping row {m_row}"))
                continue
            here = line_set(other["lines"])
            overlapping = [r for r in twins if line_set(r["lines"]) & here]
            same_printing = bool(overlapping)
            for sg in (overlapping if same_printing else twins):
                kind, published, computed, note = _compare(sg, other, same_printing)
                how = ("one printing transcribed in both tables" if same_printing
                       else "the figure printed twice in the paper")
                rows.append(_f("quoted_elsewhere",
                               f"{m['measure']} ({qualifier}, {sg['period']}) against {m['target']} {key} {other['period']}",
                               published, computed, sg["source"], sg["lines"], kind=kind, unit=sg["unit"],
                               detail="; ".join(x for x in (f"{_where(table, sg)} and {_where(m['target'], other)}: {how}",
                                                            note, f"mapping row {m_row}") if x)))
        if not theirs:
            rows.append(_f("quoted_elsewhere", f"mapping row {m_row}: {m['measure']} ({qualifier}) against "
                           f"{m['target']} {key}: no figure to pair", math.nan, math.nan,
                           CROSSREF_FILE.as_posix(), str(m_row), kind="missing",
                           detail="no figure of the target table, in a paper that prints the safeguarding "
                                  "figure, matches this mapping row"))
    return rows


#: Every loader of published safeguarding figures.
PUBLISHED_LOADERS = (load_cases, load_sar, load_figures, load_budget, load_plan)


def findings(data_dir=None, cases: pd.DataFrame | None = None, sar: pd.DataFrame | None = None,
             figures: pd.DataFrame | None = None, budget: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every safeguarding reconciliation check on the published figures.
    ``cases``, ``sar``, ``figures`` and ``budget`` are the tables of
    ``data_dir`` (:func:`load_cases` ...) where the caller has already loaded
    them; the others are loaded here."""
    from . import budget as budget_domain, performance

    cases = load_cases(data_dir) if cases is None else cases
    sar = load_sar(data_dir) if sar is None else sar
    figures = load_figures(data_dir) if figures is None else figures
    budget = load_budget(data_dir) if budget is None else budget
    registry = performance.load_registry(data_dir)
    targets = crossref_targets(performance.load_prose(data_dir, registry), performance.load_dashboard(data_dir, registry),
                               budget_domain.load_revenue(data_dir), budget_domain.load_items(data_dir))
    rows = (check_rows(cases) + check_columns(cases) + check_percentages(cases)
            + check_prose(cases, sar, figures) + check_quoted_twice(figures) + check_budget(budget)
            + check_crossref(figures, budget, targets, load_crossref(data_dir)))
    return frame(rows)


# --- the synthetic extract ----------------------------------------------------

def synthetic_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """The month-by-month counts the synthetic extract honours.

    Cases received are taken as printed (their column totals agree).  Closed by
    the team, threshold not met and still open are taken as printed; cases
    transferred to locality are the remainder, so that each month's outcomes
    add up to the cases received.  This differs from the printed transfers in
    the months whose printed outcomes do not add up (see the findings)."""
    body = cases[(cases["unit"] == "count") & (cases["month"] != TOTAL)]
    wide = body.pivot(index=["month", "case_type"], columns="measure", values="value").reindex(columns=COUNT_COLUMNS)
    wide = wide.astype("int64")
    wide["transferred_to_locality"] = wide["received"] - wide["closed_by_team"] - wide["threshold_not_met"] - wide["open"]
    if (wide["transferred_to_locality"] < 0).any():
        raise ValueError("published outcomes exceed cases received: cannot honour them")
    out = wide.reset_index()
    out.columns.name = None
    return out.sort_values(["month", "case_type"], key=lambda s: s.map(CASE_TYPES.index) if s.name == "case_type" else s).reset_index(drop=True)


def synthetic_concerns(cases: pd.DataFrame, seed: int = SYNTHETIC_SEED, snapshot: date = SYNTHETIC_SNAPSHOT) -> pd.DataFrame:
    """A synthetic extract of concerns whose monthly counts are
    :func:`synthetic_counts` of the published tables.  Every row is marked
    ``synthetic = true``; no real person is in it.  Same seed, same rows."""
    rng = random.Random(seed)

    def pick(options, weights):
        x = rng.random() * sum(weights)
        for option, w in zip(options, weights):
            x -= w
            if x < 0:
                return option
        return options[-1]

    def days(lo, hi):
        return lo + int(rng.random() * (hi - lo + 1))

    risk_weights = (12, 3, 18, 16, 1, 8, 30, 6, 1, 1, 4)
    records = []
    for _, month in synthetic_counts(cases).iterrows():
        year, mon = (int(x) for x in month["month"].split("-"))
        last = calendar.monthrange(year, mon)[1]
        outcomes = [o for o in OUTCOMES for _ in range(int(month[o]))]
        for outcome in outcomes:
            received = date(year, mon, days(1, last))
            rec = {"received_date": received, "case_type": month["case_type"], "outcome": outcome}
            if outcome == "open":
                rec["outcome_date"] = None
            else:
                rec["outcome_date"] = min(received + timedelta(days=days(0, 15)), snapshot)
            p_s42 = {"closed_by_team": 0.6, "transferred_to_locality": 0.85, "open": 0.5, "threshold_not_met": 0.0}[outcome]
            s42 = rng.random() < p_s42
            concluded = None
            if s42 and outcome != "open" and rng.random() < 0.85:
                when = rec["outcome_date"] + timedelta(days=days(0, 60))
                concluded = when if when <= snapshot else None
            rec["s42_enquiry"] = s42
            rec["enquiry_concluded_date"] = concluded
            rec["risk_type"] = pick(RISK_TYPES, risk_weights)
            rec["risk_outcome"] = pick(RISK_OUTCOMES, (55, 35, 10)) if concluded else None
            rec["msp_asked"] = s42 and rng.random() < 0.85
            rec["msp_outcomes"] = pick(MSP_OUTCOMES, (62, 32, 6)) if rec["msp_asked"] and concluded else None
            records.append(rec)
    records.sort(key=lambda r: (r["received_date"], CASE_TYPES.index(r["case_type"]), OUTCOMES.index(r["outcome"])))
    people = max(1, int(len(records) * 0.85))
    for i, rec in enumerate(records, start=1):
        rec["concern_id"] = f"SYN-C{i:05d}"
        rec["person_id"] = f"SYN-P{1 + int(rng.random() * people):05d}"
        rec["synthetic"] = True
    out = pd.DataFrame(records, columns=[c.name for c in CONCERN_COLUMNS] + ["synthetic"])
    return out


def write_concerns(concerns: pd.DataFrame, path) -> Path:
    """Write an extract as CSV: ISO dates, ``true``/``false``, ``\\n`` line ends."""
    out = concerns.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, bool)).any():
            out[col] = out[col].map(lambda v: "" if v is None else ("true" if v else "false"))
        else:
            out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else
                                    v.isoformat() if isinstance(v, date) else str(v))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n")
    return path


def regenerate_synthetic(data_dir=None, path=None) -> Path:
    """Rebuild ``data/synthetic/safeguarding_concerns_synthetic.csv`` from the
    published Tables 1 and 2 (or write it to ``path``)."""
    target = Path(path) if path else resolve_data_dir(data_dir) / SYNTHETIC_FILE
    return write_concerns(synthetic_concerns(load_cases(data_dir)), target)


if __name__ == "__main__":  # python -m toolkit.safeguarding [path]
    print(regenerate_synthetic(path=sys.argv[1] if len(sys.argv) > 1 else None))
