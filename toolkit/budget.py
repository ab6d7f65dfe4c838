"""Medium Term Financial Strategy (MTFS): loaders and calculations.

Five editions of the Adults and Communities MTFS, 2018 to 2026, transcribed
into ``data/published/budget_*.csv`` (see data/README.md, "Budgets").  The
loaders validate each table; the calculations are pure functions on the
loaded frames; :func:`findings` runs every check and returns finding rows.

Two kinds of money must not be confused (DESIGN.md, Units and money):

* the summary table gives each year's *in-year* growth and savings;
* Appendices B and C give each item *cumulatively* from the edition's base
  year (the 2027/28 column is the total change since 2024/25, not 2027/28's).

:func:`in_year` converts the second into the first.  Reference codes (G6,
AC1, ...) are not identities across editions: items are tracked by the stable
keys in ``data/mappings/budget_item_keys.csv``.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from . import reconcile
from .errors import LoaderError, Problem
from .sources import Column, load_published, parse_frame, read_table, resolve_data_dir

DOMAIN = "budget"

#: edition -> (source paper, meeting date).  Oldest first.
EDITIONS: dict[str, tuple[str, str]] = {
    "2018/19-2021/22": ("000_34a0172e3db75070.txt", "2018-01-16"),
    "2019/20-2022/23": ("002_5b95b27d885825d4.txt", "2019-01-21"),
    "2021/22-2024/25": ("001_6c1a5cf086dcc65a.txt", "2021-01-18"),
    "2024/25-2027/28": ("003_6b8cfb4131de48e1.txt", "2024-01-22"),
    "2026/27-2029/30": ("004_d7bc47fa68b1d77f.txt", "2026-01-19"),
}
#: The edition a meeting scrutinises ("2026/27-2029/30" for 2026-01-19).
MEETING_EDITION = {date: edition for edition, (_, date) in EDITIONS.items()}

BRIDGE_LINES = ("original", "transfers", "subtotal", "growth", "savings", "net")
REVENUE_COLUMNS = ("previous_net", "employees", "running_expenses", "internal_income", "gross", "external_income", "net")
ITEM_TYPES = ("Eff", "SR", "Inc", "Eff/SR", "SR/Eff", "Inc/Eff")
YEAR = r"\d{4}/\d{2}"

_EDITION = Column("edition", choices=tuple(EDITIONS))
_YEAR = Column("year", pattern=YEAR)


def edition_years(edition: str) -> list[str]:
    """The four financial years of an edition: "2026/27-2029/30" -> 2026/27 ... 2029/30."""
    first = int(edition[:4])
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(first, first + 4)]


def edition_label(edition: str) -> str:
    """A short label for charts: "MTFS 2026"."""
    return f"MTFS {edition[:4]}"


def _check_units(frame: pd.DataFrame, allowed: tuple[str, ...], path: Path) -> pd.DataFrame:
    problems = [Problem(column="unit", expected="one of " + ", ".join(allowed), found=str(u), row=int(r))
                for r, u in frame["unit"].items() if u not in allowed]
    if problems:
        raise LoaderError(path, problems)
    return frame


def _published(name, columns, unique, data_dir, units):
    from .sources import published_path

    frame = load_published(name, columns=columns, unique=unique, data_dir=data_dir)
    frame = _check_units(frame, units, published_path(name, data_dir))
    missing = frame["value"].isna()
    if missing.any():
        path = published_path(name, data_dir)
        raise LoaderError(path, [Problem(column="value", expected="a number", found=str(frame.at[r, "printed"]), row=int(r))
                                 for r in frame.index[missing]])
    return frame


# --- loaders -----------------------------------------------------------------

def load_summary(data_dir=None) -> pd.DataFrame:
    """The summary bridge, one row per edition, year and line (in-year, £000)."""
    cols = [_EDITION, _YEAR, Column("line", choices=BRIDGE_LINES)]
    return _published("budget_summary", cols, ["edition", "year", "line"], data_dir, ("gbp_thousands",))


def load_divisions(data_dir=None) -> pd.DataFrame:
    """Net budget by division for each edition's first year, in £m and %."""
    cols = [_EDITION, _YEAR, Column("division")]
    return _published("budget_divisions", cols, ["edition", "division", "unit"], data_dir, ("gbp_millions", "percent"))


def load_items(data_dir=None) -> pd.DataFrame:
    """Appendix B (growth) and C (savings) items, cumulative from the base year (£000)."""
    cols = [_EDITION, Column("appendix", choices=("B", "C")), Column("section", nullable=True),
            Column("ref", pattern=r"(G|AC)\d+"), Column("stars", nullable=True, choices=("*", "**")),
            Column("type", nullable=True, choices=ITEM_TYPES), Column("description"), _YEAR,
            Column("basis", choices=("cumulative",))]
    frame = _published("budget_items", cols, ["edition", "appendix", "ref", "year"], data_dir, ("gbp_thousands",))
    for col in ("section", "stars", "type"):
        frame[col] = frame[col].fillna("")
    return frame


def load_item_totals(data_dir=None) -> pd.DataFrame:
    """The printed totals of Appendices B and C (cumulative, £000)."""
    cols = [_EDITION, Column("appendix", choices=("B", "C")), Column("total"), _YEAR,
            Column("basis", choices=("cumulative",))]
    return _published("budget_item_totals", cols, ["edition", "appendix", "total", "year"], data_dir, ("gbp_thousands",))


def load_prose_items(data_dir=None) -> pd.DataFrame:
    """Growth and savings items as the report text heads them: first amount and
    (where it rises or falls) the last one, each with its year.  For the 2018
    edition this is the only source."""
    cols = [_EDITION, Column("ref", pattern=r"(G|AC)\d+"), Column("stars", nullable=True, choices=("*", "**")),
            Column("type", nullable=True, choices=ITEM_TYPES), Column("point", choices=("first", "last")),
            Column("profile", choices=("rising", "decreasing", "ongoing", "single")), _YEAR]
    frame = _published("budget_prose_items", cols, ["edition", "ref", "point"], data_dir, ("gbp", "gbp_millions"))
    for col in ("stars", "type"):
        frame[col] = frame[col].fillna("")
    return frame


