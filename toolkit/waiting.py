"""CQC waiting-time metrics: from a waiting-list extract to the improvement-plan targets.

Loaders
    :func:`load_waiting_list` (the case system's extract), :func:`load_figures`
    (the published figures and targets, ``data/published/waiting_figures.csv``).

Calculations (pure functions on frames)
    :func:`snapshot_metrics`   open-case snapshot per (as_of, queue), vectorised;
    :func:`snapshot_metrics_loop`  the same definition as a plain per-date loop
                               (the reference the fast version is tested against);
    :func:`against_targets`    each metric against its plan target: RAG and gap;
    :func:`weekly_flow`, :func:`weeks_to_target`   flow and time to target;
    :func:`completed_waits`    the completed-wait median (waits that *ended* in a period);
    :func:`synthetic_waiting_list`  the labelled synthetic extract that reproduces
                               every published as-of figure;
    :func:`findings`           every check, for ``scrutiny findings``.

Rules (DESIGN.md, Waits): a request is waiting on D if it was made on or before
D and was neither allocated nor closed on or before D; its wait is D minus the
requested date in calendar days, or with ``days="working"`` the number of
England working days d with requested < d <= D (weekends and England bank
holidays, from the ``holidays`` package, do not count); "over 28 days" means
strictly more than 28.
"""
from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import reconcile
from .errors import LoaderError, Problem
from .sources import Column, load_published, parse_frame, read_table, resolve_data_dir

DOMAIN = "waiting"

QUEUES = (
    "care_act_assessment",
    "carer_assessment",
    "financial_assessment_residential",
    "financial_assessment_non_residential",
    "ot_assessment",
    "annual_review",
)
#: Published figures for "financial_assessment" cover both financial queues.
QUEUE_GROUPS = {
    "financial_assessment": ("financial_assessment_residential", "financial_assessment_non_residential"),
}
METRICS = ("waiting", "median_days", "max_days", "over_28_pct")
DAYS = ("calendar", "working")
SNAPSHOT_COLUMNS = ["as_of", "queue", *METRICS]

EXTRACT_COLUMNS = [
    Column("person_id", "str", description="pseudonymous person id"),
    Column("queue", "str", choices=QUEUES, description="the waiting list"),
    Column("requested_date", "date", description="date of the request; for reviews the date the review fell due"),
    Column("allocated_date", "date", nullable=True, description="date the request was allocated"),
    Column("closed_date", "date", nullable=True, description="date the request was closed"),
]
EXTRACT_KEY = ["person_id", "queue", "requested_date"]

FIGURE_COLUMNS = [
    Column("pack", "date", description="meeting whose pack prints the figure"),
    Column("queue", "str", description="extract queue, or a group (financial_assessment) or service"),
    Column("measure", "str", description="metric name; snapshot metrics use the snapshot_metrics column names"),
    Column("role", "str", choices=("current", "baseline", "previous", "target", "national_average")),
    Column("as_of", "date", nullable=True, description="date the figure (or a target's reference level) stands at"),
    Column("as_of_printed", "str", nullable=True, description="the date as printed"),
    Column("as_of_basis", "str", nullable=True, description="how as_of was read: printed, month end, plan date"),
    Column("due", "date", nullable=True, description="a target's delivery date (the printed month's last day)"),
    Column("due_printed", "str", nullable=True, description="the delivery date as printed"),
    Column("operator", "str", nullable=True, choices=("<=", "<", ">=", ">"), description="target operator"),
    Column("days", "str", nullable=True, choices=DAYS, description="calendar or working days"),
    Column("days_basis", "str", nullable=True, choices=("printed", "assumed"),
           description="whether the pack says which days (printed) or the reading is ours (assumed)"),
    Column("definition", "str", description="what is counted; figures are comparable only within a definition"),
    Column("comparable", "bool", description="whether snapshot_metrics on the extract computes this figure"),
]


# --- loaders -----------------------------------------------------------------

DATE_COLUMNS = ("requested_date", "allocated_date", "closed_date")


def load_waiting_list(path: str | Path, extract_date=None) -> pd.DataFrame:
    """Read a waiting-list extract (CSV, XLSX or Parquet), one row per person per request.

    Rejects, naming the row and column: an unknown queue, an unparseable or
    empty requested date, an unparseable allocated/closed date, an allocation
    or closure before the request, a duplicate request (same person, queue and
    requested date), and with ``extract_date`` any date after it.  Every
    problem is listed; no row is dropped.
    """
    path = Path(path)
    raw = read_table(path)
    problems = []
    if set(DATE_COLUMNS) <= set(raw.columns):
        # dates out of order, among the dates that parse (the others are reported below)
        asked = pd.to_datetime(raw["requested_date"].str.strip(), format="%Y-%m-%d", errors="coerce")
        for col in ("allocated_date", "closed_date"):
            when = pd.to_datetime(raw[col].str.strip(), format="%Y-%m-%d", errors="coerce")
            for row in raw.index[(when < asked).to_numpy()]:
                problems.append(Problem(
                    column=col, row=int(row),
                    expected=f"a date on or after requested_date {asked[row].date()}",
                    found=str(when[row].date()),
                ))
    if extract_date is not None:
        limit = pd.Timestamp(extract_date)
        for col in DATE_COLUMNS:
            if col not in raw.columns:
                continue
            when = pd.to_datetime(raw[col].str.strip(), format="%Y-%m-%d", errors="coerce")
            for row in raw.index[(when > limit).to_numpy()]:
                problems.append(Problem(column=col, row=int(row), found=str(when[row].date()),
                                        expected=f"a date on or before the extract date {limit.date()}"))
    try:
        frame = parse_frame(raw, EXTRACT_COLUMNS, path, unique=EXTRACT_KEY)
    except LoaderError as exc:
        if not problems:
            raise
        problems = exc.problems + problems
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise LoaderError(path, problems)
    return frame.reset_index(drop=True)


def load_extract(waiting_list_path: str | Path) -> pd.DataFrame:
    """A meeting's extract (:func:`extract_path`), loaded with no date allowed
    after the day it is read: a date in the future is a typing slip."""
    return load_waiting_list(extract_path(waiting_list_path), extract_date=pd.Timestamp.today().normalize())


