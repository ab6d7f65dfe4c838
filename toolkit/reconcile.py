"""Shared arithmetic checks.  Every check yields one finding row.

A finding row says what should hold, the published value, the computed value,
their difference, where the published value stands (source paper and lines)
and a kind:

``ok``        published and computed agree exactly;
``rounding``  they differ by no more than the tolerance, by default one unit of
              the printed precision (1 for "4,755", 0.1 for "83.7");
``mismatch``  they differ by more;
``missing``   one side is absent;
``review``    a judgement differs from a rule (for example a published RAG),
              not an arithmetic error.

``scrutiny findings`` shows every kind but ``ok``; the ``ok`` rows are the
evidence that a check ran and passed.
"""
from __future__ import annotations

import importlib
import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable

import pandas as pd

KINDS = ("ok", "rounding", "mismatch", "missing", "review")
COLUMNS = [
    "domain", "check", "description", "source", "lines",
    "published", "computed", "difference", "kind", "unit", "detail",
]

#: Each domain module that has findings, and the function that yields them.
#: The function takes the data folder (``None`` for the default) and returns
#: a frame with :data:`COLUMNS`.
DOMAINS: dict[str, str] = {
    "budget": "toolkit.budget:findings",
    "direct_payments": "toolkit.direct_payments:findings",
    "communities": "toolkit.communities:findings",
    "safeguarding": "toolkit.safeguarding:findings",
    "homecare": "toolkit.homecare:findings",
    "waiting": "toolkit.waiting:findings",
    "performance": "toolkit.performance:findings",
}


