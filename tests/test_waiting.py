"""CQC waiting-time metrics: published figures, loader, snapshot rules, synthetic extract, findings."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import reconcile, sources, waiting
from toolkit.errors import LoaderError

HEADER = "person_id,queue,requested_date,allocated_date,closed_date\n"


@pytest.fixture(scope="module")
def figures():
    return waiting.load_figures()


@pytest.fixture(scope="module")
def extract():
    return waiting.load_waiting_list(waiting.synthetic_path())


def frame(rows):
    """A waiting list from (queue, requested, allocated, closed) tuples."""
    df = pd.DataFrame(rows, columns=["queue", "requested_date", "allocated_date", "closed_date"])
    for col in ("requested_date", "allocated_date", "closed_date"):
        df[col] = pd.to_datetime(df[col])
    df.insert(0, "person_id", [f"P{i}" for i in range(len(df))])
    return df


def one(metrics, queue="care_act_assessment"):
    return metrics[metrics["queue"] == queue].iloc[0]


# --- published figures -------------------------------------------------------

def test_published_plan_figures(figures):
    care = figures[(figures["queue"] == "care_act_assessment") & (figures["pack"] == "2026-01-19")]
    got = {(r.measure, r.role, None if pd.isna(r.as_of) else r.as_of.date().isoformat()): r.value
           for r in care.itertuples() if r.role != "target"}
    assert got == {
        ("waiting", "current", "2025-12-28"): 416, ("waiting", "baseline", "2024-12-29"): 716,
        ("median_days", "current", "2025-12-28"): 18, ("median_days", "baseline", "2024-12-29"): 45,
        ("over_28_pct", "current", "2025-12-28"): 33, ("over_28_pct", "baseline", "2024-12-29"): 62,
    }
    t = waiting.targets(figures)
    fin = t[t["queue"] == "financial_assessment"].set_index("measure")
    assert fin.loc["median_days", "value"] == 28 and fin.loc["median_days", "days"] == "working"
    assert fin.loc["max_days", "value"] == 56 and fin.loc["waiting", "value"] == 220
    review = t[t["queue"] == "annual_review"].set_index("measure")
    assert review.loc["median_days", "value"] == 30 and review.loc["max_days", "value"] == 90
    # the 2024 dashboard: another definition, recorded as data
    old = figures[figures["pack"] == "2024-01-22"]
    assert set(old["definition"]) == {"awaiting_care_assessment_2024"} and not old["comparable"].any()
    assert old[(old["measure"] == "waiting") & (old["role"] == "current")]["value"].item() == 754
    assert old[(old["measure"] == "waiting") & (old["role"] == "target")]["operator"].item() == "<"


@pytest.mark.skipif(sources.seeds_dir() is None, reason="source papers not present")
def test_printed_dates_stand_on_their_lines(figures):
    folder = sources.seeds_dir()
    for column in ("as_of_printed", "due_printed"):
        for rec in figures[figures[column].notna()].itertuples():
            text = re.sub(r"\s+", "", sources.cited_text(folder, rec.source, rec.lines))
            assert re.sub(r"\s+", "", getattr(rec, column)) in text, rec


def test_delivery_dates_of_the_plan_targets(figures):
    plan = waiting.targets(figures, "2026-01-19", comparable=None)
    plan = plan[plan["pack"] == pd.Timestamp("2026-01-19")]
    due = {q: sorted({(p, d.date().isoformat()) for p, d in zip(g["due_printed"], g["due"])})
           for q, g in plan.groupby("queue")}
    assert due["care_act_assessment"] == due["carer_assessment"] == due["financial_assessment"] == [("May-26", "2026-05-31")]
    assert due["ot_assessment"] == [("Nov-26", "2026-11-30")] and due["annual_review"] == [("Jun-26", "2026-06-30")]
    assert figures[figures["role"] != "target"]["due"].isna().all()


def test_targets_in_force_at_each_meeting(figures):
    assert waiting.targets(figures, "2024-01-22").empty          # the plan came two years later
    own = waiting.targets(figures, "2024-01-22", comparable=None).set_index("measure")
    assert own.loc["waiting", ["operator", "value"]].tolist() == ["<", 1575.0]
    assert own.loc["over_6_months", ["operator", "value"]].tolist() == ["<", 71.0]
    plan = waiting.targets(figures, "2026-01-19")
    assert len(plan) == 13 and set(plan["pack"]) == {pd.Timestamp("2026-01-19")}
    assert len(waiting.targets(figures)) == 13                    # every pack: the same 13 comparable ones


def test_each_pack_judges_its_own_figures_against_its_own_targets(figures):
    old = waiting.published_judged(figures, "2024-01-22").set_index("measure")
    # November 2022 stands before the targets' reference date (1 Jan 2023): not judged
    assert len(old) == 2 and (old["as_of"] == pd.Timestamp("2023-11-30")).all()
    assert old.loc["waiting", ["value", "operator", "target", "gap", "status"]].tolist() == [754.0, "<", 1575.0, 0.0, "green"]
    assert old.loc["over_6_months", ["value", "target", "status"]].tolist() == [37.0, 71.0, "green"]
    new = waiting.published_judged(figures, "2026-01-19")
    key = new.set_index(["queue", "measure", "role", "target"])
    assert key.loc[("care_act_assessment", "median_days", "current", 14.0), ["value", "gap", "status"]].tolist() == [18.0, 4.0, "red"]
    assert key.loc[("carer_assessment", "max_days", "current", 28.0), ["gap", "status"]].tolist() == [112.0, "red"]
    assert key.loc[("annual_review", "completed_within_12_months_pct", "current", 85.0), ["gap", "status"]].tolist() == [7.0, "amber"]
    assert key.loc[("financial_assessment", "waiting", "baseline", 220.0), ["value", "gap", "status"]].tolist() == [353.0, 133.0, "red"]
    fin = key.loc[("financial_assessment_residential", "max_days", "current", 56.0)]
    assert fin["status"] == "green" and fin["days_note"] == "figure in calendar days (assumed), target in working days"
    assert len(new) == 19


# --- loader ---------------------------------------------------------------------

def test_loader_reads_csv_xlsx_parquet(tmp_path):
    body = ("A1,care_act_assessment,2025-01-02,2025-01-10,\n"
            "A2,annual_review,2024-05-01,,2025-02-01\n")
    (tmp_path / "w.csv").write_text(HEADER + body)
    csv = waiting.load_waiting_list(tmp_path / "w.csv")
    assert len(csv) == 2 and csv["allocated_date"].isna().tolist() == [False, True]
    csv.to_excel(tmp_path / "w.xlsx", index=False)
    csv.to_parquet(tmp_path / "w.parquet", index=False)
    for name in ("w.xlsx", "w.parquet"):
        other = waiting.load_waiting_list(tmp_path / name)
        assert other["requested_date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-01-02", "2024-05-01"]
        assert other["closed_date"].notna().tolist() == [False, True]


@pytest.mark.parametrize("row, message", [
    ("B1,care_act_assessment,2025-03-10,2025-03-09,", "row 3, column 'allocated_date': expected a date on or after requested_date 2025-03-10, found '2025-03-09'"),
    ("B1,waiting_for_godot,2025-03-10,,", "row 3, column 'queue': expected one of care_act_assessment"),
    ("A1,care_act_assessment,2025-01-02,,", "row 3, column 'person_id, queue, requested_date': expected a unique key (same as row 2)"),
    ("A1,care_act_assessment, 2025-01-02 ,,", "row 3, column 'person_id, queue, requested_date': expected a unique key (same as row 2)"),
    (" A1 ,care_act_assessment,2025-01-02,,", "row 3, column 'person_id, queue, requested_date': expected a unique key (same as row 2)"),
    ("B1,carer_assessment,2025-02-30,,", "row 3, column 'requested_date': expected an ISO date (YYYY-MM-DD), not empty, found '2025-02-30'"),
    ("B1,carer_assessment,2025-02-03,03/02/2025,", "row 3, column 'allocated_date': expected an ISO date (YYYY-MM-DD), found '03/02/2025'"),
    ("B1,carer_assessment,2025-02-03,,2025-01-01", "row 3, column 'closed_date': expected a date on or after requested_date"),
])
def test_loader_rejects_bad_rows_naming_file_row_and_column(tmp_path, row, message):
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "A1,care_act_assessment,2025-01-02,,\n" + row + "\n")
    with pytest.raises(LoaderError) as err:
        waiting.load_waiting_list(path)
    assert "extract.csv" in str(err.value) and message in str(err.value)


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_loader_rejects_a_time_of_day_in_date_cells(tmp_path, suffix):
    df = pd.DataFrame({"person_id": ["A1", "A2"], "queue": ["care_act_assessment", "carer_assessment"],
                       "requested_date": [pd.Timestamp("2025-01-02"), pd.Timestamp("2025-01-03")],
                       "allocated_date": [pd.Timestamp("2025-01-06 13:45"), pd.NaT], "closed_date": pd.NaT})
    path = tmp_path / f"extract.{suffix}"
    df.to_excel(path, index=False) if suffix == "xlsx" else df.to_parquet(path, index=False)
    with pytest.raises(LoaderError) as err:
        waiting.load_waiting_list(path)
    assert [(p.row, p.column, p.found) for p in err.value.problems] == [(2, "allocated_date", "2025-01-06 13:45:00")]
    assert "expected a date without a time of day" in str(err.value)
    df.loc[0, "allocated_date"] = pd.Timestamp("2025-01-06")          # midnight: a plain date
    df.to_excel(path, index=False) if suffix == "xlsx" else df.to_parquet(path, index=False)
    assert waiting.load_waiting_list(path)["allocated_date"].tolist()[0] == pd.Timestamp("2025-01-06")


def test_loader_lists_every_problem_and_drops_nothing(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "A1,care_act_assessment,2025-01-02,2025-01-01,\n"
                    "A2,nope,2025-01-02,,\nA3,carer_assessment,2025-01-02,,\n")
    with pytest.raises(LoaderError) as err:
        waiting.load_waiting_list(path)
    assert len(err.value.problems) == 2
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "allocated_date"), (3, "queue")]


def test_loader_names_a_missing_column(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text("person_id,queue,requested_date\nA1,care_act_assessment,2025-01-02\n")
    with pytest.raises(LoaderError, match="column 'allocated_date': expected this column to be present"):
        waiting.load_waiting_list(path)


# --- snapshot rules: edge cases ---------------------------------------------

def test_allocated_on_the_snapshot_day_is_not_waiting():
    wl = frame([("care_act_assessment", "2025-12-01", "2025-12-28", None),
                ("care_act_assessment", "2025-12-01", None, "2025-12-28"),
                ("care_act_assessment", "2025-12-01", "2025-12-29", None)])
    row = one(waiting.snapshot_metrics(wl, "2025-12-28"))
    assert row["waiting"] == 1 and row["max_days"] == 27
    row = one(waiting.snapshot_metrics(wl, "2025-12-27"))
    assert row["waiting"] == 3


def test_same_day_request_waits_zero_days():
    wl = frame([("carer_assessment", "2025-12-28", None, None),
                ("carer_assessment", "2025-12-28", "2025-12-28", None)])   # allocated the same day: never waiting
    row = one(waiting.snapshot_metrics(wl, "2025-12-28"), "carer_assessment")
    assert (row["waiting"], row["median_days"], row["max_days"], row["over_28_pct"]) == (1, 0.0, 0, 0.0)


def test_exactly_28_days_is_not_over_28():
    wl = frame([("care_act_assessment", "2025-11-30", None, None),    # 28 days on 2025-12-28
                ("care_act_assessment", "2025-11-29", None, None)])   # 29 days
    row = one(waiting.snapshot_metrics(wl, "2025-12-28"))
    assert row["over_28_pct"] == 50.0 and row["max_days"] == 29 and row["median_days"] == 28.5


def test_even_count_median_is_the_mean_of_the_two_middle_waits():
    wl = frame([("annual_review", d, None, None) for d in ("2025-12-27", "2025-12-20", "2025-12-18", "2025-11-01")])
    row = one(waiting.snapshot_metrics(wl, "2025-12-28"), "annual_review")
    assert row["waiting"] == 4 and row["median_days"] == (8 + 10) / 2 and row["max_days"] == 57


def test_empty_queue_has_a_row_with_zero_waiting():
    wl = frame([("care_act_assessment", "2025-12-01", None, None)])
    m = waiting.snapshot_metrics(wl, ["2025-12-28", "2025-11-01"])
    assert list(m.columns) == waiting.SNAPSHOT_COLUMNS
    assert len(m) == 2 * len(waiting.QUEUES)
    ot = m[m["queue"] == "ot_assessment"]
    assert ot["waiting"].tolist() == [0, 0] and ot["median_days"].isna().all() and ot["max_days"].isna().all()
    assert ot["over_28_pct"].isna().all()
    empty = waiting.snapshot_metrics(wl.iloc[0:0], "2025-12-28")
    assert empty["waiting"].sum() == 0 and len(empty) == len(waiting.QUEUES)


def test_working_days_exclude_weekends_and_england_bank_holidays():
    # 24 Dec 2025 (Wed) -> 29 Dec 2025 (Mon): 25, 26 Dec bank holidays, 27-28 weekend
    # 17 Apr 2025 (Thu) -> 22 Apr 2025 (Tue): Good Friday 18th, Easter Monday 21st
    wl = frame([("financial_assessment_residential", "2025-12-24", None, None),
                ("financial_assessment_non_residential", "2025-04-17", "2025-05-01", None)])
    cal = waiting.snapshot_metrics(wl, ["2025-12-29", "2025-04-22"], days="calendar")
    work = waiting.snapshot_metrics(wl, ["2025-12-29", "2025-04-22"], days="working")
    res = "financial_assessment_residential"
    non = "financial_assessment_non_residential"
    assert cal[(cal["queue"] == res) & (cal["as_of"] == "2025-12-29")]["max_days"].item() == 5
    assert work[(work["queue"] == res) & (work["as_of"] == "2025-12-29")]["max_days"].item() == 1
    assert cal[(cal["queue"] == non) & (cal["as_of"] == "2025-04-22")]["max_days"].item() == 5
    assert work[(work["queue"] == non) & (work["as_of"] == "2025-04-22")]["max_days"].item() == 1
    assert waiting.working_days_between(["2025-12-24"], ["2025-12-29"]).tolist() == [1]
    # over 28 working days needs about six weeks of calendar time
    wl = frame([("financial_assessment_residential", "2025-11-14", None, None)])
    row = one(waiting.snapshot_metrics(wl, "2025-12-29", days="working"), res)
    assert row["max_days"] == 29 and row["over_28_pct"] == 100.0


def test_days_must_be_calendar_or_working():
    with pytest.raises(ValueError, match="calendar, working"):
        waiting.snapshot_metrics(frame([]), "2025-01-01", days="business")


# --- fast = plain loop ------------------------------------------------------

@pytest.mark.parametrize("days", ["calendar", "working"])
def test_vectorised_equals_the_per_date_loop_on_the_extract(extract, days):
    dates = pd.date_range("2023-06-15", "2026-01-10", freq="19D").append(pd.DatetimeIndex(["2025-12-28"]))
    fast = waiting.snapshot_metrics(extract, dates, days=days)
    pd.testing.assert_frame_equal(fast, waiting.snapshot_metrics_loop(extract, dates, days=days), check_exact=True)
    pd.testing.assert_frame_equal(fast, waiting.snapshot_metrics(extract, dates, days=days, chunk_cells=3000),
                                  check_exact=True)


day = st.integers(0, 60)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(waiting.QUEUES[:2]), day, st.one_of(st.none(), st.integers(0, 30)),
                          st.one_of(st.none(), st.integers(0, 30))), max_size=25),
       st.lists(day, min_size=1, max_size=8), st.sampled_from(waiting.DAYS))
def test_vectorised_equals_the_loop_on_random_extracts(rows, dates, days):
    base = pd.Timestamp("2025-12-01")
    wl = frame([(q, base + pd.Timedelta(days=r),
                 None if a is None else base + pd.Timedelta(days=r + a),
                 None if c is None else base + pd.Timedelta(days=r + c)) for q, r, a, c in rows])
    as_of = [base + pd.Timedelta(days=d) for d in dates]
    pd.testing.assert_frame_equal(waiting.snapshot_metrics(wl, as_of, days=days),
                                  waiting.snapshot_metrics_loop(wl, as_of, days=days), check_exact=True)


# --- synthetic extract -------------------------------------------------------

def test_synthetic_extract_reproduces_every_published_as_of_figure(figures, extract):
    pvc = waiting.published_vs_computed(figures, extract)
    comparable = figures[figures["comparable"] & figures["role"].isin(["current", "baseline"])]
    assert len(pvc) == len(comparable) == 23
    assert (pvc["published"] == pvc["computed"]).all(), pvc[pvc["published"] != pvc["computed"]]
    snap = waiting.snapshot_metrics(extract, ["2024-12-29", "2025-12-28"]).set_index(["as_of", "queue"])
    care_now = snap.loc[(pd.Timestamp("2025-12-28"), "care_act_assessment")]
    assert (care_now["waiting"], care_now["median_days"]) == (416, 18.0)
    assert round(care_now["over_28_pct"]) == 33
    care_then = snap.loc[(pd.Timestamp("2024-12-29"), "care_act_assessment")]
    assert (care_then["waiting"], care_then["median_days"], round(care_then["over_28_pct"])) == (716, 45.0, 62)
    carer = snap.loc[(pd.Timestamp("2025-12-28"), "carer_assessment")]
    assert (carer["waiting"], carer["median_days"], carer["max_days"]) == (150, 15.0, 140)
    review = snap.loc[(pd.Timestamp("2025-12-28"), "annual_review")]
    assert (review["waiting"], review["median_days"], review["max_days"]) == (1203, 32.0, 1204)
    fin = [snap.loc[(pd.Timestamp("2025-12-28"), q)] for q in waiting.QUEUE_GROUPS["financial_assessment"]]
    assert [(f["median_days"], f["max_days"]) for f in fin] == [(14.0, 29), (14.0, 42)]
    assert sum(f["waiting"] for f in fin) == 102
    june = waiting.snapshot_metrics(extract, "2025-06-30").set_index("queue")
    assert june.loc["financial_assessment_residential", ["median_days", "max_days"]].tolist() == [75.0, 175]
    assert june.loc["financial_assessment_non_residential", ["median_days", "max_days"]].tolist() == [19.0, 203]
    april = waiting.snapshot_metrics(extract, "2025-04-30").set_index("queue")
    assert april.loc[list(waiting.QUEUE_GROUPS["financial_assessment"]), "waiting"].sum() == 353
    july = waiting.snapshot_metrics(extract, "2025-07-31").set_index("queue")
    assert july.loc["annual_review", "max_days"] == 2729


def test_synthetic_extract_is_labelled_and_spans_2024_to_2026(extract):
    assert extract["person_id"].str.startswith("SYN-").all() and (extract["synthetic"] == "true").all()
    for queue, part in extract.groupby("queue"):
        months = set(part["requested_date"].dt.to_period("M").astype(str))
        assert {f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13)} <= months, queue
    assert extract["requested_date"].max() <= pd.Timestamp(waiting.EXTRACT_DATE)
    assert set(extract["queue"]) == set(waiting.QUEUES)


def test_synthetic_extract_regenerates_byte_identical(tmp_path):
    out = waiting.write_synthetic(tmp_path / "waiting_list.csv")
    assert out.read_bytes() == waiting.synthetic_path().read_bytes()


# --- targets, flow, completed waits -------------------------------------------

def test_against_targets_judges_the_plan(figures, extract):
    judged = waiting.against_targets(extract, "2025-12-28", waiting.targets(figures))
    key = judged.set_index(["queue", "measure", "target"])
    median = key.loc[("care_act_assessment", "median_days", 14.0)]
    assert (median["value"], median["gap"], median["status"]) == (18.0, 4.0, "red")
    fin = key.loc[("financial_assessment", "waiting", 220.0)]
    assert (fin["value"], fin["status"], fin["gap"]) == (102.0, "green", 0.0)
    max_res = key.loc[("financial_assessment_residential", "max_days", 56.0)]
    assert max_res["days"] == "working" and max_res["status"] == "green" and max_res["value"] < 29
    assert key.loc[("annual_review", "median_days", 30.0)]["status"] == "amber"     # 32 within 10% of 30


def test_rag_rule():
    assert waiting.rag(14, "<=", 14) == "green"
    assert waiting.rag(15.4, "<=", 14) == "amber" and waiting.rag(15.5, "<=", 14) == "red"
    assert waiting.rag(80, ">=", 85) == "amber" and waiting.rag(70, ">=", 85) == "red"
    assert waiting.rag(float("nan"), "<=", 14, waiting=0) == "green"


def test_weekly_flow_net_is_the_change_in_waiting(extract):
    weeks = pd.date_range("2025-01-05", "2025-12-28", freq="7D")
    flow = waiting.weekly_flow(extract, weeks)
    for queue, part in flow.groupby("queue"):
        change = part["waiting"].diff().iloc[1:].to_numpy()
        assert (change == part["net"].iloc[1:].to_numpy()).all(), queue
    care = flow[(flow["queue"] == "care_act_assessment") & (flow["week_ending"] == "2025-12-28")].iloc[0]
    assert care["waiting"] == 416 and care["added"] > 0


def test_weeks_to_target_at_the_current_rate():
    judged = pd.DataFrame({
        "as_of": pd.to_datetime(["2025-11-02", "2025-12-28"]), "queue": "q", "measure": "waiting",
        "operator": "<=", "target": 220.0, "value": [400.0, 300.0], "gap": [180.0, 80.0], "status": ["red", "red"],
    })
    row = waiting.weeks_to_target(judged, window_weeks=8).iloc[0]
    assert row["rate_per_week"] == -12.5 and row["weeks"] == 7     # 80 / 12.5 = 6.4 -> 7
    judged["value"] = [300.0, 300.0]
    assert np.isnan(waiting.weeks_to_target(judged).iloc[0]["weeks"])
    judged["value"] = [400.0, 300.0]
    judged["due"] = pd.Timestamp("2026-01-31")                  # 4 whole weeks left: 7 do not fit
    row = waiting.weeks_to_target(judged).iloc[0]
    assert (row["weeks_left"], row["on_track"]) == (4.0, False)
    judged["due"] = pd.Timestamp("2026-05-31")
    assert waiting.weeks_to_target(judged).iloc[0]["on_track"] == True  # noqa: E712 (a numpy bool)


def test_count_targets_run_at_the_net_flow_rate(figures, extract):
    t = waiting.pack_tables(extract, figures, "2025-12-28", "2024-12-29", "2026-01-19")
    weeks = pd.date_range(end="2025-12-28", periods=12, freq="7D")
    flow = waiting.weekly_flow(extract, weeks)
    last8 = flow[flow["week_ending"] > pd.Timestamp("2025-12-28") - pd.Timedelta(weeks=8)]
    fin = last8[last8["queue"].isin(waiting.QUEUE_GROUPS["financial_assessment"])]["net"].sum() / 8
    row = t["weeks_to_target"].set_index(["queue", "measure"]).loc[("financial_assessment", "waiting")]
    assert row["rate_per_week"] == fin == -7.5 and row["rate_basis"].startswith("net flow")
    assert (row["weeks"], row["weeks_left"], row["on_track"]) == (0.0, 22.0, True)
    # the net flow is the change in the count: the same rate as the count's own slope
    mine = waiting.snapshot_metrics(extract, ["2025-11-02", "2025-12-28"])
    mine = mine[mine["queue"].isin(waiting.QUEUE_GROUPS["financial_assessment"])].groupby("as_of")["waiting"].sum()
    assert (mine.iloc[1] - mine.iloc[0]) / 8 == fin
    med = t["weeks_to_target"].set_index(["queue", "measure", "target"]).loc[("care_act_assessment", "median_days", 14.0)]
    assert med["rate_basis"].endswith("(proxy)") and med["due"] == pd.Timestamp("2026-05-31")


def test_completed_wait_median_counts_waits_that_ended_in_the_period():
    wl = frame([("care_act_assessment", "2025-10-01", "2025-12-20", None),   # 80 days, ended in period
                ("care_act_assessment", "2025-12-10", "2025-12-12", None),   # 2 days
                ("care_act_assessment", "2025-12-01", None, "2025-12-27"),   # 26 days (closed)
                ("care_act_assessment", "2025-12-01", "2025-11-20", None)])  # ended before the period
    wl.loc[3, "allocated_date"] = pd.Timestamp("2025-11-20")
    wl.loc[3, "requested_date"] = pd.Timestamp("2025-11-01")
    out = waiting.completed_waits(wl, "2025-12-28", period_days=28)
    row = out[out["queue"] == "care_act_assessment"].iloc[0]
    assert (row["ended"], row["completed_median_days"]) == (3, 26.0)
    assert "ended in the period" in row["definition"]


# --- findings ------------------------------------------------------------------

def test_findings(extract):
    f = waiting.findings()
    assert set(f["domain"]) == {"waiting"}
    conflict = f[(f["check"] == "conflicting_max_targets") & f["description"].str.startswith("care_act")].iloc[0]
    assert (conflict["published"], conflict["computed"], conflict["kind"], conflict["lines"]) == (28.0, 56.0, "review", "1152")
    pct = f[(f["check"] == "over_6_months_pct") & f["description"].str.contains("37 of 754")].iloc[0]
    assert (pct["published"], pct["computed"], pct["kind"]) == (5.0, 5.0, "ok")
    med = f[f["check"] == "median_vs_over_28"]
    assert len(med) == 2 and (med["kind"] == "ok").all()
    peak = f[f["check"] == "peak_vs_2024_dashboard"].iloc[0]
    assert (peak["published"], peak["computed"], peak["kind"]) == (716.0, 1632.0, "review")
    rep = f[f["check"] == "extract_reproduces"]
    assert len(rep) == 23 and (rep["published"] == rep["computed"]).all()
    # the shared rule: whole-percent figures are the extract's exact percentages rounded half away
    pct = rep[rep["unit"] == "percent"]
    assert (pct["kind"] == "rounding").all() and sorted(pct["detail"]) == [
        "32.93 rounded half away from zero to 0 decimal place(s)", "62.01 rounded half away from zero to 0 decimal place(s)"]
    assert (rep[rep["unit"] != "percent"]["kind"] == "ok").all()
    assert rep["description"].str.startswith("synthetic extract check:").all()
    assert set(rep["unit"]) == {"count", "days", "percent"}       # units, not measure names
    assert not f.duplicated(["check", "description"]).any() and f["description"].str.len().min() > 20


def test_days_basis_finding_comes_from_the_data(figures):
    assumed = figures[figures["days_basis"] == "assumed"]
    assert set(assumed["queue"]) == {"financial_assessment_residential", "financial_assessment_non_residential"}
    assert len(assumed) == 8 and (assumed["days"] == "calendar").all() and (assumed["role"] != "target").all()
    f = waiting.findings()
    rows = f[f["check"] == "days_basis"]
    assert len(rows) == 2 and (rows["kind"] == "review").all() and (rows["lines"] == "1154").all()
    assert rows["description"].str.contains("4 waits printed in days, read as calendar days, judged against "
                                            "targets in working days").all()


def test_projection_from_the_published_figures_against_the_delivery_dates():
    f = waiting.findings()
    care = reconcile.only(f, "projection_vs_due", "care_act_assessment median_days <= 14 by May-26")
    # 45 (29/12/24) -> 18 (28/12/25): -0.52 a week; the 4 days left take 8 weeks; 22 whole weeks to 31 May 2026
    assert (care["published"], care["computed"], care["kind"]) == (22.0, 8.0, "ok")
    review = reconcile.only(f, "projection_vs_due", "annual_review max_days <= 90 by Jun-26")
    # 2,729 (31/07/25) -> 1,204 (28/12/25): -71.17 a week; 1,114 to go: 16 weeks; 26 to 30 June 2026
    assert (review["published"], review["computed"], review["kind"]) == (26.0, 16.0, "ok")
    carer = reconcile.only(f, "projection_vs_due", "carer_assessment median_days <= 14 by May-26")
    assert carer["kind"] == "missing" and "no earlier figure" in carer["description"]
    met = reconcile.only(f, "projection_vs_due", "financial_assessment waiting <= 220 by May-26")
    assert (met["published"], met["computed"], met["kind"]) == (22.0, 0.0, "ok")
    ot = f[(f["check"] == "projection_vs_due") & f["description"].str.startswith("ot_")]
    assert len(ot) == 5 and (ot["kind"] == "missing").all() and (ot["lines"] == "1155").all()


def test_impossible_combination_is_a_mismatch(tmp_path, figures):
    data = tmp_path / "data"
    (data / "published").mkdir(parents=True)
    raw = sources.read_table(sources.published_path("waiting_figures"))
    # a median under 28 with 62% over 28 days cannot be true
    raw.loc[(raw["measure"] == "median_days") & (raw["as_of"] == "2024-12-29"), ["value", "printed"]] = ["18", "18 days"]
    raw.to_csv(data / "published" / "waiting_figures.csv", index=False)
    f = waiting.findings(data)
    bad = f[(f["check"] == "median_vs_over_28") & (f["kind"] == "mismatch")]
    assert len(bad) == 1 and (bad.iloc[0]["published"], bad.iloc[0]["computed"]) == (1.0, 0.0)


def test_registered_in_reconcile():
    from toolkit import reconcile
    assert reconcile.DOMAINS["waiting"] == "toolkit.waiting:findings"


# --- explorer logic --------------------------------------------------------------

def test_explorer_view(extract):
    view = waiting.explorer_view(extract, "care_act_assessment", "2025-01-05", "2025-12-28",
                                 {"median_days": 14, "max_days": 56})
    assert view["summary"].startswith("care_act_assessment: 416 waiting on 2025-12-28; median 18 days")
    assert view["longest"] is None and view["waiting"] == 416
    assert view["distribution"]["people"].sum() == 416
    assert view["trend"]["as_of"].iloc[-1] == pd.Timestamp("2025-12-28")
    assert view["trend"]["median_days_status"].iloc[-1] == "red"
    internal = waiting.explorer_view(extract, "carer_assessment", "2025-06-01", "2025-12-28", {}, internal=True)
    assert internal["longest"]["wait_days"].iloc[0] == 140
    assert internal["longest"]["person_id"].str.startswith("SYN-").all()


def test_explorer_suppresses_small_counts():
    wl = frame([("ot_assessment", "2025-12-01", None, None)] * 3)
    view = waiting.explorer_view(wl, "ot_assessment", "2025-12-01", "2025-12-28", {})
    assert view["summary"].startswith("ot_assessment: [c] waiting")
    assert view["distribution"]["people"].isna().sum() == 1
    assert waiting.explorer_view(wl, "ot_assessment", "2025-12-01", "2025-12-28", {}, internal=True)["summary"].startswith(
        "ot_assessment: 3 waiting")


def test_explorer_bands_cannot_be_worked_out_from_the_count_shown(extract):
    # The bands add up to the count in the summary: wherever that count is
    # shown, the hidden bands together are 0 or 5 or more, and not each 1.
    data = waiting.ExplorerData(extract)
    checked = 0
    for queue in waiting.QUEUES:
        for end in pd.date_range("2025-01-05", "2025-12-28", freq="28D"):
            view = waiting.explorer_view(data, queue, end - pd.Timedelta(days=28), end, {})
            people = view["distribution"]["people"]
            if people.isna().any() and f": {view['waiting']:,} waiting" in view["summary"]:
                rest, hidden = view["waiting"] - int(people.sum()), int(people.isna().sum())
                assert (rest == 0 or rest >= 5) and rest != hidden, (queue, end, people.tolist())
                checked += 1
    assert checked >= 10


def test_waiting_explorer_widget_shows_the_selected_queue_count():
    import ipywidgets

    from toolkit.widgets import waiting_explorer

    box = waiting_explorer()
    assert isinstance(box, ipywidgets.Widget)
    controls = [c for row in box.children[:2] for c in row.children]
    assert all(c.description for c in controls)
    queue = controls[0]
    summary = box.children[2]
    assert "care_act_assessment: 416 waiting on 2025-12-28" in summary.value
    queue.value = "carer_assessment"
    assert "carer_assessment: 150 waiting on 2025-12-28" in summary.value
    assert controls[3].value == 14 and controls[4].value == 56     # the plan's targets for the queue
    queue.value = "financial_assessment_residential"
    assert controls[3].value == 28 and "40 waiting" in summary.value


def test_loader_rejects_dates_after_the_extract_date(tmp_path, extract):
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + "A1,care_act_assessment,2025-01-02,2026-01-06,\n")
    with pytest.raises(LoaderError, match="row 2, column 'allocated_date': expected a date on or before the extract date 2026-01-05"):
        waiting.load_waiting_list(path, extract_date="2026-01-05")
    assert len(waiting.load_waiting_list(path)) == 1
    assert len(waiting.load_waiting_list(waiting.synthetic_path(), extract_date=waiting.EXTRACT_DATE)) == len(extract)


# --- target lines per queue, in the days each target counts ------------------------

def test_trend_chart_draws_each_queues_own_targets_in_its_own_days(figures, extract):
    plan = waiting.targets(figures, "2026-01-19")
    lines = waiting.target_lines(plan)
    got = {q: sorted((m, v, d) for m, v, d in zip(g["measure"], g["value"], g["days"])) for q, g in lines.groupby("queue")}
    assert got["care_act_assessment"] == [("max_days", 28.0, "calendar"), ("max_days", 56.0, "calendar"),
                                          ("median_days", 14.0, "calendar")]
    assert got["financial_assessment_residential"] == [("max_days", 56.0, "working"), ("median_days", 28.0, "working")]
    assert got["ot_assessment"] == [("max_days", 56.0, "calendar"), ("median_days", 28.0, "calendar")]
    assert got["annual_review"] == [("max_days", 90.0, "calendar"), ("median_days", 30.0, "calendar")]
    assert "financial_assessment" not in got          # the group's count target binds the total, not a queue
    weeks = pd.date_range(end="2025-12-28", periods=3, freq="7D")
    long = waiting.trend_by_basis(extract, weeks, plan)
    assert dict(zip(long["queue"], long["days"]))["financial_assessment_residential"] == "working"
    at = long[(long["as_of"] == "2025-12-28") & (long["measure"] == "max_days")].set_index("queue")["value"]
    work = waiting.snapshot_metrics(extract, "2025-12-28", days="working").set_index("queue")["max_days"]
    cal = waiting.snapshot_metrics(extract, "2025-12-28").set_index("queue")["max_days"]
    assert at["financial_assessment_residential"] == work["financial_assessment_residential"] == 18
    assert at["annual_review"] == cal["annual_review"] == 1204
    fig, summary = waiting.trend_chart(long, lines)
    labels = {ax.get_title(): ax.get_ylabel() for ax in fig.axes if ax.get_visible() and ax.get_title()}
    assert labels["financial assessment residential"] == "wait (working days)"
    assert labels["annual review"] == "wait (days)"
    dashed = {ax.get_title(): sorted(l.get_ydata()[0] for l in ax.get_lines() if l.get_linestyle() == "--")
              for ax in fig.axes if ax.get_title()}
    assert dashed["annual review"] == [30, 90] and dashed["care act assessment"] == [14, 28, 56]
    assert "financial_assessment_residential: median <= 28 working days, maximum <= 56 working days" in summary
    assert "annual_review: median <= 30 days, maximum <= 90 days" in summary
    # no target in force (the 2024 pack): no lines, and the summary says so
    fig, summary = waiting.trend_chart(waiting.trend_by_basis(extract, weeks, plan.iloc[0:0]), waiting.target_lines(plan.iloc[0:0]))
    assert "care_act_assessment: no target" in summary
    assert not [l for ax in fig.axes for l in ax.get_lines() if l.get_linestyle() == "--"]


def test_explorer_counts_working_days_for_working_day_targets(figures, extract):
    plan = waiting.targets(figures)
    chosen = waiting.explorer_targets(plan, "financial_assessment_residential")
    assert chosen == {"median_days": 28.0, "max_days": 56.0, "waiting": None, "days": "working"}
    assert waiting.explorer_targets(plan, "annual_review")["days"] == "calendar"
    view = waiting.explorer_view(extract, "financial_assessment_residential", "2025-06-01", "2025-12-28",
                                 chosen, days="working", internal=True)
    work = one(waiting.snapshot_metrics(extract, "2025-12-28", days="working"), "financial_assessment_residential")
    assert view["summary"] == (f"financial_assessment_residential: 40 waiting on 2025-12-28; median "
                               f"{work['median_days']:g} working days; maximum {work['max_days']} working days")
    assert view["longest"]["wait_days"].iloc[0] == work["max_days"] == 18
    assert (view["distribution"]["days"] == "working").all() and view["distribution"]["people"].sum() == 40
    assert set(view["lines"]["days"]) == {"working"}


def test_explorer_data_is_prepared_once_and_reused(extract):
    data = waiting.ExplorerData(extract)
    args = ("care_act_assessment", "2025-01-05", "2025-12-28")
    first = waiting.explorer_view(data, *args, {"median_days": 14, "max_days": 56})
    again = waiting.explorer_view(data, *args, {"median_days": 10, "max_days": 30})   # a threshold: no new snapshot
    assert len(data._trends) == 1
    pd.testing.assert_frame_equal(first["trend"][waiting.SNAPSHOT_COLUMNS], again["trend"][waiting.SNAPSHOT_COLUMNS])
    plain = waiting.explorer_view(extract, *args, {"median_days": 14, "max_days": 56})
    pd.testing.assert_frame_equal(first["trend"], plain["trend"], check_exact=True)
    weekly = pd.date_range(end="2025-12-28", start="2025-01-05", freq="7D")
    full = waiting.snapshot_metrics(extract, weekly)
    pd.testing.assert_frame_equal(first["trend"][waiting.SNAPSHOT_COLUMNS],
                                  full[full["queue"] == "care_act_assessment"].reset_index(drop=True), check_exact=True)


def test_waiting_explorer_widget_counts_working_days_for_financial_assessments():
    from toolkit.widgets import waiting_explorer

    box = waiting_explorer()
    queue = box.children[0].children[0]
    queue.value = "financial_assessment_residential"
    assert "working days" in box.children[2].value
    queue.value = "carer_assessment"
    assert "working days" not in box.children[2].value and "days" in box.children[2].value


# --- the benchmark runs (tiny size) ------------------------------------------------

def test_benchmark_runs_at_a_tiny_size():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_waiting", sources.ROOT / "benchmarks" / "waiting.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = bench.main(["--rows", "3000", "--repeat", "1", "--loop-step", "137"])   # asserts identical results inside
    assert set(out) == {"fast", "duckdb", "loop", "ratio_loop", "ratio_duckdb"} and out["fast"] > 0


# --- the notebook inside the 2024 pack ------------------------------------------------

def test_notebook_in_the_2024_pack_judges_its_own_figures(meeting_packs):
    pack = meeting_packs("2024-01-22") / "2024-01-22"
    tables = pack / "waiting_times" / "tables"
    judged = pd.read_csv(tables / "waiting_times_targets.csv")
    assert judged.empty                     # no plan target was in force in January 2024
    own = pd.read_csv(tables / "waiting_times_published_targets.csv").set_index("measure")
    assert own.loc["waiting", ["value", "operator", "target", "status"]].tolist() == [754.0, "<", 1575.0, "green"]
    assert own.loc["over_6_months", ["value", "operator", "target", "status"]].tolist() == [37.0, "<", 71.0, "green"]
    assert pd.read_csv(tables / "waiting_times_published_vs_computed.csv").empty
    assert pd.read_csv(tables / "waiting_times_weeks_to_target.csv").empty
    snap = pd.read_csv(tables / "waiting_times_snapshot.csv")
    assert set(snap["as_of"]) == {"2023-11-30"}
    text = (pack / "waiting_times.html").read_text()
    assert "No target in force at the 2024-01-22 meeting" in text and "2 green, 0 amber, 0 red" in text
    assert "care_act_assessment: no target" in text
