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

import numpy as np
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


def kind_colours() -> dict[str, tuple]:
    """The colours of growth and savings, the same in every budget chart
    (from :data:`toolkit.figures.PALETTE`, imported only when a chart asks,
    so that loading and checking the tables needs no plotting library)."""
    from . import figures

    return {"growth": figures.PALETTE[3], "savings": figures.PALETTE[2]}


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
    """Totals as the report text states them (£m): growth and savings for the
    first year and the four years together; the capital programme; and the
    first year's gross budget, income (a negative figure) and net budget."""
    cols = [_EDITION, Column("kind", choices=("growth", "savings", "capital", "gross", "income", "net")),
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


def _rows_failing(frame: pd.DataFrame, mask: pd.Series, column: str, expected: str, found) -> list[Problem]:
    """One Problem per row where ``mask`` holds (``found(r)`` says what is there)."""
    return [Problem(column=column, expected=expected, found=str(found(r)), row=int(r)) for r in frame.index[mask]]


def load_transfers(data_dir=None) -> pd.DataFrame:
    """The budget transfers behind each summary's "transfers" line, as the
    report text lists them (£m): the stated net total, its components and,
    where the text splits one, its parts (``part_of`` names the component)."""
    from .sources import published_path

    cols = [_EDITION, _YEAR, Column("level", choices=("total", "component", "part")), Column("component"),
            Column("part_of", nullable=True)]
    frame = _published("budget_transfers", cols, ["edition", "component"], data_dir, ("gbp_millions",))
    frame["part_of"] = frame["part_of"].fillna("")
    components = set(zip(frame.loc[frame["level"] == "component", "edition"], frame.loc[frame["level"] == "component", "component"]))
    is_part = frame["level"] == "part"
    bad = is_part & ~pd.Series([(e, c) in components for e, c in zip(frame["edition"], frame["part_of"])], index=frame.index)
    bad |= ~is_part & (frame["part_of"] != "")
    if bad.any():
        raise LoaderError(published_path("budget_transfers", data_dir), _rows_failing(
            frame, bad, "part_of", "for a part, a component of the same edition; empty otherwise",
            lambda r: f"{frame.at[r, 'level']} | {frame.at[r, 'part_of'] or '(empty)'}"))
    return frame


#: How a report-text amount stands to the item ``ref`` (budget_prose_amounts.csv).
PROSE_MATCHES = ("equals", "share", "part", "none")


def load_prose_amounts(data_dir=None) -> pd.DataFrame:
    """Growth and savings amounts the report text gives outside the item
    headings (£, £000 or £m as printed): an item's figure restated for a year,
    a part of it, or an amount with no G/AC code at all (``match`` none).  For
    the 2018 edition the report text is the only source."""
    from .sources import published_path

    cols = [_EDITION, Column("key", pattern=r"[a-z0-9_]+"), Column("kind", choices=("growth", "savings")),
            Column("ref", nullable=True, pattern=r"(G|AC)\d+"), Column("match", choices=PROSE_MATCHES),
            Column("basis", choices=("in_year", "cumulative")), Column("year", nullable=True, pattern=YEAR),
            Column("description")]
    frame = _published("budget_prose_amounts", cols, ["edition", "key"], data_dir, ("gbp", "gbp_thousands", "gbp_millions"))
    for col in ("ref", "year"):
        frame[col] = frame[col].fillna("")
    path = published_path("budget_prose_amounts", data_dir)
    coded = frame["ref"] != ""
    problems = _rows_failing(frame, coded == (frame["match"] == "none"), "ref",
                             "a G/AC reference unless match is none (then empty)",
                             lambda r: f"{frame.at[r, 'ref'] or '(empty)'} with match {frame.at[r, 'match']}")
    wrong_kind = coded & (frame["ref"].str.startswith("G") != (frame["kind"] == "growth"))
    problems += _rows_failing(frame, wrong_kind, "kind", "growth for a G reference, savings for an AC reference",
                              lambda r: f"{frame.at[r, 'kind']} for {frame.at[r, 'ref']}")
    problems += _rows_failing(frame, coded & (frame["year"] == ""), "year", "the year the amount is for",
                              lambda r: "(empty)")
    if problems:
        raise LoaderError(path, sorted(problems, key=lambda p: p.row))
    return frame


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


def load_item_keys(data_dir=None, items: pd.DataFrame | None = None, prose: pd.DataFrame | None = None) -> pd.DataFrame:
    """The stable item keys (data/mappings/budget_item_keys.csv): which
    reference in which edition is which item.  ``items`` and ``prose``, the
    tables the keys are checked against, are loaded unless given."""
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
    items = load_items(data_dir) if items is None else items
    prose = load_prose_items(data_dir) if prose is None else prose
    known = set(zip(items["edition"], items["appendix"], items["ref"]))
    known |= {(e, "B" if r.startswith("G") else "C", r) for e, r in zip(prose["edition"], prose["ref"])}
    unknown = [r for r in frame.index if (frame.at[r, "edition"], frame.at[r, "appendix"], frame.at[r, "ref"]) not in known]
    if unknown:
        raise LoaderError(path, [Problem(column="ref", expected="a reference of that edition's Appendix B/C "
                                         "(or its report text, for 2018)",
                                         found=f"{frame.at[r, 'edition']} {frame.at[r, 'appendix']} {frame.at[r, 'ref']}",
                                         row=int(r)) for r in unknown])
    return frame


UNASSIGNED = "unassigned"
DIVISION_BASES = ("heading", "appendix_a_line", "description", UNASSIGNED)


def load_item_divisions(data_dir=None, divisions: pd.DataFrame | None = None, revenue: pd.DataFrame | None = None,
                        items: pd.DataFrame | None = None, prose: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which division of the net budget split (budget_divisions.csv) each
    Appendix B/C item (for 2018, each item the report heads) falls in
    (data/mappings/budget_item_divisions.csv), and why (``basis``): the
    appendix heading it sits under, the Appendix A line that carries it
    (``appendix_a_line``, which must sit in that division in the edition's
    Appendix A), or its description.  An item that cannot be placed is
    ``unassigned`` with a note; every item must have a row.  The tables it is
    checked against (``divisions``, ``revenue``, ``items``, ``prose``) are
    loaded unless given."""
    path = resolve_data_dir(data_dir) / "mappings" / "budget_item_divisions.csv"
    cols = [_EDITION, Column("appendix", choices=("B", "C")), Column("ref", pattern=r"(G|AC)\d+"), Column("division"),
            Column("basis", choices=DIVISION_BASES), Column("appendix_a_line", nullable=True), Column("note", nullable=True)]
    frame = parse_frame(read_table(path), cols, path, unique=["edition", "appendix", "ref"])
    for col in ("appendix_a_line", "note"):
        frame[col] = frame[col].fillna("")
    divisions = load_divisions(data_dir) if divisions is None else divisions
    revenue = load_revenue(data_dir) if revenue is None else revenue
    known = {e: set(d["division"]) - {"Department Total"} for e, d in divisions.groupby("edition")}
    bad_div = pd.Series([d != UNASSIGNED and d not in known.get(e, set()) for e, d in zip(frame["edition"], frame["division"])],
                        index=frame.index)
    problems = _rows_failing(frame, bad_div, "division", f"a division of the edition's net budget split, or {UNASSIGNED}",
                             lambda r: f"{frame.at[r, 'edition']} {frame.at[r, 'division']}")
    problems += _rows_failing(frame, (frame["division"] == UNASSIGNED) != (frame["basis"] == UNASSIGNED), "basis",
                              f"{UNASSIGNED} exactly when the division is {UNASSIGNED}",
                              lambda r: f"{frame.at[r, 'basis']} for {frame.at[r, 'division']}")
    rev = revenue.drop_duplicates(["edition", "section", "line"])
    where = {(e, _division_name(sec), line) for e, sec, line in zip(rev["edition"], rev["section"], rev["line"])}
    by_line = frame["basis"] == "appendix_a_line"
    not_there = by_line & pd.Series([(e, _division_name(d), line) not in where for e, d, line in
                                     zip(frame["edition"], frame["division"], frame["appendix_a_line"])], index=frame.index)
    problems += _rows_failing(frame, not_there, "appendix_a_line", "a line of the edition's Appendix A in that division",
                              lambda r: f"{frame.at[r, 'edition']} {frame.at[r, 'division']}: {frame.at[r, 'appendix_a_line'] or '(empty)'}")
    problems += _rows_failing(frame, ~by_line & (frame["appendix_a_line"] != ""), "appendix_a_line",
                              "empty unless basis is appendix_a_line", lambda r: frame.at[r, "appendix_a_line"])
    items = load_items(data_dir) if items is None else items
    prose = load_prose_items(data_dir) if prose is None else prose
    needed = set(zip(items["edition"], items["appendix"], items["ref"]))
    old = prose[~prose["edition"].isin(items["edition"])]
    needed |= {(e, "B" if r.startswith("G") else "C", r) for e, r in zip(old["edition"], old["ref"])}
    have = list(zip(frame["edition"], frame["appendix"], frame["ref"]))
    problems += _rows_failing(frame, pd.Series([k not in needed for k in have], index=frame.index), "ref",
                              "an item of that edition's Appendix B/C (or its report text, for 2018)",
                              lambda r: f"{frame.at[r, 'edition']} {frame.at[r, 'appendix']} {frame.at[r, 'ref']}")
    problems += [Problem(column="edition, appendix, ref", expected=f"a row for every item (division or {UNASSIGNED})",
                         found=" ".join(k)) for k in sorted(needed - set(have))]
    if problems:
        raise LoaderError(path, problems)
    return frame


def load_all(data_dir=None) -> dict[str, pd.DataFrame]:
    """Every budget table, by short name, each loaded once."""
    data = {
        "summary": load_summary(data_dir), "divisions": load_divisions(data_dir), "items": load_items(data_dir),
        "item_totals": load_item_totals(data_dir), "prose": load_prose_items(data_dir),
        "stated_totals": load_stated_totals(data_dir),
        "capital": load_capital(data_dir), "bcf": load_bcf(data_dir), "other_funding": load_other_funding(data_dir),
        "revenue": load_revenue(data_dir),
    }
    data["item_keys"] = load_item_keys(data_dir, items=data["items"], prose=data["prose"])
    data["transfers"], data["prose_amounts"] = load_transfers(data_dir), load_prose_amounts(data_dir)
    data["item_divisions"] = load_item_divisions(data_dir, divisions=data["divisions"], revenue=data["revenue"],
                                                 items=data["items"], prose=data["prose"])
    return data


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


def _in_year_by(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """:func:`in_year` of ``frame["value"]`` for each item (rows grouped by
    ``keys``, in year order within each), done as one grouped diff: the same
    figures, far faster than a transform per item."""
    return frame.groupby(keys)["value"].diff().fillna(frame["value"])


def item_keys_for(items: pd.DataFrame, keys: pd.DataFrame) -> pd.Series:
    """The stable key of each item row; an item with no mapping keeps its own
    edition-scoped key ("2026/27-2029/30:C:AC13")."""
    mapping = {(r.edition, r.appendix, r.ref): r.item_key for r in keys.itertuples()}
    return pd.Series([mapping.get((e, a, r), f"{e}:{a}:{r}") for e, a, r in zip(items["edition"], items["appendix"], items["ref"])],
                     index=items.index, name="item_key")


def item_history(items: pd.DataFrame, prose: pd.DataFrame | None, keys: pd.DataFrame) -> pd.DataFrame:
    """Every tracked item's figures in every edition, £000, with the year's
    figure as planned in that edition (cumulative from that edition's base, and
    in-year).  The 2018 edition contributes its report-text amounts only
    (none when ``prose`` is None: the appendices alone)."""
    frame = items.assign(item_key=item_keys_for(items, keys)).sort_values(["edition", "appendix", "ref", "year"])
    frame["in_year"] = _in_year_by(frame, ["edition", "appendix", "ref"])
    out = frame[["item_key", "edition", "appendix", "ref", "stars", "type", "description", "year", "value", "in_year", "source", "lines"]]
    out = out.rename(columns={"value": "cumulative"}).assign(origin="appendix")
    old = None if prose is None else prose[~prose["edition"].isin(items["edition"])].copy()
    if old is not None and not old.empty:
        old["appendix"] = old["ref"].str.startswith("G").map({True: "B", False: "C"})
        old["item_key"] = item_keys_for(old, keys)
        old["cumulative"] = [_prose_in_thousands(r) for r in old.itertuples()]
        first_year = old["edition"].map(lambda e: edition_years(e)[0])
        old = old.assign(description="", origin="report text",
                         in_year=old["cumulative"].where(old["year"] == first_year))
        out = pd.concat([out, old[out.columns]], ignore_index=True)
    return out.sort_values(["item_key", "edition", "year"]).reset_index(drop=True)


#: Words that say nothing about which item a description names.
_LINK_STOPWORDS = frozenset("and the for from with new review implementation increased additional".split())


#: The word overlap (:func:`_word_overlap`) from which two descriptions look like the same item.
LOOKALIKE_OVERLAP = 0.3


def _description_words(text: str) -> set[str]:
    text = text.lower().replace("bcf", "better care fund")
    return {w for w in re.findall(r"[a-z0-9]+", text) if len(w) > 2 and w not in _LINK_STOPWORDS}


def _word_overlap(a: set[str], b: set[str]) -> float:
    """The share of two descriptions' words they have in common (Jaccard); 0 when neither has any."""
    return len(a & b) / len(a | b) if a | b else 0.0


def link_candidates(items: pd.DataFrame, keys: pd.DataFrame, threshold: float = LOOKALIKE_OVERLAP) -> pd.DataFrame:
    """Possible missed links in the item-key mapping: an item marked as carried
    over (* or **) whose key appears in no earlier edition, against an earlier
    item of the same appendix whose key appears in no later edition, when their
    descriptions share at least ``threshold`` of their words (Jaccard).  An
    empty frame means every carried-over item is either linked or has no
    look-alike among the dropped ones."""
    frame = items.drop_duplicates(["edition", "appendix", "ref"])
    frame = frame.assign(item_key=item_keys_for(frame, keys), order=frame["edition"].map(list(EDITIONS).index))
    first = frame.groupby("item_key")["order"].min()
    last = frame.groupby("item_key")["order"].max()
    later = frame[(frame["stars"] != "") & (frame["item_key"].map(first) == frame["order"])]
    # every item once, as a record with its words: each carried-over item is
    # scored against the earlier dropped ones without filtering the frame again
    pool = [(r, _description_words(r.description), last_) for r, last_ in
            zip(frame.itertuples(), frame["item_key"].map(last))]
    rows = []
    for b in later.itertuples():
        words_b = _description_words(b.description)
        for a, words_a, last_a in pool:
            if a.appendix != b.appendix or not (a.order < b.order and last_a < b.order):
                continue
            score = _word_overlap(words_a, words_b)
            if score >= threshold:
                rows.append({"edition": b.edition, "ref": b.ref, "stars": b.stars, "description": b.description,
                             "source": b.source, "lines": b.lines, "earlier_edition": a.edition, "earlier_ref": a.ref,
                             "earlier_description": a.description, "score": round(score, 3)})
    return pd.DataFrame(rows, columns=["edition", "ref", "stars", "description", "source", "lines", "earlier_edition",
                                       "earlier_ref", "earlier_description", "score"])


def unmatched_carried_over(items: pd.DataFrame, prose: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Items marked as carried over (* or **) from the MTFS of the year before,
    where that MTFS is in the packs (2019 after 2018), but whose key it does
    not hold: the mark and the mapping disagree, or the earlier report did not
    head the item."""
    history = item_history(items, prose, keys)
    names = list(EDITIONS)
    rows = []
    for edition in names[1:]:
        before = names[names.index(edition) - 1]
        if int(edition[:4]) - int(before[:4]) != 1:
            continue
        had = set(history[history["edition"] == before]["item_key"])
        its = items[(items["edition"] == edition) & (items["stars"] != "")].drop_duplicates(["appendix", "ref"])
        its = its.assign(item_key=item_keys_for(its, keys))
        rows += [{"edition": edition, "previous": before, "appendix": r.appendix, "ref": r.ref, "stars": r.stars,
                  "description": r.description, "source": r.source, "lines": r.lines}
                 for r in its.itertuples() if r.item_key not in had]
    return pd.DataFrame(rows, columns=["edition", "previous", "appendix", "ref", "stars", "description", "source", "lines"])


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


def tracked_keys(history: pd.DataFrame, appendix: str | None = None, min_editions: int = 2) -> list[str]:
    """The keys of items tracked in at least ``min_editions`` editions, those in
    the most editions first, then by their largest in-year figure (absolute)."""
    frame = history if appendix is None else history[history["appendix"] == appendix]
    g = frame.groupby("item_key")
    order = pd.DataFrame({"editions": g["edition"].nunique(), "size": frame["in_year"].abs().groupby(frame["item_key"]).max()})
    order = order[order["editions"] >= min_editions].reset_index()
    return order.sort_values(["editions", "size", "item_key"], ascending=[False, False, True])["item_key"].tolist()


def drift_table(history: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Forecast drift of tracked items: one row per item and year planned for,
    a column per edition ("MTFS 2018" ...) with the **in-year** figure that
    edition planned for that year (£000; blank where the edition does not
    plan the year), and the range between the highest and lowest plan."""
    keys = tracked_keys(history) if keys is None else keys
    frame = history[history["item_key"].isin(keys)].dropna(subset=["in_year"])
    frame = frame.assign(label=frame["edition"].map(edition_label))
    wide = frame.pivot_table(index=["item_key", "year"], columns="label", values="in_year", aggfunc="first")
    labels = [edition_label(e) for e in EDITIONS if edition_label(e) in wide.columns]
    wide = wide[labels]
    wide["editions"] = wide.notna().sum(axis=1)
    wide["range"] = wide[labels].max(axis=1) - wide[labels].min(axis=1)
    order = {k: i for i, k in enumerate(keys)}
    wide = wide.reset_index().rename_axis(columns=None)
    return wide.sort_values(["item_key", "year"], key=lambda c: c.map(order) if c.name == "item_key" else c) \
        .reset_index(drop=True)


def drift_long(history: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The in-year figure each edition planned for each year of the tracked
    items ``keys`` (in that order), long, for small multiples: ``year_start``
    is the financial year's first calendar year (2019 for "2019/20")."""
    frame = history[history["item_key"].isin(keys)].dropna(subset=["in_year"])
    frame = frame.assign(order=frame["item_key"].map({k: i for i, k in enumerate(keys)}),
                         year_start=frame["year"].str[:4].astype(int),
                         plan=frame["edition"].map(edition_label))
    frame = frame.sort_values(["order", "edition", "year_start"], kind="mergesort")
    return frame[["item_key", "edition", "plan", "year", "year_start", "in_year"]].reset_index(drop=True)


def drift_summary(table: pd.DataFrame) -> str:
    """One line on a drift table: how many items, and the widest move of one
    year's plan between editions."""
    if table.empty:
        return "no item is tracked in two or more editions"
    moved = table[table["editions"] > 1]
    text = f"{table['item_key'].nunique()} items tracked across editions"
    if moved.empty:
        return text + "; no year is planned by more than one edition"
    top = moved.loc[moved["range"].idxmax()]
    plans = top.drop(["item_key", "year", "editions", "range"]).dropna().astype(float)
    return (text + f"; widest move: {top['item_key']} {top['year']}, planned between {_thousands(plans.min())} "
            f"({plans.idxmin()}) and {_thousands(plans.max())} ({plans.idxmax()}) in-year")


def _thousands(value: float) -> str:
    """£000 as text with the sign before the pound sign: -2000 -> "-£2,000k"."""
    return f"{'-' if value < 0 else ''}£{abs(value):,.0f}k"


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


def waterfall_summary(steps: pd.DataFrame) -> str:
    """One line on a waterfall: where it starts and ends, and the steps' totals."""
    first, last = steps.iloc[0], steps.iloc[-1]
    sums = steps[steps["kind"] != "total"].groupby("kind", sort=False)["value"].sum()
    parts = ", ".join(f"{kind} {_thousands(v)}" for kind, v in sums.items())
    return (f"{first['step']} {_thousands(first['value'])} to {last['step']} {_thousands(last['value'])} ({parts}); "
            "the axis does not start at zero")


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


def compare_editions(items: pd.DataFrame, keys: pd.DataFrame, edition: str, previous: str,
                     prose: pd.DataFrame | None = None) -> pd.DataFrame:
    """Items of ``edition`` against ``previous``, matched on the item key:
    new, dropped, amended or unchanged.

    Both sides are compared **in-year** (each edition's cumulative figures are
    from its own base year, so they are converted first): an item is amended
    when its in-year figures differ in a year both editions plan.  Where the
    previous edition is known only from its report text (2018: ``prose``),
    its in-year figures for the later years are unknown, so the status comes
    from the edition's own status mark (* unchanged, ** amended) and
    ``status_from`` says so.  ``in_year`` and ``previous_in_year`` are the two
    editions' in-year figures for ``year``, the edition's first year (£000)."""
    history = item_history(items, prose, keys)
    cur = history[history["edition"] == edition]
    old = history[history["edition"] == previous]
    year = edition_years(edition)[0]
    from_text = not old.empty and set(old["origin"]) == {"report text"}
    rows = []
    cur_by, old_by = dict(list(cur.groupby("item_key"))), dict(list(old.groupby("item_key")))
    for key in sorted(set(cur["item_key"]) | set(old["item_key"])):
        c, o = cur_by.get(key, cur.iloc[0:0]), old_by.get(key, old.iloc[0:0])
        this = c if not c.empty else o
        common = sorted(set(c["year"]) & set(o["year"]))
        status_from = "item key" if c.empty or o.empty else "figures"
        if c.empty:
            status = "dropped"
        elif o.empty:
            status = "new"
        elif from_text:
            status, status_from = {"**": "amended", "*": "unchanged"}.get(c["stars"].iloc[0], "new"), "status mark"
        else:
            cy = c.set_index("year")["in_year"].reindex(common)
            oy = o.set_index("year")["in_year"].reindex(common)
            status = "unchanged" if not common or (cy - oy).abs().max() < 1e-9 else "amended"
        now = c.set_index("year")["in_year"].get(year, float("nan")) if not c.empty else float("nan")
        before = o.set_index("year")["in_year"].get(year, float("nan")) if not o.empty else float("nan")
        rows.append({
            "item_key": key, "appendix": this["appendix"].iloc[0], "status": status, "status_from": status_from,
            "ref": "" if c.empty else c["ref"].iloc[0], "previous_ref": "" if o.empty else o["ref"].iloc[0],
            "stars": "" if c.empty else c["stars"].iloc[0], "description": this["description"].iloc[0],
            "year": year, "in_year": float(now), "previous_in_year": float(before),
            "change_in_year": float(now - before) if not (math.isnan(now) or math.isnan(before)) else float("nan"),
        })
    return pd.DataFrame(rows, columns=["item_key", "appendix", "status", "status_from", "ref", "previous_ref", "stars",
                                       "description", "year", "in_year", "previous_in_year", "change_in_year"])


def by_type(items: pd.DataFrame, edition: str | None = None) -> pd.DataFrame:
    """Growth and savings by appendix, type (Eff/SR/Inc; growth has none) and
    year, in-year £000."""
    frame = items if edition is None else items[items["edition"] == edition]
    frame = frame.sort_values(["edition", "appendix", "ref", "year"]).copy()
    frame["in_year"] = _in_year_by(frame, ["edition", "appendix", "ref"])
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
    frame["in_year"] = _in_year_by(frame, ["appendix", "ref"])
    frame["kind"] = frame["appendix"].map({"B": "growth", "C": "savings"})
    frame["section"] = frame["section"].where(frame["section"] != "", "(not divided)")
    out = frame.pivot_table(index=["kind", "section"], columns="year", values="in_year", aggfunc="sum")
    return out.reset_index().rename_axis(columns=None)


def by_division(history: pd.DataFrame, divisions: pd.DataFrame, edition: str | None = None,
                split: pd.DataFrame | None = None) -> pd.DataFrame:
    """Growth and savings by division of the net budget split and year,
    **in-year** £000 (long form: edition, kind, division, year, in_year, and
    ``items``, how many items of that kind the division holds in the
    edition).  ``history`` is :func:`item_history`; ``divisions`` the item
    division mapping (:func:`load_item_divisions`), whose ``unassigned`` items
    stay as their own row.  For 2018 (report text only) only the first year's
    in-year figures are known; the later years are NaN, not zero.  Divisions
    come in the order of ``split`` (budget_divisions.csv) when given."""
    frame = history if edition is None else history[history["edition"] == edition]
    mapping = divisions.set_index(["edition", "appendix", "ref"])["division"]
    keys = list(zip(frame["edition"], frame["appendix"], frame["ref"]))
    frame = frame.assign(division=[mapping.get(k, UNASSIGNED) for k in keys],
                         kind=frame["appendix"].map({"B": "growth", "C": "savings"}))
    out = frame.groupby(["edition", "kind", "division", "year"])["in_year"].sum(min_count=1).rename("in_year").reset_index()
    counts = frame.groupby(["edition", "kind", "division"])["ref"].nunique().rename("items")
    out = out.join(counts, on=["edition", "kind", "division"])
    names = [n for n in (split if split is not None else divisions)["division"].drop_duplicates() if n != "Department Total"]
    present = set(out["division"])
    out["division"] = pd.Categorical(out["division"], categories=[n for n in names if n in present and n != UNASSIGNED]
                                     + [n for n in sorted(present - set(names)) if n != UNASSIGNED] + [UNASSIGNED])
    return out.sort_values(["edition", "kind", "division", "year"]).reset_index(drop=True)


def division_totals(by_div: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Each division's growth and savings over the years known (in-year £000),
    divisions in the split's order, ``unassigned`` last."""
    frame = by_div[by_div["edition"] == edition].dropna(subset=["in_year"])
    return frame.groupby(["kind", "division"], observed=True, as_index=False)["in_year"].sum()


def division_table(by_div: pd.DataFrame, edition: str) -> pd.DataFrame:
    """One edition's :func:`by_division` laid out: a row per kind and
    division, a column per year (in-year £000; NaN where not known), and the
    item count."""
    frame = by_div[by_div["edition"] == edition]
    rows = pd.MultiIndex.from_frame(frame[["kind", "division"]].drop_duplicates())
    wide = frame.set_index(["kind", "division", "year"])["in_year"].unstack("year").reindex(index=rows,
                                                                                          columns=edition_years(edition))
    counts = frame.groupby(["kind", "division"])["items"].first()
    return wide.assign(items=counts).reset_index().rename_axis(columns=None)


def division_summary(by_div: pd.DataFrame, edition: str) -> str:
    """One line on an edition's growth and savings by division: the division
    with the most growth and the one with the most savings over the years
    known, and how much is unassigned."""
    totals = division_totals(by_div, edition).set_index(["kind", "division"])["in_year"]
    parts = []
    for kind in ("growth", "savings"):
        if kind not in totals.index.get_level_values(0):
            continue
        t = totals[kind]
        top = t.abs().idxmax()
        parts.append(f"{kind} {_thousands(t.sum())}, most in {top} ({_thousands(t[top])})")
        if UNASSIGNED in t.index:
            parts.append(f"{kind} {UNASSIGNED} {_thousands(t[UNASSIGNED])}")
    years = sorted(by_div.loc[(by_div["edition"] == edition) & by_div["in_year"].notna(), "year"].unique())
    span = f"{years[0]} to {years[-1]}" if len(years) > 1 else (years[0] if years else "no year")
    return f"{edition_label(edition)}, in-year {span}: " + "; ".join(parts)


def transfers_table(transfers: pd.DataFrame, edition: str) -> pd.DataFrame:
    """The transfers an edition's report text lists behind the summary's
    transfers line (£m, as printed), total first."""
    frame = transfers[transfers["edition"] == edition]
    return frame[["year", "level", "component", "part_of", "value", "printed", "lines"]].reset_index(drop=True)


def prose_amounts_table(amounts: pd.DataFrame, edition: str) -> pd.DataFrame:
    """An edition's other report-text amounts (budget_prose_amounts) with the
    amount in £000 beside the printed figure."""
    frame = amounts[amounts["edition"] == edition]
    frame = frame.assign(gbp_thousands=[_prose_in_thousands(r) for r in frame.itertuples()])
    return frame[["key", "kind", "ref", "match", "basis", "year", "description", "gbp_thousands", "printed",
                  "lines"]].reset_index(drop=True)


def capital_table(capital: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Appendix D of one edition as printed (£000)."""
    frame = capital[capital["edition"] == edition]
    order = frame.drop_duplicates("scheme")[["scheme", "level"]]
    completion = frame[frame["completion"] != ""].groupby("scheme")["completion"].first()
    order = order.assign(completion=order["scheme"].map(completion).fillna(""))
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
    """The first row whose columns hold the values given, or None."""
    hit = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        hit &= frame[k].to_numpy() == v
    at = np.flatnonzero(hit)
    return frame.iloc[at[0]] if len(at) else None


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


def _division_name(name: str) -> str:
    """A division or Appendix A name reduced for matching: "Better Care Fund/NHS
    Contribution" and "Better Care Fund (Balance)" -> "better care fund";
    "&" and "and", dashes alike."""
    text = name.lower().replace("&", " and ").replace("–", "-").replace("/nhs", " ")
    text = re.sub(r"\(balance\)|contribution", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def division_exact(revenue: pd.DataFrame, divisions: pd.DataFrame, edition: str) -> pd.DataFrame:
    """Each printed division of an edition beside the Appendix A row it rounds
    (£): a group total, a section total or a line of the same name, in that
    order of preference.  Divisions with no such row (or an edition with no
    Appendix A) get NaN."""
    split = division_split(divisions, edition)
    if edition not in set(revenue["edition"]):
        return split.assign(appendix_a_net=float("nan"), appendix_a_lines="", appendix_a_line="")
    table = revenue_table(revenue, edition)
    lines_of = revenue[revenue["edition"] == edition].drop_duplicates(["group", "section", "line"]) \
        .set_index(["group", "section", "line"])["lines"]
    rank = {"department_total": 0, "group_total": 1, "section_total": 2, "line": 3}
    found = {}
    for t in table.sort_values("level", key=lambda c: c.map(rank), kind="mergesort").itertuples():
        name = t.line if t.level in ("line", "department_total") else t.section
        if t.level == "department_total":
            name = "Department Total"
        found.setdefault(_division_name(name), (t.net, lines_of[(t.group, t.section, t.line)], t.line))
    rows = [(d, *found.get(_division_name(d), (float("nan"), "", ""))) for d in split["division"]]
    exact = pd.DataFrame(rows, columns=["division", "appendix_a_net", "appendix_a_lines", "appendix_a_line"])
    return split.merge(exact, on="division", how="left")


def _plug_note(others: float, printed: float, exact: float, target: float, what: str) -> str:
    """A note when a printed figure that disagrees with its exact value is the
    one that makes its column reach ``target`` (printed at one decimal): it
    looks adjusted to make the total come out."""
    rounded = reconcile.round_half_away(exact, 1)
    if round(others + printed, 1) == round(target, 1) and round(others + rounded, 1) != round(target, 1):
        return (f"; {what} only with this figure (with {rounded:.1f} they would come to {others + rounded:.1f}): "
                "it looks adjusted to make the total come out")
    return ""


def division_history(revenue: pd.DataFrame, divisions: pd.DataFrame, division: str) -> pd.DataFrame:
    """One division across every edition that prints it (matched on its
    name, "&" and "and" alike): the first year's net budget as printed (£m,
    %) and the Appendix A row it rounds (£), where the pack has one."""
    rows = []
    for edition in EDITIONS:
        exact = division_exact(revenue, divisions, edition)
        hit = exact[exact["division"].map(_division_name) == _division_name(division)]
        if hit.empty:
            continue
        h = hit.iloc[0]
        rows.append({"edition": edition, "year": edition_years(edition)[0], "division": h["division"],
                     "net_gbp_millions": h["net_gbp_millions"], "percent": h["percent"],
                     "appendix_a_net_gbp": h["appendix_a_net"], "appendix_a_lines": h["appendix_a_lines"]})
    return pd.DataFrame(rows, columns=["edition", "year", "division", "net_gbp_millions", "percent",
                                       "appendix_a_net_gbp", "appendix_a_lines"])


def check_divisions(divisions: pd.DataFrame, summary: pd.DataFrame, revenue: pd.DataFrame) -> list[dict]:
    """The net budget split: divisions sum to the department total, the total
    matches the summary net; each £m figure is its Appendix A row rounded;
    each percentage is the division's share of the net budget, exact from
    Appendix A where the pack has it (else from the printed £m and the
    summary's £000), classed by reconcile.printed_kind."""
    rows = []
    for edition, frame in divisions.groupby("edition", sort=False):
        money = frame[frame["unit"] == "gbp_millions"]
        pct = frame[frame["unit"] == "percent"]
        total = money[money["division"] == "Department Total"]
        parts = money[money["division"] != "Department Total"]
        year = edition_years(edition)[0]
        net = _row(summary, edition=edition, year=year, line="net")
        exact = division_exact(revenue, divisions, edition).set_index("division")
        if not total.empty:
            t = total.iloc[0]
            n = len(parts)
            rows.append(_f("divisions_sum", f"{edition}: divisions (£m) add up to the department total",
                           t["value"], round(parts["value"].sum(), 6), t["source"], t["lines"],
                           tolerance=0.05 * n, unit="gbp_millions",
                           detail=f"sum of {n} figures each rounded to £0.1m"))
            rows.append(_printed_f("divisions_total_vs_net", f"{edition}: department total (£m) = summary net budget {year}",
                                   t, net["value"] / 1000.0, unit="gbp_millions",
                                   detail=f"summary line {net['lines']}: £{net['value']:,.0f}k"))
        for m in parts.itertuples():
            a = exact.loc[m.division]
            if math.isnan(a["appendix_a_net"]):
                continue
            f = _printed_f("divisions_vs_appendix_a", f"{edition}: {m.division} (£m) = Appendix A {a['appendix_a_line']}",
                           m, a["appendix_a_net"] / 1e6, unit="gbp_millions",
                           detail=f"Appendix A line {a['appendix_a_lines']}: £{a['appendix_a_net']:,.0f}")
            if f["kind"] == "mismatch" and not total.empty:
                f["detail"] += _plug_note(parts["value"].sum() - m.value, m.value, f["computed"], total.iloc[0]["value"],
                                          "the divisions add up to the printed total")
            rows.append(f)
        if not total.empty and not math.isnan(exact.loc["Department Total", "appendix_a_net"]):
            rows.append(_printed_f("divisions_vs_appendix_a", f"{edition}: Department Total (£m) = Appendix A department total",
                                   total.iloc[0], exact.loc["Department Total", "appendix_a_net"] / 1e6, unit="gbp_millions"))
        dept = exact.loc["Department Total", "appendix_a_net"] if "Department Total" in exact.index else float("nan")
        shares = pct[pct["division"] != "Department Total"]
        printed_base = total.iloc[0]["value"] if not total.empty else net["value"] / 1000.0
        for r in shares.itertuples():
            a = exact.loc[r.division]
            m = _row(parts, division=r.division)
            decimals = reconcile.printed_decimals(r.printed, r.value)
            of_printed = reconcile.round_half_away(float(m["value"] / printed_base * 100), decimals)
            from_printed = f"£{m['value']:.1f}m of £{printed_base:.1f}m gives {of_printed:.{decimals}f}"
            if not math.isnan(a["appendix_a_net"]) and not math.isnan(dept):
                computed = round(a["appendix_a_net"] / dept * 100, 4)
                kind, how = reconcile.printed_kind(r.value, computed, decimals)
                basis = f"£{a['appendix_a_net']:,.0f} of £{dept:,.0f} (Appendix A line {a['appendix_a_lines']})"
                if kind == "mismatch" and abs(of_printed - r.value) < 1e-9:
                    kind, how = "rounding", (f"the share of the printed £m figures, not of Appendix A ({from_printed}); "
                                             f"the exact share {computed:.3f} rounds to "
                                             f"{reconcile.round_half_away(computed, decimals):.{decimals}f}")
            else:
                computed = of_printed
                kind = reconcile.classify(r.value, computed, reconcile.precision_of(r.printed))
                how, basis = "", f"{from_printed} (no Appendix A in the pack)"
            if kind == "mismatch":
                how += _plug_note(shares["value"].sum() - r.value, r.value, computed, 100.0, "the shares add up to 100")
            rows.append(_f("divisions_percent", f"{edition}: {r.division} % = its share of the net budget",
                           r.value, computed, r.source, r.lines, unit="percent", printed=r.printed, kind=kind,
                           detail="; ".join(x for x in (basis, how.lstrip("; ")) if x)))
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
        parts = {}  # section (None: all) -> its items, their count and their rows by year
        for r in frame.itertuples():
            section = None if r.total == grand_name else (
                "Communities and Wellbeing" if ("C&W" in r.total or "Communities" in r.total) else "Adult Social Care")
            if section not in parts:
                part = its if section is None else its[its["section"] == section]
                parts[section] = (part, part["ref"].nunique(), dict(list(part.groupby("year", sort=False))))
            part, count, by_year = parts[section]
            computed = by_year.get(r.year, part.iloc[0:0])["value"].sum()
            rows.append(_f("items_total", f"{edition} Appendix {appendix} '{r.total}' {r.year} = sum of items (cumulative)",
                           r.value, computed, r.source, r.lines, unit="gbp_thousands", detail=f"{count} items"))
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


_TO_THOUSANDS = {"gbp": 0.001, "gbp_thousands": 1.0, "gbp_millions": 1000.0}


def _prose_in_thousands(r) -> float:
    """A report-text amount (£, £000 or £m) in £000."""
    return round(r.value * _TO_THOUSANDS[r.unit], 6)


def _prose_kind(r, appendix_thousands: float) -> tuple[str, str]:
    """A report-text amount against its appendix figure (£000), by the one rule
    for printed figures: an amount printed to £0.1m is the appendix figure
    rounded (or truncated, which the detail says); an amount printed in whole
    pounds is finer than the appendix, so the appendix is the rounded side."""
    if r.unit == "gbp_millions":
        return reconcile.printed_kind(r.value, appendix_thousands / 1000.0, reconcile.printed_decimals(r.printed, r.value))
    if r.unit == "gbp_thousands":
        return reconcile.printed_kind(r.value, appendix_thousands, reconcile.printed_decimals(r.printed, r.value))
    return reconcile.printed_kind(appendix_thousands, _prose_in_thousands(r), 0)


def check_prose(prose: pd.DataFrame, items: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """Each item heading in the report text against its appendix row: the
    amounts (with their years), an 'ongoing' item staying flat, and the type.
    For the 2018 edition, which has no appendices, the headings' first-year
    amounts are summed against the summary's growth and savings."""
    rows = []
    with_items = set(items["edition"])
    by_item = dict(list(items.groupby(["edition", "appendix", "ref"], sort=False)))
    for r in prose.itertuples():
        if r.edition not in with_items:
            continue
        appendix = "B" if r.ref.startswith("G") else "C"
        row = by_item.get((r.edition, appendix, r.ref), items.iloc[0:0])
        value = _prose_in_thousands(r)
        if row.empty:
            rows.append(_f("prose_vs_appendix", f"{r.edition} {r.ref}: report text item is in Appendix {appendix}",
                           value, float("nan"), r.source, r.lines, unit="gbp_thousands"))
            continue
        series = row.set_index("year")["value"]
        computed = float(series.get(r.year, float("nan")))
        kind, how = _prose_kind(r, computed)
        rows.append(_f("prose_vs_appendix", f"{r.edition} {r.ref} ({r.point} amount, {r.year}): report text = Appendix {appendix}",
                       value, computed, r.source, r.lines, kind=kind, unit="gbp_thousands", printed=r.printed,
                       detail="; ".join(x for x in (f"Appendix {appendix} line {row['lines'].iloc[0]}", how) if x)))
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
            total = sum(_prose_in_thousands(r) for r in first.itertuples())
            s = _row(summary, edition=edition, year=year, line=line)
            published_ = s["value"]
            kind = reconcile.classify(published_, total)
            rows.append(_f(f"prose_{line}_sum", f"{edition} {year}: {line} items named in the report text against the summary",
                           published_, total, s["source"], s["lines"], unit="gbp_thousands", printed=s["printed"] or None,
                           kind="review" if kind == "mismatch" else kind,
                           detail=f"{len(first)} headed items ({', '.join(first['ref'])}); the appendices are not in the pack, "
                                  "so unnamed items cannot be ruled out"))
    return rows


def item_figures(items: pd.DataFrame, prose: pd.DataFrame, edition: str, ref: str) -> pd.DataFrame:
    """One item's figures for each year of its edition (£000): ``cumulative``
    and ``in_year``, from Appendix B/C, or, for an edition known only from its
    report text (2018), from the item's heading: nothing before its first
    year, the first and last amounts in their years, the first amount in every
    later year when the heading calls it ongoing, and NaN where the heading
    does not say.  ``lines`` cites the row or heading; empty frame when the
    edition has no such item."""
    years = edition_years(edition)
    appendix = "B" if ref.startswith("G") else "C"
    row = items[(items["edition"] == edition) & (items["appendix"] == appendix) & (items["ref"] == ref)]
    if not row.empty:
        cumulative = row.set_index("year")["value"].reindex(years)
        where, origin = f"Appendix {appendix} line {row['lines'].iloc[0]}", "appendix"
    else:
        heads = prose[(prose["edition"] == edition) & (prose["ref"] == ref)]
        if heads.empty or edition in set(items["edition"]):
            return pd.DataFrame(columns=["year", "cumulative", "in_year", "lines", "origin"])
        cumulative = pd.Series(float("nan"), index=years)
        first = heads[heads["point"] == "first"].iloc[0]
        cumulative[[y for y in years if y < first["year"]]] = 0.0
        if first["profile"] == "ongoing":
            cumulative[[y for y in years if y >= first["year"]]] = _prose_in_thousands(first)
        for h in heads.itertuples():
            cumulative[h.year] = _prose_in_thousands(h)
        where, origin = f"report text line {reconcile.span_lines(heads['lines'].tolist())}", "report text"
    before = cumulative.shift(1)
    before.iloc[0] = 0.0
    return pd.DataFrame({"year": years, "cumulative": cumulative.values, "in_year": (cumulative - before).values,
                         "lines": where, "origin": origin})


def _figure(figures: pd.DataFrame, year: str, basis: str) -> float:
    hit = figures[figures["year"] == year]
    return float(hit[basis].iloc[0]) if len(hit) else float("nan")


def check_prose_amounts(amounts: pd.DataFrame, items: pd.DataFrame, prose: pd.DataFrame) -> list[dict]:
    """The report text's other growth and savings amounts (budget_prose_amounts),
    each against the item it names (Appendix B/C, or for 2018 the item's
    heading), on the basis it is given (in-year or cumulative, £000):

    * ``equals``: the amount is the item's figure for the year (printed rule);
    * ``share``: one part of the item (the text gives no other): no larger;
    * ``part``: the parts given for an item and year add up to its figure
      (each part honest to half a unit of its printed precision);
    * ``none``: the text gives the amount no code.  ``missing``, unless an
      Appendix B/C row of the edition shares words with it (``review``).
    """
    rows = []
    with_items = set(items["edition"])
    for r in amounts[amounts["match"].isin(["equals", "share"])].itertuples():
        figures = item_figures(items, prose, r.edition, r.ref)
        exact = _figure(figures, r.year, r.basis)
        value = _prose_in_thousands(r)
        where = figures["lines"].iloc[0] if len(figures) else f"no {r.ref} in this edition"
        what = f"{r.edition} {r.ref} ({r.key}, {r.year}, {r.basis.replace('_', '-')})"
        if r.match == "equals":
            kind, how = _prose_kind(r, exact) if not math.isnan(exact) else ("missing", "the item's figure for that year is not given")
            rows.append(_f("prose_amount_vs_item", f"{what}: report text amount = the item's figure", value, exact,
                           r.source, r.lines, kind=kind, unit="gbp_thousands", printed=r.printed,
                           detail="; ".join(x for x in (where, how) if x)))
        else:
            fits = abs(value) <= abs(exact) + 1e-9 and value * exact >= 0
            kind = "missing" if math.isnan(exact) else ("ok" if fits else "mismatch")
            rows.append(_f("prose_amount_share", f"{what}: a part of the item, no larger than it", value, exact,
                           r.source, r.lines, kind=kind, unit="gbp_thousands", printed=r.printed,
                           detail=f"{r.description} (printed {r.printed}); {where}; the text gives no other part"
                                  + ("" if fits else "; the part exceeds the whole")))
    parts = amounts[amounts["match"] == "part"]
    for (edition, ref, year, basis), group in parts.groupby(["edition", "ref", "year", "basis"], sort=False):
        figures = item_figures(items, prose, edition, ref)
        exact = _figure(figures, year, basis)
        total = round(sum(_prose_in_thousands(r) for r in group.itertuples()), 6)
        slack = sum(0.5 * reconcile.precision_of(r.printed) * _TO_THOUSANDS[r.unit] for r in group.itertuples()
                    if r.unit != "gbp")
        rows.append(_f("prose_amount_parts", f"{edition} {ref} {year} ({basis.replace('_', '-')}): the parts the report "
                       f"text gives add up to the item's figure", exact, total, group["source"].iloc[0],
                       reconcile.span_lines(group["lines"].tolist()), unit="gbp_thousands", tolerance=slack,
                       detail=f"{figures['lines'].iloc[0] if len(figures) else 'no such item'}; parts: "
                              + ", ".join(f"{r.key} {_thousands(_prose_in_thousands(r))}" for r in group.itertuples())))
    for r in amounts[amounts["match"] == "none"].itertuples():
        value = _prose_in_thousands(r)
        appendix = "B" if r.kind == "growth" else "C"
        if r.edition in with_items:
            own = items[(items["edition"] == r.edition) & (items["appendix"] == appendix)].drop_duplicates("ref")
            words = _description_words(r.description)
            scored = [(_word_overlap(words, _description_words(x.description)), x.ref, x.description)
                      for x in own.itertuples()]
            best = max(scored, default=(0.0, "", ""))
            kind = "review" if best[0] >= LOOKALIKE_OVERLAP else "missing"
            detail = (f"looks like Appendix {appendix} {best[1]} '{best[2]}' (word overlap {best[0]:.2f})" if kind == "review"
                      else f"the text gives it no code and no Appendix {appendix} row of the edition matches it")
        else:
            kind, detail = "missing", ("the text gives it no code and the pack has no appendices; "
                                       "it is not among the items the report heads")
        rows.append(_f("prose_amount_uncoded", f"{r.edition} {r.key} ({r.kind}): an amount with no item in "
                       f"Appendix {appendix}", value, float("nan"), r.source, r.lines, kind=kind,
                       unit="gbp_thousands", printed=r.printed, detail=f"{r.description}; {detail}"))
    return rows


def check_transfers(transfers: pd.DataFrame, summary: pd.DataFrame) -> list[dict]:
    """The transfers the report text lists (£m, each printed to £0.1m): the
    components add up to the stated net total and, within n x £0.05m, to the
    summary's "transfers" line; a component's parts add up to it; the stated
    total is the summary line rounded."""
    rows = []
    for edition, frame in transfers.groupby("edition", sort=False):
        total = frame[frame["level"] == "total"]
        comps = frame[frame["level"] == "component"]
        year = edition_years(edition)[0]
        line = _row(summary, edition=edition, year=year, line="transfers")
        listed = ", ".join(f"{c.component} {c.value:+.1f}" for c in comps.itertuples())
        n = len(comps)
        comp_sum = round(float(comps["value"].sum()), 6)
        span = reconcile.span_lines(frame["lines"].tolist())
        if not total.empty:
            t = total.iloc[0]
            rows.append(_f("transfers_components_sum", f"{edition} {year}: transfers listed add up to the stated net total",
                           t["value"], comp_sum, t["source"], span, unit="gbp_millions", tolerance=0.05 * n,
                           printed=t["printed"], detail=f"{n} components, each printed to £0.1m: {listed}"))
        if line is not None:
            if not total.empty:
                rows.append(_printed_f("transfers_total_vs_summary", f"{edition} {year}: stated net transfers = the "
                                       f"summary's transfers line", total.iloc[0], line["value"] / 1000.0,
                                       unit="gbp_millions", detail=f"summary line {line['lines']}: £{line['value']:,.0f}k"))
            rows.append(_f("transfers_vs_summary", f"{edition} {year}: transfers listed add up to the summary's "
                           f"transfers line", line["value"] / 1000.0, comp_sum, frame["source"].iloc[0], span,
                           unit="gbp_millions", tolerance=0.05 * n,
                           detail=f"summary line {line['lines']}: £{line['value']:,.0f}k; {n} components, "
                                  f"each printed to £0.1m"))
        for name, part in frame[frame["level"] == "part"].groupby("part_of", sort=False):
            c = _row(comps, component=name)
            rows.append(_f("transfers_parts_sum", f"{edition} {year}: the parts of '{name}' add up to it", c["value"],
                           round(float(part["value"].sum()), 6), c["source"], reconcile.span_lines([c["lines"], *part["lines"]]),
                           unit="gbp_millions", tolerance=0.05 * len(part), printed=c["printed"],
                           detail=", ".join(f"{p.component} {p.value:.1f}" for p in part.itertuples())))
    return rows


def check_stated_totals(stated: pd.DataFrame, summary: pd.DataFrame, capital: pd.DataFrame,
                        revenue: pd.DataFrame) -> list[dict]:
    """The totals the report text states (£m), each classed by the one rule
    for printed figures (:func:`toolkit.reconcile.printed_kind`):

    * growth and savings: the first year's against the summary's in-year
      figure, the four years' against the four in-year figures summed;
    * capital: against the Appendix D total;
    * the first year's gross budget and its income (grants, health transfers,
      service user contributions) against Appendix A's department totals, the
      net budget against the summary; and stated gross less stated income
      against the stated net (a sum of two rounded figures: within one unit).
    """
    rows = []
    dept = _department_totals(revenue)
    for r in stated.itertuples():
        years = edition_years(r.edition)
        if r.kind == "capital":
            total = capital[(capital["edition"] == r.edition) & (capital["level"] == "total") & (capital["measure"] == "total")]
            if len(total):  # the 2018 pack has no Appendix D to compare with
                rows.append(_printed_f("stated_capital_total", f"{r.edition}: capital programme total stated = Appendix D total",
                                       r, total["value"].iloc[0] / 1000.0, unit="gbp_millions",
                                       detail=f"Appendix D line {total['lines'].iloc[0]}: £{total['value'].iloc[0]:,.0f}k"))
        elif r.kind in ("gross", "income"):
            column = "gross" if r.kind == "gross" else "external_income"
            if r.edition in dept.index:  # the 2018 pack has no Appendix A
                d = dept.loc[r.edition]
                rows.append(_printed_f(f"stated_{r.kind}_vs_appendix_a",
                                       f"{r.edition}: {r.kind} stated for {years[0]} = Appendix A total {column.replace('_', ' ')}",
                                       r, d[column] / 1e6, unit="gbp_millions",
                                       detail=f"Appendix A line {d['lines']}: £{d[column]:,.0f}"))
        elif r.kind == "net":
            net = _row(summary, edition=r.edition, year=years[0], line="net")
            rows.append(_printed_f("stated_net_vs_summary", f"{r.edition}: net budget stated for {years[0]} = summary table",
                                   r, net["value"] / 1000.0, unit="gbp_millions",
                                   detail=f"summary line {net['lines']}: £{net['value']:,.0f}k"))
            parts = stated[(stated["edition"] == r.edition) & stated["kind"].isin(["gross", "income"])].set_index("kind")
            if len(parts) == 2:
                computed = round(parts.at["gross", "value"] + parts.at["income", "value"], 6)
                rows.append(_f("stated_gross_less_income", f"{r.edition}: gross less income stated for {years[0]} = net stated",
                               r.value, computed, r.source, reconcile.span_lines(parts["lines"].tolist() + [r.lines]),
                               unit="gbp_millions", tolerance=reconcile.precision_of(r.printed),
                               detail=_equals_bridge_line(summary, r.edition, years[0], computed, r.printed)))
        else:
            lines = summary[(summary["edition"] == r.edition) & (summary["line"] == r.kind)].set_index("year")["value"]
            computed = lines[years[0]] if r.span == "first_year" else lines.reindex(years).sum()
            what = f"{years[0]}" if r.span == "first_year" else f"{years[0]} to {years[-1]} in total"
            rows.append(_printed_f(f"stated_{r.kind}_total", f"{r.edition}: {r.kind} stated for {what} = summary table",
                                   r, round(computed / 1000.0, 6), unit="gbp_millions",
                                   detail="summary in-year £000: " + ", ".join(f"{y} {lines.get(y, float('nan')):,.0f}" for y in years)))
    return rows


def _department_totals(revenue: pd.DataFrame) -> pd.DataFrame:
    """Appendix A's department total row of each edition (£), with its lines."""
    dept = revenue[revenue["level"] == "department_total"]
    wide = dept.pivot_table(index="edition", columns="column", values="value", aggfunc="first")
    return wide.join(dept.groupby("edition")["lines"].first())


def _equals_bridge_line(summary: pd.DataFrame, edition: str, year: str, value_millions: float, printed: str) -> str:
    """Which of the year's summary lines a £m figure equals at its printed
    precision, as a note ("" if none): an error's likely origin."""
    decimals = reconcile.decimals_of(printed)
    frame = summary[(summary["edition"] == edition) & (summary["year"] == year)]
    hits = [f"{line} {v:,.0f}k (line {where})" for line, v, where in zip(frame["line"], frame["value"], frame["lines"])
            if reconcile.round_half_away(v / 1000.0, decimals) == reconcile.round_half_away(value_millions, decimals)]
    return ("equals the summary's " + ", ".join(hits)) if hits else ""


def _printed_f(check, description, r, exact, unit, detail="", published=None) -> dict:
    """A finding for a printed figure (row ``r``: value, printed, source, lines)
    against the exact value it stands for, classed by reconcile.printed_kind."""
    get = r.get if isinstance(r, pd.Series) else lambda name: getattr(r, name)
    published = get("value") if published is None else published
    printed = get("printed") or None
    decimals = reconcile.printed_decimals(printed, published)
    kind, how = reconcile.printed_kind(published, exact, decimals)
    return _f(check, description, published, exact, get("source"), get("lines"), unit=unit, printed=printed, kind=kind,
              detail="; ".join(x for x in (detail, how) if x))


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
        rows.append(_printed_f("revenue_vs_summary_net", f"{edition}: summary net budget {first} (£000) = Appendix A total net",
                               net, d.net / 1000.0, unit="gbp_thousands", detail=f"Appendix A line {where}"))
        rows.append(_printed_f("revenue_vs_summary_start",
                               f"{edition}: summary sub total (original + transfers) = Appendix A previous-year total",
                               sub, d.previous_net / 1000.0, unit="gbp_thousands", detail=f"Appendix A line {where}"))
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


def check_item_links(items: pd.DataFrame, prose: pd.DataFrame, keys: pd.DataFrame) -> list[dict]:
    """Judgement checks on the item-key mapping: each possible missed link
    (:func:`link_candidates`) and each carried-over item with no predecessor
    in the previous year's MTFS (:func:`unmatched_carried_over`)."""
    rows = [_f("item_key_candidate", f"{r.edition} {r.ref}: carried over ({r.stars}) but not linked; looks like "
               f"{r.earlier_edition} {r.earlier_ref}", None, None, r.source, r.lines, kind="review",
               detail=f"'{r.description}' vs '{r.earlier_description}' (word overlap {r.score:.2f})")
            for r in link_candidates(items, keys).itertuples()]
    rows += [_f("item_carried_over_unmatched", f"{r.edition} {r.ref}: marked {r.stars} (in the previous MTFS) but no "
                f"{r.previous} item carries its key", None, None, r.source, r.lines, kind="review",
                detail=f"'{r.description}'; the {r.previous} report heads no such item")
             for r in unmatched_carried_over(items, prose, keys).itertuples()]
    return rows


def findings(data_dir=None, data: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every budget check, as finding rows (including ``ok`` rows).  ``data``
    is the tables already loaded (:func:`load_all` or :func:`explorer_data`),
    so that a caller holding them does not load them again."""
    d = load_all(data_dir) if data is None else data
    rows = []
    rows += check_bridge(d["summary"])
    rows += check_divisions(d["divisions"], d["summary"], d["revenue"])
    rows += check_item_totals(d["items"], d["item_totals"], d["summary"])
    rows += check_prose(d["prose"], d["items"], d["summary"])
    rows += check_prose_amounts(d["prose_amounts"], d["items"], d["prose"])
    rows += check_transfers(d["transfers"], d["summary"])
    rows += check_stated_totals(d["stated_totals"], d["summary"], d["capital"], d["revenue"])
    rows += check_capital(d["capital"])
    rows += check_bcf(d["bcf"])
    rows += check_revenue(d["revenue"], d["summary"])
    rows += check_item_keys(d["items"], d["prose"], d["item_keys"])
    rows += check_item_links(d["items"], d["prose"], d["item_keys"])
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
    data["history"] = item_history(data["items"], data["prose"], data["item_keys"])
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
    text, the division's lines, the item's history across editions (or, with
    no item, the division's across editions), and the findings that touch the
    choice."""
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
        view["drift"] = division_history(rev, data["divisions"], division) if division else pd.DataFrame()
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
        names = {division, *view["drift"].get("division", [])}
        touched = touched[touched["description"].apply(lambda d: any(n in d for n in names))]
    view["findings"] = touched.reset_index(drop=True)
    return view