def round_half_away(value: float, ndigits: int = 0) -> float:
    """Round half away from zero (the papers' convention), not half to even."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    quantum = Decimal(1).scaleb(-ndigits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def decimals_of(printed: str | None) -> int:
    """Decimal places of a printed number: "83.7%" -> 1, "(4,755)" -> 0."""
    if not printed:
        return 0
    match = re.search(r"\d[\d,]*(?:\.(\d+))?", str(printed))
    if not match or match.group(1) is None:
        return 0
    return len(match.group(1))


def precision_of(printed: str | None) -> float:
    """One unit of the printed precision: "83.7" -> 0.1, "4,755" -> 1."""
    return 10.0 ** -decimals_of(printed)


def classify(published, computed, tolerance: float = 1.0) -> str:
    """The kind of a comparison: ok, rounding, mismatch or missing."""
    if _absent(published) or _absent(computed):
        return "missing"
    diff = abs(float(computed) - float(published))
    if diff < 1e-9:
        return "ok"
    return "rounding" if diff <= tolerance + 1e-9 else "mismatch"


def truncate(value: float, ndigits: int = 0) -> float:
    """Cut towards zero to ``ndigits`` places (what a truncating printer does)."""
    quantum = Decimal(1).scaleb(-ndigits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_DOWN))


def printed_kind(published: float, exact: float, decimals: int) -> tuple[str, str]:
    """The one rule for a figure printed to ``decimals`` places against the
    exact value it stands for, used by every domain:

    ``ok``        printed equals the exact value;
    ``rounding``  printed is the exact value rounded half away from zero (the
                  papers' convention), or truncated towards zero instead, which
                  the detail says (a half rounded down is a truncation too);
    ``mismatch``  anything else, however close.
    """
    if _absent(published) or _absent(exact):
        return "missing", ""
    published, exact = float(published), float(exact)
    unit = 10.0 ** -decimals
    if abs(published - exact) < 1e-9 * max(1.0, abs(exact)):
        return "ok", ""
    rounded = round_half_away(exact, decimals)
    places = max(decimals, 0)  # a negative ``decimals`` is printed to tens, hundreds...
    shown = _number(exact, max(decimals + 2, 0))
    if abs(published - rounded) < unit / 1000:
        to = f"{decimals} decimal place(s)" if decimals >= 0 else f"the nearest {10 ** -decimals:,}"
        return "rounding", f"{shown} rounded half away from zero to {to}"
    if abs(published - truncate(exact, decimals)) < unit / 1000:
        return "rounding", (f"{shown} truncated, not rounded: half away from zero gives "
                            f"{_number(rounded, places)}")
    return "mismatch", f"{shown} rounds half away from zero to {_number(rounded, places)}"


def _number(value: float, places: int) -> str:
    """``value`` to ``places`` decimals with thousands commas, never "-0" or
    "-0.0" (a negative figure that shows as zero is shown as zero)."""
    text = f"{value:,.{places}f}"
    return text[1:] if text.startswith("-") and not any(ch in "123456789" for ch in text) else text


#: Words that mark a printed figure as a round approximation ("approximately 1200").
APPROXIMATE = ("approximately", "around", "about", "just under", "over", "c.")


def printed_decimals(printed: str | None, value: float | None = None) -> int:
    """Decimal places a printed figure carries, negative for a figure printed
    to tens, hundreds or thousands: "83.7%" -> 1, "54%" -> 0, the dashboard's
    "13.0k" -> -2 (to the nearest hundred), "approximately 1200" -> -2.  With
    the parsed ``value``, a decimal comma misprinted for a point ("£151,4m",
    value 151.4) counts by the value's own decimals."""
    text = str(printed or "").strip().lower()
    places = decimals_of(text)
    if text.endswith("k") and re.search(r"\d\s*k$", text):
        places -= 3
    elif places == 0 and any(word in text for word in APPROXIMATE):
        match = re.search(r"\d[\d,]*", text)
        if match:
            digits = match.group(0).replace(",", "")
            places = -(len(digits) - len(digits.rstrip("0")))
    if value is not None:
        shown = repr(float(value)).rstrip("0").rstrip(".")
        places = max(places, len(shown.split(".")[1]) if "." in shown else 0)
    return places


def join_lines(lines: Iterable) -> str:
    """The cited lines of several rows, each once, in the order given: "1234;1255"."""
    return ";".join(dict.fromkeys(str(x) for x in lines))


def span_lines(lines: Iterable) -> str:
    """The one range covering every cited line: "2597;2599-2603;2651" -> "2597-2651"."""
    numbers = [int(n) for x in lines for n in re.split(r"[-;]", str(x)) if n]
    lo, hi = min(numbers), max(numbers)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _numbers(published, computed) -> tuple[float, float] | None:
    """Both sides as numbers, or None when either is absent or text (a
    quartile "Second", a RAG): a text finding has no difference."""
    if _absent(published) or _absent(computed) or isinstance(published, str) or isinstance(computed, str):
        return None
    return float(published), float(computed)


def _absent(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def finding(
    domain: str,
    check: str,
    description: str,
    published,
    computed,
    source: str,
    lines: str,
    tolerance: float | None = None,
    printed: str | None = None,
    unit: str = "",
    detail: str = "",
    kind: str | None = None,
) -> dict:
    """One finding row.

    The tolerance defaults to one unit of the printed precision (from
    ``printed`` when given, else 1).  ``kind`` may be given for judgement
    checks (``review``); otherwise it is classified from the numbers.
    """
    if tolerance is None:
        tolerance = precision_of(printed) if printed else 1.0
    if kind is None:
        kind = classify(published, computed, tolerance)
    if kind not in KINDS:
        raise ValueError(f"unknown finding kind {kind!r}")
    both = _numbers(published, computed)
    difference = float("nan") if both is None else round(both[1] - both[0], 10)
    return {
        "domain": domain, "check": check, "description": description,
        "source": source, "lines": str(lines),
        "published": published, "computed": computed, "difference": difference,
        "kind": kind, "unit": unit, "detail": detail,
    }


def printed_finding(domain: str, check: str, description: str, published, exact, printed: str | None,
                    source: str, lines: str, decimals: int | None = None, detail: str = "", computed=None,
                    **kw) -> dict:
    """One finding for a figure printed as ``printed`` (transcribed as
    ``published``) against the exact value it stands for, classed by
    :func:`printed_kind` at ``decimals`` places (default
    :func:`printed_decimals` of ``printed``); the rule's detail comes first,
    then ``detail``.  ``computed`` is the value the row shows (default
    ``exact``; a check may show it rounded); ``kw`` goes to :func:`finding`."""
    places = printed_decimals(printed) if decimals is None else decimals
    kind, how = printed_kind(published, exact, places)
    return finding(domain, check, description, published, exact if computed is None else computed, source, lines,
                   kind=kind, detail="; ".join(x for x in (how, detail) if x), **kw)


def frame(rows: Iterable[dict]) -> pd.DataFrame:
    """Finding rows as a frame with the standard columns, in a stable order."""
    out = pd.DataFrame(list(rows), columns=COLUMNS)
    if out.empty:
        return out
    return out.sort_values(["domain", "check", "source", "lines", "description"], kind="mergesort").reset_index(drop=True)


def problems(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings worth a reader's attention: every kind but ``ok``."""
    return findings[findings["kind"] != "ok"].reset_index(drop=True)


def collect(data_dir: str | Path | None = None, domains: Iterable[str] | None = None) -> pd.DataFrame:
    """Every domain's findings (including ``ok`` rows), in one frame."""
    parts = []
    for name in domains or DOMAINS:
        if name not in DOMAINS:
            raise KeyError(f"unknown findings domain {name!r}; known: {', '.join(DOMAINS)}")
        module_name, func_name = DOMAINS[name].split(":")
        func = getattr(importlib.import_module(module_name), func_name)
        parts.append(func(data_dir))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return frame(pd.concat(parts, ignore_index=True).to_dict("records"))


def of_source(findings: pd.DataFrame, source: str) -> pd.DataFrame:
    """The findings whose published figure stands in ``source`` (one paper)."""
    return findings[findings["source"] == source].reset_index(drop=True)


def summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Checks run, by domain and kind: one row per domain, one column per kind."""
    if findings.empty:
        return pd.DataFrame(columns=["domain", *KINDS, "checks"])
    table = (findings.groupby(["domain", "kind"]).size().unstack(fill_value=0)
             .reindex(columns=list(KINDS), fill_value=0))
    table["checks"] = table.sum(axis=1)
    return table.reset_index()


def only(findings: pd.DataFrame, check: str, description: str = "", exact: bool = False) -> pd.Series:
    """The one finding of ``check`` whose description contains (or, with
    ``exact``, equals) ``description``; a LookupError says how many matched."""
    text = findings["description"]
    match = text == description if exact else text.str.contains(description, regex=False)
    rows = findings[(findings["check"] == check) & match]
    if len(rows) != 1:
        raise LookupError(f"{len(rows)} findings of check {check!r} match {description!r}, expected one")
    return rows.iloc[0]
