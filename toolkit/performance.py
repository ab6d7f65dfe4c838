"""Performance benchmarking: the January dashboards of 2019, 2021 and 2024 as
one series of measures, with position against target, RAG, quartiles,
direction of travel, recomputed ratios and the 2026 LGA use-of-resources
ranks.

Data (see data/README.md, "Performance"):

* ``data/mappings/performance_measures.csv``: the measure registry, one row per
  measure and edition: a stable key, the edition's own code and description,
  polarity, unit, whether the measure is a cumulative count, definition notes;
* ``data/published/performance_dashboard.csv``: every dashboard cell, split into
  facts (value, band ends, admissions, numerator, denominator);
* ``data/published/performance_prose.csv``: figures from the reports' prose
  (numerators and denominators, England, shire, East Midlands, peer-group and
  nearest-neighbour comparators, quartile statements, percentage changes);
* ``data/published/performance_cqc.csv``: CQC provider-rating shares;
* ``data/published/performance_use_of_resources.csv``: the 2026 LGA table.

Loaders validate and raise :class:`LoaderError` naming file, row and column;
calculations are pure functions on the loaded frames; :func:`findings` runs
every check.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from . import reconcile
from .errors import LoaderError, Problem
from .sources import UNITS, Column, load_published, parse_frame, read_table, resolve_data_dir

DOMAIN = "performance"

#: Editions (the year of the January meeting) and their source papers.
EDITIONS = {
    2019: "002_5b95b27d885825d4.txt",
    2021: "001_6c1a5cf086dcc65a.txt",
    2024: "003_6b8cfb4131de48e1.txt",
}
#: Every pack the performance analysis runs in: the three dashboards and the
#: 2026 pack, which has the LGA use-of-resources table instead.
PACKS = {**EDITIONS, 2026: "004_d7bc47fa68b1d77f.txt"}
#: The council the papers are about.
LEICESTERSHIRE = "E10000018"
#: The financial year each edition reports in year (April to November).
CURRENT_PERIOD = {2019: "2018-19", 2021: "2020-21", 2024: "2023-24"}
#: Months of the year covered by the in-year figures (April to November).
YTD_MONTHS = 8

POLARITIES = ("higher", "lower", "band", "none")
#: Target operators as printed; "" takes its meaning from the polarity
#: (at least the target when higher is better, at most when lower is better).
OPERATORS = ("", "<", ">", "<=", ">=")
PARTS = ("value", "low", "high", "count", "numerator", "denominator", "rate")

#: Each edition's column headings -> the field they hold.  Per-edition quirks
#: are resolved in :func:`_field`:
#:  * 2019: the "2018-19 Milestone" column of the two community-library rows
#:    holds last year's April-November figure, not a milestone (-> previous);
#:  * 2024: the column headed "Rating" holds the comparator: the national
#:    average where its note says "Nat. Ave", else the local target or
#:    November milestone (-> national_average or target); the RAG itself was
#:    printed as an icon and is not in the text;
#:  * 2024: for cumulative Communities and Wellbeing counts the "2022/23
#:    Performance" column is the same April-November period of last year.
LAYOUTS = {
    2019: {"Aim": "aim", "RAG": "rag", "2018-19 Milestone": "target", "2018-19 Performance": "performance",
           "2020-21 Target": "long_term_target", "17/18": "previous", "Quartile": "quartile"},
    2021: {"Aim": "aim", "RAG": "rag", "2020/21 Target": "target", "2020/21 Performance": "performance",
           "2019/20 Performance": "previous", "Quartile": "quartile"},
    2024: {"Aim": "aim", "Rating": "target", "Progress": "progress", "2023/24 Performance": "performance",
           "2022/23 Performance": "previous"},
}

QUARTILE_WORDS = {
    "top": 1, "top quartile": 1, "top 25%": 1, "upper quartile": 1,
    "two": 2, "second": 2, "second quartile": 2,
    "three": 3, "third": 3, "third quartile": 3,
    "bottom": 4, "bottom quartile": 4, "bottom 25%": 4, "lower quartile": 4,
}
RAG_WORDS = {"G": "green", "A": "amber", "R": "red"}
PROGRESS_ARROWS = {"▲": "improved", "▼": "worsened", "◀▶": "similar"}

#: Position against target: a miss is "narrow" when the gap is at most this
#: many percentage points (percent measures) ...
NARROW_POINTS = 2.0
#: ... or at most this share of the target (counts, rates, days).
NARROW_RELATIVE = 0.05
#: Direction of travel: "similar" when the change is at most 1 percentage point
#: (percent measures) or 2% of the earlier value (other units).
SIMILAR_POINTS = 1.0
SIMILAR_RELATIVE = 0.02

RULE_RAG = {"meets": "G", "misses narrowly": "A", "misses significantly": "R"}


# --- loaders -----------------------------------------------------------------

REGISTRY_COLUMNS = [
    Column("measure", pattern=r"[a-z][a-z0-9_]*"),
    Column("edition", "int", nullable=True, choices=("2019", "2021", "2024"),
           description="empty for a measure known only from the national reference data"),
    Column("code"),
    Column("description"),
    Column("ascof", nullable=True),
    Column("national_code", nullable=True, required=False, pattern=r"ASC\d+"),
    Column("polarity", choices=POLARITIES),
    Column("unit", choices=tuple(UNITS)),
    Column("cumulative", "bool"),
    Column("series", nullable=True,
           description="the definition this edition's figures follow, where it broke the series "
                       "(e.g. 'incl. website visits'); empty for the measure's usual definition"),
    Column("valid_min", "float", nullable=True, description="national measures: lowest possible value"),
    Column("valid_max", "float", nullable=True, description="national measures: highest possible value"),
    Column("zero_not_published", "bool", nullable=True,
           description="national measures: an exact zero is impossible and marks a value not published"),
    Column("definition", nullable=True),
]


def registry_path(data_dir=None) -> Path:
    return resolve_data_dir(data_dir) / "mappings" / "performance_measures.csv"


def load_registry(data_dir=None) -> pd.DataFrame:
    """The measure registry, validated: one row per measure and edition, and
    one unit and polarity per measure across editions."""
    path = registry_path(data_dir)
    frame = parse_frame(read_table(path), REGISTRY_COLUMNS, path, unique=["measure", "edition"])
    problems = []
    records = list(zip(frame.index, frame.to_dict("records")))
    by_measure: dict[str, list] = {}
    for row, rec in records:
        by_measure.setdefault(rec["measure"], []).append((row, rec))
    for measure, group in by_measure.items():
        first = group[0][1]
        for col in ("unit", "polarity", "ascof", "national_code"):
            for row, rec in group[1:]:
                if (rec[col] or "") != (first[col] or ""):
                    problems.append(Problem(
                        column=col, row=int(row), found=str(rec[col]),
                        expected=f"the same {col} across editions for measure '{measure}' "
                                 f"({col} mismatch across editions: {first[col]!r} in {first['edition']})"))
    for row, rec in records:
        if not rec["national_code"]:
            continue
        lo, hi = rec["valid_min"], rec["valid_max"]
        if _missing(lo) or _missing(hi) or not lo < hi:
            problems.append(Problem(column="valid_min", row=int(row), found=f"{lo}..{hi}",
                                    expected=f"a valid range (valid_min < valid_max) for national measure '{rec['measure']}'"))
    if problems:
        raise LoaderError(path, problems)
    frame["series"] = frame["series"].fillna("")
    frame["zero_not_published"] = frame["zero_not_published"].fillna(False).astype(bool)
    return frame


def measures(registry: pd.DataFrame) -> pd.DataFrame:
    """One row per measure: key, polarity, unit, cumulative, ASCOF code, the
    editions it appears in and its latest description."""
    rows = []
    for measure, group in registry.sort_values("edition").groupby("measure", sort=False):
        last = group.iloc[-1]
        rows.append({"measure": measure, "ascof": last["ascof"] or "", "national_code": last.get("national_code") or "",
                     "description": last["description"], "polarity": last["polarity"], "unit": last["unit"],
                     "cumulative": bool(last["cumulative"]),
                     "editions": ", ".join(str(e) for e in group["edition"].dropna())})
    return pd.DataFrame(rows)


def check_measure(measure: str, registry: pd.DataFrame) -> str:
    """The measure key, or a clear error for a key the registry does not know."""
    known = set(registry["measure"])
    if measure not in known:
        raise KeyError(f"unknown measure key {measure!r}; known keys: {', '.join(sorted(known))}")
    return measure


DASHBOARD_COLUMNS = [
    Column("edition", "int", choices=tuple(str(e) for e in EDITIONS)),
    Column("measure"),
    Column("column"),
    Column("part", choices=PARTS),
    Column("operator", nullable=True),
    Column("period", nullable=True, pattern=r"\d{4}-\d{2}"),
    Column("note", nullable=True),
]


def _field(edition: int, column: str, period, note, cumulative: bool) -> str:
    field = LAYOUTS[edition][column]
    note = note or ""
    if edition == 2019 and field == "target" and period and period != CURRENT_PERIOD[2019]:
        return "previous"
    if edition == 2024 and field == "target" and "Nat. Ave" in note:
        return "national_average"
    return field


def _ytd(edition: int, field: str, period, note, cumulative: bool) -> bool:
    note = note or ""
    if "Apr-Nov" in note:
        return True
    if "Forecast" in note or "forecast" in note:
        return False
    if field == "performance":
        return True
    if edition == 2024 and field == "previous" and cumulative:
        return True
    return False


def load_dashboard(data_dir=None, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every dashboard fact, with the registry's key checked and each cell's
    field resolved from its edition's layout.

    Adds: ``field`` (aim, rag, target, long_term_target, performance,
    previous, quartile, national_average, progress), ``ytd`` (an
    April-November figure), ``forecast`` (a full-year forecast).
    Raises LoaderError for an unknown measure key, an unknown column heading,
    an operator it cannot parse, or a unit that differs from the registry's
    (or from the measure's unit in another edition).
    """
    registry = load_registry(data_dir) if registry is None else registry
    frame = load_published("performance_dashboard", DASHBOARD_COLUMNS, data_dir=data_dir,
                           unique=["edition", "measure", "column", "part"], value_kind="str")
    path = resolve_data_dir(data_dir) / "published" / "performance_dashboard.csv"
    reg_unit = {(m, e): u for m, e, u in registry[["measure", "edition", "unit"]].itertuples(index=False)}
    problems = []
    units_seen: dict[str, tuple[str, int]] = {}
    for row, rec in zip(frame.index, frame.to_dict("records")):
        key = (rec["measure"], rec["edition"])
        if key not in reg_unit:
            problems.append(Problem(column="measure", row=int(row), found=rec["measure"],
                                    expected=f"a measure key of the registry for edition {rec['edition']} (unknown measure key)"))
            continue
        if rec["column"] not in LAYOUTS[rec["edition"]]:
            problems.append(Problem(column="column", row=int(row), found=rec["column"],
                                    expected=f"a column heading of the {rec['edition']} dashboard: "
                                             + ", ".join(LAYOUTS[rec["edition"]])))
            continue
        op = rec["operator"] or ""
        if op not in OPERATORS:
            problems.append(Problem(column="operator", row=int(row), found=op,
                                    expected="a target operator: empty, <, >, <= or >="))
        field = LAYOUTS[rec["edition"]][rec["column"]]
        if field in ("aim", "rag", "quartile", "progress"):
            if rec["unit"] != "text":
                problems.append(Problem(column="unit", row=int(row), found=rec["unit"], expected=f"text for the {field} column"))
            continue
        if rec["unit"] == "text":
            problems.append(Problem(column="unit", row=int(row), found="text", expected="a numeric unit for a figure"))
            continue
        if rec["value"] is not None:
            try:
                float(rec["value"])
            except ValueError:
                problems.append(Problem(column="value", row=int(row), found=rec["value"], expected="a number"))
        if rec["part"] in ("value", "low", "high"):
            expected = reg_unit[key]
            if rec["unit"] != expected:
                problems.append(Problem(column="unit", row=int(row), found=rec["unit"],
                                        expected=f"{expected}, the registry unit of '{rec['measure']}' (unit mismatch)"))
            seen = units_seen.setdefault(rec["measure"], (rec["unit"], rec["edition"]))
            if seen[0] != rec["unit"] and seen[1] != rec["edition"]:
                problems.append(Problem(column="unit", row=int(row), found=rec["unit"],
                                        expected=f"{seen[0]} as in edition {seen[1]} (unit mismatch across editions)"))
    if problems:
        raise LoaderError(path, problems)
    out = frame.copy()
    out["operator"] = out["operator"].fillna("")
    numeric = out["unit"] != "text"
    out["number"] = pd.to_numeric(out["value"].where(numeric), errors="coerce")
    cumul = {(m, e): bool(c) for m, e, c in registry[["measure", "edition", "cumulative"]].itertuples(index=False)}
    out["field"] = [_field(e, c, p, n, cumul[(m, e)]) for e, m, c, p, n in
                    out[["edition", "measure", "column", "period", "note"]].itertuples(index=False)]
    out["ytd"] = [_ytd(e, f, p, n, cumul[(m, e)]) for e, m, f, p, n in
                  out[["edition", "measure", "field", "period", "note"]].itertuples(index=False)]
    out["forecast"] = out["note"].fillna("").str.contains("orecast")
    series = {(m, e): v for m, e, v in registry[["measure", "edition", "series"]].itertuples(index=False)}
    out["series"] = [series[(m, e)] for m, e in out[["measure", "edition"]].itertuples(index=False)]
    return out


