"""Benchmark: daily waiting-list snapshots for three years of a national extract.

Builds a 1,000,000-request synthetic national extract (fixed seed), then times
``toolkit.waiting.snapshot_metrics`` over 1,096 daily dates (2023-01-01 to
2025-12-31) against two baselines in the same run:

* a plain per-date pandas loop (``toolkit.waiting.snapshot_metrics_loop``);
* a DuckDB SQL version of the same definition.

It asserts that all three give identical results and prints the ratios.  The
loop is timed on every ``--loop-step``-th date and extrapolated to 1,096 dates
(say ``--loop-step 1`` to time it on every date); its results are compared on
the dates it ran.

    PYTHONPATH=. python benchmarks/waiting.py [--rows 1000000] [--loop-step 8]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from toolkit import waiting

#: Share of requests and mean wait (days) per queue in the national extract.
NATIONAL = {
    "care_act_assessment": (0.30, 35),
    "carer_assessment": (0.10, 25),
    "financial_assessment_residential": (0.07, 30),
    "financial_assessment_non_residential": (0.08, 25),
    "ot_assessment": (0.15, 60),
    "annual_review": (0.30, 45),
}


def national_extract(rows: int = 1_000_000, seed: int = 2026) -> pd.DataFrame:
    """A synthetic national extract: requests from mid-2022 to the end of 2025,
    exponential waits per queue, 5% never allocated, and a tail of long-overdue
    reviews (due as early as 2016)."""
    rng = np.random.default_rng(seed)
    names = list(NATIONAL)
    share = np.array([NATIONAL[q][0] for q in names])
    q = rng.choice(len(names), size=rows, p=share / share.sum())
    start, end = np.datetime64("2022-07-01", "D").astype(np.int64), np.datetime64("2025-12-31", "D").astype(np.int64)
    req = rng.integers(start, end + 1, size=rows)
    old = (q == names.index("annual_review")) & (rng.random(rows) < 0.01)
    req[old] = rng.integers(np.datetime64("2016-01-01", "D").astype(np.int64), start, size=old.sum())
    mean = np.array([NATIONAL[x][1] for x in names])[q]
    stop = req + np.floor(rng.exponential(mean)).astype(np.int64)
    stop[old] += rng.integers(0, 2000, size=old.sum())
    open_ = rng.random(rows) < 0.05
    closed = rng.random(rows) < 0.1

    def dates(values, keep):
        out = pd.to_datetime(values.astype("datetime64[D]"))
        return out.where(keep)

    return pd.DataFrame({
        "person_id": [f"N{i:07d}" for i in range(rows)],
        "queue": np.array(names, dtype=object)[q],
        "requested_date": pd.to_datetime(req.astype("datetime64[D]")),
        "allocated_date": dates(stop, ~open_ & ~closed),
        "closed_date": dates(stop, ~open_ & closed),
    })


SQL = """
WITH waits AS (
    SELECT d.as_of, w.queue, (d.as_of - w.requested_date) AS wait
    FROM dates d
    JOIN wl w ON w.requested_date <= d.as_of AND (w.end_date IS NULL OR w.end_date > d.as_of)
), agg AS (
    SELECT as_of, queue,
           count(*) AS waiting,
           quantile_cont(wait, 0.5) AS median_days,
           max(wait) AS max_days,
           100.0::DOUBLE * count_if(wait > 28)::DOUBLE / count(*)::DOUBLE AS over_28_pct
    FROM waits GROUP BY as_of, queue
)
SELECT d.as_of, q.queue, coalesce(a.waiting, 0) AS waiting, a.median_days, a.max_days, a.over_28_pct
FROM dates d CROSS JOIN queues q
LEFT JOIN agg a ON a.as_of = d.as_of AND a.queue = q.queue
ORDER BY d.as_of, q.ord
"""


def duckdb_connection(wl: pd.DataFrame, dates: pd.DatetimeIndex):
    """A DuckDB database holding the extract, the dates and the queues (not timed)."""
    import duckdb

    con = duckdb.connect()
    con.register("wl_df", pd.DataFrame({
        "queue": wl["queue"], "requested_date": wl["requested_date"],
        "end_date": wl[["allocated_date", "closed_date"]].min(axis=1),
    }))
    con.register("dates_df", pd.DataFrame({"as_of": dates}))
    con.register("queues_df", pd.DataFrame({"queue": list(waiting.QUEUES), "ord": range(len(waiting.QUEUES))}))
    con.execute("CREATE TABLE wl AS SELECT queue, CAST(requested_date AS DATE) AS requested_date, "
                "CAST(end_date AS DATE) AS end_date FROM wl_df")
    con.execute("CREATE TABLE dates AS SELECT CAST(as_of AS DATE) AS as_of FROM dates_df")
    con.execute("CREATE TABLE queues AS SELECT * FROM queues_df")
    return con


def duckdb_snapshot(con) -> pd.DataFrame:
    """The same definition in DuckDB SQL (calendar days)."""
    return con.execute(SQL).df()


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Same dtypes as snapshot_metrics, for an exact comparison."""
    out = frame.copy()
    out["as_of"] = pd.to_datetime(out["as_of"]).astype("datetime64[ns]")
    out["queue"] = out["queue"].astype(object)
    out["waiting"] = out["waiting"].astype("int64")
    out["median_days"] = out["median_days"].astype("float64")
    out["max_days"] = out["max_days"].astype("Int64")
    out["over_28_pct"] = out["over_28_pct"].astype("float64")
    return out[waiting.SNAPSHOT_COLUMNS].reset_index(drop=True)


def best_of(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loop-step", type=int, default=8, help="time the loop on every n-th date")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    wl = national_extract(args.rows)
    dates = pd.date_range("2023-01-01", "2025-12-31", freq="D")
    assert len(dates) == 1096
    print(f"extract: {len(wl):,} requests, built in {time.perf_counter() - t0:.1f} s; {len(dates)} daily dates")

    fast_s, fast = best_of(lambda: waiting.snapshot_metrics(wl, dates), args.repeat)
    print(f"snapshot_metrics (vectorised): {fast_s:.3f} s for {len(dates)} dates (best of {args.repeat})")

    con = duckdb_connection(wl, dates)
    duck_s, duck = best_of(lambda: duckdb_snapshot(con), 1)
    duck = normalise(duck)
    pd.testing.assert_frame_equal(fast, duck, check_exact=True)
    print(f"DuckDB SQL:                    {duck_s:.3f} s for {len(dates)} dates; results identical")

    sample = dates[:: args.loop_step]
    loop_s, loop = best_of(lambda: waiting.snapshot_metrics_loop(wl, sample), 1)
    pd.testing.assert_frame_equal(fast[fast["as_of"].isin(sample)].reset_index(drop=True), loop, check_exact=True)
    loop_full = loop_s * len(dates) / len(sample)
    note = "" if len(sample) == len(dates) else f" (timed on {len(sample)} dates: {loop_s:.2f} s, extrapolated)"
    print(f"per-date pandas loop:          {loop_full:.2f} s for {len(dates)} dates{note}; results identical")

    ratios = {"loop": loop_full / fast_s, "duckdb": duck_s / fast_s}
    print(f"ratio loop / vectorised:   {ratios['loop']:.0f}x  (target >= 50x)")
    print(f"ratio DuckDB / vectorised: {ratios['duckdb']:.1f}x  (target > 1x)")
    return {"fast": fast_s, "duckdb": duck_s, "loop": loop_full, **{f"ratio_{k}": v for k, v in ratios.items()}}


if __name__ == "__main__":
    main()
