"""Small-number suppression for outputs made from record-level data.

Counts from 1 to 4 are suppressed (primary suppression), and so is any further
cell that would let a reader recover a suppressed one, or a small group of
suppressed ones, by subtraction from a published total (secondary
suppression): no hidden cell can be worked out exactly, and in every row or
column with a shown total the hidden cells add up to 0 or to 5 or more (and
not to their own number, which would make each 1).  Zero is not disclosive
and is always shown.
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


def _sums(hidden, relations, values):
    hidden = set(hidden)
    return [(rel, _hidden_sum(rel, hidden, values)) for rel in relations]


def _hidden_sum(rel: dict, hidden: set, values: pd.DataFrame) -> tuple:
    """(sum, number) of a relation's hidden parts when its total is shown,
    else (None, None): a hidden total leaves nothing to subtract from."""
    if any(coef != 1 and cell in hidden for cell, coef in rel.items()):
        return None, None
    parts = [c for c in rel if c in hidden]
    return sum(values.at[c] for c in parts), len(parts)


def exposed(hidden: Sequence, relations: Sequence[dict], values: pd.DataFrame) -> list[dict]:
    """Relations that give away their hidden parts by subtraction from their
    shown total: the hidden parts add up to 1 to 4 (a small count), or to
    their number (zeros are never hidden, so each of them must be 1)."""
    return [rel for rel, (total, number) in _sums(hidden, relations, values)
            if number and (is_small(total) or total == number)]


def _secondary(mask: pd.DataFrame, values: pd.DataFrame, relations: list[dict], fixed: Sequence = ()) -> None:
    """Hide further cells until no hidden cell can be recovered and no row or
    column gives its hidden cells away (:func:`exposed`).

    Zeros are never hidden (they disclose nobody, and the docs promise them
    shown).  For the first recoverable cell, hide the shown cell (or, failing
    that, the pair of shown cells) from its own relations with the smallest
    total that makes it unrecoverable; if none does, hide the smallest one and
    look again.  For the first exposed relation, hide the smaller of its
    total and its smallest shown part that lifts the hidden sum to 5 or more.  Each step hides
    one more non-zero cell, and hiding every non-zero cell leaves nothing to
    recover, so the loop ends.  Deterministic: ties go to the first cells in
    table order.  ``fixed``: cells never shown (counts a reader can only get by
    subtraction, such as the rest of a group); one of them may be worked out
    unless it is 1 to 4.
    """
    fixed = set(fixed)
    order = {cell: k for k, cell in enumerate((r, c) for r in mask.index for c in mask.columns)}

    def hidden_cells():
        return [cell for cell in order if mask.at[cell]]

    def hideable(cells):
        return [c for c in cells if not mask.at[c] and not pd.isna(values.at[c]) and values.at[c] != 0]

    def cost(cells):
        return (sum(values.at[c] for c in cells), [order[c] for c in cells])

    while True:
        hidden = hidden_cells()
        found = [c for c in recoverable(hidden, relations) if c not in fixed or is_small(values.at[c])]
        if found:
            cell = found[0]
            near = {c for rel in relations if cell in rel for c in rel}
            candidates = sorted(hideable(near), key=lambda c: cost([c])) or sorted(hideable(order), key=lambda c: cost([c]))
            if not candidates:
                return  # every non-zero cell is hidden already
            options = [[c] for c in candidates]
            options += sorted(([a, b] for i, a in enumerate(candidates) for b in candidates[i + 1:]), key=cost)
            chosen = next((o for o in options if cell not in recoverable(hidden + o, relations)), candidates[:1])
            for c in chosen:
                mask.at[c] = True
            continue
        bare = exposed(hidden, relations, values)
        if not bare:
            return
        rel = bare[0]
        total, number = _hidden_sum(rel, set(hidden), values)
        parts = sorted(hideable([c for c in rel if rel[c] == 1]), key=lambda c: (values.at[c], order[c]))
        lifting = [c for c in parts if total + values.at[c] >= HIGH + 1 and total + values.at[c] != number + 1]
        totals = hideable([c for c in rel if rel[c] != 1])
        pick = sorted(lifting + totals, key=lambda c: (values.at[c], order[c])) or parts
        if not pick:
            return
        mask.at[pick[0]] = True


def suppress_related(counts: dict, sums: dict | None = None, subsets: dict | None = None,
                     internal: bool = False) -> dict:
    """Suppress a set of related counts: ``sums`` maps a total to the parts
    that add up to it; ``subsets`` maps a count to the group that contains it
    (its parent), so that a reader can subtract it from the parent's count,
    and from every larger group above that.

    The same rules as :func:`suppress`: counts of 1 to 4 are hidden; then
    more counts until no hidden count, and no rest of a group (a parent less
    its child, never shown), can be worked out as 1 to 4 or recovered exactly,
    and no sum with a shown total leaves hidden parts adding up to 1 to 4.
    Zeros are shown.  Returns the counts with hidden ones as ``pd.NA``."""
    if internal:
        return dict(counts)
    sums, subsets = sums or {}, subsets or {}
    names = list(counts)
    relations = [{**{(0, p): 1 for p in parts}, (0, total): -1} for total, parts in sums.items()]
    rests = {}
    for name in names:
        group = subsets.get(name)
        while group is not None:
            rest = f"{group} less {name}"
            rests[rest] = counts[group] - counts[name]
            relations.append({(0, name): 1, (0, rest): 1, (0, group): -1})
            group = subsets.get(group)
    values = pd.DataFrame([{**counts, **rests}], columns=names + list(rests)).astype("Int64")
    mask = values.apply(lambda s: s.map(is_small)).astype(bool)
    for rest in rests:
        mask.at[0, rest] = True
    _secondary(mask, values, relations, fixed=[(0, rest) for rest in rests])
    return {name: (pd.NA if mask.at[0, name] else counts[name]) for name in names}


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