#: The ``versus_*`` claims and the comparator statistic each is about, in the
#: order of the national file's groups (England, council type, region).
COMPARATORS = {"versus_england": "england", "versus_shire": "shire", "versus_east_midlands": "east_midlands"}
#: The wording-only claims :func:`text_claims` checks (unit text).
WORDING_CLAIMS = (*COMPARATORS, "peer_group_rank", "not_quartile", "quartile_movement")
PROSE_STATISTICS = (
    "leicestershire", "numerator", "denominator", "england", "shire", "east_midlands", "peer_group",
    "nearest_neighbour", "quartile", "top_quartile_threshold", "top_quartile_gap", "change_percent",
    "change_points", "target", "milestone", "above_milestone", "admissions", "admissions_forecast",
    "admissions_target", "monthly_average", *WORDING_CLAIMS,
)
#: Text claims and the words each may hold.  ``versus_*``: the council's figure
#: against that comparator; ``peer_group_rank``: its place among the peer
#: group counted from the lowest value; ``not_quartile``: a quartile the
#: council is said not to be in ("short of the top quartile", "no longer in the
#: bottom 25%"); ``quartile_movement``: quartiles moved since the year before.
CLAIM_WORDS = {
    "versus": {"higher": "higher", "above": "higher", "lower": "lower", "below": "lower",
               "better": "better", "worse": "worse"},
    "peer_group_rank": {"lowest": 1, "second lowest": 2},
    "quartile_movement": {"up a quartile": -1, "down a quartile": 1},
}
#: The statistics that hold words, not figures.
CLAIM_TEXT = ("quartile", *WORDING_CLAIMS)


def _claim_problem(statistic: str, value: str) -> str | None:
    """What a text claim should hold, when ``value`` is not a word it may hold."""
    if statistic in ("quartile", "not_quartile"):
        ok = not math.isnan(quartile_number(value))
        words = ", ".join(sorted(QUARTILE_WORDS))
    elif statistic in COMPARATORS:
        ok, words = value in CLAIM_WORDS["versus"], ", ".join(CLAIM_WORDS["versus"])
    elif statistic in CLAIM_WORDS:
        ok, words = value in CLAIM_WORDS[statistic], ", ".join(CLAIM_WORDS[statistic])
    else:
        return None
    return None if ok else f"for a {statistic} claim, one of: {words}"


def load_prose(data_dir=None, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Figures from the reports' prose, keyed by the registry's measure keys.

    Adds ``number`` (the value of a figure) and ``ytd`` (not a full-year
    figure: the note says April-November, November or to date)."""
    registry = load_registry(data_dir) if registry is None else registry
    cols = [Column("edition", "int", choices=tuple(str(e) for e in EDITIONS)), Column("measure"),
            Column("period", pattern=r"\d{4}-\d{2}"), Column("statistic", choices=PROSE_STATISTICS),
            Column("note", nullable=True)]
    frame = load_published("performance_prose", cols, data_dir=data_dir, value_kind="str",
                           unique=["edition", "measure", "period", "statistic", "lines"])
    path = resolve_data_dir(data_dir) / "published" / "performance_prose.csv"
    known = set(registry["measure"])
    problems = [Problem(column="measure", row=int(r), found=m, expected="a measure key of the registry (unknown measure key)")
                for r, m in frame["measure"].items() if m not in known]
    for row, rec in frame.iterrows():
        expected = _claim_problem(rec["statistic"], str(rec["value"]).lower())
        if rec["statistic"] in CLAIM_TEXT and rec["unit"] != "text":
            problems.append(Problem(column="unit", row=int(row), found=rec["unit"], expected=f"text for a {rec['statistic']} claim"))
        elif expected:
            problems.append(Problem(column="value", row=int(row), found=str(rec["value"]), expected=expected))
    if problems:
        raise LoaderError(path, problems)
    frame["number"] = pd.to_numeric(frame["value"].where(frame["unit"] != "text"), errors="coerce")
    frame["ytd"] = frame["note"].fillna("").str.contains("Apr-Nov|November|to date")
    return frame


def load_cqc(data_dir=None) -> pd.DataFrame:
    cols = [Column("edition", "int"), Column("period"), Column("area", choices=("Leicestershire", "England")),
            Column("service"), Column("rating", choices=("good_or_outstanding", "requires_improvement", "inadequate"))]
    return load_published("performance_cqc", cols, data_dir=data_dir,
                          unique=["edition", "area", "service", "rating"])


def load_use_of_resources(data_dir=None) -> pd.DataFrame:
    cols = [Column("metric"), Column("statistic")]
    frame = load_published("performance_use_of_resources", cols, data_dir=data_dir, value_kind="str",
                           unique=["metric", "statistic"])
    frame["number"] = pd.to_numeric(frame["value"].where(frame["unit"] != "text"), errors="coerce")
    return frame


# --- calculations ------------------------------------------------------------

def quartile_number(text) -> float:
    """"Top", "Two", "second quartile", "bottom 25%" -> 1..4; N/A -> NaN."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return float("nan")
    return float(QUARTILE_WORDS.get(str(text).strip().lower(), float("nan")))


def position(value, polarity: str, unit: str, operator: str = "", target=None, low=None, high=None) -> tuple[str, float]:
    """Position against target: ``meets``, ``misses narrowly``, ``misses
    significantly``, or ``no target`` / ``no data``; and the gap (percentage
    points for percent measures, else the share of the target, as a percent).

    A band (``low``..``high``) is met inside its ends, inclusive.  Otherwise
    the operator decides: ``<`` and ``>`` are strict; ``<=``, ``>=`` are not;
    an empty operator means at least the target (higher is better) or at most
    (lower is better).  A miss is narrow when the gap is at most
    :data:`NARROW_POINTS` points (percent) or :data:`NARROW_RELATIVE` of the
    target (other units).
    """
    if operator not in OPERATORS:
        raise ValueError(f"cannot parse target operator {operator!r}; expected one of: empty, <, >, <=, >=")
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}")
    if _missing(value):
        return "no data", float("nan")
    if polarity == "band" or not _missing(low):
        if _missing(low) or _missing(high):
            return "no target", float("nan")
        if low <= value <= high:
            return "meets", 0.0
        gap = (low - value) if value < low else (value - high)
        ref = low if value < low else high
    else:
        if polarity == "none" or _missing(target):
            return "no target", float("nan")
        op = operator or (">=" if polarity == "higher" else "<=")
        ok = {"<": value < target, ">": value > target, "<=": value <= target, ">=": value >= target}[op]
        if ok:
            return "meets", 0.0
        gap = abs(value - target)
        ref = target
    if unit == "percent":
        size = gap
        narrow = size <= NARROW_POINTS + 1e-9
    else:
        size = 100.0 * gap / abs(ref) if ref else float("inf")
        narrow = size <= 100 * NARROW_RELATIVE + 1e-9
    return ("misses narrowly" if narrow else "misses significantly"), round(size, 6)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def _num(frame: pd.DataFrame, field: str, part: str = "value"):
    sel = frame[(frame["field"] == field) & (frame["part"] == part)]
    return sel.iloc[0] if len(sel) else None


