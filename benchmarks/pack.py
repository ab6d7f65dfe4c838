"""Pack wall time against its floor, measured in the same run.

The floor is what papermill itself costs: executing an empty notebook that
makes the same imports as the analyses (a kernel start, the imports, a kernel
stop), times the number of notebooks, divided by the number of jobs.  The
ratio pack / floor says how much the analyses themselves add.  Target: <= 1.5.

    python benchmarks/pack.py [--meeting 2026-01-19] [--jobs 1] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
import papermill  # noqa: E402

from toolkit import meeting, report  # noqa: E402


def floor_notebook(path: Path) -> None:
    """The empty notebook: the parameters, and the imports the analyses make
    (those a pack's kernels make ahead, ``report.PRELOAD``)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('meeting_date = "2026-01-19"\ndata_dir = ""\noutput_dir = ""\ninternal = False',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("\n".join(f"import {m}" for m in report.PRELOAD)),
    ]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meeting", default="2026-01-19")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    m = meeting.find_meeting(args.meeting)
    n = len(m.analyses)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = tmp / "empty.ipynb"
        floor_notebook(empty)
        floors = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            papermill.execute_notebook(str(empty), str(tmp / "out.ipynb"), kernel_name="python3",
                                       progress_bar=False, cwd=str(tmp), extra_arguments=report.KERNEL_ARGS)
            floors.append(time.perf_counter() - t)
        packs = []
        for i in range(args.repeat):
            t = time.perf_counter()
            result = report.run_pack(m, reports_dir=tmp / f"r{i}", jobs=args.jobs, progress=False)
            packs.append(time.perf_counter() - t)
            if not result.ok:
                raise SystemExit(f"pack failed: {[r.describe_error() for r in result.failures()]}")
        breakdown = [where_time_goes(result.path, r) for r in result.notebooks]
    floor_one = statistics.median(floors)
    floor = floor_one * n / args.jobs
    pack = statistics.median(packs)
    print(f"meeting {m.date}: {n} notebook(s), jobs={args.jobs}, median of {args.repeat}")
    print(f"floor: empty notebook with the same imports {floor_one:.2f} s x {n} / {args.jobs} = {floor:.2f} s")
    print(f"pack:  {pack:.2f} s  (runs: {', '.join(f'{p:.2f}' for p in packs)})")
    print(f"ratio pack / floor: {pack / floor:.2f}  (target <= 1.5)")
    print("where the time goes in the last run (s): notebook = waiting for its kernel + cells + writing it;")
    print("pages are exported on a thread meanwhile, the next kernel starts on the other core")
    print(f"{'notebook':<16}{'notebook':>9}{'kernel':>8}{'cells':>8}{'figures':>9}  slowest cell")
    for row in breakdown:
        print(f"{row['name']:<16}{row['seconds']:>9.2f}{row['kernel']:>8.2f}{row['cells']:>8.2f}{row['figures']:>9d}  "
              f"{row['slowest']:.2f} s: {row['slowest_source']}")


def where_time_goes(pack: Path, result) -> dict:
    """One notebook of a pack: its wall time, the wait for its kernel (from
    papermill's start of the notebook to the start of its first cell), the
    time in its cells (papermill's per-cell durations), how many figures it
    wrote, and its slowest cell."""
    import datetime as dt

    nb = nbformat.read(pack / "notebooks" / f"{result.name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    durations = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in code]
    first = dt.datetime.fromisoformat(code[0].metadata["papermill"]["start_time"])
    kernel = (first - dt.datetime.fromisoformat(nb.metadata["papermill"]["start_time"])).total_seconds()
    slowest = max(range(len(code)), key=durations.__getitem__)
    return {"name": result.name, "seconds": result.seconds, "kernel": kernel, "cells": sum(durations),
            "figures": len(list((pack / result.name / "figures").glob("*.svg"))),
            "slowest": durations[slowest], "slowest_source": code[slowest].source.splitlines()[0][:60]}


if __name__ == "__main__":
    main()
