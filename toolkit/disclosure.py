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

import numpy as np
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
    the index label of a row holding each column's total.  With either,
    further cells are suppressed until no suppressed cell can be worked out
    exactly by adding and subtracting shown cells (see :func:`recoverable`).
    Returns a copy with nullable integer columns.
    """
    cols = list(columns) + ([total] if total else [])
    out = frame.copy()
    for col in cols:
        out[col] = out[col].astype("Int64")
    if internal:
        return out
    values = out[cols]
    mask = values.apply(lambda s: s.map(is_small)).astype(bool)

    body_rows = [r for r in out.index if r != total_row]
    relations = _relations(body_rows, cols, list(columns), total, total_row)
    if relations:
        _secondary(mask, values, relations)
    for col in cols:
        out[col] = out[col].mask(mask[col], pd.NA)
    return out


def _relations(body_rows, cols, parts, total, total_row) -> list[dict]:
    """The additive relations a reader knows: each row's parts sum to its
    total, and each column's body cells sum to its total-row cell.  A relation
    is a mapping cell -> coefficient (+1 for a part, -1 for the total)."""
    relations = []
    if total:
        for r in body_rows + ([total_row] if total_row is not None else []):
            rel = {(r, c): 1 for c in parts}
            rel[(r, total)] = -1
            relations.append(rel)
    if total_row is not None:
        for c in cols:
            rel = {(r, c): 1 for r in body_rows}
            rel[(total_row, c)] = -1
            relations.append(rel)
    return relations


def recoverable(hidden: Sequence, relations: Sequence[dict]) -> list:
    """The hidden cells a reader can work out exactly from the shown cells and
    the relations (by adding and subtracting): those whose column in the
    relations matrix is independent of the other hidden cells' columns."""
    hidden = list(hidden)
    if not hidden:
        return []
    index = {cell: i for i, cell in enumerate(hidden)}
    matrix = np.zeros((len(relations), len(hidden)))
    for k, rel in enumerate(relations):
        for cell, coef in rel.items():
            if cell in index:
                matrix[k, index[cell]] = coef
    rank = np.linalg.matrix_rank(matrix)
    out = []
    for i, cell in enumerate(hidden):
        if not matrix[:, i].any():
            continue  # in no relation: nothing to recover it from
        if np.linalg.matrix_rank(np.delete(matrix, i, axis=1)) < rank:
            out.append(cell)
    return out


def all_ones(hidden: Sequence, relations: Sequence[dict], values: pd.DataFrame) -> list[dict]:
    """Relations whose shown total, less their shown parts, equals the number
    of their hidden parts.  Zeros are never suppressed, so a reader knows each
    hidden count is at least 1, and each of these hidden parts must be 1."""
    hidden = set(hidden)
    out = []
    for rel in relations:
        parts = [c for c in rel if c in hidden]
        if parts and all(rel[c] == 1 for c in parts) and sum(values.at[c] for c in parts) == len(parts):
            out.append(rel)
    return out


def _secondary(mask: pd.DataFrame, values: pd.DataFrame, relations: list[dict]) -> None:
    """Hide further cells until no hidden cell can be recovered.

    For the first recoverable cell, hide the shown cell (or, failing that, the
    pair of shown cells) from its own relations with the smallest total that
    makes it unrecoverable; if no such cell or pair exists, hide the smallest
    one and look again.  Non-zero cells are preferred to zeros.  Deterministic:
    ties go to the first cells in table order.
    """
    order = {cell: k for k, cell in enumerate((r, c) for r in mask.index for c in mask.columns)}

    def hidden_cells():
        return [cell for cell in order if mask.at[cell]]

    def cost(cells):
        return (sum(values.at[c] == 0 for c in cells), sum(values.at[c] for c in cells), [order[c] for c in cells])

    while True:
        hidden = hidden_cells()
        found = recoverable(hidden, relations)
        if not found:
            ones = all_ones(hidden, relations, values)
            if not ones:
                return
            # a shown total minus shown parts equals the number of hidden
            # parts: each is 1.  Hide the smallest other non-zero part (or the
            # total) of that relation.
            rel = ones[0]
            extra = sorted((c for c in rel if not mask.at[c] and not pd.isna(values.at[c]) and values.at[c] != 0),
                           key=lambda c: (rel[c] != 1, values.at[c], order[c]))
            if not extra:
                return
            mask.at[extra[0]] = True
            continue
        cell = found[0]
        near = {c for rel in relations if cell in rel for c in rel}
        candidates = sorted((c for c in near if not mask.at[c] and not pd.isna(values.at[c])), key=lambda c: cost([c]))
        if not candidates:
            candidates = sorted((c for c in order if not mask.at[c] and not pd.isna(values.at[c])), key=lambda c: cost([c]))
        if not candidates:
            return  # every cell is hidden already
        options = [[c] for c in candidates]
        options += sorted(([a, b] for i, a in enumerate(candidates) for b in candidates[i + 1:]), key=cost)
        chosen = candidates[:1]
        for option in options:
            if cell not in recoverable(hidden + option, relations):
                chosen = option
                break
        for c in chosen:
            mask.at[c] = True


def suppress_nested(counts: dict, parent: dict, internal: bool = False) -> dict:
    """Suppress counts of nested groups (each a subset of its ``parent``).

    A reader can subtract any shown count from a shown count of a group that
    contains it, so a count is hidden when it is 1 to 4, or when its
    difference from a shown ancestor or descendant is 1 to 4 (the smaller of
    the two is hidden).  Repeats until no shown count and no difference
    between shown nested counts is 1 to 4.  Returns the counts with hidden
    ones as ``pd.NA``.
    """
    if internal:
        return dict(counts)

    def ancestors(name):
        out = []
        while name in parent:
            name = parent[name]
            out.append(name)
        return out

    pairs = [(a, name) for name in counts for a in ancestors(name) if a in counts]
    hidden = {name for name, value in counts.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for big, small in sorted(pairs, key=lambda p: (counts[p[1]], p)):
            if big in hidden or small in hidden:
                continue
            if is_small(counts[big] - counts[small]):
                hidden.add(small)
                changed = True
    return {name: (pd.NA if name in hidden else value) for name, value in counts.items()}


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Show suppressed (``<NA>``) cells of integer columns as ``[c]``."""
    out = frame.copy()
    for col in out.columns:
        if str(out[col].dtype) == "Int64":
            out[col] = out[col].astype(object).where(out[col].notna(), MARK)
    return out
