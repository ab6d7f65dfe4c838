"""Small-number suppression for outputs made from record-level data.

Counts from 1 to 4 are suppressed (primary suppression), and so is any further
cell that would let a reader recover a suppressed one by subtraction from a
published total (secondary suppression).  Zero is not disclosive and is shown.
Outputs marked internal by the meeting's parameters are not suppressed.

Suppressed cells are ``<NA>`` in the returned frame; :func:`display_frame`
shows them as ``[c]`` (the ONS convention for "confidential").
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

LOW, HIGH = 1, 4
MARK = "[c]"


def is_small(value) -> bool:
    return value is not pd.NA and not pd.isna(value) and LOW <= value <= HIGH


def suppress(
    frame: pd.DataFrame,
    columns: Sequence[str],
    total: str | None = None,
    total_row=None,
    internal: bool = False,
) -> pd.DataFrame:
    """Suppress small counts in ``columns`` (and ``total``).

    ``total``: a column holding each row's total of ``columns``; ``total_row``:
    the index label of a row holding each column's total.  With either, cells
    are suppressed in pairs so no suppressed cell can be recovered by
    subtraction.  Returns a copy with nullable integer columns.
    """
    cols = list(columns) + ([total] if total else [])
    out = frame.copy()
    for col in cols:
        out[col] = out[col].astype("Int64")
    if internal:
        return out
    values = out[cols]
    mask = values.apply(lambda s: s.map(is_small)).astype(bool)

    # Groups of cells that add up to a published total: each row across the
    # columns (with its total), and each column down the rows (with its total row).
    groups: list[list[tuple]] = []
    body_rows = [r for r in out.index if r != total_row]
    if total:
        for r in out.index:
            groups.append([(r, c) for c in cols])
    if total_row is not None:
        for c in cols:
            groups.append([(r, c) for r in body_rows] + [(total_row, c)])

    changed = True
    while changed:
        changed = False
        for cells in groups:
            hidden = [cell for cell in cells if mask.at[cell]]
            if len(hidden) != 1:
                continue
            # One hidden cell in a group with its total is recoverable: hide the
            # smallest other non-zero cell as well.
            shown = [
                cell for cell in cells
                if not mask.at[cell] and not pd.isna(values.at[cell]) and values.at[cell] != 0
            ]
            if not shown:
                continue
            smallest = min(shown, key=lambda cell: (values.at[cell], str(cell)))
            mask.at[smallest] = True
            changed = True
    for col in cols:
        out[col] = out[col].mask(mask[col], pd.NA)
    return out


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Show suppressed (``<NA>``) cells of integer columns as ``[c]``."""
    out = frame.copy()
    for col in out.columns:
        if str(out[col].dtype) == "Int64":
            out[col] = out[col].astype(object).where(out[col].notna(), MARK)
    return out