def load_figures(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The published waiting figures and targets of both packs."""
    return load_published("waiting_figures", FIGURE_COLUMNS, data_dir=data_dir,
                          unique=["pack", "queue", "measure", "role", "as_of", "operator", "value"])


TARGET_COLUMNS = ["pack", "queue", "measure", "definition", "as_of", "operator", "value", "unit", "days", "due",
                  "due_printed", "printed", "source", "lines"]


def targets(figures: pd.DataFrame, meeting_date=None, comparable: bool | None = True) -> pd.DataFrame:
    """The targets in force, as data.

    ``meeting_date``: only targets printed in a pack of that meeting or
    earlier, and of those the latest pack's for each (queue, measure,
    definition); None takes every pack.  ``comparable``: True (the default)
    keeps the targets the extract's snapshot can be judged against, False the
    others, None all.
    """
    t = figures[figures["role"] == "target"]
    if comparable is not None:
        t = t[t["comparable"] == comparable]
    if meeting_date is not None:
        t = t[t["pack"] <= pd.Timestamp(meeting_date)]
        t = t[t["pack"] == t.groupby(["queue", "measure", "definition"])["pack"].transform("max")]
    return t[TARGET_COLUMNS].reset_index(drop=True)


def _bound_queues(queue: str, measure: str) -> tuple[str, ...]:
    """The queues a target binds: a group's median or maximum target binds
    each member queue; a count target binds the queue (or group) itself."""
    return (queue,) if measure == "waiting" else QUEUE_GROUPS.get(queue, (queue,))


def _target_queues(queue: str) -> tuple[str, ...]:
    """The queue itself and the groups it belongs to (a group's target binds its members)."""
    return (queue, *[g for g, members in QUEUE_GROUPS.items() if queue in members])


def _judge(value, operator: str, target: float, waiting=None, amber_margin: float = 0.1) -> tuple[str, float]:
    """(RAG status, gap): the gap is how far the value is on the wrong side of the target (0 when met)."""
    value = float(value) if not pd.isna(value) else float("nan")
    status = rag(value, operator, float(target), waiting, amber_margin)
    return status, 0.0 if status == "green" or math.isnan(value) else abs(value - float(target))


def published_judged(figures: pd.DataFrame, meeting_date, amber_margin: float = 0.1) -> pd.DataFrame:
    """A pack's own printed figures against the targets in force at that
    meeting with the same measure and definition (a group's target binds its
    member queues, as in :func:`against_targets`).

    A target with a reference date (the 2024 dashboard's "position as at 1st
    Jan 2023") judges only figures on or after that date.  ``days_note`` says
    when a figure's days and its target's days differ or were assumed.
    """
    meeting_date = pd.Timestamp(meeting_date)
    plan = targets(figures, meeting_date, comparable=None)
    shown = figures[(figures["pack"] == meeting_date) & figures["role"].isin(["current", "previous", "baseline"])]
    rows = []
    for rec in shown.itertuples(index=False):
        match = plan[plan["queue"].isin(_target_queues(rec.queue)) & (plan["measure"] == rec.measure)
                     & (plan["definition"] == rec.definition)]
        for t in match.itertuples(index=False):
            if not pd.isna(t.as_of) and rec.as_of < t.as_of:
                continue
            status, gap = _judge(rec.value, t.operator, t.value, amber_margin=amber_margin)
            note = ""
            if isinstance(t.days, str) and rec.days != t.days:
                note = f"figure in {rec.days or '?'} days ({rec.days_basis or 'not printed'}), target in {t.days} days"
            elif rec.days_basis == "assumed":
                note = f"figure's {rec.days} days assumed"
            rows.append({"queue": rec.queue, "measure": rec.measure, "role": rec.role, "as_of": rec.as_of,
                         "definition": rec.definition, "value": rec.value, "unit": rec.unit, "operator": t.operator,
                         "target": t.value, "target_queue": t.queue, "gap": gap, "status": status, "due": t.due,
                         "days_note": note, "printed": rec.printed, "target_printed": t.printed,
                         "source": rec.source, "lines": rec.lines})
    columns = ["queue", "measure", "role", "as_of", "definition", "value", "unit", "operator", "target",
               "target_queue", "gap", "status", "due", "days_note", "printed", "target_printed", "source", "lines"]
    return pd.DataFrame(rows, columns=columns)


# --- days --------------------------------------------------------------------

@lru_cache(maxsize=None)
def _england_holidays(first_year: int, last_year: int) -> tuple:
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return tuple(sorted(np.datetime64(d, "D") for d in found))


def england_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England bank holidays (with substitute days) from the ``holidays`` package."""
    return np.array(_england_holidays(first_year, last_year), dtype="datetime64[D]")


def _working_index(lo: int, hi: int):
    """cw[x - lo] = number of England working days in (lo, x], for days lo..hi (ints since epoch)."""
    days = np.arange(lo, hi + 1).astype("datetime64[D]")
    y0 = int(str(days[0])[:4]) if len(days) else 2000
    y1 = int(str(days[-1])[:4]) if len(days) else 2000
    work = np.is_busday(days, holidays=england_holidays(y0, y1))
    work[0] = False
    return np.cumsum(work)


def working_days_between(start, end) -> np.ndarray:
    """England working days d with start < d <= end (element-wise)."""
    s = np.asarray(pd.to_datetime(pd.Series(start)).to_numpy("datetime64[D]"))
    e = np.asarray(pd.to_datetime(pd.Series(end)).to_numpy("datetime64[D]"))
    years = pd.DatetimeIndex(np.concatenate([s, e])).year
    hol = england_holidays(int(years.min()), int(years.max()))
    return np.busday_count(s + 1, e + 1, holidays=hol)


# --- snapshot metrics --------------------------------------------------------

_OPEN = np.iinfo(np.int64).max // 4


def _dates(as_of) -> np.ndarray:
    if isinstance(as_of, (str, date, pd.Timestamp, np.datetime64)):
        as_of = [as_of]
    values = pd.to_datetime(pd.Series(list(as_of), dtype=object)).to_numpy("datetime64[D]")
    return np.unique(values)


def _day_ints(series: pd.Series) -> np.ndarray:
    values = pd.to_datetime(series).to_numpy("datetime64[D]")
    out = values.astype(np.int64)
    out[np.isnat(values)] = _OPEN
    return out


def _ends(waiting_list: pd.DataFrame) -> np.ndarray:
    """The day each wait ends: the earlier of allocation and closure (open: a far future day)."""
    return np.minimum(_day_ints(waiting_list["allocated_date"]), _day_ints(waiting_list["closed_date"]))


def _empty_result(dates: np.ndarray) -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([pd.DatetimeIndex(dates.astype("datetime64[ns]")), QUEUES],
                                     names=["as_of", "queue"])
    return idx.to_frame(index=False)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame["as_of"] = pd.to_datetime(frame["as_of"]).astype("datetime64[ns]")
    frame["queue"] = frame["queue"].astype(object)
    frame["waiting"] = frame["waiting"].astype("int64")
    frame["median_days"] = frame["median_days"].astype("float64")
    frame["max_days"] = frame["max_days"].astype("Int64")
    frame["over_28_pct"] = frame["over_28_pct"].astype("float64")
    return frame[SNAPSHOT_COLUMNS].reset_index(drop=True)


def _queue_snapshot(req: np.ndarray, end: np.ndarray, q: np.ndarray, cw, cw_lo: int, chunk_cells: int):
    """Metrics for one queue at sorted unique dates q (ints).

    The waiting set at D = q[i] is {req <= D < end}: each row waits at the
    date indices first..stop-1.  Rows are grouped by their requested day (the
    distinct days r present).  A 2-D difference array over (date index, r):
    +count(r) where the rows of r start waiting (all rows of a day start at
    the same date index), -1 where each row stops; a cumulative sum down the
    dates gives W[i, r], the rows of day r waiting at q[i]; a cumulative sum
    across r gives, for each date, the order statistics of the requested days
    of those waiting.  The median and maximum waits are the waits of the middle
    and first of them (waits fall as requested days rise, in calendar and in
    working days alike).  No pass over the extract per date.
    """
    m = len(q)
    waiting = np.zeros(m, np.int64)
    median = np.full(m, np.nan)
    maximum = np.full(m, np.nan)
    over = np.zeros(m, np.int64)
    keep = (end > req) & (req <= q[-1]) & (end > q[0])
    req, end = req[keep], end[keep]
    if len(req) == 0:
        return waiting, median, maximum, over
    # date index of a day: the first date on or after it (a lookup table over q's span)
    table = np.searchsorted(q, np.arange(q[0], q[-1] + 2), side="left")
    last = len(table) - 1
    stop = table[np.clip(end - q[0], 0, last)]
    # the distinct requested days, without sorting the rows
    lo = int(req.min())
    counts_by_day = np.bincount(req - lo)
    present = np.flatnonzero(counts_by_day)
    r_vals = lo + present
    r_count = counts_by_day[present]
    rank = np.zeros(len(counts_by_day), np.int64)
    rank[present] = np.arange(len(present))
    r_idx = rank[req - lo]
    r_first = table[np.clip(r_vals - q[0], 0, last)]
    R = len(r_vals)
    block = max(1, chunk_cells // R)
    cols = np.arange(R)
    for i0 in range(0, m, block):
        i1 = min(m, i0 + block)
        width = i1 - i0
        s_local = np.clip(stop - i0, 0, width)
        diff = -np.bincount(s_local * R + r_idx, minlength=(width + 1) * R).reshape(width + 1, R)
        f_local = np.clip(r_first - i0, 0, width)
        diff[f_local, cols] += r_count          # one entry per requested day: no repeats
        small = width * (len(req) + 1) < 2**31   # int32 halves the memory traffic when it cannot overflow
        grid = np.cumsum(diff[:width], axis=0, dtype=np.int32 if small else np.int64)  # W[i, r]
        np.cumsum(grid, axis=1, out=grid)       # cumulative over requested days
        n = grid[:, -1].copy()
        waiting[i0:i1] = n
        # order statistics: search the rows laid end to end
        offset = (np.arange(width, dtype=np.int64) * (int(n.max()) + 1)).astype(grid.dtype)
        grid += offset[:, None]
        flat = grid.ravel()
        base = np.arange(width, dtype=np.int64) * R

        def day_of_rank(k):
            pos = np.searchsorted(flat, k + offset, side="right") - base
            return r_vals[np.clip(pos, 0, R - 1)]

        dates = q[i0:i1]
        if cw is None:
            wait = lambda r: (dates - r).astype(float)  # noqa: E731
            cutoff = np.searchsorted(r_vals, dates - 28, side="left")
        else:
            cw_dates = cw[dates - cw_lo]
            wait = lambda r: (cw_dates - cw[r - cw_lo]).astype(float)  # noqa: E731
            cutoff = np.searchsorted(cw[r_vals - cw_lo], cw_dates - 28, side="left")
        has = n > 0
        med = (wait(day_of_rank((n - 1) // 2)) + wait(day_of_rank(n // 2))) / 2
        mx = wait(day_of_rank(np.zeros(width, np.int64)))
        median[i0:i1] = np.where(has, med, np.nan)
        maximum[i0:i1] = np.where(has, mx, np.nan)
        rows = np.arange(width)
        over[i0:i1] = np.where(cutoff > 0, grid[rows, np.maximum(cutoff - 1, 0)] - offset, 0)
    return waiting, median, maximum, over


def _queue_codes(queue: pd.Series) -> np.ndarray:
    """Position of each row's queue in QUEUES (-1 for anything else), by hashing."""
    codes, uniques = pd.factorize(queue)
    lookup = np.array([QUEUES.index(u) if u in QUEUES else -1 for u in uniques] + [-1], dtype=np.int64)
    return lookup[codes].astype(np.int8)


def _working_lookup(req: np.ndarray, q: np.ndarray, days: str):
    """(cw, cw_lo) for :func:`_queue_snapshot`: None for calendar days, else the
    cumulative count of England working days from just before the first request or date."""
    if days != "working" or not len(req):
        return None, 0
    cw_lo = int(min(req.min(), q.min())) - 1
    return _working_index(cw_lo, int(q.max())), cw_lo


def snapshot_metrics(waiting_list: pd.DataFrame, as_of, days: str = "calendar",
                     chunk_cells: int = 4_000_000) -> pd.DataFrame:
    """The open-case snapshot: one row per (as_of, queue), for every queue.

    Columns: ``as_of``, ``queue``, ``waiting`` (people waiting on that date),
    ``median_days`` (mean of the two middle waits when the count is even),
    ``max_days``, ``over_28_pct`` (percentage waiting strictly more than 28
    days, unrounded).  An empty queue has waiting 0 and empty median, maximum
    and percentage.  ``as_of``: one date or a sequence (sorted, deduplicated in
    the output).  Vectorised: no scan of the extract per date.
    """
    if days not in DAYS:
        raise ValueError(f"days must be one of {', '.join(DAYS)}, not {days!r}")
    dates = _dates(as_of)
    out = _empty_result(dates)
    if len(dates) == 0:
        return _finish(out.assign(waiting=0, median_days=np.nan, max_days=np.nan, over_28_pct=np.nan))
    q = dates.astype(np.int64)
    req = _day_ints(waiting_list["requested_date"])
    end = _ends(waiting_list)
    codes = _queue_codes(waiting_list["queue"])
    cw, cw_lo = _working_lookup(req, q, days)
    cols = {k: np.zeros((len(q), len(QUEUES))) for k in METRICS}
    for j, name in enumerate(QUEUES):
        part = codes == j
        for k, v in _queue_metrics(req[part], end[part], q, cw, cw_lo, chunk_cells).items():
            cols[k][:, j] = v
    for k in METRICS:
        out[k] = cols[k].ravel()
    return _finish(out)


def _queue_metrics(req, end, q, cw, cw_lo, chunk_cells: int) -> dict:
    """One queue's snapshot metrics at the day numbers ``q``: count waiting,
    median and maximum wait, and the percentage waiting over 28 days."""
    w, med, mx, over = _queue_snapshot(req, end, q, cw, cw_lo, chunk_cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(w > 0, 100.0 * over / np.maximum(w, 1), np.nan)
    return {"waiting": w, "median_days": med, "max_days": mx, "over_28_pct": pct}


def snapshot_metrics_loop(waiting_list: pd.DataFrame, as_of, days: str = "calendar") -> pd.DataFrame:
    """The same definition as :func:`snapshot_metrics`, one plain pandas pass per date.

    The reference implementation: obviously right, and slow (it scans the
    whole extract once per date).  Working days use ``numpy.busday_count``.
    """
    dates = _dates(as_of)
    end = pd.Series(_ends(waiting_list), index=waiting_list.index)
    req_d = pd.to_datetime(waiting_list["requested_date"]).to_numpy("datetime64[D]")
    req = pd.Series(req_d.astype(np.int64), index=waiting_list.index)
    hol = None
    if days == "working":
        years = pd.DatetimeIndex(np.concatenate([req_d, dates])).year
        hol = england_holidays(int(years.min()), int(years.max()))
    parts = []
    for d in dates:
        day = int(d.astype(np.int64))
        mask = (req <= day) & (end > day)
        sub = waiting_list.loc[mask, ["queue"]].copy()
        if days == "calendar":
            sub["wait"] = day - req[mask]
        else:
            sub["wait"] = np.busday_count(req_d[mask.to_numpy()] + 1, d + 1, holidays=hol)
        sub["over"] = (sub["wait"] > 28).astype("int64")
        stats = sub.groupby("queue").agg(
            waiting=("wait", "size"), median_days=("wait", "median"), max_days=("wait", "max"), over=("over", "sum"),
        ).reindex(list(QUEUES))
        stats["waiting"] = stats["waiting"].fillna(0)
        stats["over_28_pct"] = np.where(stats["waiting"] > 0, 100.0 * stats["over"] / stats["waiting"].clip(lower=1), np.nan)
        stats["as_of"] = pd.Timestamp(d)
        parts.append(stats.rename_axis("queue").reset_index())
    if not parts:
        return _finish(_empty_result(dates).assign(waiting=0, median_days=np.nan, max_days=np.nan, over_28_pct=np.nan))
    return _finish(pd.concat(parts, ignore_index=True))


def group_metrics(metrics: pd.DataFrame) -> pd.DataFrame:
    """Counts of the queue groups (``financial_assessment`` = both financial queues)."""
    rows = []
    for group, members in QUEUE_GROUPS.items():
        part = metrics[metrics["queue"].isin(members)].groupby("as_of", as_index=False)["waiting"].sum()
        rows.append(part.assign(queue=group))
    return pd.concat(rows, ignore_index=True)[["as_of", "queue", "waiting"]]


def _snapshot(snapshots: dict | None, waiting_list: pd.DataFrame, as_of, days: str) -> pd.DataFrame:
    """:func:`snapshot_metrics` in ``days``, taken from ``snapshots`` (by days
    basis, at the same dates) when the caller holds it, computed once into
    it otherwise."""
    if snapshots is None:
        return snapshot_metrics(waiting_list, as_of, days=days)
    if days not in snapshots:
        snapshots[days] = snapshot_metrics(waiting_list, as_of, days=days)
    return snapshots[days]


# --- targets, flow, completed waits -------------------------------------------

def _meets(value: float, operator: str, target: float) -> bool:
    return {"<=": value <= target, "<": value < target, ">=": value >= target, ">": value > target}[operator]


def rag(value: float, operator: str, target: float, waiting: int | None = None, amber_margin: float = 0.1) -> str:
    """Green when the target is met; amber when missed by no more than
    ``amber_margin`` of the target; red otherwise.  A median or maximum of an
    empty queue (nobody waiting) meets its target."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "green" if waiting == 0 else "grey"
    if _meets(float(value), operator, target):
        return "green"
    return "amber" if abs(float(value) - target) <= amber_margin * abs(target) + 1e-9 else "red"


JUDGED_COLUMNS = ["as_of", "queue", "measure", "days", "operator", "target", "value", "gap", "status", "due",
                  "target_printed"]


def against_targets(waiting_list: pd.DataFrame, as_of, plan_targets: pd.DataFrame,
                    amber_margin: float = 0.1, snapshots: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Each metric against each plan target, at each date: value, gap and RAG.

    ``plan_targets`` is :func:`targets` (data, not code).  A target on a queue
    group (``financial_assessment``) is judged on the group's total for counts
    and on each member queue for medians and maxima.  ``gap`` is how far the
    value is on the wrong side of the target (0 when met).  ``snapshots``:
    :func:`snapshot_metrics` at ``as_of`` by days basis, where the caller
    already has them.
    """
    metrics = {}
    for basis in sorted(set(plan_targets["days"].fillna("calendar"))):
        m = _snapshot(snapshots, waiting_list, as_of, basis)
        metrics[basis] = pd.concat([m, group_metrics(m)], ignore_index=True)
    rows = []
    for t in plan_targets.itertuples(index=False):
        basis = t.days if isinstance(t.days, str) else "calendar"
        m = metrics[basis]
        queues = list(_bound_queues(t.queue, t.measure))
        for rec in m[m["queue"].isin(queues)].itertuples(index=False):
            value = getattr(rec, t.measure)
            value = float(value) if not pd.isna(value) else float("nan")
            status, gap = _judge(value, t.operator, t.value, rec.waiting, amber_margin)
            rows.append({
                "as_of": rec.as_of, "queue": rec.queue, "measure": t.measure, "days": basis,
                "operator": t.operator, "target": t.value, "value": value, "gap": gap, "status": status,
                "due": t.due if "due" in plan_targets else pd.NaT, "target_printed": t.printed,
            })
    out = pd.DataFrame(rows, columns=JUDGED_COLUMNS)
    return out.sort_values(["queue", "measure", "target", "as_of"], kind="mergesort").reset_index(drop=True)


def weekly_flow(waiting_list: pd.DataFrame, week_ends) -> pd.DataFrame:
    """Requests added, allocated and closed per week, per queue.

    Each week is the 7 days ending on a date of ``week_ends`` (D-6 .. D).  A
    wait ends by allocation when allocated on or before any closure, otherwise
    by closure.  ``net`` = added - allocated - closed equals the change in the
    waiting count over the week (``waiting`` is the snapshot at D).
    """
    dates = _dates(week_ends)
    req = _day_ints(waiting_list["requested_date"])
    alloc = _day_ints(waiting_list["allocated_date"])
    close = _day_ints(waiting_list["closed_date"])
    end = np.minimum(alloc, close)
    by_alloc = (alloc <= close) & (alloc < _OPEN)
    queue = waiting_list["queue"].to_numpy(dtype=object)
    snap = snapshot_metrics(waiting_list, dates)
    rows = []
    q = dates.astype(np.int64)
    for name in QUEUES:
        mask = queue == name
        r = np.sort(req[mask])
        ea = np.sort(end[mask & by_alloc])
        ec = np.sort(end[mask & ~by_alloc & (end < _OPEN)])

        def per_week(v):
            return np.searchsorted(v, q, side="right") - np.searchsorted(v, q - 7, side="right")

        rows.append(pd.DataFrame({
            "week_ending": pd.DatetimeIndex(dates.astype("datetime64[ns]")), "queue": name,
            "added": per_week(r), "allocated": per_week(ea), "closed": per_week(ec),
        }))
    out = pd.concat(rows, ignore_index=True)
    out["net"] = out["added"] - out["allocated"] - out["closed"]
    out = out.merge(snap[["as_of", "queue", "waiting"]].rename(columns={"as_of": "week_ending"}),
                    on=["week_ending", "queue"])
    return out.sort_values(["queue", "week_ending"], kind="mergesort").reset_index(drop=True)


def weeks_to_target(judged: pd.DataFrame, window_weeks: int = 8, flow: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weeks to reach each target at the current rate, and whether that is by
    the target's delivery date.

    ``judged``: :func:`against_targets` at weekly dates.  For a count
    (``waiting``) with ``flow`` (:func:`weekly_flow` over the same weeks) the
    rate is the mean weekly net flow (added - allocated - closed) over the
    last ``window_weeks`` weeks, summed over a group's queues.  For a median
    or maximum, which has no flow, the rate is the metric's change per week
    over the same window, a proxy (``rate_basis`` says which).  ``weeks`` is 0
    when the target is met and empty when the metric is not moving towards it;
    ``weeks_left`` counts whole weeks from the last date to ``due``;
    ``on_track`` is whether ``weeks`` fits in them.
    """
    net = None
    if flow is not None and len(flow):
        last = flow["week_ending"].max()
        recent = flow[flow["week_ending"] > last - pd.Timedelta(weeks=window_weeks)]
        net = recent.groupby("queue")["net"].sum() / recent["week_ending"].nunique()
        for group, members in QUEUE_GROUPS.items():
            net[group] = net.reindex(list(members)).sum()
    rows = []
    for (queue, measure, target, operator), part in judged.groupby(["queue", "measure", "target", "operator"], sort=True):
        part = part.sort_values("as_of")
        now = part.iloc[-1]
        if measure == "waiting" and net is not None and queue in net.index:
            rate, basis = float(net[queue]), f"net flow per week, mean of the last {window_weeks} weeks"
        else:
            then = part[part["as_of"] <= now["as_of"] - pd.Timedelta(weeks=window_weeks)]
            start = then.iloc[-1] if len(then) else part.iloc[0]
            span = max((now["as_of"] - start["as_of"]).days / 7, 1e-9)
            rate = ((now["value"] - start["value"]) / span if not (pd.isna(now["value"]) or pd.isna(start["value"]))
                    else float("nan"))
            basis = f"change of the metric per week over the last {window_weeks} weeks (proxy)"
        weeks = _weeks_needed(now["status"], now["gap"], rate, operator)
        due = now["due"] if "due" in part else pd.NaT
        left = float((due - now["as_of"]).days // 7) if not pd.isna(due) else float("nan")
        rows.append({"queue": queue, "measure": measure, "operator": operator, "target": target,
                     "as_of": now["as_of"], "value": now["value"], "rate_per_week": rate, "rate_basis": basis,
                     "weeks": weeks, "due": due, "weeks_left": left, "on_track": _on_track(weeks, left)})
    return pd.DataFrame(rows, columns=["queue", "measure", "operator", "target", "as_of", "value", "rate_per_week",
                                       "rate_basis", "weeks", "due", "weeks_left", "on_track"])


def _weeks_needed(status: str, gap: float, rate: float, operator: str) -> float:
    """Whole weeks to close ``gap`` at ``rate`` a week (0 when met, NaN when not moving towards the target)."""
    if status == "green":
        return 0.0
    towards = -rate if operator in ("<=", "<") else rate
    return float(math.ceil(gap / towards)) if towards > 0 else float("nan")


def _on_track(weeks: float, weeks_left: float):
    """True/False when both are known, else missing."""
    if math.isnan(weeks_left):
        return pd.NA
    return bool(not math.isnan(weeks) and weeks <= weeks_left)


def completed_waits(waiting_list: pd.DataFrame, period_ends, period_days: int = 28) -> pd.DataFrame:
    """The completed-wait median (DHSC-style): the median wait of requests whose
    wait *ended* (allocated or closed) in the ``period_days`` days ending on each
    date.  It can fall while the open backlog grows; it is not the open-case
    snapshot of :func:`snapshot_metrics`."""
    dates = _dates(period_ends)
    req = _day_ints(waiting_list["requested_date"])
    end = _ends(waiting_list)
    done = end < _OPEN
    queue, end, wait = waiting_list["queue"].to_numpy(dtype=object)[done], end[done], (end - req)[done]
    q = dates.astype(np.int64)
    ended = np.zeros((len(q), len(QUEUES)), dtype=np.int64)
    median = np.full((len(q), len(QUEUES)), np.nan)
    for j, name in enumerate(QUEUES):
        # each queue's ended waits by end day: a period is one slice of them
        mine = queue == name
        order = np.argsort(end[mine], kind="stable")
        e, w = end[mine][order], wait[mine][order]
        lo, hi = np.searchsorted(e, q - period_days, side="right"), np.searchsorted(e, q, side="right")
        ended[:, j] = hi - lo
        for i in np.flatnonzero(hi > lo):
            median[i, j] = np.median(w[lo[i]:hi[i]])
    out = pd.DataFrame({"period_end": pd.DatetimeIndex(np.repeat(dates, len(QUEUES))).astype("datetime64[s]"),
                        "queue": pd.Series(list(QUEUES) * len(q), dtype="str"),
                        "ended": ended.ravel(), "completed_median_days": median.ravel()})
    out["period_days"] = period_days
    out["definition"] = "completed waits: median of waits that ended in the period"
    return out[["period_end", "queue", "period_days", "ended", "completed_median_days", "definition"]]


# --- synthetic extract -------------------------------------------------------

SEED = 20260119
EXTRACT_DATE = "2026-01-05"
BACKGROUND_START = "2023-07-01"
#: Mean wait (days) of the background flow of each queue and the level used
#: where no published count says otherwise.
BACKGROUND = {
    "care_act_assessment": (30, 500),
    "carer_assessment": (20, 150),
    "financial_assessment_residential": (25, 90),
    "financial_assessment_non_residential": (20, 110),
    "ot_assessment": (45, 300),
    "annual_review": (45, 1200),
}
#: Choices where the plan prints nothing, at the published as-of dates:
#: the count or maximum of a set the plan describes only in part, and how a
#: group total splits between its queues.  They are choices, not published figures.
CHOICES = {
    ("care_act_assessment", "2024-12-29"): {"max_days": 238},
    ("care_act_assessment", "2025-12-28"): {"max_days": 131},
    ("financial_assessment_residential", "2025-06-30"): {"waiting": 110},
    ("financial_assessment_non_residential", "2025-06-30"): {"waiting": 150},
    ("financial_assessment_residential", "2025-12-28"): {"waiting": 40},
    ("annual_review", "2025-07-31"): {"waiting": 1900},
}
#: Share of a group total given to each member queue.
GROUP_SHARE = {"financial_assessment_residential": 0.45, "financial_assessment_non_residential": 0.55}


def synthetic_specs(figures: pd.DataFrame) -> list[dict]:
    """The published as-of figures the synthetic extract must reproduce, per
    (queues, date): from the comparable current and baseline rows, plus
    :data:`CHOICES`."""
    pub = figures[figures["comparable"] & figures["role"].isin(["current", "baseline"]) & figures["as_of"].notna()]
    specs: dict[tuple, dict] = {}
    for rec in pub.itertuples(index=False):
        key = (rec.queue, rec.as_of.date().isoformat())
        specs.setdefault(key, {})[rec.measure] = float(rec.value)
    for key, extra in CHOICES.items():
        specs.setdefault(key, {})
        for k, v in extra.items():
            specs[key].setdefault(k, v)
    # a group total with one member's count chosen fixes the other
    for (queue, day), spec in list(specs.items()):
        if queue in QUEUE_GROUPS and "waiting" in spec:
            members = QUEUE_GROUPS[queue]
            known = [m for m in members if "waiting" in specs.get((m, day), {})]
            if len(known) == len(members) - 1:
                other = next(m for m in members if m not in known)
                specs.setdefault((other, day), {})["waiting"] = spec["waiting"] - sum(specs[(m, day)]["waiting"] for m in known)
                del spec["waiting"]
    out = []
    for (queue, day), spec in sorted(specs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if spec:
            out.append({"queues": QUEUE_GROUPS.get(queue, (queue,)), "date": day, **spec})
    return out


def _skewed(rng, lo: int, hi: int, size: int, power: float = 1.6) -> np.ndarray:
    """Whole numbers in [lo, hi], more of them near lo."""
    if size <= 0:
        return np.zeros(0, np.int64)
    return lo + np.floor((hi - lo + 1) * rng.random(size) ** power).astype(np.int64).clip(0, hi - lo)


def _set_waits(rng, n: int, median: float | None, maximum: int | None, over_pct: float | None) -> np.ndarray:
    """n waits with exactly this median, maximum and over-28 percentage (whole percent)."""
    if n <= 0:
        return np.zeros(0, np.int64)
    if median is None:
        waits = _skewed(rng, 0, maximum, n, power=3.0)
        waits[0] = maximum
        return waits
    m = int(median)
    if median != m:
        raise ValueError("synthetic sets use whole-day medians")
    maximum = int(maximum if maximum is not None else 4 * m + 20)
    mids = [(n - 1) // 2] if n % 2 else [n // 2 - 1, n // 2]
    a, b = mids[0], n - 1 - mids[-1]
    if b == 0 and maximum != m:
        raise ValueError("one waiter: the median is the maximum")
    over = None
    if over_pct is not None:
        over = int(reconcile.round_half_away(over_pct * n / 100))
        if reconcile.round_half_away(100 * over / n) != over_pct:
            raise ValueError(f"no count of {n} gives {over_pct}% exactly")
    if m <= 28:
        lower = _skewed(rng, 0, m, a)
        if over is None:
            upper = _skewed(rng, m, maximum, b)
        else:
            if not (maximum > 28) <= (over >= 1) or over > b:
                raise ValueError("over-28 count impossible with this median and maximum")
            upper = np.concatenate([_skewed(rng, 29, maximum, over), _skewed(rng, m, 28, b - over)])
    else:
        upper = _skewed(rng, m, maximum, b)
        if over is None:
            lower = _skewed(rng, 0, m, a)
        else:
            extra = over - b - len(mids)
            if not 0 <= extra <= a:
                raise ValueError("over-28 count impossible with this median")
            lower = np.concatenate([_skewed(rng, 29, m, extra), _skewed(rng, 0, 28, a - extra)])
    if b:
        upper[0] = maximum
    return np.concatenate([lower, np.full(len(mids), m), upper]).astype(np.int64)


def synthetic_waiting_list(figures: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """A labelled synthetic extract that reproduces every published as-of figure.

    At each published as-of date the set of people waiting is built to have
    the published count, median, maximum and over-28 percentage exactly (with
    :data:`CHOICES` where the plan prints nothing); a background flow of
    requests from mid-2023 to the extract date fills the time between, and is
    never waiting on a published date.  Deterministic for a seed.
    """
    rng = np.random.default_rng(seed)
    specs = synthetic_specs(figures)
    extract = np.datetime64(EXTRACT_DATE, "D").astype(np.int64)
    protected: dict[str, list[int]] = {q: [] for q in QUEUES}
    for s in specs:
        for q in s["queues"]:
            protected[q].append(np.datetime64(s["date"], "D").astype(np.int64))
    protected = {q: sorted(set(v)) for q, v in protected.items()}
    rows: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {q: [] for q in QUEUES}

    def waiting_at(queue, day):
        out = []
        for req, end in rows[queue]:
            out.append(day - req[(req <= day) & (end > day)])
        return np.concatenate(out) if out else np.zeros(0, np.int64)

    def end_after(day, queue, size):
        later = [d for d in protected[queue] if d > day]
        limit = later[0] if later else None
        ends = day + 1 + np.floor(rng.exponential(BACKGROUND[queue][0], size)).astype(np.int64)
        if limit is not None:
            ends = np.minimum(ends, day + 1 + np.floor(rng.random(size) * (limit - day)).astype(np.int64))
        return ends

    for s in sorted(specs, key=lambda s: s["date"], reverse=True):
        day = np.datetime64(s["date"], "D").astype(np.int64)
        carried = {q: waiting_at(q, day) for q in s["queues"]}
        if len(s["queues"]) > 1:       # a group total: split the remainder by share
            todo = int(s["waiting"]) - sum(len(c) for c in carried.values())
            if todo < 0:
                raise ValueError(f"{s}: more already waiting than the published total")
            first = int(round(todo * GROUP_SHARE[s["queues"][0]]))
            for q, k in zip(s["queues"], (first, todo - first)):
                earlier = [d for d in protected[q] if d < day]
                cap = int(day - earlier[-1] - 1) if earlier else 3 * BACKGROUND[q][0]
                waits = _skewed(rng, 0, min(cap, 3 * BACKGROUND[q][0]), k)
                rows[q].append((day - waits, end_after(day, q, k)))
            continue
        q = s["queues"][0]
        have = carried[q]
        if len(have) and any(k in s for k in ("median_days", "over_28_pct")):
            raise ValueError(f"{s}: the set overlaps a later one; choose a smaller maximum there")
        maximum = s.get("max_days")
        if maximum is not None and len(have) and have.max() > maximum:
            raise ValueError(f"{s}: a later set reaches back beyond this maximum")
        n = int(s.get("waiting", len(have) + 1)) - len(have)
        waits = _set_waits(rng, n, s.get("median_days"), None if maximum is None else int(maximum),
                           s.get("over_28_pct")) if not len(have) else _set_waits(rng, n, None, int(maximum), None)
        earlier = [d for d in protected[q] if d < day]
        if earlier and len(waits) and day - waits.max() <= earlier[-1] and any(
                k in sp for sp in specs if q in sp["queues"] and sp["date"] < s["date"]
                for k in ("median_days", "over_28_pct")):
            raise ValueError(f"{s}: the set reaches back to an earlier published date")
        rows[q].append((day - waits, end_after(day, q, len(waits))))

    # background flow: never waiting on a published date of its queue
    start = np.datetime64(BACKGROUND_START, "D").astype(np.int64)
    span = np.arange(start, extract + 1)
    for q in QUEUES:
        mean, level = BACKGROUND[q]
        points = [(start, level)] + [(d, len(waiting_at(q, d))) for d in protected[q] if d > start]
        levels = np.interp(span, [p[0] for p in points], [p[1] for p in points])
        # the sets built above already wait on these days: the flow adds the rest
        set_req = np.sort(np.concatenate([r for r, _ in rows[q]] or [np.zeros(0, np.int64)]))
        set_end = np.sort(np.concatenate([e for _, e in rows[q]] or [np.zeros(0, np.int64)]))
        in_sets = np.searchsorted(set_req, span, side="right") - np.searchsorted(set_end, span, side="right")
        counts = rng.poisson(np.maximum(levels - in_sets, 2) / mean)
        req = np.repeat(span, counts)
        end = req + np.floor(rng.exponential(mean, len(req))).astype(np.int64)
        for d in protected[q]:
            cross = (req <= d) & (end > d)
            end[cross] = req[cross] + np.floor(rng.random(cross.sum()) * (d - req[cross] + 1)).astype(np.int64)
        rows[q].append((req, end))

    parts = []
    for q in QUEUES:
        req = np.concatenate([r for r, _ in rows[q]])
        end = np.concatenate([e for _, e in rows[q]])
        closed = rng.random(len(req)) < 0.12
        open_ = end > extract
        alloc = np.where(closed | open_, _OPEN, end)
        close = np.where(closed & ~open_, end, _OPEN)
        parts.append(pd.DataFrame({"queue": q, "req": req, "alloc": alloc, "close": close}))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(["req", "queue", "alloc", "close"], kind="mergesort").reset_index(drop=True)
    ids = rng.permutation(len(frame)) + 1

    def iso(values):
        out = values.astype("datetime64[D]").astype(str).astype(object)
        out[values >= _OPEN] = ""
        return out

    return pd.DataFrame({
        "person_id": [f"SYN-{i:07d}" for i in ids],
        "queue": frame["queue"].to_numpy(),
        "requested_date": iso(frame["req"].to_numpy()),
        "allocated_date": iso(frame["alloc"].to_numpy()),
        "closed_date": iso(frame["close"].to_numpy()),
        "synthetic": "true",
    })


def synthetic_path(data_dir: str | Path | None = None) -> Path:
    return resolve_data_dir(data_dir) / "synthetic" / "waiting_list.csv"


def extract_path(waiting_list_path: str | Path) -> Path:
    """A meeting's ``waiting_list_path``: absolute, or relative to the repository root."""
    from .sources import ROOT

    path = Path(waiting_list_path)
    return path if path.is_absolute() else ROOT / path


def write_synthetic(path: str | Path | None = None, data_dir: str | Path | None = None, seed: int = SEED) -> Path:
    """Regenerate ``data/synthetic/waiting_list.csv`` (byte-identical for a seed)."""
    path = Path(path) if path else synthetic_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic_waiting_list(load_figures(data_dir), seed).to_csv(path, index=False, lineterminator="\n")
    return path


# --- published versus computed ---------------------------------------------

COMPARED_COLUMNS = ["queue", "measure", "role", "as_of", "as_of_printed", "as_of_basis", "days", "published",
                    "computed", "computed_unrounded", "source", "lines", "printed"]


def published_vs_computed(figures: pd.DataFrame, waiting_list: pd.DataFrame) -> pd.DataFrame:
    """Every comparable published as-of figure beside the same figure computed
    from the extract (percentages rounded half away from zero to the printed
    precision)."""
    pub = figures[figures["comparable"] & figures["role"].isin(["current", "baseline"]) & figures["as_of"].notna()]
    rows = []
    computed = {}
    for basis in DAYS:
        sub = pub[pub["days"].fillna("calendar") == basis]
        if len(sub):
            m = snapshot_metrics(waiting_list, sorted(set(sub["as_of"])), days=basis)
            computed[basis] = pd.concat([m, group_metrics(m)], ignore_index=True).set_index(["as_of", "queue"])
    for rec in pub.itertuples(index=False):
        basis = rec.days if isinstance(rec.days, str) else "calendar"
        value = computed[basis].at[(rec.as_of, rec.queue), rec.measure]
        value = float(value) if not pd.isna(value) else float("nan")
        shown = reconcile.round_half_away(value, reconcile.decimals_of(rec.printed)) if rec.measure == "over_28_pct" else value
        rows.append({"queue": rec.queue, "measure": rec.measure, "role": rec.role, "as_of": rec.as_of,
                     "as_of_printed": rec.as_of_printed, "as_of_basis": rec.as_of_basis, "days": basis,
                     "published": rec.value, "computed": shown, "computed_unrounded": value,
                     "source": rec.source, "lines": rec.lines, "printed": rec.printed})
    return pd.DataFrame(rows, columns=COMPARED_COLUMNS)


# --- findings ---------------------------------------------------------------

def projection_checks(figures: pd.DataFrame) -> list[dict]:
    """Each plan target with a delivery date, projected from the pack's own
    figures: the change per week from the earlier printed figure (baseline)
    to the current one, and the weeks that rate needs to close the gap,
    against the weeks from the current figure to the delivery date.  ``ok``
    when met or on course; ``review`` when the rate does not get there in
    time; ``missing`` when the pack prints no current figure or no earlier
    one to take a rate from."""
    rows = []
    plan = figures[(figures["role"] == "target") & figures["due"].notna()]
    for t in plan.itertuples(index=False):
        members = _bound_queues(t.queue, t.measure)
        for queue in members:
            mine = figures[(figures["pack"] == t.pack) & (figures["queue"] == queue) & (figures["measure"] == t.measure)
                           & (figures["definition"] == t.definition) & figures["as_of"].notna()]
            now = mine[mine["role"] == "current"]
            then = mine[mine["role"] == "baseline"]
            head = f"{queue} {t.measure} {t.operator} {t.value:g} by {t.due_printed}"
            if not len(now):
                rows.append(reconcile.finding(DOMAIN, "projection_vs_due", f"{head}: no current figure printed",
                                              None, None, t.source, t.lines, kind="missing", unit="weeks"))
                continue
            cur = now.iloc[0]
            left = float((t.due - cur["as_of"]).days // 7)
            status, gap = _judge(cur["value"], t.operator, t.value)
            if status == "green":
                rows.append(reconcile.finding(DOMAIN, "projection_vs_due", f"{head}: met ({cur['value']:g} on "
                                              f"{cur['as_of'].date()})", left, 0.0, cur["source"], cur["lines"],
                                              kind="ok", unit="weeks"))
                continue
            if not len(then):
                rows.append(reconcile.finding(
                    DOMAIN, "projection_vs_due", f"{head}: {cur['value']:g} on {cur['as_of'].date()}, no earlier "
                    "figure printed to project from", left, None, cur["source"], cur["lines"], kind="missing",
                    unit="weeks", detail=f"{left:g} weeks from {cur['as_of'].date()} to {t.due.date()}"))
                continue
            base = then.iloc[0]
            rate = (cur["value"] - base["value"]) / ((cur["as_of"] - base["as_of"]).days / 7)
            weeks = _weeks_needed(status, gap, rate, t.operator)
            on = _on_track(weeks, left)
            rows.append(reconcile.finding(
                DOMAIN, "projection_vs_due", f"{head}: from {base['value']:g} on {base['as_of'].date()} to "
                f"{cur['value']:g} on {cur['as_of'].date()}, weeks needed at that rate (published) against weeks "
                f"left to {t.due.date()}", left, weeks, cur["source"], cur["lines"],
                kind="ok" if on else "review", unit="weeks",
                detail=f"{rate:+.2f} a week; gap {gap:g}"))
    return rows


def _f(check, description, published, computed, rec, **kw):
    return reconcile.finding(DOMAIN, check, description, published, computed, rec.source, rec.lines, **kw)


def findings(data_dir: str | Path | None = None, figures: pd.DataFrame | None = None,
             extract: tuple[str | Path, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every check on the published waiting figures (and the synthetic extract when present).

    A caller that has already loaded them passes them on, so that they are
    not loaded twice: ``figures`` (:func:`load_figures` of ``data_dir``) and
    ``extract``, a meeting's ``waiting_list_path`` with its loaded extract
    (:func:`load_extract`), used when that file is the synthetic extract."""
    fig = load_figures(data_dir) if figures is None else figures
    rows = []
    snap = fig[fig["role"].isin(["current", "baseline", "previous"]) & fig["as_of"].notna()]
    by = {k: g.set_index("measure") for k, g in snap.groupby(["pack", "queue", "as_of"])}
    for (pack, queue, as_of), g in sorted(by.items()):
        day = as_of.date().isoformat()
        # more than half over 28 days <=> median over 28 days (whatever the rounding of the percentage)
        if {"median_days", "over_28_pct"} <= set(g.index):
            med, pct = g.loc["median_days"], g.loc["over_28_pct"]
            if pct["value"] != 50:
                expected = 1.0 if pct["value"] > 50 else 0.0
                got = 1.0 if med["value"] > 28 else 0.0
                rows.append(_f("median_vs_over_28", f"{queue} {day}: {pct['value']:g}% over 28 days implies a median "
                               f"{'over' if expected else 'of at most'} 28 days (1 = over 28)",
                               expected, got, med, unit="flag", tolerance=0.0,
                               detail=f"median {med['value']:g} days, {pct['value']:g}% over 28 days"))
        if {"median_days", "max_days"} <= set(g.index):
            med, mx = g.loc["median_days"], g.loc["max_days"]
            rows.append(_f("median_within_max", f"{queue} {day}: median ({med['value']:g}) at most the maximum",
                           mx["value"], max(mx["value"], med["value"]), mx, unit="days"))
        if {"waiting", "over_6_months", "over_6_months_pct"} <= set(g.index):
            n, k, pct = g.loc["waiting"], g.loc["over_6_months"], g.loc["over_6_months_pct"]
            computed = reconcile.round_half_away(float(100 * k["value"] / n["value"]))
            rows.append(_f("over_6_months_pct", f"{queue} {day} ({pack}): {k['value']:g} of {n['value']:g} "
                           "waiting over six months as a whole percent", pct["value"], computed, pct,
                           unit="percent", printed=pct["printed"], tolerance=0.0,
                           detail=f"unrounded {100 * k['value'] / n['value']:.2f}%"))

    plan = fig[fig["pack"] == pd.Timestamp("2026-01-19")]
    # two targets on the same maximum: "allocated within 28 days" and "maximum at most 56 days"
    for queue, g in plan[(plan["role"] == "target") & (plan["measure"] == "max_days")].groupby("queue"):
        if len(g) > 1:
            lo, hi = g.sort_values("value").iloc[0], g.sort_values("value").iloc[-1]
            rows.append(_f("conflicting_max_targets", f"{queue}: allocation within {lo['value']:g} days caps every wait "
                           f"at {lo['value']:g}; the maximum-wait target allows {hi['value']:g}", lo["value"], hi["value"],
                           hi, kind="review", unit="days",
                           detail=f"targets '{lo['printed']}' and '{hi['printed']}' on line {hi['lines']}"))
    # progress printed in days against targets in working days: the reading of the days is ours
    for queue, g in plan[plan["days_basis"] == "assumed"].groupby("queue"):
        t = plan[(plan["role"] == "target") & plan["queue"].isin(_target_queues(queue)) & (plan["days"] != g["days"].iloc[0])]
        if len(t):
            rec = g.iloc[0]
            rows.append(_f("days_basis", f"{queue}: {len(g)} waits printed in days, read as {rec['days']} days, "
                           f"judged against targets in {t['days'].iloc[0]} days", None, None, rec, kind="review",
                           unit="", detail="the plan does not say which days its progress figures count"))
    rows.extend(projection_checks(fig))
    # the 2026 plan's "peak" against the 2024 dashboard's counts
    peak = plan[(plan["queue"] == "care_act_assessment") & (plan["measure"] == "waiting") & (plan["role"] == "baseline")]
    old = fig[(fig["definition"] == "awaiting_care_assessment_2024") & (fig["measure"] == "waiting")
              & fig["role"].isin(["current", "previous"])]
    if len(peak) and len(old):
        p = peak.iloc[0]
        top = old.sort_values("value").iloc[-1]
        rows.append(_f("peak_vs_2024_dashboard", f"care_act_assessment: the plan calls {p['value']:g} on "
                       f"{p['as_of'].date()} a peak; the 2024 dashboard printed {top['value']:g} awaiting a care "
                       f"assessment on {top['as_of'].date()} (another definition: the series do not join)",
                       p["value"], top["value"], p, kind="review", unit="count",
                       detail=f"2024 dashboard: {top['source']} line {top['lines']}"))
    # claims of improvement without a printed figure
    for queue, measure, claim in (("care_act_assessment", "max_days", "maximum waits said to improve"),
                                  ("annual_review", "median_days", "median said to improve since July 2025")):
        has = plan[(plan["queue"] == queue) & (plan["measure"] == measure) & (plan["role"] == "baseline")]
        anchor = plan[(plan["queue"] == queue) & (plan["role"] == "current")]
        if not len(has) and len(anchor):
            rows.append(_f("baseline_not_printed", f"{queue} {measure}: {claim}, with no earlier figure printed",
                           None, None, anchor.iloc[0], kind="missing", unit="days"))

    path = synthetic_path(data_dir)
    if path.exists():
        same = extract is not None and extract_path(extract[0]).resolve() == path.resolve()
        pvc = published_vs_computed(fig, extract[1] if same else load_waiting_list(path))
        units = fig.set_index(["queue", "measure", "role", "as_of"])["unit"]
        for rec in pvc.itertuples(index=False):
            kind, detail = reconcile.printed_kind(rec.published, rec.computed_unrounded,
                                                  reconcile.decimals_of(rec.printed))
            rows.append(reconcile.finding(
                DOMAIN, "extract_reproduces", f"synthetic extract check: {rec.queue} {rec.measure} {rec.role} "
                f"{rec.as_of.date()}, published against the labelled synthetic extract (not a real record)",
                rec.published, rec.computed, rec.source, rec.lines, kind=kind, detail=detail,
                unit=units[(rec.queue, rec.measure, rec.role, rec.as_of)], printed=rec.printed))
    return reconcile.frame(rows)


# --- explorer logic ---------------------------------------------------------

WAIT_BANDS = ((7, "0-7"), (14, "8-14"), (28, "15-28"), (56, "29-56"), (91, "57-91"), (182, "92-182"),
              (365, "183-365"), (None, "366+"))
UNIT_LABEL = {"calendar": "days", "working": "working days"}


class ExplorerData:
    """A waiting list prepared once for the explorer: each queue's request and
    end days as integers, and a cache of the trend per (queue, days, dates).

    A control change that does not move the data (a threshold) costs no
    snapshot; a new queue or date range costs one snapshot of one queue at
    the chosen dates, never a pass over the whole extract.
    """

    def __init__(self, waiting_list: pd.DataFrame):
        req = _day_ints(waiting_list["requested_date"])
        end = _ends(waiting_list)
        codes = _queue_codes(waiting_list["queue"])
        ids = waiting_list["person_id"].to_numpy(dtype=object)
        self.parts = {name: (req[codes == j], end[codes == j], ids[codes == j]) for j, name in enumerate(QUEUES)}
        self.last_request = pd.Timestamp(np.datetime64(int(req.max()), "D")) if len(req) else None
        self._trends: dict = {}

    def trend(self, queue: str, dates: pd.DatetimeIndex, days: str) -> pd.DataFrame:
        """The open-case snapshot of one queue at ``dates`` (cached)."""
        key = (queue, days, tuple(dates.asi8))
        if key not in self._trends:
            req, end, _ = self.parts[queue]
            q = dates.to_numpy("datetime64[D]").astype(np.int64)
            cw, cw_lo = _working_lookup(req, q, days)
            metrics = _queue_metrics(req, end, q, cw, cw_lo, 4_000_000)
            self._trends[key] = _finish(pd.DataFrame({"as_of": dates, "queue": queue, **metrics}))
        return self._trends[key].copy()

    def waits_on(self, queue: str, day: pd.Timestamp, days: str) -> pd.DataFrame:
        """Who is waiting in one queue on ``day`` and for how long."""
        req, end, ids = self.parts[queue]
        d = np.datetime64(day.date(), "D")
        on = (req <= d.astype(np.int64)) & (end > d.astype(np.int64))
        first = req[on].astype("datetime64[D]")
        if days == "working":
            wait = working_days_between(first, np.full(len(first), d)) if len(first) else np.zeros(0, np.int64)
        else:
            wait = (d - first).astype(np.int64)
        return pd.DataFrame({"person_id": ids[on], "wait_days": np.asarray(wait, np.int64),
                             "requested_date": pd.to_datetime(first)})


def explorer_targets(plan: pd.DataFrame, queue: str) -> dict:
    """The plan's targets for one queue, as the explorer's starting thresholds:
    ``median_days``, ``max_days`` (the loosest when there are two), ``waiting``
    (a target on the queue itself, not on its group) and ``days``, the basis
    the targets count in (calendar unless they say working days)."""
    rows = plan[plan["queue"].isin(_target_queues(queue))]
    out: dict = {}
    for measure in ("median_days", "max_days"):
        hit = rows[rows["measure"] == measure]
        out[measure] = float(hit["value"].max()) if len(hit) else None
    own = rows[(rows["measure"] == "waiting") & (rows["queue"] == queue)]
    out["waiting"] = float(own["value"].max()) if len(own) else None
    bases = set(rows[rows["measure"].isin(["median_days", "max_days"])]["days"].dropna())
    out["days"] = bases.pop() if len(bases) == 1 else "calendar"
    return out


def explorer_view(waiting_list: pd.DataFrame | ExplorerData, queue: str, start, end, thresholds: dict,
                  internal: bool = False, longest: int = 10, step_days: int = 7, days: str = "calendar") -> dict:
    """What the waiting-list explorer shows for one queue and date range.

    ``waiting_list``: the extract, or an :class:`ExplorerData` prepared once
    (fast on every control change).  ``thresholds``: target per metric
    (``median_days``, ``max_days``, ``waiting``); ``days``: whether waits and
    targets count calendar or working days.  Returns the weekly trend (with a
    status per metric), the target ``lines``, the distribution of waits on the
    last date, the longest waiters (pseudonymous ids, only when ``internal``)
    and a one-line text summary.  Unless internal, counts of 1-4 are
    suppressed, with the bands and the count waiting suppressed together so
    that no hidden one can be worked out from the others.
    """
    from .disclosure import MARK, suppress_related

    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    if days not in DAYS:
        raise ValueError(f"days must be one of {', '.join(DAYS)}, not {days!r}")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end < start:
        raise ValueError("the end date is before the start date")
    data = waiting_list if isinstance(waiting_list, ExplorerData) else ExplorerData(waiting_list)
    dates = pd.date_range(end=end, start=start, freq=f"{step_days}D")
    dates = dates.append(pd.DatetimeIndex([end])).unique() if len(dates) == 0 or dates[-1] != end else dates
    trend = data.trend(queue, dates, days)
    thresholds = {m: v for m, v in thresholds.items() if m in CHART_MEASURES and v is not None}
    for metric, target in thresholds.items():
        trend[f"{metric}_status"] = [rag(v if not pd.isna(v) else float("nan"), "<=", float(target), w)
                                     for v, w in zip(trend[metric], trend["waiting"])]
    waits = data.waits_on(queue, end, days)
    uppers = [b for b, _ in WAIT_BANDS]
    labels = [label for _, label in WAIT_BANDS]
    band = np.searchsorted(np.array([b for b in uppers if b is not None]), waits["wait_days"].to_numpy(), side="left")
    people = np.bincount(band, minlength=len(labels)).astype("int64")
    last = trend.iloc[-1]
    n = int(last["waiting"])
    # The bands add up to the count waiting, which the summary shows: hidden
    # bands must not be recoverable from it, nor the count from the bands.
    shown = suppress_related({**dict(zip(labels, people.tolist())), "total": n}, sums={"total": labels},
                             internal=internal)
    distribution = pd.DataFrame({"wait_band": labels, "days": days,
                                 "people": pd.array([shown[label] for label in labels], dtype="Int64")})
    top = waits.sort_values(["wait_days", "person_id"], ascending=[False, True]).head(longest).reset_index(drop=True)
    unit = UNIT_LABEL[days]
    summary = f"{queue}: {MARK if pd.isna(shown['total']) else f'{n:,}'} waiting on {end.date()}"
    if n:
        summary += f"; median {last['median_days']:g} {unit}; maximum {int(last['max_days'])} {unit}"
    lines = pd.DataFrame([{"queue": queue, "measure": m, "operator": "<=", "value": float(v), "days": days}
                          for m, v in thresholds.items()],
                         columns=["queue", "measure", "operator", "value", "days"])
    return {"trend": trend, "lines": lines, "distribution": distribution,
            "longest": top if internal else None, "summary": summary, "waiting": n, "days": days}


# --- trend charts: data and drawing ------------------------------------------------

CHART_MEASURES = {"waiting": "people waiting", "median_days": "median", "max_days": "maximum"}


def trend_long(trend: pd.DataFrame) -> pd.DataFrame:
    """A snapshot trend (with a ``days`` column) as long rows: as_of, queue, days, measure, value."""
    long = trend.melt(id_vars=["as_of", "queue", "days"], value_vars=list(CHART_MEASURES),
                      var_name="measure", value_name="value")
    long["value"] = long["value"].astype("float64")
    return long[["as_of", "queue", "days", "measure", "value"]]


def queue_days(plan: pd.DataFrame) -> dict[str, str]:
    """Each queue's days basis: that of its median and maximum targets (a
    group's bind its members), calendar when it has none."""
    return {q: explorer_targets(plan, q)["days"] for q in QUEUES}


def trend_by_basis(waiting_list: pd.DataFrame, dates, plan: pd.DataFrame,
                   snapshots: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Weekly snapshots of every queue in the days its targets count (long
    rows).  ``snapshots``: :func:`snapshot_metrics` at ``dates`` by days
    basis, where the caller already has them."""
    basis = queue_days(plan)
    parts = []
    for days in sorted(set(basis.values())):
        m = _snapshot(snapshots, waiting_list, dates, days)
        parts.append(m[m["queue"].map(basis) == days].assign(days=days))
    trend = pd.concat(parts, ignore_index=True)
    trend["order"] = trend["queue"].map(QUEUES.index)
    trend = trend.sort_values(["order", "as_of"], kind="mergesort").drop(columns="order")
    return trend_long(trend).reset_index(drop=True)


def target_lines(plan: pd.DataFrame) -> pd.DataFrame:
    """The targets to draw on each queue's trend: a group's median and
    maximum targets bind each member queue (its count target binds the
    group's total, which no queue's line shows)."""
    rows = []
    for t in plan.itertuples(index=False):
        members = _bound_queues(t.queue, t.measure)
        for q in members:
            if q in QUEUES:
                rows.append({"queue": q, "measure": t.measure, "operator": t.operator, "value": float(t.value),
                             "days": t.days if isinstance(t.days, str) else "calendar"})
    return pd.DataFrame(rows, columns=["queue", "measure", "operator", "value", "days"])


def _lines_text(lines: pd.DataFrame, queues) -> str:
    parts = []
    for q in queues:
        mine = lines[lines["queue"] == q]
        if not len(mine):
            parts.append(f"{q}: no target")
            continue
        said = []
        for measure, g in mine.groupby("measure", sort=False):
            values = " and ".join(f"{t.operator} {t.value:g}" for t in g.sort_values("value").itertuples())
            unit = "people" if measure == "waiting" else UNIT_LABEL[g["days"].iloc[0]]
            said.append(f"{CHART_MEASURES.get(measure, measure)} {values} {unit}")
        parts.append(f"{q}: " + ", ".join(said))
    return "; ".join(parts)


def trend_chart(long: pd.DataFrame, lines: pd.DataFrame, measures=("median_days", "max_days"),
                counts: bool = False, ncols: int = 3):
    """One panel per queue: the weekly median and maximum waits as lines and
    each target as a dashed line in the same colour, the y axis in the days
    the queue counts (calendar or working).  With ``counts`` a row of panels
    above shows the people waiting against any count target.  Returns
    ``(fig, summary)``, the summary built from the data."""
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    from . import figures

    queues = [q for q in QUEUES if q in set(long["queue"])]
    ncols = min(ncols, len(queues))
    nrows = -(-len(queues) // ncols)
    rows_per = 2 if counts else 1
    fig, axes = figures.figure(width=4.0 * ncols + 1.5, height=(2.6 if counts else 3.0) * nrows * rows_per + 0.6,
                               nrows=nrows * rows_per, ncols=ncols, sharex=True, squeeze=False)
    colour = {m: figures.PALETTE[i] for i, m in enumerate(CHART_MEASURES)}
    for i, q in enumerate(queues):
        r, c = divmod(i, ncols)
        mine = long[long["queue"] == q]
        unit = UNIT_LABEL[mine["days"].iloc[0]]
        panels = ([("waiting",)] if counts else []) + [tuple(measures)]
        for k, shown in enumerate(panels):
            ax = axes[r * rows_per + k][c]
            for m in shown:
                part = mine[mine["measure"] == m]
                ax.plot(part["as_of"].to_numpy(), part["value"].to_numpy(), color=colour[m], label=CHART_MEASURES[m])
                for t in lines[(lines["queue"] == q) & (lines["measure"] == m)].itertuples():
                    ax.axhline(t.value, color=colour[m], linestyle="--", linewidth=1)
            ax.set_ylabel("people waiting" if shown == ("waiting",) else f"wait ({unit})")
            ax.set_ylim(bottom=0)
            if k == 0:
                ax.set_title(q.replace("_", " "))
    for j in range(len(queues), nrows * ncols):
        r, c = divmod(j, ncols)
        for k in range(rows_per):
            axes[r * rows_per + k][c].set_visible(False)
    handles, labels = axes[rows_per - 1][0].get_legend_handles_labels()
    handles.append(Line2D([], [], color="grey", linestyle="--", linewidth=1))
    labels.append("target")
    fig.legend(handles, labels, loc="upper right")
    locator = mdates.AutoDateLocator(maxticks=6)
    for ax in axes[-1]:
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    # fixed margins in inches (tight_layout costs more than the drawing, and moves with the data)
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=0.75 / w, right=1 - 1.5 / w, bottom=0.5 / h, top=1 - 0.45 / h,
                        wspace=0.35, hspace=0.45)
    first, last = long["as_of"].min(), long["as_of"].max()
    what = " and ".join(CHART_MEASURES[m] for m in measures)
    summary = (f"weekly {what} open waits{' and people waiting' if counts else ''}, "
               f"{first.date()} to {last.date()}; dashed lines, targets: {_lines_text(lines, queues)}")
    return fig, summary


# --- the notebook's tables -------------------------------------------------------

def _suppress(frame: pd.DataFrame, columns: list[str], internal: bool) -> pd.DataFrame:
    from .disclosure import suppress

    return suppress(frame, columns, internal=internal)


def pack_tables(waiting_list: pd.DataFrame, figures: pd.DataFrame, as_of, trend_start, meeting_date,
                internal: bool = False, flow_weeks: int = 12, window_weeks: int = 8) -> dict:
    """Every table of the ``waiting_times`` notebook for one meeting.

    Targets are those in force at ``meeting_date`` (:func:`targets`): a pack
    is never judged against a later plan.  ``snapshot``: the open-case
    snapshot at ``as_of`` (calendar and working days); ``judged``: each
    metric against its target; ``trend``: weekly snapshots from
    ``trend_start`` to ``as_of``; ``trend_long`` and ``target_lines``: each
    queue's weekly median and maximum in the days its targets count, and
    those targets, for :func:`trend_chart`; ``trend_judged``: the judged
    trend; ``published``: this pack's figures as printed, with their
    definitions; ``published_judged``: those figures against their own
    targets; ``compared``: comparable published as-of figures of this pack
    or earlier, up to ``as_of``, beside those computed from the extract;
    ``flow``: added, allocated, closed over the last ``flow_weeks`` weeks;
    ``weeks_to_target`` (counts at the net flow rate, medians and maxima at
    their slope, against the delivery dates); ``completed``: the
    completed-wait median beside the open-case median; ``notes``: one line
    per section, built from the data.  Counts of 1-4 are suppressed unless
    ``internal``.
    """
    as_of, trend_start, meeting = pd.Timestamp(as_of), pd.Timestamp(trend_start), pd.Timestamp(meeting_date)
    plan = targets(figures, meeting)
    weeks = pd.date_range(end=as_of, periods=int((as_of - trend_start).days // 7) + 1, freq="7D")
    # each snapshot computed once, by days basis: on as_of, and weekly
    on_day = {d: snapshot_metrics(waiting_list, as_of, days=d) for d in DAYS}
    weekly: dict[str, pd.DataFrame] = {}
    snap = pd.concat([on_day[d].assign(days=d) for d in DAYS], ignore_index=True)
    judged = against_targets(waiting_list, as_of, plan, snapshots=on_day)
    trend = _snapshot(weekly, waiting_list, weeks, "calendar")
    trend_judged = against_targets(waiting_list, weeks, plan, snapshots=weekly)
    long = trend_by_basis(waiting_list, weeks, plan, snapshots=weekly)
    lines = target_lines(plan)
    pack = figures[figures["pack"] == meeting]
    published = pack[["queue", "measure", "role", "as_of", "as_of_printed", "operator", "days", "days_basis", "due",
                      "definition", "comparable", "value", "unit", "printed", "source", "lines"]].reset_index(drop=True)
    own = published_judged(figures, meeting)
    compared = published_vs_computed(figures[figures["pack"] <= meeting], waiting_list)
    if len(compared):
        compared = compared[compared["as_of"] <= as_of].reset_index(drop=True)
    flow_all = weekly_flow(waiting_list, weeks[-max(flow_weeks, window_weeks):])
    flow = flow_all[flow_all["week_ending"].isin(weeks[-flow_weeks:])]
    flow_sum = flow.groupby("queue", sort=False)[["added", "allocated", "closed", "net"]].sum().reset_index()
    flow_sum = flow_sum.merge(snap[snap["days"] == "calendar"][["queue", "waiting"]], on="queue")
    if not internal:
        flow_sum = _suppress(flow_sum, ["added", "allocated", "closed", "waiting"], internal)
        hidden = flow_sum[["added", "allocated", "closed", "waiting"]].isna().any(axis=1)
        flow_sum["net"] = flow_sum["net"].astype("Int64").mask(hidden, pd.NA)
        snap = _suppress(snap, ["waiting"], internal)
        trend = _suppress(trend, ["waiting"], internal)
    to_target = weeks_to_target(trend_judged, window_weeks=window_weeks, flow=flow_all)
    completed = completed_waits(waiting_list, weeks, period_days=7).merge(
        trend[["as_of", "queue", "median_days"]].rename(columns={"as_of": "period_end", "median_days": "open_median_days"}),
        on=["period_end", "queue"])
    if not internal:
        completed = _suppress(completed, ["ended"], internal)
        completed["completed_median_days"] = completed["completed_median_days"].mask(completed["ended"].isna())
    tables = {"snapshot": snap, "judged": judged, "trend": trend, "trend_long": long, "target_lines": lines,
              "trend_judged": trend_judged, "published": published, "published_judged": own,
              "compared": compared, "flow": flow_sum, "weeks_to_target": to_target, "completed": completed}
    tables["notes"] = pack_notes(tables, figures, meeting, as_of)
    tables["notes"]["flow"] = (f"Requests added, allocated and closed in the {min(flow_weeks, len(weeks))} weeks to "
                               f"{as_of.date()}, with the people waiting on that date.")
    return tables


def pack_notes(tables: dict, figures: pd.DataFrame, meeting_date, as_of) -> dict[str, str]:
    """One line per notebook section, from the data: which targets are in
    force, what the pack's own figures count, what the extract can be
    compared with, and the time-to-target verdicts."""
    meeting, as_of = pd.Timestamp(meeting_date), pd.Timestamp(as_of)
    day = meeting.date().isoformat()
    plan = targets(figures, meeting)
    later = figures[(figures["role"] == "target") & figures["comparable"] & (figures["pack"] > meeting)]
    if len(plan):
        packs = ", ".join(sorted({p.date().isoformat() for p in plan["pack"]}))
        judged = tables["judged"]
        counts = judged["status"].value_counts()
        targets_note = (f"{len(plan)} targets in force at the {day} meeting on the extract's measures (printed in "
                        f"the {packs} pack); on {as_of.date()}: "
                        + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("green", "amber", "red", "grey")) + ".")
    else:
        targets_note = f"No target in force at the {day} meeting applies to the extract's open-case measures"
        if len(later):
            targets_note += (f" (the {len(later)} plan targets were first printed in the "
                             f"{later['pack'].min().date().isoformat()} pack, after this meeting)")
        targets_note += "; the trend is shown without target lines."
    own = tables["published_judged"]
    shown = figures[figures["pack"] == meeting]
    if len(own):
        counts = own["status"].value_counts()
        own_note = (f"{len(own)} of this pack's figures judged against the pack's own targets "
                    f"(definitions: {', '.join(sorted(set(own['definition'])))}): "
                    + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("green", "amber", "red")) + ".")
    else:
        own_note = ("This pack prints no figure with a target of its own (definitions: "
                    f"{', '.join(sorted(set(shown['definition'])))}).")
    compared = tables["compared"]
    if len(compared):
        same = int((compared["published"] == compared["computed"]).sum())
        compared_note = (f"{len(compared)} comparable published figures up to {as_of.date()}; "
                         f"{same} equal to the extract's.")
    else:
        other = sorted(set(shown[~shown["comparable"]]["definition"]))
        compared_note = (f"No published figure up to {as_of.date()} counts what the extract's open-case snapshot "
                         f"counts; this pack's figures count {', '.join(other) or 'nothing comparable'}.")
    tt = tables["weeks_to_target"]
    if len(tt):
        known = tt[tt["on_track"].notna()]
        behind = known[~known["on_track"].astype(bool)]
        tt_note = (f"{len(tt)} targets: {int((tt['weeks'] == 0).sum())} met on {as_of.date()}; "
                   f"{len(behind)} of {len(known)} with a delivery date not reached by it at the current rate"
                   + (": " + ", ".join(f"{r.queue} {r.measure} {r.operator} {r.target:g}" for r in behind.itertuples())
                      if len(behind) else "") + ".")
    else:
        tt_note = "No target in force: no time to target."
    return {"targets": targets_note, "published_judged": own_note, "compared": compared_note,
            "weeks_to_target": tt_note}