def load_stated_totals(data_dir=None) -> pd.DataFrame:
    """Growth and savings totals as the report text states them (£m): the
    first year's, and the four years' together."""
    cols = [_EDITION, Column("kind", choices=("growth", "savings", "capital")),
            Column("span", choices=("first_year", "four_years"))]
    return _published("budget_stated_totals", cols, ["edition", "kind", "span"], data_dir, ("gbp_millions",))


def load_capital(data_dir=None) -> pd.DataFrame:
    """Appendix D capital programme (£000), rows in the order printed: each
    scheme's gross cost, yearly figures and total; sub-totals and the total."""
    cols = [_EDITION, Column("scheme"), Column("level", choices=("scheme", "subtotal", "total")),
            Column("completion", nullable=True), Column("measure", choices=("gross_cost", "year", "total")),
            Column("year", nullable=True, pattern=YEAR)]
    frame = _published("budget_capital", cols, ["edition", "scheme", "measure", "year"], data_dir, ("gbp_thousands",))
    for col in ("completion", "year"):
        frame[col] = frame[col].fillna("")
    return frame


def load_bcf(data_dir=None) -> pd.DataFrame:
    """The Better Care Fund funding tables (£m); "Nil" is 0 with printed "Nil"."""
    cols = [_EDITION, Column("line"), _YEAR]
    return _published("budget_bcf", cols, ["edition", "line", "year"], data_dir, ("gbp_millions",))


def load_other_funding(data_dir=None) -> pd.DataFrame:
    """The "other funding sources" each report lists for its first year
    (£ or £m as printed)."""
    cols = [_EDITION, _YEAR, Column("funding")]
    return _published("budget_other_funding", cols, ["edition", "funding"], data_dir, ("gbp", "gbp_millions"))


def load_revenue(data_dir=None) -> pd.DataFrame:
    """Appendix A revenue budget lines, one row per line and column (£)."""
    cols = [_EDITION, Column("group", choices=("ASC", "C&W", "A&C")), Column("section", nullable=True),
            Column("line"), Column("status", nullable=True, choices=("S", "D", "B")),
            Column("level", choices=("line", "section_total", "group_total", "department_total")),
            Column("column", choices=REVENUE_COLUMNS)]
    frame = _published("budget_revenue", cols, ["edition", "group", "section", "line", "column"], data_dir, ("gbp",))
    for col in ("section", "status"):
        frame[col] = frame[col].fillna("")
    return frame


def load_item_keys(data_dir=None) -> pd.DataFrame:
    """The stable item keys (data/mappings/budget_item_keys.csv): which
    reference in which edition is which item."""
    path = resolve_data_dir(data_dir) / "mappings" / "budget_item_keys.csv"
    cols = [Column("item_key", pattern=r"[a-z0-9_]+"), _EDITION, Column("appendix", choices=("B", "C")),
            Column("ref", pattern=r"(G|AC)\d+"), Column("match", choices=("description", "judgement")),
            Column("note", nullable=True)]
    frame = parse_frame(read_table(path), cols, path, unique=["edition", "appendix", "ref"])
    dup = frame.duplicated(["item_key", "edition"], keep="first")
    if dup.any():
        raise LoaderError(path, [Problem(column="item_key, edition", expected="one reference per item and edition",
                                         found=f"{frame.at[r, 'item_key']} | {frame.at[r, 'edition']}", row=int(r))
                                 for r in frame.index[dup]])
    frame["note"] = frame["note"].fillna("")
    return frame


def load_all(data_dir=None) -> dict[str, pd.DataFrame]:
    """Every budget table, by short name."""
    return {
        "summary": load_summary(data_dir), "divisions": load_divisions(data_dir), "items": load_items(data_dir),
        "item_totals": load_item_totals(data_dir), "prose": load_prose_items(data_dir),
        "stated_totals": load_stated_totals(data_dir),
        "capital": load_capital(data_dir), "bcf": load_bcf(data_dir), "other_funding": load_other_funding(data_dir),
        "revenue": load_revenue(data_dir), "item_keys": load_item_keys(data_dir),
    }


# --- calculations --------------------------------------------------------------

def bridge(summary: pd.DataFrame, edition: str | None = None) -> pd.DataFrame:
    """The bridge as a wide table: one row per edition and year, a column per line (£000)."""
    frame = summary if edition is None else summary[summary["edition"] == edition]
    wide = frame.pivot_table(index=["edition", "year"], columns="line", values="value", aggfunc="first").reset_index()
    for line in BRIDGE_LINES:
        if line not in wide:
            wide[line] = float("nan")
    wide["transfers"] = wide["transfers"].fillna(0.0)
    return wide[["edition", "year", *BRIDGE_LINES]].sort_values(["edition", "year"]).reset_index(drop=True)


def net_budget_drift(summary: pd.DataFrame) -> pd.DataFrame:
    """The net budget each edition planned for each year (£000), long form,
    plus each edition's starting point (its original prior-year budget) so
    the plans can be read against what the next edition started from."""
    net = summary[summary["line"] == "net"][["edition", "year", "value"]].assign(line="planned net")
    start = summary[summary["line"] == "original"].copy()
    start = start[start["year"] == start["edition"].str[:7]]
    first = start["edition"].str[:4].astype(int) - 1
    start = start.assign(year=[f"{y}/{(y + 1) % 100:02d}" for y in first], line="original prior year")
    out = pd.concat([net, start[["edition", "year", "value", "line"]]], ignore_index=True)
    return out.sort_values(["edition", "year"]).reset_index(drop=True)


