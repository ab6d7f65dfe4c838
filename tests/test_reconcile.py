"""Shared arithmetic: rounding half away from zero, printed precision, kinds."""
import math

import pandas as pd
import pytest

from toolkit import reconcile
from toolkit.disclosure import display_frame, suppress


@pytest.mark.parametrize("value, ndigits, expected", [
    (2.5, 0, 3.0), (-2.5, 0, -3.0), (0.125, 2, 0.13), (33.5, 0, 34.0), (62.45, 1, 62.5), (1.0049, 2, 1.0),
])
def test_round_half_away_from_zero(value, ndigits, expected):
    assert reconcile.round_half_away(value, ndigits) == expected


def test_python_round_would_differ():
    assert round(2.5) == 2 and reconcile.round_half_away(2.5) == 3


@pytest.mark.parametrize("printed, decimals", [("83.7%", 1), ("(4,755)", 0), ("£151,4m", 0), ("0.25", 2), ("", 0), (None, 0)])
def test_decimals_of(printed, decimals):
    assert reconcile.decimals_of(printed) == decimals


def test_classify_kinds():
    assert reconcile.classify(100, 100) == "ok"
    assert reconcile.classify(100, 101) == "rounding"
    assert reconcile.classify(100, 102) == "mismatch"
    assert reconcile.classify(83.7, 83.75, tolerance=0.1) == "rounding"
    assert reconcile.classify(None, 3) == "missing"
    assert reconcile.classify(math.nan, 3) == "missing"


def test_finding_row_and_frame():
    row = reconcile.finding("budget", "bridge", "original + growth = net", 4755, 4765,
                            "002_5b95b27d885825d4.txt", "100-101", printed="4,755")
    assert row["kind"] == "mismatch" and row["difference"] == 10
    ok = reconcile.finding("budget", "bridge", "x", 1.0, 1.0, "002_5b95b27d885825d4.txt", "1")
    found = reconcile.frame([row, ok])
    assert list(found.columns) == reconcile.COLUMNS
    assert reconcile.problems(found)["published"].tolist() == [4755]
    summary = reconcile.summary(found)
    assert summary.loc[0, "mismatch"] == 1 and summary.loc[0, "ok"] == 1 and summary.loc[0, "checks"] == 2


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        reconcile.finding("d", "c", "x", 1, 2, "s", "1", kind="fine")


def test_collect_knows_its_domains():
    with pytest.raises(KeyError):
        reconcile.collect(domains=["astrology"])


def test_suppression_primary_and_secondary():
    frame = pd.DataFrame({"a": [3, 10, 20], "b": [10, 2, 30], "t": [13, 12, 50]})
    out = suppress(frame, ["a", "b"], total="t")
    assert display_frame(out).to_dict("list") == {"a": ["[c]", "[c]", 20], "b": ["[c]", "[c]", 30], "t": [13, 12, 50]}
    assert suppress(frame, ["a", "b"], total="t", internal=True)["a"].tolist() == [3, 10, 20]


def test_round_half_away_takes_numpy_floats():
    import numpy as np

    assert reconcile.round_half_away(np.float64(2.5)) == 3.0
    assert reconcile.round_half_away(np.float32(0.5)) == 1.0


@pytest.mark.parametrize("published, exact, decimals, kind, says", [
    (0.2, 0.2, 1, "ok", ""),
    (0.2, 0.15, 1, "rounding", "rounded half away"),        # 150k printed £0.2m
    (0.1, 0.15, 1, "rounding", "truncated, not rounded"),   # 150k printed £0.1m
    (1.3, 1.37, 1, "rounding", "truncated"),                # 1,370k printed £1.3m
    (22.1, 22.162, 1, "rounding", "truncated"),
    (-0.1, -0.15, 1, "rounding", "truncated"),              # savings are negative
    (0.1, 0.25, 1, "mismatch", "rounds half away from zero to 0.3"),
    (97.9, 94.885, 1, "mismatch", ""),
    (46.0, 46.4, 0, "rounding", "rounded half away"),
    (46.0, 46.6, 0, "rounding", "truncated"),
    (47.0, 46.4, 0, "mismatch", ""),
])
def test_printed_kind_is_one_rule(published, exact, decimals, kind, says):
    got, detail = reconcile.printed_kind(published, exact, decimals)
    assert got == kind and says in detail


@pytest.mark.parametrize("published, exact, decimals, detail", [
    # an exact figure just below zero rounds to zero: never "-0" or "-0.0" in the detail
    (5.0, -0.04, 1, "-0.040 rounds half away from zero to 0.0"),
    (1.0, -0.4, 0, "-0.40 rounds half away from zero to 0"),
    (0.0, -0.0004, 1, "0.000 rounded half away from zero to 1 decimal place(s)"),
    # the exact half keeps its sign, and so does its rounding
    (0.0, -0.05, 1, "-0.050 truncated, not rounded: half away from zero gives -0.1"),
    (-1.0, -0.5, 0, "-0.50 rounded half away from zero to 0 decimal place(s)"),
])
def test_printed_kind_never_shows_a_negative_zero(published, exact, decimals, detail):
    assert reconcile.printed_kind(published, exact, decimals)[1] == detail


@pytest.mark.parametrize("printed, value, decimals", [
    ("83.7%", None, 1), ("54%", None, 0), ("13.0k", None, -2), ("approximately 1200", None, -2),
    ("just under 900", None, -2), ("6-week", None, 0), ("£151,4m", 151.4, 1), ("£36.3m", 36.3, 1),
])
def test_printed_decimals_is_one_reading(printed, value, decimals):
    assert reconcile.printed_decimals(printed, value) == decimals


def test_cited_lines_joined_and_spanned():
    assert reconcile.join_lines(["2632", "2634", "2632"]) == "2632;2634"
    assert reconcile.span_lines(["2597;2599-2603", "2651"]) == "2597-2651"
    assert reconcile.span_lines(["496"]) == "496"


def test_printed_finding_classes_by_the_printed_precision():
    row = reconcile.printed_finding("d", "c", "share", 46.0, 46.4146, "46%", "s.txt", "12", computed=46.41,
                                    detail="of 767", unit="percent")
    assert (row["published"], row["computed"], row["kind"], row["unit"]) == (46.0, 46.41, "rounding", "percent")
    assert row["detail"] == "46.41 rounded half away from zero to 0 decimal place(s); of 767"
    same = reconcile.printed_finding("d", "c", "count", 1200, 1200, "approximately 1200", "s.txt", "12")
    assert (same["computed"], same["kind"], same["detail"]) == (1200, "ok", "")
    assert reconcile.printed_finding("d", "c", "x", 47, 46.4146, "47", "s.txt", "12", decimals=1)["kind"] == "mismatch"