def dashboard_table(dashboard: pd.DataFrame, registry: pd.DataFrame, edition: int) -> pd.DataFrame:
    """One edition's dashboard as a clean table, one row per measure, with the
    position against target and the rule's RAG beside the published one.

    Cumulative counts measured April-November against an annual target are
    compared with the target pro rata (8/12 of it); ``basis`` says so.
    """
    reg = registry[registry["edition"] == edition].set_index("measure")
    rows = []
    for measure, cells in dashboard[dashboard["edition"] == edition].groupby("measure", sort=False):
        info = reg.loc[measure]
        first: dict = {}
        for _, row in cells.iterrows():
            first.setdefault((row["field"], row["part"]), row)

        def _num(_cells, field, part="value"):  # noqa: F811 - the measure's cells, indexed once
            return first.get((field, part))

        rec = {"edition": edition, "measure": measure, "code": info["code"], "description": info["description"],
               "polarity": info["polarity"], "unit": info["unit"]}
        for field in ("aim", "rag", "quartile", "progress"):
            cell = _num(cells, field)
            rec[field] = cell["value"] if cell is not None else None
        tgt, low, high = _num(cells, "target"), _num(cells, "target", "low"), _num(cells, "target", "high")
        perf, prev = _num(cells, "performance"), _num(cells, "previous")
        nat = _num(cells, "national_average")
        rec["target_operator"] = tgt["operator"] if tgt is not None else ""
        rec["target"] = tgt["number"] if tgt is not None else float("nan")
        rec["target_low"] = low["number"] if low is not None else float("nan")
        rec["target_high"] = high["number"] if high is not None else float("nan")
        rec["target_printed"] = (tgt if tgt is not None else low)["printed"] if (tgt is not None or low is not None) else None
        rec["performance"] = perf["number"] if perf is not None else float("nan")
        rec["performance_printed"] = perf["printed"] if perf is not None else None
        rec["performance_period"] = perf["period"] if perf is not None else None
        rec["performance_ytd"] = bool(perf["ytd"]) if perf is not None else False
        rec["previous"] = prev["number"] if prev is not None else float("nan")
        rec["previous_printed"] = prev["printed"] if prev is not None else None
        rec["previous_period"] = prev["period"] if prev is not None else None
        rec["previous_ytd"] = bool(prev["ytd"]) if prev is not None else False
        rec["national_average"] = nat["number"] if nat is not None else float("nan")
        rec["quartile_number"] = quartile_number(rec["quartile"])
        target, basis = rec["target"], "as printed"
        tnote = (tgt["note"] if tgt is not None else "") or ""
        if (bool(info["cumulative"]) and rec["performance_ytd"] and not _missing(target)
                and "Nov" not in tnote):
            target, basis = target * YTD_MONTHS / 12, f"pro rata {YTD_MONTHS}/12 of the annual target"
        pos, gap = position(rec["performance"], info["polarity"], info["unit"], rec["target_operator"], target,
                            rec["target_low"], rec["target_high"])
        rec["target_compared"] = target
        rec["basis"] = basis
        rec["position"] = pos
        rec["gap"] = gap
        rec["rule_rag"] = RULE_RAG.get(pos)
        rec["travel"] = direction(rec["previous"], rec["performance"], info["polarity"], info["unit"],
                                  low=rec["target_low"], high=rec["target_high"])
        if rec["performance_ytd"] != rec["previous_ytd"] and info["unit"] != "percent" and bool(info["cumulative"]):
            rec["travel"] = "not comparable"
        # the 2024 "Rating" icons (better / similar / below the national average), recomputed
        # for the period of the national average
        rec["national_period"] = nat["period"] if nat is not None else None
        same = rec["national_period"] == rec["previous_period"]
        latest = rec["previous"] if same or _missing(rec["performance"]) else rec["performance"]
        rec["versus_national"] = {"improved": "better", "worsened": "below", "similar": "similar"}.get(
            direction(rec["national_average"], latest, info["polarity"], info["unit"]), "")
        rows.append(rec)
    return pd.DataFrame(rows)


def direction(earlier, later, polarity: str, unit: str, low=None, high=None) -> str:
    """Direction of travel from ``earlier`` to ``later``: improved, worsened,
    similar, or ``no data``; ``changed`` for measures without a polarity.

    Band measures move towards or away from their band (the distance outside
    it).  "Similar" is a change of at most :data:`SIMILAR_POINTS` points
    (percent) or :data:`SIMILAR_RELATIVE` of the earlier value.
    """
    if _missing(earlier) or _missing(later):
        return "no data"
    change = later - earlier
    similar = abs(change) <= SIMILAR_POINTS + 1e-9 if unit == "percent" else (
        earlier != 0 and abs(change) / abs(earlier) <= SIMILAR_RELATIVE + 1e-9)
    if similar:
        return "similar"
    if polarity == "band":
        if _missing(low) or _missing(high):
            return "changed"
        def dist(v):
            return max(low - v, 0.0, v - high)
        d0, d1 = dist(earlier), dist(later)
        return "similar" if abs(d1 - d0) < 1e-9 else ("improved" if d1 < d0 else "worsened")
    if polarity == "none":
        return "changed"
    better = change > 0 if polarity == "higher" else change < 0
    return "improved" if better else "worsened"