def in_year(cumulative: pd.Series) -> pd.Series:
    """Cumulative-from-base figures (in year order) to each year's increment."""
    return cumulative.diff().fillna(cumulative)


def item_keys_for(items: pd.DataFrame, keys: pd.DataFrame) -> pd.Series:
    """The stable key of each item row; an item with no mapping keeps its own
    edition-scoped key ("2026/27-2029/30:C:AC13")."""
    mapping = {(r.edition, r.appendix, r.ref): r.item_key for r in keys.itertuples()}
    return pd.Series([mapping.get((e, a, r), f"{e}:{a}:{r}") for e, a, r in zip(items["edition"], items["appendix"], items["ref"])],
                     index=items.index, name="item_key")


def item_history(items: pd.DataFrame, prose: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Every tracked item's figures in every edition, £000, with the year's
    figure as planned in that edition (cumulative from that edition's base, and
    in-year).  The 2018 edition contributes its report-text amounts only."""
    frame = items.assign(item_key=item_keys_for(items, keys)).sort_values(["edition", "appendix", "ref", "year"])
    # in_year() per item, done as one grouped diff (the same figures, far faster)
    frame["in_year"] = frame.groupby(["edition", "appendix", "ref"])["value"].diff().fillna(frame["value"])
    out = frame[["item_key", "edition", "appendix", "ref", "type", "description", "year", "value", "in_year", "source", "lines"]]
    out = out.rename(columns={"value": "cumulative"}).assign(origin="appendix")
    old = prose[~prose["edition"].isin(items["edition"])].copy()
    if not old.empty:
        old["appendix"] = old["ref"].str.startswith("G").map({True: "B", False: "C"})
        old["item_key"] = item_keys_for(old, keys)
        old["cumulative"] = old["value"].where(old["unit"] != "gbp", old["value"] / 1000.0)
        old["cumulative"] = old["cumulative"].where(old["unit"] != "gbp_millions", old["value"] * 1000.0)
        first_year = old["edition"].map(lambda e: edition_years(e)[0])
        old = old.assign(description="", origin="report text",
                         in_year=old["cumulative"].where(old["year"] == first_year))
        out = pd.concat([out, old[out.columns]], ignore_index=True)
    return out.sort_values(["item_key", "edition", "year"]).reset_index(drop=True)


def tracked_items(history: pd.DataFrame, min_editions: int = 2) -> pd.DataFrame:
    """Items present in at least ``min_editions`` editions, one row per item."""
    g = history.groupby("item_key")
    out = pd.DataFrame({"editions": g["edition"].nunique(), "appendix": g["appendix"].first(),
                        "refs": g.apply(lambda d: ", ".join(f"{e[:4]} {r}" for e, r in d[["edition", "ref"]].drop_duplicates().itertuples(index=False)),
                                        include_groups=False)})
    return out[out["editions"] >= min_editions].reset_index()


def forecast_drift(history: pd.DataFrame, item_key: str, measure: str = "cumulative") -> pd.DataFrame:
    """How one item's figure for each year moved between editions (£000):
    rows = year planned for, columns = edition.  ``measure`` is
    ``cumulative`` (from each edition's own base year) or ``in_year`` (the
    increment planned for that year: comparable across editions)."""
    frame = history[history["item_key"] == item_key]
    return frame.pivot_table(index="year", columns="edition", values=measure, aggfunc="first")


def largest_items(history: pd.DataFrame, edition: str, n: int = 4, appendix: str | None = None) -> list[str]:
    """The keys of an edition's ``n`` largest items by their final-year
    cumulative figure (absolute), tracked items first."""
    frame = history[(history["edition"] == edition) & (history["year"] == edition_years(edition)[-1])]
    if appendix:
        frame = frame[frame["appendix"] == appendix]
    counts = history.groupby("item_key")["edition"].nunique()
    frame = frame.assign(size=frame["cumulative"].abs(), tracked=frame["item_key"].map(counts) > 1)
    return frame.sort_values(["tracked", "size", "item_key"], ascending=[False, False, True])["item_key"].head(n).tolist()


def previous_edition(edition: str) -> str | None:
    """The edition before ``edition`` in the packs, or None for the first."""
    names = list(EDITIONS)
    i = names.index(edition)
    return names[i - 1] if i else None


def waterfall(summary: pd.DataFrame, edition: str) -> pd.DataFrame:
    """The bridge as waterfall steps (£000): the first year's original budget,
    transfers, then each year's growth and savings, ending at the last year's
    net.  ``start``/``end`` are the running totals either side of the step."""
    b = bridge(summary, edition).set_index("year")
    years = edition_years(edition)
    steps = [("original " + years[0], "total", b.loc[years[0], "original"])]
    steps.append(("transfers", "transfers", b.loc[years[0], "transfers"]))
    for y in years:
        steps.append((f"growth {y}", "growth", b.loc[y, "growth"]))
        steps.append((f"savings {y}", "savings", b.loc[y, "savings"]))
    rows, running = [], 0.0
    for label, kind, value in steps:
        start = 0.0 if kind == "total" else running
        running = value if kind == "total" else running + value
        rows.append({"step": label, "kind": kind, "value": value, "start": start, "end": running})
    rows.append({"step": "net " + years[-1], "kind": "total", "value": b.loc[years[-1], "net"], "start": 0.0,
                 "end": b.loc[years[-1], "net"]})
    return pd.DataFrame(rows)


def division_split(divisions: pd.DataFrame, edition: str) -> pd.DataFrame:
    """An edition's net budget by division, £m and % side by side, as printed."""
    frame = divisions[divisions["edition"] == edition]
    wide = frame.pivot_table(index="division", columns="unit", values="value", aggfunc="first")
    order = frame.drop_duplicates("division")["division"]
    wide = wide.reindex(order).reset_index().rename(columns={"gbp_millions": "net_gbp_millions", "percent": "percent"})
    if "percent" not in wide:
        wide["percent"] = float("nan")
    return wide[["division", "net_gbp_millions", "percent"]]


def edition_findings(found: pd.DataFrame, edition: str, problems_only: bool = True) -> pd.DataFrame:
    """The findings that cite an edition's paper (every kind but ``ok`` by default)."""
    frame = found[found["source"] == EDITIONS[edition][0]]
    if problems_only:
        frame = frame[frame["kind"] != "ok"]
    return frame[["check", "description", "lines", "published", "computed", "difference", "kind", "detail"]].reset_index(drop=True)


def findings_summary(found: pd.DataFrame) -> pd.DataFrame:
    """Counts of findings by edition, check and kind."""
    source_edition = {src: ed for ed, (src, _) in EDITIONS.items()}
    frame = found.assign(edition=found["source"].map(source_edition))
    out = frame.groupby(["edition", "check", "kind"]).size().rename("findings").reset_index()
    out = out.pivot_table(index=["edition", "check"], columns="kind", values="findings", fill_value=0)
    return out.astype(int).reset_index().rename_axis(columns=None)


def compare_editions(items: pd.DataFrame, keys: pd.DataFrame, edition: str, previous: str) -> pd.DataFrame:
    """Items of ``edition`` against ``previous``: new, amended, unchanged or
    dropped, comparing the figures of the years both editions plan (in-year)."""
    frame = items.assign(item_key=item_keys_for(items, keys))
    frame = frame.sort_values(["edition", "appendix", "ref", "year"])
    # in_year() per item, done as one grouped diff (the same figures, far faster)
    frame["in_year"] = frame.groupby(["edition", "appendix", "ref"])["value"].diff().fillna(frame["value"])
    cur = frame[frame["edition"] == edition]
    old = frame[frame["edition"] == previous]
    rows = []
    for key in sorted(set(cur["item_key"]) | set(old["item_key"])):
        c, o = cur[cur["item_key"] == key], old[old["item_key"] == key]
        this = c if not c.empty else o
        common = sorted(set(c["year"]) & set(o["year"]))
        if c.empty:
            status = "dropped"
        elif o.empty:
            status = "new"
        else:
            cy = c.set_index("year")["in_year"].reindex(common)
            oy = o.set_index("year")["in_year"].reindex(common)
            status = "unchanged" if (cy - oy).abs().max() < 1e-9 or not common else "amended"
        rows.append({
            "item_key": key, "appendix": this["appendix"].iloc[0], "status": status,
            "ref": "" if c.empty else c["ref"].iloc[0], "previous_ref": "" if o.empty else o["ref"].iloc[0],
            "stars": "" if c.empty else c["stars"].iloc[0], "description": this["description"].iloc[0],
            "first_year": float(c["value"].iloc[0]) if not c.empty else float("nan"),
            "previous_same_year": float(o.set_index("year")["value"].get(edition_years(edition)[0], float("nan"))) if not o.empty else float("nan"),
        })
    return pd.DataFrame(rows)


def by_type(items: pd.DataFrame, edition: str | None = None) -> pd.DataFrame:
    """Growth and savings by appendix, type (Eff/SR/Inc; growth has none) and
    year, in-year £000."""
    frame = items if edition is None else items[items["edition"] == edition]
    frame = frame.sort_values(["edition", "appendix", "ref", "year"]).copy()
    # in_year() per item, done as one grouped diff (the same figures, far faster)
    frame["in_year"] = frame.groupby(["edition", "appendix", "ref"])["value"].diff().fillna(frame["value"])
    frame["kind"] = frame["appendix"].map({"B": "growth", "C": "savings"})
    frame["type"] = frame["type"].where(frame["type"] != "", "growth")
    return frame.groupby(["edition", "kind", "type", "year"], as_index=False)[["in_year", "value"]].sum() \
        .rename(columns={"value": "cumulative"})


def revenue_table(revenue: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Appendix A of one edition as printed: a row per line, a column per column."""
    frame = revenue[revenue["edition"] == edition]
    order = frame.drop_duplicates(["group", "section", "line"])[["group", "section", "line", "status", "level"]]
    wide = frame.pivot_table(index=["group", "section", "line"], columns="column", values="value", aggfunc="first").reset_index()
    out = order.merge(wide, on=["group", "section", "line"], how="left")
    return out[["group", "section", "line", "status", "level", *REVENUE_COLUMNS]]


def by_section(items: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Growth and savings by the appendices' own divisions (growth: demand and
    cost increases, other increases; savings: Adult Social Care, Communities
    and Wellbeing) and year, in-year £000."""
    frame = items[items["edition"] == edition].sort_values(["appendix", "ref", "year"]).copy()
    frame["in_year"] = frame.groupby(["appendix", "ref"])["value"].transform(in_year)
    frame["kind"] = frame["appendix"].map({"B": "growth", "C": "savings"})
    frame["section"] = frame["section"].where(frame["section"] != "", "(not divided)")
    out = frame.pivot_table(index=["kind", "section"], columns="year", values="in_year", aggfunc="sum")
    return out.reset_index().rename_axis(columns=None)


def capital_table(capital: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Appendix D of one edition as printed (£000)."""
    frame = capital[capital["edition"] == edition]
    order = frame.drop_duplicates("scheme")[["scheme", "level", "completion"]]
    frame = frame.assign(col=frame["year"].where(frame["measure"] == "year", frame["measure"]))
    wide = frame.pivot_table(index="scheme", columns="col", values="value", aggfunc="first").reset_index()
    cols = [c for c in ["gross_cost", *edition_years(edition), "total"] if c in wide]
    return order.merge(wide, on="scheme", how="left")[["scheme", "level", "completion", *cols]]


def bcf_table(bcf: pd.DataFrame, edition: str) -> pd.DataFrame:
    """An edition's BCF funding table (£m), a column per year."""
    frame = bcf[bcf["edition"] == edition]
    order = frame.drop_duplicates("line")["line"]
    return frame.pivot_table(index="line", columns="year", values="value", aggfunc="first").reindex(order) \
        .reset_index().rename_axis(columns=None)


def other_funding_table(other: pd.DataFrame) -> pd.DataFrame:
    """Other funding sources by edition, in £000 (converted from the printed
    £ or £m), one row per funding source."""
    factor = other["unit"].map({"gbp": 0.001, "gbp_millions": 1000.0})
    frame = other.assign(gbp_thousands=(other["value"] * factor).round(6))
    order = frame.drop_duplicates("funding")["funding"]
    return frame.pivot_table(index="funding", columns="edition", values="gbp_thousands", aggfunc="first") \
        .reindex(order).reset_index().rename_axis(columns=None)


def revenue_movers(revenue: pd.DataFrame, edition: str, n: int = 10) -> pd.DataFrame:
    """The Appendix A lines whose net budget moved most against the previous year (£)."""
    table = revenue_table(revenue, edition)
    lines = table[table["level"] == "line"].copy()
    lines["change"] = lines["net"] - lines["previous_net"]
    lines["change_abs"] = lines["change"].abs()
    return lines.sort_values(["change_abs", "line"], ascending=[False, True]).head(n) \
        .drop(columns="change_abs").reset_index(drop=True)


# --- checks -----------------------------------------------------------------

def _f(check, description, published, computed, source, lines, **kw):
    return reconcile.finding(DOMAIN, check, description, published, computed, source, lines, **kw)


def _row(frame, **where):
    sel = frame
    for k, v in where.items():
        sel = sel[sel[k] == v]
    return sel.iloc[0] if len(sel) else None


def check_bridge(summary: pd.DataFrame) -> list[dict]:
    """original + transfers = sub total; sub total + growth + savings = net
    (savings are negative); each year's original = the previous year's net."""
    rows = []
    for edition, frame in summary.groupby("edition", sort=False):
        years = edition_years(edition)
        for i, year in enumerate(years):
            get = {line: _row(frame, year=year, line=line) for line in BRIDGE_LINES}
            src = get["net"]["source"]
            transfers = 0.0 if get["transfers"] is None else get["transfers"]["value"]
            if get["subtotal"] is not None:
                rows.append(_f("bridge_subtotal", f"{edition} {year}: original + transfers = sub total",
                               get["subtotal"]["value"], get["original"]["value"] + transfers, src,
                               get["subtotal"]["lines"], unit="gbp_thousands"))
            base = get["subtotal"]["value"] if get["subtotal"] is not None else get["original"]["value"] + transfers
            rows.append(_f("bridge_net", f"{edition} {year}: sub total + growth - savings = net",
                           get["net"]["value"], base + get["growth"]["value"] + get["savings"]["value"], src,
                           get["net"]["lines"], unit="gbp_thousands"))
            if i:
                prev = _row(frame, year=years[i - 1], line="net")
                rows.append(_f("bridge_carry_forward", f"{edition} {year}: original = {years[i - 1]} net",
                               get["original"]["value"], prev["value"], src, get["original"]["lines"], unit="gbp_thousands"))
    return rows


def check_divisions(divisions: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """The net budget split: divisions sum to the department total, the total
    matches the summary net, and each percentage is the division's share of
    the net budget (the summary's £000, rounded half away to 0.1)."""
    rows = []
    for edition, frame in divisions.groupby("edition", sort=False):
        money = frame[frame["unit"] == "gbp_millions"]
        pct = frame[frame["unit"] == "percent"]
        total = money[money["division"] == "Department Total"]
        parts = money[money["division"] != "Department Total"]
        year = edition_years(edition)[0]
        net = _row(summary, edition=edition, year=year, line="net")
        if not total.empty:
            t = total.iloc[0]
            n = len(parts)
            rows.append(_f("divisions_sum", f"{edition}: divisions (£m) add up to the department total",
                           t["value"], round(parts["value"].sum(), 6), t["source"], t["lines"],
                           tolerance=0.05 * n, unit="gbp_millions",
                           detail=f"sum of {n} figures each rounded to £0.1m"))
            rows.append(_f("divisions_total_vs_net", f"{edition}: department total (£m) = summary net budget {year}",
                           t["value"], net["value"] / 1000.0, t["source"], t["lines"], tolerance=0.05,
                           unit="gbp_millions", printed=t["printed"]))
        for r in pct.itertuples():
            if r.division == "Department Total":
                continue
            m = _row(parts, division=r.division)
            computed = reconcile.round_half_away(float(m["value"] / (net["value"] / 1000.0) * 100), 1)
            rows.append(_f("divisions_percent", f"{edition}: {r.division} % = £m / net budget",
                           r.value, computed, r.source, r.lines, unit="percent", printed=r.printed,
                           detail=f"£{abs(m['value']):.1f}m of £{net['value'] / 1000:.3f}m"))
        shares = pct[pct["division"] != "Department Total"]
        if not shares.empty:
            lines = f"{shares['lines'].iloc[0].split('-')[0]}-{shares['lines'].iloc[-1].split('-')[-1]}"
            printed_total = _row(pct, division="Department Total")
            rows.append(_f("divisions_percent_sum", f"{edition}: percentages add up to 100",
                           100.0 if printed_total is None else printed_total["value"], round(shares["value"].sum(), 6),
                           shares["source"].iloc[0], lines if printed_total is None else printed_total["lines"],
                           tolerance=0.05 * len(shares), unit="percent",
                           detail="100 is implied: no printed total" if printed_total is None else ""))
    return rows


def check_item_totals(items: pd.DataFrame, totals: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """Appendix B/C: items add up to each printed total; the grand totals,
    converted from cumulative to in-year, match the summary's growth and
    savings lines."""
    rows = []
    for (edition, appendix), frame in totals.groupby(["edition", "appendix"], sort=False):
        its = items[(items["edition"] == edition) & (items["appendix"] == appendix)]
        grand_name = frame["total"].iloc[-1]
        for r in frame.itertuples():
            if r.total == grand_name:
                part = its
            else:
                section = "Communities and Wellbeing" if ("C&W" in r.total or "Communities" in r.total) else "Adult Social Care"
                part = its[its["section"] == section]
            computed = part[part["year"] == r.year]["value"].sum()
            rows.append(_f("items_total", f"{edition} Appendix {appendix} '{r.total}' {r.year} = sum of items (cumulative)",
                           r.value, computed, r.source, r.lines, unit="gbp_thousands",
                           detail=f"{part['ref'].nunique()} items"))
        grand = frame[frame["total"] == grand_name].set_index("year")["value"]
        grand = grand.reindex(edition_years(edition))
        increments = in_year(grand)
        line = "growth" if appendix == "B" else "savings"
        for year, inc in increments.items():
            s = _row(summary, edition=edition, year=year, line=line)
            rows.append(_f(f"summary_{line}_vs_appendix", f"{edition} {year}: summary {line} (in-year) = "
                           f"Appendix {appendix} total, this year's cumulative less last year's",
                           s["value"], inc, s["source"], s["lines"], unit="gbp_thousands", printed=s["printed"] or None))
    return rows


def _prose_in_thousands(r) -> tuple[float, float]:
    """A report-text amount in £000 and the tolerance its printing implies."""
    if r.unit == "gbp_millions":
        return r.value * 1000.0, 50.0  # rounded to £0.1m: within £0.05m
    return r.value / 1000.0, 0.0


def check_prose(prose: pd.DataFrame, items: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """Each item heading in the report text against its appendix row: the
    amounts (with their years), an 'ongoing' item staying flat, and the type.
    For the 2018 edition, which has no appendices, the headings' first-year
    amounts are summed against the summary's growth and savings."""
    rows = []
    with_items = set(items["edition"])
    for r in prose.itertuples():
        if r.edition not in with_items:
            continue
        appendix = "B" if r.ref.startswith("G") else "C"
        row = items[(items["edition"] == r.edition) & (items["appendix"] == appendix) & (items["ref"] == r.ref)]
        value, tol = _prose_in_thousands(r)
        if row.empty:
            rows.append(_f("prose_vs_appendix", f"{r.edition} {r.ref}: report text item is in Appendix {appendix}",
                           value, float("nan"), r.source, r.lines, unit="gbp_thousands"))
            continue
        series = row.set_index("year")["value"]
        computed = float(series.get(r.year, float("nan")))
        rows.append(_f("prose_vs_appendix", f"{r.edition} {r.ref} ({r.point} amount, {r.year}): report text = Appendix {appendix}",
                       value, computed, r.source, r.lines, tolerance=tol, unit="gbp_thousands", printed=r.printed,
                       detail=f"Appendix {appendix} line {row['lines'].iloc[0]}"))
        if r.point == "first" and r.profile == "ongoing":
            later = series[series.index >= r.year]
            moved = later[(later - later.iloc[0]).abs() > 1e-9]
            rows.append(_f("prose_ongoing_flat", f"{r.edition} {r.ref}: 'ongoing' from {r.year}, so the appendix stays flat",
                           later.iloc[0], later.iloc[-1], r.source, r.lines, tolerance=0.0, unit="gbp_thousands",
                           kind="ok" if moved.empty else "review",
                           detail="" if moved.empty else "appendix: " + ", ".join(f"{y} {v:,.0f}" for y, v in later.items())))
        if r.point == "first":
            printed_stars = row["stars"].iloc[0]
            rows.append(_f("prose_stars", f"{r.edition} {r.ref}: status in report text ({r.stars or 'new'}) = "
                           f"Appendix {appendix} ({printed_stars or 'new'})", None, None, r.source, r.lines,
                           kind="ok" if r.stars == printed_stars else "review",
                           detail=f"* unchanged, ** amended, none new; Appendix {appendix} line {row['lines'].iloc[0]}"))
        if r.point == "first" and appendix == "C" and r.type:
            printed_type = row["type"].iloc[0]
            same = set(r.type.split("/")) == set(printed_type.split("/"))
            rows.append(_f("prose_type", f"{r.edition} {r.ref}: type in report text ({r.type}) = Appendix C ({printed_type})",
                           None, None, r.source, r.lines, kind="ok" if same else "review",
                           detail=f"report text: {r.type}; Appendix C line {row['lines'].iloc[0]}: {printed_type}"))
    for edition, frame in prose[~prose["edition"].isin(with_items)].groupby("edition", sort=False):
        year = edition_years(edition)[0]
        for prefix, line in (("G", "growth"), ("AC", "savings")):
            first = frame[(frame["point"] == "first") & frame["ref"].str.startswith(prefix) & (frame["year"] == year)]
            total = sum(_prose_in_thousands(r)[0] for r in first.itertuples())
            s = _row(summary, edition=edition, year=year, line=line)
            published_ = s["value"]
            kind = reconcile.classify(published_, total)
            rows.append(_f(f"prose_{line}_sum", f"{edition} {year}: {line} items named in the report text against the summary",
                           published_, total, s["source"], s["lines"], unit="gbp_thousands", printed=s["printed"] or None,
                           kind="review" if kind == "mismatch" else kind,
                           detail=f"{len(first)} headed items ({', '.join(first['ref'])}); the appendices are not in the pack, "
                                  "so unnamed items cannot be ruled out"))
    return rows


def check_stated_totals(stated: pd.DataFrame, summary: pd.DataFrame, capital: pd.DataFrame) -> list[dict]:
    """The report text's growth and savings totals (£m) against the summary:
    the first year's in-year figure, and the four in-year figures summed; its
    capital programme total against Appendix D.  A figure printed to £0.1m is
    honest within £0.05m (half a unit)."""
    rows = []
    for r in stated.itertuples():
        if r.kind == "capital":
            total = capital[(capital["edition"] == r.edition) & (capital["level"] == "total") & (capital["measure"] == "total")]
            if len(total):  # the 2018 pack has no Appendix D to compare with
                rows.append(_f("stated_capital_total", f"{r.edition}: capital programme total stated = Appendix D total",
                               r.value, total["value"].iloc[0] / 1000.0, r.source, r.lines, unit="gbp_millions",
                               printed=r.printed, tolerance=0.5 * reconcile.precision_of(r.printed)))
            continue
        years = edition_years(r.edition)
        lines = summary[(summary["edition"] == r.edition) & (summary["line"] == r.kind)].set_index("year")["value"]
        computed = lines[years[0]] if r.span == "first_year" else lines.reindex(years).sum()
        what = f"{years[0]}" if r.span == "first_year" else f"{years[0]} to {years[-1]} in total"
        rows.append(_f(f"stated_{r.kind}_total", f"{r.edition}: {r.kind} stated for {what} = summary table",
                       r.value, round(computed / 1000.0, 6), r.source, r.lines, unit="gbp_millions", printed=r.printed,
                       tolerance=0.5 * reconcile.precision_of(r.printed),
                       detail=f"summary in-year £000: " + ", ".join(f"{y} {lines.get(y, float('nan')):,.0f}" for y in years)))
    return rows


def check_capital(capital: pd.DataFrame) -> list[dict]:
    """Appendix D: each row's years add up to its total; schemes add up to the
    sub-total beneath them; the total is the sub-totals plus any schemes
    outside them, column by column."""
    rows = []
    for edition, frame in capital.groupby("edition", sort=False):
        order = list(dict.fromkeys(frame["scheme"]))
        wide = frame[frame["measure"] != "gross_cost"].assign(
            col=lambda d: d["year"].where(d["measure"] == "year", "total"))
        table = wide.pivot_table(index="scheme", columns="col", values="value", aggfunc="first").reindex(order).fillna(0.0)
        info = frame.drop_duplicates("scheme").set_index("scheme")
        years = edition_years(edition)
        for scheme in order:
            lvl, src, where = info.at[scheme, "level"], info.at[scheme, "source"], info.at[scheme, "lines"]
            rows.append(_f("capital_row_total", f"{edition} {scheme}: years add up to the total",
                           table.at[scheme, "total"], float(table.loc[scheme, years].sum()), src, where, unit="gbp_thousands"))
        block, outside, subtotals = [], [], []
        for scheme in order:
            lvl = info.at[scheme, "level"]
            if lvl == "scheme":
                block.append(scheme)
            elif lvl == "subtotal":
                parts, block = block, []
                subtotals.append(scheme)
            else:
                outside += block
                parts = subtotals + outside
            if lvl != "scheme":
                for col in years + ["total"]:
                    rows.append(_f(f"capital_{lvl}", f"{edition} {scheme} [{col}] = sum of {', '.join(parts)}",
                                   table.at[scheme, col], float(table.loc[parts, col].sum()), info.at[scheme, "source"],
                                   info.at[scheme, "lines"], unit="gbp_thousands"))
    return rows


def check_bcf(bcf: pd.DataFrame) -> list[dict]:
    """The BCF tables: the funding lines add up to the Total BCF Plan (each
    printed to £0.1m, so a sum of n lines is honest within n x £0.05m)."""
    rows = []
    for (edition, year), frame in bcf.groupby(["edition", "year"], sort=False):
        total = frame[frame["line"] == "Total BCF Plan"].iloc[0]
        parts = frame[frame["line"] != "Total BCF Plan"]
        rows.append(_f("bcf_total", f"{edition} BCF {year}: funding lines add up to the Total BCF Plan",
                       total["value"], round(float(parts["value"].sum()), 6), total["source"], total["lines"],
                       tolerance=0.05 * len(parts), unit="gbp_millions", detail=f"{len(parts)} lines"))
    return rows


def check_revenue(revenue: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """Appendix A: employees + running expenses + internal income = gross;
    gross + external income = net; lines add up to section totals, to group
    totals (ASC, C&W) and to the department total, column by column; the
    department net equals the summary net; the previous-year column's total
    equals the summary's sub total (the starting budget)."""
    rows = []
    for edition, frame in revenue.groupby("edition", sort=False):
        table = revenue_table(frame, edition)
        lines_of = frame.drop_duplicates(["group", "section", "line"]).set_index(["group", "section", "line"])["lines"]
        src = frame["source"].iloc[0]
        for r in table.itertuples():
            where = lines_of[(r.group, r.section, r.line)]
            name = f"{r.section} / {r.line}" if r.section else r.line
            rows.append(_f("revenue_gross", f"{edition} {name}: employees + running expenses + internal income = gross",
                           r.gross, r.employees + r.running_expenses + r.internal_income, src, where, unit="gbp"))
            rows.append(_f("revenue_net", f"{edition} {name}: gross + external income = net",
                           r.net, r.gross + r.external_income, src, where, unit="gbp"))
        body = table[table["level"] == "line"]
        totals = [(t, body[(body["group"] == t.group) & (body["section"] == t.section)]) for t in table[table["level"] == "section_total"].itertuples()]
        totals += [(t, body[body["group"] == t.group]) for t in table[table["level"] == "group_total"].itertuples()]
        totals += [(t, body) for t in table[table["level"] == "department_total"].itertuples()]
        for t, part in totals:
            where = lines_of[(t.group, t.section, t.line)]
            label = f"{t.section} {t.line}" if t.section and t.level == "section_total" else t.line
            for col in REVENUE_COLUMNS:
                rows.append(_f(f"revenue_{t.level}", f"{edition} {label} [{col}] = sum of its lines",
                               getattr(t, col), float(part[col].sum()), src, where, unit="gbp",
                               tolerance=0.5 * len(part), detail=f"{len(part)} lines, each rounded to £1"))
        dept = table[table["level"] == "department_total"]
        if dept.empty:
            continue
        d = dept.iloc[0]
        where = lines_of[(d.group, d.section, d.line)]
        first = edition_years(edition)[0]
        net = _row(summary, edition=edition, year=first, line="net")
        sub = _row(summary, edition=edition, year=first, line="subtotal")
        rows.append(_f("revenue_vs_summary_net", f"{edition}: summary net budget {first} (£000) = Appendix A total net",
                       net["value"], d.net / 1000.0, net["source"], net["lines"], tolerance=0.5, unit="gbp_thousands"))
        rows.append(_f("revenue_vs_summary_start", f"{edition}: summary sub total (original + transfers) = Appendix A previous-year total",
                       sub["value"], d.previous_net / 1000.0, sub["source"], sub["lines"], tolerance=0.5,
                       unit="gbp_thousands", detail=f"Appendix A lines {where}"))
    return rows


def check_item_keys(items: pd.DataFrame, prose: pd.DataFrame, keys: pd.DataFrame) -> list[dict]:
    """Every key in the mapping names an item that exists (cited at the item's row)."""
    where = {(e, "B" if r.startswith("G") else "C", r): (s, l)
             for e, r, s, l in zip(prose["edition"], prose["ref"], prose["source"], prose["lines"])}
    where.update({(e, a, r): (s, l) for e, a, r, s, l in
                  zip(items["edition"], items["appendix"], items["ref"], items["source"], items["lines"])})
    rows = []
    for r in keys.itertuples():
        src, lines = where.get((r.edition, r.appendix, r.ref), (EDITIONS[r.edition][0], "1"))
        ok = (r.edition, r.appendix, r.ref) in where
        rows.append(_f("item_key_exists", f"item key {r.item_key}: {r.edition} {r.appendix} {r.ref} exists",
                       1, 1 if ok else float("nan"), src, lines, kind="ok" if ok else "missing"))
    return rows


def findings(data_dir=None) -> pd.DataFrame:
    """Every budget check, as finding rows (including ``ok`` rows)."""
    d = load_all(data_dir)
    rows = []
    rows += check_bridge(d["summary"])
    rows += check_divisions(d["divisions"], d["summary"])
    rows += check_item_totals(d["items"], d["item_totals"], d["summary"])
    rows += check_prose(d["prose"], d["items"], d["summary"])
    rows += check_stated_totals(d["stated_totals"], d["summary"], d["capital"])
    rows += check_capital(d["capital"])
    rows += check_bcf(d["bcf"])
    rows += check_revenue(d["revenue"], d["summary"])
    rows += check_item_keys(d["items"], d["prose"], d["item_keys"])
    return reconcile.frame(rows)


# --- explorer (the logic behind toolkit.widgets.budget_explorer) --------------

def net_budget_text(summary: pd.DataFrame, edition: str) -> str:
    """The edition's proposed net budget for its first year, as text."""
    year = edition_years(edition)[0]
    net = _row(summary, edition=edition, year=year, line="net")
    return f"{edition_label(edition)}: net budget {year} £{net['value']:,.0f}k"


def explorer_data(data_dir=None) -> dict[str, pd.DataFrame]:
    """Every budget table (:func:`load_all`) plus the item history under
    ``"history"``, computed once so that each explorer change reuses it."""
    data = load_all(data_dir)
    data["history"] = _explorer_history(data)
    return data


def _explorer_history(data: dict) -> pd.DataFrame:
    if "history" in data:
        return data["history"]
    return item_history(data["items"], data["prose"], data["item_keys"])


def explorer_choices(data: dict, edition: str) -> dict[str, list[str]]:
    """What the explorer offers for an edition: its divisions (Appendix A
    sections, or the printed split where there is no Appendix A) and its items
    (stable keys, with every edition's items for history)."""
    rev = data["revenue"][data["revenue"]["edition"] == edition]
    if rev.empty:
        divisions = [d for d in division_split(data["divisions"], edition)["division"] if d != "Department Total"]
    else:
        divisions = list(dict.fromkeys(s for s in rev["section"] if s))
    history = _explorer_history(data)
    items = sorted(history[history["edition"] == edition]["item_key"].unique())
    return {"divisions": divisions, "items": items}


def explorer_view(data: dict, found: pd.DataFrame, edition: str, division: str | None = None,
                  item_key: str | None = None) -> dict:
    """Everything the explorer shows for a choice: the net budget total as
    text, the division's lines, the item's history across editions, and the
    findings that touch the choice."""
    view = {"total": net_budget_text(data["summary"], edition)}
    rev = data["revenue"]
    if division and edition in set(rev["edition"]):
        table = revenue_table(rev, edition)
        view["lines"] = table[table["section"] == division].reset_index(drop=True)
    else:
        split = division_split(data["divisions"], edition)
        view["lines"] = split if not division else split[split["division"] == division].reset_index(drop=True)
    history = _explorer_history(data)
    if item_key:
        view["history"] = history[history["item_key"] == item_key].reset_index(drop=True)
        view["drift"] = forecast_drift(history, item_key, "in_year").reset_index()
    else:
        view["history"] = history.iloc[0:0]
        view["drift"] = pd.DataFrame()
    touched = edition_findings(found, edition)
    if item_key:
        refs = view["history"][["edition", "ref"]].drop_duplicates()
        sources = {EDITIONS[e][0] for e in refs["edition"]}
        mask = pd.Series(False, index=found.index)
        for e, ref in refs.itertuples(index=False):
            mask |= found["description"].str.contains(re.escape(f"{e} {ref}") + r"\b", regex=True)
        touched = found[mask & found["source"].isin(sources) & (found["kind"] != "ok")]
        touched = touched[["check", "description", "lines", "published", "computed", "difference", "kind", "detail"]]
    elif division:
        touched = touched[touched["description"].str.contains(division, regex=False)]
    view["findings"] = touched.reset_index(drop=True)
    return view