def history(dashboard: pd.DataFrame, prose: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each measure's values across the editions: one row per measure, period,
    basis (``year`` for full-year figures, ``apr-nov`` for in-year figures,
    ``forecast``) and series, taken from the latest edition that prints it.

    ``series`` is the registry's definition label of the printing edition
    (empty for the usual definition): figures on a changed definition (library
    visits including website visits in 2021) form their own series, and
    ``line`` (basis plus series) keeps them off the usual series' line."""
    sel = dashboard[dashboard["field"].isin(["performance", "previous"]) & (dashboard["part"] == "value")
                    & dashboard["number"].notna()].copy()
    sel["basis"] = ["forecast" if f else ("apr-nov" if y else "year") for f, y in zip(sel["forecast"], sel["ytd"])]
    sel = sel.sort_values("edition")
    out = sel.groupby(["measure", "period", "basis", "series"], as_index=False).last()
    out["year"] = out["period"].str[:4].astype(int)
    out["line"] = [b if not s else f"{b} ({s})" for b, s in zip(out["basis"], out["series"])]
    return out[["measure", "period", "year", "basis", "series", "line", "number", "unit", "printed", "edition", "source",
                "lines"]].rename(columns={"number": "value"}).sort_values(["measure", "period", "basis", "series"]).reset_index(drop=True)


def history_up_to(dashboard: pd.DataFrame, edition: int, measures_of: int | None = None) -> pd.DataFrame:
    """:func:`history` from the editions up to ``edition`` only (what the
    committee had seen by then), for the measures of edition ``measures_of``
    (default: every measure with at least two values)."""
    hist = history(dashboard[dashboard["edition"] <= edition])
    if measures_of in EDITIONS:
        keep = set(dashboard[dashboard["edition"] == measures_of]["measure"])
        hist = hist[hist["measure"].isin(keep)]
    counts = hist.groupby("measure")["value"].transform("size")
    return hist[counts >= 2].reset_index(drop=True)


def clean_dashboard(dashboard: pd.DataFrame, registry: pd.DataFrame, edition: int) -> pd.DataFrame:
    """One edition's dashboard for reading: the printed figures beside the
    position against target, the rule's RAG, the direction of travel and
    (2024) the position against the national average."""
    t = dashboard_table(dashboard, registry, edition)
    out = pd.DataFrame({
        "code": t["code"], "measure": t["measure"], "polarity": t["polarity"],
        "target": t["target_printed"].fillna(""),
        "performance": t["performance_printed"].fillna(""),
        "previous": t["previous_printed"].fillna("") + " (" + t["previous_period"].fillna("") + ")",
        "quartile": t["quartile"].fillna(""),
        "published RAG": t["rag"].fillna(""),
        "position": t["position"], "rule RAG": t["rule_rag"].fillna(""),
        "travel": t["travel"],
    })
    if edition == 2024:
        out["national average"] = t["national_average"]
        out["against national"] = t["versus_national"]
        out = out.drop(columns=["quartile", "published RAG"])
    return out


def sources_up_to(up_to: int | None) -> list[str]:
    """The papers of the packs up to edition ``up_to`` (every pack for None)."""
    return [PACKS[e] for e in PACKS if up_to is None or e <= up_to]


def quartile_grid(quartile_frame: pd.DataFrame, up_to: int | None = None,
                  prose: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Quartile (1 top .. 4 bottom) by measure (rows) and period (columns),
    from statements published up to edition ``up_to``, and the same grid as
    labels: the quartile, or "not N" where the papers only say the council
    was not in quartile N (``not_quartile`` in ``prose``)."""
    sources = sources_up_to(up_to)
    moves = quartile_movements(quartile_frame, up_to)
    grid = moves.pivot(index="measure", columns="period", values="quartile")
    labels = moves.pivot(index="measure", columns="period", values="quartile").map(
        lambda q: "" if pd.isna(q) else f"{q:g}")
    if prose is not None:
        nots = prose[(prose["statistic"] == "not_quartile") & prose["source"].isin(sources)]
        for _, r in nots.iterrows():
            if r["measure"] in grid.index and r["period"] in grid.columns and pd.notna(grid.at[r["measure"], r["period"]]):
                continue
            grid.loc[r["measure"], r["period"]] = float("nan")
            labels.loc[r["measure"], r["period"]] = f"not {quartile_number(r['value']):g}"
    grid = grid.sort_index().sort_index(axis=1)
    return grid, labels.reindex(index=grid.index, columns=grid.columns).fillna("")


def cqc_table(cqc: pd.DataFrame, up_to: int | None = None) -> pd.DataFrame:
    """CQC rating shares, Leicestershire beside England, editions up to ``up_to``."""
    t = cqc if up_to is None else cqc[cqc["edition"] <= up_to]
    t = t.assign(group=t["period"] + " " + t["service"])
    return t.pivot_table(index=["group", "rating"], columns="area", values="value", sort=False).reset_index()


def cqc_long(cqc: pd.DataFrame, up_to: int | None = None) -> pd.DataFrame:
    """CQC rating shares in long form for charts, editions up to ``up_to``."""
    t = cqc if up_to is None else cqc[cqc["edition"] <= up_to]
    return t.assign(group=t["period"] + " " + t["service"])[["group", "area", "rating", "value"]].reset_index(drop=True)


def findings_for(found: pd.DataFrame, edition: int) -> pd.DataFrame:
    """The findings (every kind but ok) that stand in one pack's paper."""
    sel = found[(found["source"] == PACKS[edition]) & (found["kind"] != "ok")]
    return sel[["check", "description", "lines", "published", "computed", "difference", "kind", "detail"]].reset_index(drop=True)


def travel_between_editions(dashboard: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Direction of travel of each measure's full-year value between
    consecutive published years (e.g. 2017-18 in 2019 -> 2019-20 in 2021).

    Band measures move towards or away from the target band the later
    value's edition printed (``band`` says which).  A pair across a series
    break (the registry's ``series``: a changed definition) is ``not
    comparable``.
    """
    hist = history(dashboard)
    full = hist[hist["basis"] == "year"]
    meta = measures(registry).set_index("measure")
    bands = {}
    tgt = dashboard[(dashboard["field"] == "target") & dashboard["part"].isin(["low", "high"])]
    for (ed, measure), g in tgt.groupby(["edition", "measure"]):
        parts = g.set_index("part")["number"]
        bands[(measure, ed)] = (float(parts["low"]), float(parts["high"]))
    rows = []
    for measure, group in full.groupby("measure"):
        group = group.sort_values("period")
        info = meta.loc[measure]
        for (_, a), (_, b) in zip(group.iloc[:-1].iterrows(), group.iloc[1:].iterrows()):
            low, high = bands.get((measure, b["edition"]), (None, None))
            if a["series"] != b["series"]:
                travel = "not comparable"
            else:
                travel = direction(a["value"], b["value"], info["polarity"], info["unit"], low=low, high=high)
            rows.append({"measure": measure, "from_period": a["period"], "to_period": b["period"],
                         "from_value": a["value"], "to_value": b["value"],
                         "band": "" if low is None else f"{low:g}-{high:g} ({b['edition']})",
                         "series": a["series"] if a["series"] == b["series"] else f"{a['series'] or 'usual'} -> {b['series'] or 'usual'}",
                         "travel": travel})
    return pd.DataFrame(rows, columns=["measure", "from_period", "to_period", "from_value", "to_value", "band", "series", "travel"])


def quartiles(dashboard: pd.DataFrame, prose: pd.DataFrame) -> pd.DataFrame:
    """Every published quartile (dashboards and prose), one row per
    statement, with the quartile as 1 (top) .. 4 (bottom)."""
    d = dashboard[(dashboard["field"] == "quartile")].copy()
    d["period"] = d["period"].fillna("")
    d = d.assign(origin="dashboard")
    p = prose[prose["statistic"] == "quartile"].assign(origin="prose")
    both = pd.concat([d[["edition", "measure", "period", "value", "origin", "source", "lines"]],
                      p[["edition", "measure", "period", "value", "origin", "source", "lines"]]], ignore_index=True)
    both["quartile"] = [quartile_number(v) for v in both["value"]]
    return both[both["quartile"].notna()].sort_values(["measure", "period", "origin"]).reset_index(drop=True)


def quartile_movements(quartile_frame: pd.DataFrame, up_to: int | None = None) -> pd.DataFrame:
    """Quartile by measure and period (dashboard first, else prose) and the
    movement from the previous period with a published quartile
    (``from_period``; negative = moved up), from statements published up to
    edition ``up_to``."""
    quartile_frame = quartile_frame[quartile_frame["source"].isin(sources_up_to(up_to))]
    q = quartile_frame.sort_values(["measure", "period", "origin"]).groupby(["measure", "period"], as_index=False).first()
    q["from_period"] = q.groupby("measure")["period"].shift()
    q["movement"] = q.groupby("measure")["quartile"].diff()
    return q[["measure", "period", "quartile", "from_period", "movement", "origin", "source", "lines"]]


def _previous_year(period: str) -> str:
    """"2019-20" -> "2018-19"."""
    start = int(period[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _council_value(dashboard: pd.DataFrame, prose: pd.DataFrame, edition: int, measure: str, period: str):
    """The council's full-year figure for a period as one edition gives it:
    the prose figure, else the dashboard's (not in-year, not a forecast)."""
    p = prose[(prose["edition"] == edition) & (prose["measure"] == measure) & (prose["period"] == period)
              & (prose["statistic"] == "leicestershire") & ~prose["ytd"]]
    if len(p):
        return float(p["number"].iloc[0]), f"prose {p['printed'].iloc[0] or p['value'].iloc[0]} (line {p['lines'].iloc[0]})"
    d = dashboard[(dashboard["edition"] == edition) & (dashboard["measure"] == measure) & (dashboard["period"] == period)
                  & (dashboard["part"] == "value") & dashboard["field"].isin(["performance", "previous"])
                  & ~dashboard["ytd"] & ~dashboard["forecast"] & dashboard["number"].notna()]
    if len(d):
        return float(d["number"].iloc[0]), f"dashboard {d['printed'].iloc[0]} (line {d['lines'].iloc[0]})"
    return None, ""


def _direction_word(value: float, comparator: float, word: str, polarity: str) -> str:
    """The word a claim of kind ``word`` (higher/lower or better/worse) should
    hold for ``value`` against ``comparator``."""
    if value == comparator:
        return "equal"
    higher = value > comparator
    if word in ("better", "worse"):
        if polarity not in ("higher", "lower"):
            return "no polarity"
        return "better" if higher == (polarity == "higher") else "worse"
    return "higher" if higher else "lower"


def text_claims(dashboard: pd.DataFrame, prose: pd.DataFrame, registry: pd.DataFrame,
                national: pd.DataFrame | None = None, area: str = LEICESTERSHIRE,
                up_to: int | None = None) -> pd.DataFrame:
    """Every wording-only claim of the prose published up to edition
    ``up_to`` (above or below a comparator, place in the peer group, a
    quartile the council is not in, a quartile movement) with what the data
    say: ``status`` is ``confirmed``, ``differs`` or ``not checkable``
    (neither the papers nor the national file give the figures), and
    ``basis`` says what it was checked against.

    Comparators are taken from the papers where they print both figures,
    else from the national file (the median of the councils of England, of
    the council's type or of its region: not the published averages, which
    the file does not hold)."""
    meta = measures(registry).set_index("measure")
    # the (measure, year) pairs the national file has values for
    valued = set() if national is None else set(national[national["value"].notna()].groupby(["measure", "year"]).size().index)
    quarts = quartile_movements(quartiles(dashboard, prose)).set_index(["measure", "period"])["quartile"]
    rows = []
    claims = prose[prose["statistic"].isin(WORDING_CLAIMS)
                   & prose["source"].isin(sources_up_to(up_to))]
    for _, c in claims.iterrows():
        measure, period, st, word = c["measure"], c["period"], c["statistic"], str(c["value"]).lower()
        polarity = meta.loc[measure, "polarity"]
        computed, basis = None, ""
        nat_ok = (measure, period) in valued
        if st in COMPARATORS:
            claim, expected = word, CLAIM_WORDS["versus"][word]
            value, where = _council_value(dashboard, prose, c["edition"], measure, period)
            comp = prose[(prose["edition"] == c["edition"]) & (prose["measure"] == measure) & (prose["period"] == period)
                         & (prose["statistic"] == COMPARATORS[st])]
            if value is not None and len(comp):
                cv = float(comp["number"].iloc[0])
                computed = _direction_word(value, cv, expected, polarity)
                basis = f"{where} against {COMPARATORS[st]} {comp['printed'].iloc[0] or cv} (line {comp['lines'].iloc[0]})"
            elif nat_ok:
                med = group_medians(national, registry, measure, period, area).set_index("group")
                group = list(COMPARATORS).index(st)
                g = med.iloc[group]
                computed = _direction_word(float(g["council"]), float(g["median"]), expected, polarity)
                basis = (f"national file: {g['council']:g} against the median {g['median']:g} of {g['n']} councils "
                         f"({med.index[group]})")
            ok = computed == expected
        elif st == "peer_group_rank":
            claim = word
            value, where = _council_value(dashboard, prose, c["edition"], measure, period)
            comp = prose[(prose["edition"] == c["edition"]) & (prose["measure"] == measure) & (prose["period"] == period)
                         & (prose["statistic"] == "peer_group")]
            if value is not None and len(comp):
                cv = float(comp["number"].iloc[0])
                computed = "below the peer average" if value < cv else "not below the peer average"
                basis = f"{where} against the peer-group average {comp['printed'].iloc[0] or cv} (line {comp['lines'].iloc[0]}); the rank itself needs the peer councils' figures"
            ok = computed == "below the peer average"
        elif st == "not_quartile":
            claim = f"not in quartile {quartile_number(word):g}"
            if nat_ok:
                pos = national_position(measure, period, area, national=national, registry=registry)
                computed = f"quartile {pos['quartile']}"
                basis = f"national file, rank method: rank {pos['rank']} of {pos['n']}"
                ok = pos["quartile"] != quartile_number(word)
            elif (measure, period) in quarts.index:
                q = quarts[(measure, period)]
                computed, basis = f"quartile {q:g}", "the quartile the papers print for the same year"
                ok = q != quartile_number(word)
        else:  # quartile_movement
            claim = word
            prev = _previous_year(period)
            if (measure, period) in quarts.index and (measure, prev) in quarts.index:
                moved = quarts[(measure, period)] - quarts[(measure, prev)]
                computed, basis = f"moved {moved:+g}", f"published quartiles {prev} and {period}"
                ok = moved == CLAIM_WORDS["quartile_movement"][word]
        status = "not checkable" if computed is None else ("confirmed" if ok else "differs")
        rows.append({"edition": c["edition"], "measure": measure, "period": period, "claim": st, "says": claim,
                     "computed": computed or "", "status": status, "basis": basis or "no figures in the papers or the national file",
                     "source": c["source"], "lines": c["lines"]})
    return pd.DataFrame(rows, columns=["edition", "measure", "period", "claim", "says", "computed", "status", "basis",
                                       "source", "lines"])


def claims_summary(claims: pd.DataFrame) -> str:
    """One line on a :func:`text_claims` table: how many claims, how many
    confirmed, differing and not checkable."""
    counts = claims["status"].value_counts()
    return (f"{len(claims)} wording-only claims: {counts.get('confirmed', 0)} confirmed, "
            f"{counts.get('differs', 0)} differ from the figures, {counts.get('not checkable', 0)} cannot be checked "
            "from the papers or the national file.")


def _claim_findings(claims: pd.DataFrame) -> list[dict]:
    """A finding for each checkable text claim: ``ok`` when confirmed,
    ``review`` when the figures say otherwise."""
    rows = []
    for _, c in claims[claims["status"] != "not checkable"].iterrows():
        rows.append(_text_finding("text_claim", f"{c['measure']} {c['period']}: {c['claim']} '{c['says']}'",
                                  c["says"], c["computed"], c["source"], c["lines"],
                                  "ok" if c["status"] == "confirmed" else "review", c["basis"]))
    return rows


def percentile_of_rank(rank: float, n: float) -> float:
    """Rank 1 (highest value) -> 100th percentile, rank n -> 0th:
    100 x (n - rank) / (n - 1)."""
    return 100.0 * (n - rank) / (n - 1)


def use_of_resources_table(uor: pd.DataFrame) -> pd.DataFrame:
    """The 2026 LGA table, one row per metric, with rank as a percentile and
    the difference from the England average."""
    rows = []
    for metric, g in uor.groupby("metric", sort=False):
        s = g.set_index("statistic")
        get = lambda k: s.loc[k, "number"] if k in s.index else float("nan")  # noqa: E731
        lei, eng, rank, n = get("leicestershire"), get("england"), get("rank"), get("councils")
        rows.append({
            "metric": metric, "leicestershire": lei, "england": eng, "unit": s.loc["leicestershire", "unit"],
            "difference_percent": round(100 * (lei - eng) / eng, 2),
            "rank": rank, "councils": n,
            "percentile_100_highest": round(percentile_of_rank(rank, n), 1) if not _missing(rank) else float("nan"),
            "quartile": math.ceil(4 * rank / n) if not _missing(rank) else float("nan"),
        })
    return pd.DataFrame(rows)


# --- findings ------------------------------------------------------------------

def _text_finding(check, description, published, computed, source, lines, kind, detail="", unit="text"):
    row = reconcile.finding(DOMAIN, check, description, float("nan"), float("nan"), source, lines,
                            kind=kind, unit=unit, detail=detail)
    row["published"], row["computed"] = published, computed
    return row


def _count_precision(printed: str | None, value: float) -> float:
    """Half the rounding unit a printed count stands for: "15.2k" -> 50,
    "1.6m" -> 50,000, "590,000" -> 5,000, "14,000" -> 500, "1,200" and "3,206" -> 0
    (three or more trailing zeros are read as rounding)."""
    if not printed:
        return 0.0
    m = re.search(r"(\d[\d,]*)(?:\.(\d+))?\s*([km])?", printed)
    if not m:
        return 0.0
    mult = {"k": 1e3, "m": 1e6}.get(m.group(3) or "", 1.0)
    if m.group(2):
        return 0.5 * mult * 10 ** -len(m.group(2))
    digits = m.group(1).replace(",", "")
    zeros = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    if mult > 1:
        return 0.5 * mult
    return 0.5 * 10 ** zeros if zeros >= 3 else 0.0


def ratio_check(numerator, denominator, published, printed, num_printed=None, den_printed=None) -> tuple[float, str, str]:
    """Recompute a percentage from its numerator and denominator.

    Returns (computed, kind, detail): ``ok`` when the computed ratio, rounded
    half away from zero to the printed decimals, equals the published figure;
    ``rounding`` when the published figure lies within the range the rounded
    numerator and denominator allow (widened by half a printed unit);
    ``mismatch`` otherwise.
    """
    numerator, denominator, published = float(numerator), float(denominator), float(published)
    computed = 100.0 * numerator / denominator
    dec = reconcile.decimals_of(printed)
    rounded = reconcile.round_half_away(computed, dec)
    if abs(rounded - published) < 1e-9:
        return round(computed, 4), "ok", f"{numerator:g}/{denominator:g} rounds to {rounded:g}"
    hn, hd = _count_precision(num_printed, numerator), _count_precision(den_printed, denominator)
    lo = 100.0 * max(numerator - hn, 0) / (denominator + hd)
    hi = 100.0 * (numerator + hn) / max(denominator - hd, 1e-9)
    half = 0.5 * 10 ** -dec
    if lo - half <= published <= hi + half:
        return round(computed, 4), "rounding", (f"{numerator:g}/{denominator:g} = {computed:.2f}; the rounded "
                                               f"numerator and denominator allow {lo:.1f}-{hi:.1f}")
    detail = f"{numerator:g}/{denominator:g} = {computed:.2f}, printed {printed}"
    reverse = 100.0 * denominator / numerator
    if reconcile.round_half_away(reverse, dec) == published:
        detail += f"; the reverse ratio {denominator:g}/{numerator:g} = {reverse:.2f} matches: numerator and denominator swapped"
    return round(computed, 4), "mismatch", detail


def _groups_with(frame: pd.DataFrame, key: list[str], column: str, value) -> pd.DataFrame:
    """The rows of ``frame`` whose group (by ``key``) has a row with ``column`` == ``value``."""
    keys = frame.set_index(key).index
    return frame[keys.isin(keys[(frame[column] == value).to_numpy()])]


def _ratio_findings(dashboard: pd.DataFrame, prose: pd.DataFrame) -> list[dict]:
    rows = []
    # numerators and denominators printed in dashboard cells (2019 "17/18")
    cells = _groups_with(dashboard[dashboard["part"].isin(["value", "numerator", "denominator"])],
                         ["edition", "measure", "column"], "part", "numerator")
    for (ed, measure, column), g in cells.groupby(["edition", "measure", "column"]):
        parts = g.set_index("part")
        if not {"numerator", "denominator", "value"} <= set(parts.index):
            continue
        v, n, d = parts.loc["value"], parts.loc["numerator"], parts.loc["denominator"]
        computed, kind, detail = ratio_check(n["number"], d["number"], v["number"], v["printed"], n["printed"], d["printed"])
        rows.append(reconcile.finding(DOMAIN, "ratio", f"{measure} {v['period']}: dashboard percentage against its numerator and denominator",
                                      v["number"], computed, v["source"], v["lines"], kind=kind, unit="percent", detail=detail))
    # numerators and denominators in the prose, against the prose figure and the dashboard figure
    pr = _groups_with(prose[prose["statistic"].isin(["leicestershire", "numerator", "denominator"])],
                      ["edition", "measure", "period"], "statistic", "numerator")
    for (ed, measure, period), g in pr.groupby(["edition", "measure", "period"]):
        parts = g.set_index("statistic")
        if not {"numerator", "denominator"} <= set(parts.index):
            continue
        n, d = parts.loc["numerator"], parts.loc["denominator"]
        targets = []
        if "leicestershire" in parts.index:
            targets.append(("prose", parts.loc["leicestershire"]))
        dash = dashboard[(dashboard["edition"] == ed) & (dashboard["measure"] == measure) & (dashboard["period"] == period)
                         & (dashboard["part"] == "value") & dashboard["field"].isin(["performance", "previous"])
                         & dashboard["number"].notna()]
        for _, cell in dash.iterrows():
            targets.append(("dashboard", cell))
        for origin, pub in targets:
            computed, kind, detail = ratio_check(n["number"], d["number"], pub["number"], pub["printed"], n["printed"], d["printed"])
            rows.append(reconcile.finding(
                DOMAIN, "ratio", f"{measure} {period}: {origin} percentage against the prose numerator and denominator",
                pub["number"], computed, pub["source"], pub["lines"], kind=kind, unit="percent",
                detail=detail + f" (numerator and denominator: {n['source']} line {n['lines']})"))
    return rows


def _prose_vs_dashboard(dashboard: pd.DataFrame, prose: pd.DataFrame) -> list[dict]:
    """The prose figure for Leicestershire against the dashboard figure for the
    same edition, measure and period (admissions against the dashboard's
    admissions)."""
    rows = []
    want = {"leicestershire": "value", "admissions": "count", "admissions_forecast": "count",
            "target": "value", "milestone": "value"}
    key = ["edition", "measure", "period"]
    figures_of = dict(iter(dashboard[dashboard["number"].notna()].groupby([*key, "part"])))
    forecast_of = dashboard[dashboard["part"] == "value"].groupby(key)["forecast"].any()
    for _, p in prose[prose["statistic"].isin(list(want))].iterrows():
        fields = ["target"] if p["statistic"] in ("target", "milestone") else ["performance", "previous"]
        dash = figures_of.get((p["edition"], p["measure"], p["period"], want[p["statistic"]]), dashboard.iloc[:0])
        dash = dash[dash["field"].isin(fields)]
        if p["statistic"] in ("target", "milestone"):
            # a November milestone against the dashboard's milestone, a target against a target
            is_milestone = dash["note"].fillna("").str.contains("Milestone")
            dash = dash[is_milestone] if p["statistic"] == "milestone" else dash[~is_milestone]
        elif p["statistic"] != "leicestershire":
            # admissions: actual counts against actual, forecasts against forecasts
            is_forecast = bool(forecast_of.get((p["edition"], p["measure"], p["period"]), False))
            if is_forecast != (p["statistic"] == "admissions_forecast"):
                continue
        elif p["unit"] == "count":
            # counts only against the same span (April-November or full year)
            dash = dash[dash["ytd"] == p["ytd"]]
        for _, cell in dash.iterrows():
            if p["unit"] == "percent" or p["unit"] == "per_100k":
                dec = reconcile.decimals_of(p["printed"] or p["value"])
                rounded = reconcile.round_half_away(float(cell["number"]), dec)
                kind = "ok" if abs(rounded - p["number"]) < 1e-9 else "mismatch"
                detail = f"dashboard {cell['printed']} rounds to {rounded:g} at the prose's precision"
            else:
                tol = max(_count_precision(p["printed"], p["number"]), _count_precision(cell["printed"], cell["number"]))
                diff = abs(cell["number"] - p["number"])
                kind = "ok" if diff < 1e-9 else ("rounding" if diff <= tol + 1e-9 else "mismatch")
                detail = f"dashboard {cell['printed']} ({cell['source']} line {cell['lines']}); tolerance {tol:g}"
            rows.append(reconcile.finding(
                DOMAIN, "prose_vs_dashboard", f"{p['measure']} {p['period']}: prose {p['statistic']} against the dashboard",
                p["number"], cell["number"], p["source"], p["lines"], kind=kind, unit=p["unit"], detail=detail))
    return rows


def _change_findings(dashboard: pd.DataFrame, prose: pd.DataFrame) -> list[dict]:
    """Percentage changes stated in the prose, recomputed from the dashboard's
    in-year figures of the same edition (or the prose's own counts)."""
    rows = []
    for _, p in prose[prose["statistic"] == "change_percent"].iterrows():
        cells = dashboard[(dashboard["edition"] == p["edition"]) & (dashboard["measure"] == p["measure"])
                          & (dashboard["part"] == "value") & dashboard["number"].notna()]
        now = cells[(cells["field"] == "performance") & (cells["period"] == p["period"])]
        before = cells[(cells["field"] == "previous") & (cells["ytd"] == now["ytd"].iloc[0])] if len(now) else now
        a = b = None
        counts = prose[(prose["edition"] == p["edition"]) & (prose["measure"] == p["measure"])
                       & prose["statistic"].isin(["admissions", "admissions_forecast"])]
        if "admissions" in (p["note"] or "") and len(counts) == 2:
            a = counts[counts["statistic"] == "admissions"]["number"].iloc[0]
            b = counts[counts["statistic"] == "admissions_forecast"]["number"].iloc[0]
            detail_src = "prose admissions"
        elif len(now) and len(before):
            a, b = before["number"].iloc[0], now["number"].iloc[0]
            detail_src = "dashboard"
        if a is None:
            continue
        a, b = float(a), float(b)
        computed = round(100.0 * (b - a) / a, 4)
        rounded = reconcile.round_half_away(computed, reconcile.decimals_of(p["printed"]))
        kind = "ok" if abs(rounded - p["number"]) < 1e-9 else ("rounding" if abs(computed - p["number"]) <= 1 else "mismatch")
        rows.append(reconcile.finding(
            DOMAIN, "change_percent", f"{p['measure']} {p['period']}: stated percentage change",
            p["number"], computed, p["source"], p["lines"], kind=kind, unit="percent",
            detail=f"from {a:g} to {b:g} ({detail_src}); half-away rounding gives {rounded:g}"))
    for _, p in prose[prose["statistic"] == "above_milestone"].iterrows():
        cells = dashboard[(dashboard["edition"] == p["edition"]) & (dashboard["measure"] == p["measure"])
                          & (dashboard["part"] == "value")]
        perf, tgt = _num(cells, "performance"), _num(cells, "target")
        if perf is None or tgt is None:
            continue
        computed = round(perf["number"] - tgt["number"], 6)
        tol = _count_precision(perf["printed"], perf["number"]) + _count_precision(tgt["printed"], tgt["number"])
        rows.append(reconcile.finding(
            DOMAIN, "above_milestone", f"{p['measure']} {p['period']}: stated margin over the November milestone",
            p["number"], computed, p["source"], p["lines"], tolerance=max(tol, 1.0), unit="count",
            detail=f"dashboard {perf['printed']} less milestone {tgt['printed']}"))
    return rows


def _sequel_findings(dashboard: pd.DataFrame) -> list[dict]:
    """The four sequel shares of one period add up to 100 (within the
    rounding of four printed figures: 4 x half a printed unit)."""
    rows = []
    seq = dashboard[dashboard["measure"].str.startswith("seq_") & (dashboard["part"] == "value")
                    & dashboard["field"].isin(["performance", "previous"]) & dashboard["number"].notna()]
    for (ed, field), g in seq.groupby(["edition", "field"]):
        if len(g) != 4:
            continue
        total = round(g["number"].sum(), 6)
        dec = max(reconcile.decimals_of(p) for p in g["printed"])
        lines = ";".join(sorted(set(g["lines"]), key=lambda s: int(s.split("-")[0])))
        rows.append(reconcile.finding(
            DOMAIN, "sequels_total", f"{ed} {g['period'].iloc[0]}: the four sequel shares add up to 100",
            100.0, total, g["source"].iloc[0], lines, tolerance=4 * 0.5 * 10 ** -dec, unit="percent",
            detail=" + ".join(g["printed"])))
    return rows


def _rag_findings(tables: pd.DataFrame) -> list[dict]:
    rows = []
    for _, r in tables.iterrows():
        if r["rag"] not in RAG_WORDS or r["rule_rag"] is None:
            continue
        kind = "ok" if r["rag"] == r["rule_rag"] else "review"
        src = EDITIONS[r["edition"]]
        detail = (f"performance {r['performance_printed']} against target {r['target_printed']}"
                  f" ({r['basis']}): {r['position']}, gap {r['gap']:g}"
                  + (" points" if r["unit"] == "percent" else "% of target"))
        rows.append(_text_finding("rag_rule", f"{r['edition']} {r['measure']}: published RAG against the position rule",
                                  r["rag"], r["rule_rag"], src, _lines_of(r), kind, detail))
    return rows


def _progress_findings(tables: pd.DataFrame) -> list[dict]:
    rows = []
    for _, r in tables.iterrows():
        arrow = r.get("progress")
        if arrow not in PROGRESS_ARROWS or r["travel"] in ("no data", "not comparable"):
            continue
        published = PROGRESS_ARROWS[arrow]
        kind = "ok" if published == r["travel"] else "review"
        rows.append(_text_finding("progress_arrow", f"{r['edition']} {r['measure']}: published progress arrow against the change",
                                  published, r["travel"], EDITIONS[r["edition"]], _lines_of(r), kind,
                                  f"{r['previous_printed']} -> {r['performance_printed']}"))
    return rows


def _quartile_findings(quartile_frame: pd.DataFrame) -> list[dict]:
    """Quartiles stated in the prose against the dashboard's for the same period."""
    rows = []
    for (measure, period), g in quartile_frame.groupby(["measure", "period"]):
        dash, prose = g[g["origin"] == "dashboard"], g[g["origin"] == "prose"]
        for _, p in prose.iterrows():
            for _, d in dash.iterrows():
                kind = "ok" if p["quartile"] == d["quartile"] else "review"
                rows.append(reconcile.finding(
                    DOMAIN, "quartile_prose_vs_dashboard", f"{measure} {period}: prose quartile against the dashboard",
                    p["quartile"], d["quartile"], p["source"], p["lines"], kind=kind, unit="",
                    detail=f"prose '{p['value']}', dashboard '{d['value']}' ({d['source']} line {d['lines']})"))
    return rows


def _cqc_findings(cqc: pd.DataFrame) -> list[dict]:
    rows = []
    for (ed, area, service), g in cqc.groupby(["edition", "area", "service"]):
        if len(g) != 3:
            continue
        total = round(g["value"].sum(), 6)
        dec = max(reconcile.decimals_of(p) for p in g["printed"].fillna(""))
        lines = ";".join(sorted(set(g["lines"])))
        rows.append(reconcile.finding(
            DOMAIN, "cqc_shares_total", f"{ed} {area} {service}: rating shares add up to 100",
            100.0, total, g["source"].iloc[0], lines, tolerance=3 * 0.5 * 10 ** -dec, unit="percent"))
    return rows


def _use_of_resources_findings(uor: pd.DataFrame) -> list[dict]:
    rows = []
    table = use_of_resources_table(uor).set_index("metric")
    for _, c in uor.iterrows():
        t = table.loc[c["metric"]]
        st = c["statistic"]
        if st in ("difference_percent", "difference_percent_prose"):
            exact = 100 * (t["leicestershire"] - t["england"]) / t["england"]
            same = reconcile.round_half_away(float(exact), reconcile.decimals_of(c["printed"])) == c["number"]
            rows.append(reconcile.finding(DOMAIN, "uor_difference", f"{c['metric']}: difference from the England average",
                                          c["number"], t["difference_percent"], c["source"], c["lines"],
                                          printed=c["printed"], unit="percent", kind="ok" if same else None,
                                          detail=f"({t['leicestershire']:g} - {t['england']:g}) / {t['england']:g}"))
        elif st == "claim_from_bottom":
            computed = t["councils"] - t["rank"] + 1
            rows.append(reconcile.finding(DOMAIN, "uor_rank_claim", f"{c['metric']}: position from the bottom",
                                          c["number"], computed, c["source"], c["lines"], tolerance=0, unit="rank",
                                          detail=f"rank {t['rank']:g} of {t['councils']:g}"))
        elif st == "claim_bottom_percent":
            rows.append(reconcile.finding(DOMAIN, "uor_rank_claim", f"{c['metric']}: share of councils at or below",
                                          c["number"], t["percentile_100_highest"], c["source"], c["lines"], tolerance=1.0, unit="percent",
                                          detail=f"rank {t['rank']:g} of {t['councils']:g} is the {t['percentile_100_highest']:g}th percentile (printed approximately)"))
        elif st == "claim_quartile":
            rows.append(reconcile.finding(DOMAIN, "uor_rank_claim", f"{c['metric']}: quartile",
                                          quartile_number(c["value"]), t["quartile"], c["source"], c["lines"], tolerance=0,
                                          unit="", detail=f"ceil(4 x {t['rank']:g} / {t['councils']:g})"))
        elif st == "claim_direction":
            below = "below" in c["value"].lower()
            actual_below = t["leicestershire"] < t["england"]
            rows.append(_text_finding("uor_direction_claim", f"{c['metric']}: above or below the England average",
                                      "below" if below else "above", "below" if actual_below else "above",
                                      c["source"], c["lines"], "ok" if below == actual_below else "mismatch",
                                      f"{t['leicestershire']:g} against {t['england']:g}"))
    return rows


def _lines_of(r) -> str:
    return str(r.get("lines") or "")


def dashboard_tables(dashboard: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """:func:`dashboard_table` for every edition, with each row's lines."""
    parts = []
    for ed in EDITIONS:
        t = dashboard_table(dashboard, registry, ed)
        lines = dashboard[dashboard["edition"] == ed].groupby("measure")["lines"].agg(reconcile.span_lines)
        t["lines"] = t["measure"].map(lines)
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


def findings(data_dir=None, *, registry: pd.DataFrame | None = None, dashboard: pd.DataFrame | None = None,
             prose: pd.DataFrame | None = None, national: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every performance check, including the ``ok`` rows.

    Frames already loaded from ``data_dir`` (registry, dashboard, prose,
    national) may be passed in; the others are loaded."""
    registry = load_registry(data_dir) if registry is None else registry
    dashboard = load_dashboard(data_dir, registry) if dashboard is None else dashboard
    prose = load_prose(data_dir, registry) if prose is None else prose
    tables = dashboard_tables(dashboard, registry)
    rows = []
    rows += _ratio_findings(dashboard, prose)
    rows += _prose_vs_dashboard(dashboard, prose)
    rows += _change_findings(dashboard, prose)
    rows += _sequel_findings(dashboard)
    rows += _rag_findings(tables)
    rows += _progress_findings(tables)
    rows += _quartile_findings(quartiles(dashboard, prose))
    rows += _cqc_findings(load_cqc(data_dir))
    rows += _use_of_resources_findings(load_use_of_resources(data_dir))
    if national is None and national_path(data_dir).exists():
        national = load_national(data_dir, registry)
    if national is not None:
        rows += national_findings(national, registry, dashboard, prose)
        rows += placeholder_findings(national)
    rows += _claim_findings(text_claims(dashboard, prose, registry, national))
    return reconcile.frame(rows)


# --- national comparators (OfLoG reference data) ------------------------------------

#: The national file, kept as published (see data/reference/oflog_asc_data.md).
NATIONAL_FILE = Path("reference") / "oflog_asc_data.csv"
#: The benchmarking year each pack reports (2026: the latest year in the file).
BENCHMARK_YEAR = {2019: "2017-18", 2021: "2019-20", 2024: "2022-23", 2026: "2022-23"}
QUARTILE_METHODS = ("rank", "interpolated")

NATIONAL_COLUMNS = [
    Column("Financial year", pattern=r"\d{4}-\d{2}"),
    Column("Local authority code", pattern=r"E\d{8}"),
    Column("Local authority name"),
    Column("Grouping"),
    Column("Entity_Name"),
    Column("Region"),
    Column("Measure"),
    Column("Code", pattern=r"ASC\d+"),
    Column("Value", "float", nullable=True),
    Column("MEDIAN", "float", nullable=True),
    Column("MADs_from_median", "float", nullable=True),
    Column("rank_order", nullable=True),
]


def national_path(data_dir=None) -> Path:
    return resolve_data_dir(data_dir) / NATIONAL_FILE


def load_national(data_dir=None, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """The OfLoG file as a tidy table: year, area_code, area_name,
    council_type, region, code, measure (registry key), ascof, value,
    published_median, placeholder, file_row.

    Rejects duplicate council/year/measure rows, codes the registry does not
    map, and values outside the measure's valid range in the registry
    (``valid_min``..``valid_max``).  A blank value means not published (NaN).
    An exact zero where the registry says a zero is impossible
    (``zero_not_published``) is a placeholder: its value becomes NaN and
    ``placeholder`` is true, so it is reported (:func:`national_placeholders`),
    not silently dropped nor ranked.  Polarity comes from the registry; the
    file's ``rank_order`` column is ignored.  ``file_row`` is the row's line in
    the CSV file (header = line 1).
    """
    registry = load_registry(data_dir) if registry is None else registry
    path = national_path(data_dir)
    raw = parse_frame(read_table(path), NATIONAL_COLUMNS, path,
                      unique=["Financial year", "Local authority code", "Code"])
    # the registry row of each national code (its last edition's, as listed)
    coded = registry[[bool(c) for c in registry["national_code"]]]
    by_code = coded.drop_duplicates("national_code", keep="last").set_index("national_code")
    code, value = raw["Code"], raw["Value"]
    known = code.isin(by_code.index)
    lo, hi = code.map(by_code["valid_min"]).astype(float), code.map(by_code["valid_max"]).astype(float)
    outside = known & value.notna() & ~((lo <= value) & (value <= hi))
    placeholder = known & (value == 0) & code.map(by_code["zero_not_published"]).eq(True)
    problems = []
    for row in raw.index[(~known | outside).to_numpy()]:
        if not known[row]:
            problems.append(Problem(column="Code", row=int(row), found=code[row],
                                    expected="a national code mapped in the measure registry (" + ", ".join(sorted(by_code.index)) + ")"))
        else:
            info = by_code.loc[code[row]]
            problems.append(Problem(column="Value", row=int(row), found=str(value[row]),
                                    expected=f"a value from {lo[row]:g} to {hi[row]:g} for {code[row]} ({info['measure']}, "
                                             f"valid range in the measure registry)"))
    if problems:
        raise LoaderError(path, problems)
    out = pd.DataFrame({
        "year": raw["Financial year"], "area_code": raw["Local authority code"], "area_name": raw["Local authority name"],
        "council_type": raw["Entity_Name"], "region": raw["Region"], "code": code,
        "measure": code.map(by_code["measure"]),
        "ascof": code.map(by_code["ascof"].fillna("")),
        "value": value, "published_median": raw["MEDIAN"],
        "placeholder": placeholder.to_numpy(), "file_row": raw.index.astype(int),
    })
    out.loc[out["placeholder"], "value"] = float("nan")
    return out.sort_values(["measure", "year", "area_code"]).reset_index(drop=True)


def national_placeholders(national: pd.DataFrame) -> pd.DataFrame:
    """The exact zeros :func:`load_national` read as not published."""
    cols = ["code", "measure", "year", "area_code", "area_name", "file_row"]
    return national[national["placeholder"]][cols].sort_values(["code", "year", "area_name"]).reset_index(drop=True)


def national_measure(measure: str, registry: pd.DataFrame) -> pd.Series:
    """The registry entry of a measure given by key (``reablement_no_ongoing``)
    or by the national file's code (``ASC5``): its last edition's row, with
    ``ascof`` "" where it has none."""
    hit = registry[(registry["measure"] == measure) | (registry["national_code"] == measure)]
    if hit.empty:
        known = registry[registry["national_code"].fillna("") != ""].drop_duplicates("measure")
        raise KeyError(f"unknown measure key {measure!r}; known national measures: "
                       + ", ".join(f"{m} ({c})" for m, c in known[["measure", "national_code"]].itertuples(index=False)))
    row = hit.sort_values("edition").iloc[-1].copy()
    if not row["national_code"]:
        raise KeyError(f"measure {row['measure']!r} is not in the national reference data")
    row["ascof"] = row["ascof"] or ""
    return row


def _ranks(values: pd.Series, polarity: str) -> pd.Series:
    """1 + the number of councils strictly better (ties share the best rank).
    Without a polarity the highest value ranks first."""
    return values.rank(method="min", ascending=(polarity == "lower")).astype(int)


def _interpolated_quartile(value: float, quartiles, polarity: str) -> int:
    """Quartile of a value against the interpolated quartile points (q1, q2, q3)."""
    q1, q2, q3 = quartiles
    if polarity == "lower":
        return 1 if value <= q1 else 2 if value <= q2 else 3 if value <= q3 else 4
    return 1 if value >= q3 else 2 if value >= q2 else 3 if value >= q1 else 4


def national_table(national: pd.DataFrame, registry: pd.DataFrame, measure: str, year: str) -> pd.DataFrame:
    """Every council with a value for one measure and year: rank (1 = best by
    the registry's polarity; ties share the best rank), n, the quartile by
    both methods and where they disagree, and the percentile
    100 x (n - rank) / (n - 1)."""
    info = national_measure(measure, registry)
    return _national_table(_rows_of(national, info, year), info, year, national)


def _rows_of(national: pd.DataFrame, info: pd.Series, year: str) -> pd.DataFrame:
    """The national file's rows of one measure (its registry entry) and year."""
    return national[(national["measure"] == info["measure"]) & (national["year"] == year)]


def _national_table(rows: pd.DataFrame, info: pd.Series, year: str, national: pd.DataFrame) -> pd.DataFrame:
    """:func:`national_table` from ``rows``, the national file's rows of the
    measure (``info``, its registry entry) and year."""
    sub = rows[rows["value"].notna()]
    if sub.empty:
        raise KeyError(f"no national values for {info['measure']} ({info['national_code']}) in {year!r}; "
                       f"years: {', '.join(sorted(national[national['measure'] == info['measure']]['year'].unique()))}")
    n = len(sub)
    rank = _ranks(sub["value"], info["polarity"])
    points = tuple(sub["value"].quantile([0.25, 0.5, 0.75], interpolation="linear"))
    by_rank = [math.ceil(4 * r / n) for r in rank]
    interpolated = [_interpolated_quartile(v, points, info["polarity"]) for v in sub["value"]]
    out = pd.DataFrame({
        "measure": info["measure"], "year": year,
        **{c: sub[c] for c in ("area_code", "area_name", "council_type", "region", "value")},
        "rank": rank, "n": n, "quartile_rank": by_rank, "quartile_interpolated": interpolated,
        "methods_disagree": [a != b for a, b in zip(by_rank, interpolated)],
        "percentile_100_best": [round(percentile_of_rank(r, n), 1) for r in rank],
    })
    return out.sort_values(["rank", "area_name"]).reset_index(drop=True)


def national_position(measure: str, year: str, area: str = LEICESTERSHIRE, *, method: str = "rank",
                      national: pd.DataFrame | None = None, registry: pd.DataFrame | None = None,
                      data_dir=None) -> dict:
    """One council's position for one measure and year: ``value``, ``rank``,
    ``n``, ``quartile``, ``median``, ``percentile`` and the ``method``.

    ``measure`` is a registry key or the national code (ASC1..ASC7); ``year``
    is written as in the file (``2019-20``).  Ranking: 1 is best by the
    registry's polarity; ties share the best rank (1 + the number of councils
    strictly better); ``n`` counts the councils with a value; with
    ``method="rank"`` the quartile is ceil(4 x rank / n), 1 = top; with
    ``method="interpolated"`` it is found from the linearly interpolated 25th,
    50th and 75th percentiles of the values.  Both quartiles are returned
    (``quartile_rank``, ``quartile_interpolated``).  Loads the reference file
    when ``national`` is not given.
    """
    if method not in QUARTILE_METHODS:
        raise ValueError(f"unknown quartile method {method!r}; choose from {', '.join(QUARTILE_METHODS)}")
    registry = load_registry(data_dir) if registry is None else registry
    national = load_national(data_dir, registry) if national is None else national
    info = national_measure(measure, registry)
    return _national_position(_rows_of(national, info, year), info, year, area, method, national)


def _national_position(rows: pd.DataFrame, info: pd.Series, year: str, area: str, method: str,
                       national: pd.DataFrame) -> dict:
    """:func:`national_position` from ``rows``, the national file's rows of
    the measure (``info``, its registry entry) and year."""
    table = _national_table(rows, info, year, national)
    own = rows[rows["area_code"] == area]
    if own.empty:
        raise KeyError(f"area {area!r} has no row for {info['measure']} in {year}")
    mine = table[table["area_code"] == area]
    base = {"measure": info["measure"], "code": info["national_code"], "year": year, "area": area,
            "area_name": own["area_name"].iloc[0], "polarity": info["polarity"], "method": method,
            "n": len(table), "median": float(table["value"].median())}
    if mine.empty:  # blank: not published for this council
        return {**base, "value": float("nan"), "rank": None, "quartile": None, "percentile": float("nan"),
                "quartile_rank": None, "quartile_interpolated": None}
    r = mine.iloc[0]
    q = {"rank": int(r["quartile_rank"]), "interpolated": int(r["quartile_interpolated"])}
    return {**base, "value": float(r["value"]), "rank": int(r["rank"]), "quartile": q[method],
            "percentile": float(r["percentile_100_best"]), "quartile_rank": q["rank"], "quartile_interpolated": q["interpolated"]}


def group_medians(national: pd.DataFrame, registry: pd.DataFrame, measure: str, year: str,
                  area: str = LEICESTERSHIRE) -> pd.DataFrame:
    """The council against the medians of England, its council type (for
    Leicestershire: counties) and its region (East Midlands), with its rank
    within each group (1 = best by polarity)."""
    table = national_table(national, registry, measure, year)
    me = national[(national["area_code"] == area)].iloc[0]
    mine = table[table["area_code"] == area]
    value = float(mine["value"].iloc[0]) if len(mine) else float("nan")
    polarity = national_measure(measure, registry)["polarity"]
    rows = []
    for group, sel in (("England", table), (f"council type: {me['council_type']}", table[table["council_type"] == me["council_type"]]),
                       (f"region: {me['region']}", table[table["region"] == me["region"]])):
        ranks = _ranks(sel["value"], polarity)
        own = ranks[sel["area_code"] == area]
        rows.append({"measure": table["measure"].iloc[0], "year": year, "group": group, "n": len(sel),
                     "median": float(sel["value"].median()), "council": value,
                     "difference": round(value - float(sel["value"].median()), 6),
                     "rank_in_group": int(own.iloc[0]) if len(own) else None})
    return pd.DataFrame(rows)


def quartile_bounds(table: pd.DataFrame, polarity: str) -> dict:
    """Where the quartiles of a :func:`national_table` start: for the rank
    method the value of the last council in quartiles 1-3, for the
    interpolated method the 75th, 50th and 25th percentiles (reversed when
    lower is better)."""
    ordered = table.sort_values("rank")
    last = [ordered[ordered["quartile_rank"] == q]["value"].iloc[-1] for q in (1, 2, 3)
            if (ordered["quartile_rank"] == q).any()]
    qs = list(table["value"].quantile([0.75, 0.5, 0.25] if polarity != "lower" else [0.25, 0.5, 0.75]))
    return {"rank": [float(v) for v in last], "interpolated": [float(v) for v in qs]}


def rank_history(national: pd.DataFrame, registry: pd.DataFrame, area: str = LEICESTERSHIRE) -> pd.DataFrame:
    """The council's position for every national measure and year, with the
    measure's polarity (for a measure without one, ``percentile_100_best``
    is the share of councils with a lower value, not a judgement)."""
    rows = []
    infos: dict[str, pd.Series] = {}
    for (measure, year), part in national.groupby(["measure", "year"]):
        if measure not in infos:
            infos[measure] = national_measure(measure, registry)
        pos = _national_position(part, infos[measure], year, area, "rank", national)
        row = {k: pos[k] for k in ("measure", "code", "year", "polarity", "value", "median", "rank", "n", "quartile",
                                   "quartile_interpolated", "method")}
        row["percentile_100_best"] = pos["percentile"]
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["year", "measure"]).reset_index(drop=True)


def national_findings(national: pd.DataFrame, registry: pd.DataFrame, dashboard: pd.DataFrame,
                      prose: pd.DataFrame, area: str = LEICESTERSHIRE) -> list[dict]:
    """The papers' quartile statements, top-quartile thresholds and
    Leicestershire values checked against the national file.  A quartile that
    differs from the computed one (rank method) is a ``review`` finding giving
    the method, rank and n."""
    rows = []
    covered = set(national["measure"])
    years = set(national["year"])
    for _, q in quartiles(dashboard, prose).iterrows():
        if q["measure"] not in covered or q["period"] not in years:
            continue
        pos = national_position(q["measure"], q["period"], area, national=national, registry=registry)
        if pos["rank"] is None:
            continue
        kind = "ok" if pos["quartile"] == q["quartile"] else "review"
        detail = (f"method rank: rank {pos['rank']} of {pos['n']}, quartile ceil(4 x {pos['rank']} / {pos['n']}) = {pos['quartile']}; "
                  f"interpolated-percentile method: quartile {pos['quartile_interpolated']}; published '{q['value']}' ({q['origin']})")
        rows.append(reconcile.finding(DOMAIN, "national_quartile", f"{q['measure']} {q['period']}: published quartile against the national ranking",
                                      q["quartile"], pos["quartile"], q["source"], q["lines"], kind=kind, unit="", detail=detail))
    thresholds = prose[(prose["statistic"] == "top_quartile_threshold") & prose["measure"].isin(covered) & prose["period"].isin(years)]
    for _, t in thresholds.iterrows():
        info = national_measure(t["measure"], registry)
        table = national_table(national, registry, t["measure"], t["period"])
        bound = quartile_bounds(table, info["polarity"])
        computed = bound["rank"][0]
        rounded = reconcile.round_half_away(computed, reconcile.decimals_of(t["printed"]))
        kind = "ok" if rounded == t["number"] else "review"
        rows.append(reconcile.finding(DOMAIN, "national_threshold", f"{t['measure']} {t['period']}: stated top-quartile threshold",
                                      t["number"], computed, t["source"], t["lines"], kind=kind, unit="percent",
                                      detail=f"method rank: the last of the top quartile (rank <= n/4 of {len(table)}) has {computed:g}; "
                                             f"interpolated 75th percentile {bound['interpolated'][0]:g}"))
    mine = national[(national["area_code"] == area) & national["value"].notna()].set_index(["measure", "year"])["value"]
    where = f"national file value {{:g}} ({NATIONAL_FILE.as_posix()})"
    # the council's full-year figures as the dashboards and the prose print them
    vals = dashboard[(dashboard["part"] == "value") & dashboard["field"].isin(["previous"]) & dashboard["number"].notna()
                     & ~dashboard["ytd"]].assign(origin="dashboard")
    said = prose[(prose["statistic"] == "leicestershire") & prose["number"].notna() & ~prose["ytd"]].assign(origin="prose")
    for _, c in pd.concat([vals, said], ignore_index=True).iterrows():
        if (c["measure"], c["period"]) not in mine.index:
            continue
        ref = float(mine[(c["measure"], c["period"])])
        kind, how = reconcile.printed_kind(c["number"], ref, reconcile.decimals_of(c["printed"] or c["value"]))
        rows.append(reconcile.finding(DOMAIN, "national_value", f"{c['measure']} {c['period']}: {c['origin']} value against the national file",
                                      c["number"], ref, c["source"], c["lines"], kind=kind, unit="percent",
                                      detail=where.format(ref) + (f": {how}" if how else "")))
    # stated changes in percentage points, against the national file's two years
    for _, c in prose[(prose["statistic"] == "change_points") & prose["measure"].isin(covered)].iterrows():
        prev = _previous_year(c["period"])
        if (c["measure"], c["period"]) not in mine.index or (c["measure"], prev) not in mine.index:
            continue
        now, before = float(mine[(c["measure"], c["period"])]), float(mine[(c["measure"], prev)])
        change = round(now - before, 6)
        kind, how = reconcile.printed_kind(c["number"], change, reconcile.decimals_of(c["printed"]))
        rows.append(reconcile.finding(DOMAIN, "national_change", f"{c['measure']} {c['period']}: stated change in percentage points",
                                      c["number"], change, c["source"], c["lines"], kind=kind, unit="percent",
                                      detail=f"national file {before:g} ({prev}) -> {now:g} ({c['period']})" + (f": {how}" if how else "")))
    return rows


def placeholder_findings(national: pd.DataFrame) -> list[dict]:
    """One ``missing`` finding per exact zero the national loader read as not
    published (the registry says a zero is impossible for the measure)."""
    rows = []
    for _, z in national_placeholders(national).iterrows():
        rows.append(reconcile.finding(
            DOMAIN, "national_placeholder", f"{z['code']} {z['year']} {z['area_name']}: exact zero read as not published",
            0.0, float("nan"), NATIONAL_FILE.as_posix(), str(z["file_row"]), kind="missing", unit="",
            detail=f"{z['measure']}: the registry says an exact zero is impossible (zero_not_published); "
                   "left out of ranks, n and medians"))
    return rows


def national_years(national: pd.DataFrame, up_to: str) -> dict[str, str]:
    """For each national measure, the latest year up to ``up_to`` with values
    (the carers' survey measures are biennial)."""
    out = {}
    for measure, g in national[national["value"].notna()].groupby("measure"):
        years = sorted(y for y in g["year"].unique() if y <= up_to)
        if years:
            out[measure] = years[-1]
    return out


def national_summary(national: pd.DataFrame, registry: pd.DataFrame, up_to: str,
                     area: str = LEICESTERSHIRE) -> pd.DataFrame:
    """The council's position on every national measure in its latest year up
    to ``up_to``, by both quartile methods, with the England, council-type and
    regional medians."""
    rows = []
    for measure, year in national_years(national, up_to).items():
        pos = national_position(measure, year, area, national=national, registry=registry)
        med = group_medians(national, registry, measure, year, area).set_index("group")["median"]
        rows.append({"measure": measure, "code": pos["code"], "year": year, "polarity": pos["polarity"],
                     "value": pos["value"], "rank": pos["rank"], "n": pos["n"], "percentile_100_best": pos["percentile"],
                     "quartile (rank method)": pos["quartile_rank"],
                     "quartile (interpolated method)": pos["quartile_interpolated"],
                     "England median": med.iloc[0], "type median": med.iloc[1], "region median": med.iloc[2]})
    return pd.DataFrame(rows)


def method_disagreements(national: pd.DataFrame, registry: pd.DataFrame, years: dict[str, str]) -> pd.DataFrame:
    """Councils whose quartile differs between the rank and the interpolated
    methods, for the given measure -> year."""
    parts = [national_table(national, registry, m, y) for m, y in years.items()]
    both = pd.concat(parts, ignore_index=True)
    return both[both["methods_disagree"]][["measure", "year", "area_name", "value", "rank", "n", "quartile_rank",
                                           "quartile_interpolated"]].reset_index(drop=True)
