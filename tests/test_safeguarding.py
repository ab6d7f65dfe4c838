"""Safeguarding: published Tables 1-4 and figures, their reconciliation, the
record-level extract, the synthetic extract and small-number suppression."""
from __future__ import annotations

import shutil
from datetime import date
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import disclosure, reconcile, safeguarding as sg
from toolkit.errors import LoaderError
from toolkit.sources import ROOT

SRC = "001_6c1a5cf086dcc65a.txt"
SYNTHETIC = ROOT / "data" / sg.SYNTHETIC_FILE


@pytest.fixture(scope="module")
def cases():
    return sg.load_cases()


@pytest.fixture(scope="module")
def found():
    return sg.findings()


def one(found, check, description):
    return reconcile.only(found, check, description, exact=True)


# --- published figures ---------------------------------------------------------

def test_published_tables_load_with_their_totals(cases):
    t1 = sg.published_table(cases, "organisational").set_index("month")
    t2 = sg.published_table(cases, "community").set_index("month")
    assert t1.at["total", "received"] == 548 and t2.at["total", "received"] == 600
    assert t1.at["2020-07", "received"] == 65 and t2.at["2020-07", "received"] == 97
    assert t1.at["2020-09", "threshold_not_met_pct"] == 72.27
    assert len(t1) == len(t2) == 12
    assert len(cases) == 191


def test_sar_tables_and_costs():
    sar = sg.sar_activity(sg.load_sar()).set_index("year")
    assert list(sar["referrals"]) == [2, 4, 13]
    assert sar.at["2018/19", "cost_per_completed_review"] == 7752.5
    assert sar.at["2019/20", "cost_per_completed_review"] == 8256.0
    assert sar.at["2020/21", "cost_per_completed_review"] == 1168.75


def test_national_comparison_2022_23():
    cmp = sg.national_comparison(sg.load_figures()).set_index(["measure", "period"])
    row = cmp.loc[("concerns_per_100k", "2022/23")]
    assert (row["leicestershire"], row["east_midlands"], row["england"]) == (706, 631, 814)
    assert row["gap_to_england"] == -108
    neglect = cmp.loc[("neglect_share_of_risks_pct", "2019/20")]
    assert (neglect["leicestershire"], neglect["england"], neglect["note"]) == (30, 31.8, "")
    # the later, more precise printing (003 line 1023) replaces line 824's
    safe = cmp.loc[("feel_safe_pct", "2022/23")]
    assert (safe["leicestershire"], safe["england"], safe["gap_to_england"]) == (85.3, 87.1, -1.8)


def test_national_comparison_pairs_the_2021_packs_own_comparisons():
    figs = sg.load_figures()
    cmp = sg.national_comparison(figs[figs["source"].isin(sg.packs_up_to("2021-01-18"))]).set_index(["measure", "period"])
    growth = cmp.loc[("alerts_change_pct", "2019/20")]  # 001 lines 1834-1835: 25% against 14.6%
    assert (growth["leicestershire"], growth["leicestershire_period"], growth["england"]) == (25, "2020", 14.6)
    assert growth["gap_to_england"] == 10.4 and growth["note"] == "periods differ: Leicestershire 2020 against 2019/20"
    risk = cmp.loc[("risk_reduced_or_removed_pct", "2019/20")]  # 001 line 1899: England only
    assert risk["england"] == 89.5 and pd.isna(risk["leicestershire"]) and risk["note"] == "no Leicestershire figure printed"
    later = sg.national_comparison(figs).set_index(["measure", "period"]).loc[("risk_reduced_or_removed_pct", "2019/20")]
    assert (later["leicestershire"], later["leicestershire_period"], later["gap_to_england"]) == (96, "2023/24 to November", 6.5)


def test_budget_lines():
    budget = sg.load_budget().set_index(["edition", "item", "measure"])["value"]
    assert budget[("2019/20", "safeguarding_dols_court_of_protection", "net_budget")] == 2634771
    assert budget[("2024/25", "dols_in_hospitals_grant", "income")] == -52000


def test_improvement_plan_actions_of_2026():
    plan = sg.pack_plan(sg.load_plan(), "004_d7bc47fa68b1d77f.txt", "2026-01-19")
    assert list(plan["lines"]) == ["1168", "1169"]
    assert list(plan["printed"]) == ["Mar-26", "Mar-26"]
    assert list(plan["delivery_by"]) == ["2026-03-31", "2026-03-31"]
    assert list(plan["days_to_delivery"]) == [71, 71]
    assert sg.pack_plan(sg.load_plan(), SRC, "2021-01-18").empty


def test_text_figure_keeps_its_text():
    fig = sg.load_figures()
    q = fig[(fig["measure"] == "feel_safe_quartile") & (fig["period"] == "2017/18")].iloc[0]
    assert q["text"] == "Two" and pd.isna(q["value"])


# --- reconciliation: Tables 1 and 2 ---------------------------------------------

def test_rows_that_do_not_add_up(found):
    rows = found[(found["check"] == "row_outcomes_vs_received") & (found["kind"] == "mismatch")]
    got = {(r.description.split(":")[0], r.published, r.computed) for r in rows.itertuples()}
    assert got == {
        ("Table 1 2020-03", 56, 58), ("Table 1 2020-09", 44, 45), ("Table 1 2020-10", 34, 35),
        ("Table 1 total", 548, 552),
        ("Table 2 2020-02", 44, 43), ("Table 2 2020-04", 15, 14), ("Table 2 2020-06", 85, 89),
        ("Table 2 2020-09", 59, 58), ("Table 2 total", 600, 590),
    }
    march = one(found, "row_outcomes_vs_received", "Table 1 2020-03: outcomes add up to cases received")
    assert (march["source"], march["lines"], march["difference"]) == (SRC, "1977", 2)
    assert march["detail"] == "25 + 24 + 9 + 0 = 58"


def test_column_totals(found):
    cols = found[found["check"] == "column_total_vs_rows"]
    assert len(cols) == 10
    bad = cols[cols["kind"] != "ok"]
    assert sorted(zip(bad["description"], bad["published"], bad["computed"])) == [
        ("Table 2 closed_by_team: printed total equals the sum of the months", 100, 108),
        ("Table 2 transferred_to_locality: printed total equals the sum of the months", 100, 103),
    ]
    assert set(bad["lines"]) == {"2049"}


def test_percentages_wrong_and_truncated(found):
    april = one(found, "percent_vs_counts", "Table 1 2020-04 closed_by_team: printed share of cases received")
    assert (april["published"], april["computed"], april["kind"], april["lines"]) == (49, 47, "mismatch", "1979")
    may = one(found, "percent_vs_counts", "Table 1 2020-05 threshold_not_met: printed share of cases received")
    assert (may["published"], may["computed"], may["kind"]) == (40, 53, "mismatch")
    sept = one(found, "percent_vs_counts", "Table 1 2020-09 threshold_not_met: printed share of cases received")
    assert (sept["published"], sept["computed"], sept["kind"]) == (72.27, 72.73, "mismatch")
    # 2 / 44 = 4.545...%: half away from zero gives 5; the table prints 4 (truncated)
    feb = one(found, "percent_vs_counts", "Table 2 2020-02 transferred_to_locality: printed share of cases received")
    assert (feb["published"], feb["computed"], feb["kind"]) == (4, 5, "rounding")
    assert "truncated, not rounded" in feb["detail"]
    total = one(found, "percent_vs_counts", "Table 1 total closed_by_team: printed share of cases received")
    assert (total["published"], total["computed"], total["kind"]) == (25.3, 25.4, "rounding")
    assert "truncated" in total["detail"]  # 139 / 548 = 25.365%
    # 35 / 49 = 71.43%: printed 71.5 so that 12.2 + 71.5 + 16.3 makes 100.0
    aug = one(found, "percent_vs_counts", "Table 1 2020-08 threshold_not_met: printed share of cases received")
    assert (aug["published"], aug["computed"], aug["kind"], aug["lines"]) == (71.5, 71.4, "mismatch", "1987")
    assert "add up to exactly 100 (12.2 + 71.5 + 16.3) where the rounded shares add up to 99.9" in aug["detail"]
    # rounded half away is "rounding" by the shared rule; exact shares are "ok"
    jan = one(found, "percent_vs_counts", "Table 1 2020-01 closed_by_team: printed share of cases received")
    assert (jan["published"], jan["computed"], jan["kind"]) == (32, 32, "ok")  # 16 / 50
    pct = found[found["check"] == "percent_vs_counts"]
    assert len(pct) == 71
    assert pct["kind"].value_counts().to_dict() == {"rounding": 54, "mismatch": 11, "ok": 6}
    assert sum("truncated, not rounded" in d for d in pct["detail"]) == 20  # the rest rounded half away


def test_prose_against_tables_and_counts(found):
    osa = one(found, "prose_vs_table", "OSA cases received in 2020-04 (prose, the lowest month) against Table 1")
    assert (osa["published"], osa["computed"], osa["kind"]) == (30, 30, "ok")
    cost = one(found, "prose_vs_table", "cost of SARs over three years (prose) against Table 4")
    assert (cost["published"], cost["computed"], cost["kind"]) == (28436, 28436, "ok")
    sar = one(found, "prose_vs_table", "SAR referrals from March 2020 (prose) cannot be fewer than the 2020/21 referrals in Table 3")
    assert (sar["published"], sar["computed"], sar["kind"], sar["lines"]) == (11, 13, "mismatch", "2071")
    csc = one(found, "prose_percent_vs_counts", "alerts via the Customer Service Centre: share of alerts in 2020")
    assert (csc["published"], csc["computed"], csc["kind"]) == (74, 92, "mismatch")
    week = one(found, "prose_average_vs_total", "alerts per week: 2020 alerts over the 52.3 weeks of 2020")
    assert (week["published"], week["computed"], week["kind"]) == (94, 74, "mismatch")
    assert "94 a week would be 4,915 alerts (line 3127" in week["detail"] and "periods of the figures appear mixed" in week["detail"]
    assert "3,578 being 74% of the alerts would make 4,835 alerts" in csc["detail"]
    # July's 579 and December's 308 cannot both be months of a 12-month total of 3,880
    months = one(found, "prose_months_vs_total",
                 "alerts: the highest month (2020-07) and the lowest (2020-12) can be months of a 12-month total")
    assert (months["published"], months["computed"], months["kind"], months["lines"]) == (3880, 3967, "mismatch", "1830;1832")
    assert "579 + 11 x 308 = 3,967" in months["detail"] and "fits 8 to 11 months" in months["detail"]
    assert "periods appear mixed" in months["detail"]
    msp = one(found, "prose_percent_vs_counts", "msp_outcomes_achieved_pct 2017/18: printed share of its counts")
    assert (msp["published"], msp["computed"], msp["source"], msp["lines"]) == (97.9, 94.9, "002_5b95b27d885825d4.txt", "1942")
    twice = found[found["check"] == "quoted_twice"]
    assert set(twice["kind"]) == {"ok", "rounding"}


def test_findings_are_registered():
    all_rows = reconcile.collect(domains=["safeguarding"])
    assert set(all_rows["domain"]) == {"safeguarding"}
    assert (all_rows["kind"] == "mismatch").sum() == 27
    assert (all_rows["kind"] == "missing").sum() == 0



# --- the same figure in the performance and budget tables ----------------------------

P2024 = "003_6b8cfb4131de48e1.txt"


def test_year_labels_are_one_spelling():
    assert sg.year_label("2022/23") == sg.year_label("2022-23") == sg.year_label("2022/23-2025/26") == "2022-23"
    assert sg.year_label("2020/21 to November") == "2020/21 to November"
    assert sg.line_set("12-14;20") == {12, 13, 14, 20}


def test_crossref_pairs_safeguarding_figures_with_performance_and_budget(found):
    pairs = found[found["check"] == "quoted_elsewhere"]
    assert set(pairs["kind"]) == {"ok"} and len(pairs) == 52
    concerns = one(found, "quoted_elsewhere", "concerns_per_100k (leicestershire, 2022/23) against "
                   "performance_prose safeguarding_concerns/leicestershire 2022-23")
    assert (concerns["published"], concerns["computed"], concerns["source"], concerns["lines"]) == (706, 706, P2024, "825")
    assert "safeguarding_figures.csv row" in concerns["detail"] and "performance_prose.csv row 185" in concerns["detail"]
    england = one(found, "quoted_elsewhere", "feel_safe_pct (england, 2022/23) against performance_dashboard "
                  "feel_safe/national_average 2022-23")
    assert (england["published"], england["computed"], england["lines"]) == (87.1, 87.1, "1023")
    quartile = one(found, "quoted_elsewhere", "feel_safe_quartile (leicestershire, 2019/20) against "
                   "performance_dashboard feel_safe/quartile 2019-20")
    assert (quartile["published"], quartile["computed"], quartile["unit"]) == ("Second", "Second", "text")
    net = one(found, "quoted_elsewhere", "net_budget (safeguarding_dols_court_of_protection, 2019/20) against "
              "budget_revenue Safeguarding, DOLS and Court of Protection/net 2019/20-2022/23")
    assert (net["published"], net["computed"], net["lines"]) == (2634771, 2634771, "644")
    growth = one(found, "quoted_elsewhere", "growth (liberty_protection_safeguards_growth, 2024/25) against "
                 "budget_items G10 2024/25")
    assert (growth["published"], growth["computed"], growth["unit"], growth["lines"]) == (730000, 730000, "gbp", "363")
    assert "the figure printed twice in the paper" in growth["detail"] and "730 gbp_thousands is 730,000 gbp" in growth["detail"]
    in_year = one(found, "quoted_elsewhere", "msp_outcomes_achieved_pct (leicestershire, 2020/21 to November) against "
                  "performance_dashboard safeguarding_outcomes/performance 2020-21")
    assert (in_year["published"], in_year["computed"], in_year["source"]) == (94.8, 94.8, SRC)


@pytest.fixture
def data_copy(tmp_path):
    copy = tmp_path / "data"
    for folder in ("published", "mappings"):
        shutil.copytree(ROOT / "data" / folder, copy / folder)
    return copy


def edit(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_a_changed_copy_turns_the_pair_into_a_mismatch(data_copy):
    edit(data_copy / "published" / "performance_prose.csv",
         "safeguarding_concerns,2022-23,leicestershire,706,", "safeguarding_concerns,2022-23,leicestershire,760,")
    edit(data_copy / "published" / "budget_revenue.csv",
         "DOLS and Court of Protection\",,line,net,2634771,", "DOLS and Court of Protection\",,line,net,2634717,")
    edit(data_copy / "published" / "budget_items.csv",
         "Liberty Protection Safeguards Referral Growth,2024/25,cumulative,730,",
         "Liberty Protection Safeguards Referral Growth,2024/25,cumulative,731,")
    found = sg.findings(data_copy)
    pairs = found[(found["check"] == "quoted_elsewhere") & (found["kind"] != "ok")]
    assert len(pairs) == 4
    concerns = one(found, "quoted_elsewhere", "concerns_per_100k (leicestershire, 2022/23) against "
                   "performance_prose safeguarding_concerns/leicestershire 2022-23")
    assert (concerns["kind"], concerns["published"], concerns["computed"], concerns["difference"]) == ("mismatch", 706, 760, 54)
    net = one(found, "quoted_elsewhere", "net_budget (safeguarding_dols_court_of_protection, 2019/20) against "
              "budget_revenue Safeguarding, DOLS and Court of Protection/net 2019/20-2022/23")
    assert (net["kind"], net["computed"], net["difference"]) == ("mismatch", 2634717, -54)
    # 730 to 731 (£000) breaks both its own transcription (line 702) and the prose's £730,000 (line 363)
    for measure in ("growth", "growth_2024_25"):
        row = one(found, "quoted_elsewhere", f"{measure} (liberty_protection_safeguards_growth, 2024/25) against "
                  "budget_items G10 2024/25")
        assert row["kind"] == "mismatch"
    growth = one(found, "quoted_elsewhere", "growth (liberty_protection_safeguards_growth, 2024/25) against "
                 "budget_items G10 2024/25")
    assert (growth["published"], growth["computed"]) == (730000, 731000)
    assert "731 gbp_thousands is 731,000 gbp" in growth["detail"] and "in gbp_thousands, the coarser printing: 730.00 rounds half away from zero to 730" in growth["detail"]


def test_two_printings_are_compared_at_the_coarser_precision():
    figures, budget, crossref = sg.load_figures(), sg.load_budget(), sg.load_crossref()
    from toolkit import budget as budget_domain, performance

    targets = sg.crossref_targets(performance.load_prose(), performance.load_dashboard(),
                                  budget_domain.load_revenue(), budget_domain.load_items())
    # without the dashboard's own line 1023, its 85.3% pairs with the 85% of the prose (line 824)
    without = figures[~((figures["measure"] == "feel_safe_pct") & (figures["lines"] == "1023")
                        & (figures["area"] == "leicestershire"))]
    rows = reconcile.frame(sg.check_crossref(without, budget, targets, crossref))
    row = one(rows, "quoted_elsewhere", "feel_safe_pct (leicestershire, 2022/23) against performance_dashboard "
              "feel_safe/previous 2022-23")
    assert (row["kind"], row["published"], row["computed"], row["lines"]) == ("rounding", 85, 85.3, "824")
    assert "the figure printed twice in the paper" in row["detail"] and "rounded half away from zero" in row["detail"]


def test_a_figure_left_out_of_safeguarding_or_a_stale_mapping_row_is_missing(data_copy):
    edit(data_copy / "published" / "safeguarding_figures.csv",
         "feel_safe_pct,leicestershire,2021/22,81,percent,003_6b8cfb4131de48e1.txt,824,81%\n", "")
    with open(data_copy / "mappings" / "safeguarding_crossref.csv", "a") as out:
        out.write("figures,feel_safe_pct,leicestershire,,,performance_dashboard,feel_safe,performance,value,,\n")
    found = sg.findings(data_copy)
    gone = one(found, "quoted_elsewhere", "performance_prose feel_safe/leicestershire 2021-22: printed there "
               "but not in safeguarding_figures (feel_safe_pct, leicestershire)")
    assert (gone["kind"], gone["computed"], gone["source"], gone["lines"]) == ("missing", 81, P2024, "824")
    stale = found[(found["check"] == "quoted_elsewhere") & found["description"].str.startswith("mapping row 41:")]
    assert list(stale["kind"]) == ["missing"] and stale.iloc[0]["source"] == "mappings/safeguarding_crossref.csv"


@pytest.mark.parametrize("row, column", [
    ("figures,feel_safe_pct,,,,performance_prose,feel_safe,england,,,", "area"),
    ("budget,net_budget,england,x,,budget_revenue,Y,net,,,", "area"),
    ("figures,feel_safe_pct,england,,,budget_items,G10,net,,,", "target_field"),
    ("figures,feel_safe_pct,england,,,performance_prose,feel_safe,england,numerator,,", "target_part"),
    ("figures,feel_safe_pct,wales,,,performance_prose,feel_safe,england,,,", "area"),
])
def test_crossref_mapping_errors_name_row_and_column(data_copy, row, column):
    path = data_copy / "mappings" / "safeguarding_crossref.csv"
    with open(path, "a") as out:
        out.write(row + "\n")
    with pytest.raises(LoaderError) as err:
        sg.load_crossref(data_copy)
    msg = str(err.value)
    assert "safeguarding_crossref.csv" in msg and "row 41" in msg and f"column '{column}'" in msg


# --- the extract ------------------------------------------------------------------

HEADER = ("concern_id,person_id,received_date,case_type,outcome,outcome_date,s42_enquiry,"
          "enquiry_concluded_date,risk_type,risk_outcome,msp_asked,msp_outcomes,team\n")


def write(tmp_path, body, name="concerns.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def test_load_concerns_keeps_extra_columns_and_computes_tables(tmp_path):
    path = write(tmp_path,
                 "C1,P1,2020-01-03,community,closed_by_team,2020-01-05,true,2020-01-20,neglect,reduced,true,fully,east\n"
                 "C2,P2,2020-01-09,community,threshold_not_met,2020-01-10,false,,financial,,false,,east\n"
                 "C3,P1,2020-03-01,organisational,open,,true,,physical,,true,,west\n")
    concerns = sg.load_concerns(path, snapshot=date(2020, 12, 11))
    assert list(concerns["team"]) == ["east", "east", "west"]
    monthly = sg.monthly_cases(concerns)
    assert list(monthly.columns) == ["month", "case_type", "received", "closed_by_team", "threshold_not_met",
                                     "transferred_to_locality", "open"]
    assert all(str(monthly[c].dtype) == "int64" for c in sg.COUNT_COLUMNS)
    assert list(monthly["month"]) == ["2020-01", "2020-01", "2020-02", "2020-02", "2020-03", "2020-03"]
    jan = monthly[(monthly["month"] == "2020-01") & (monthly["case_type"] == "community")].iloc[0]
    assert (jan["received"], jan["closed_by_team"], jan["threshold_not_met"]) == (2, 1, 1)
    sac = sg.sac_measures(concerns, internal=True).set_index("measure")
    # C3 is still open: no threshold decision yet, so it is left out of the conversion
    assert (sac.at["conversion_rate", "numerator"], sac.at["conversion_rate", "denominator"]) == (1, 2)
    assert sac.at["conversion_rate", "value"] == 50.0
    assert (sac.at["met_threshold_rate", "numerator"], sac.at["met_threshold_rate", "denominator"]) == (1, 2)
    assert sac.at["risk_reduced_or_removed", "value"] == sac.at["risk_reduced", "value"] == 100.0
    assert sac.at["risk_removed", "value"] == sac.at["risk_remained", "value"] == 0.0
    assert (sac.at["msp_fully_achieved", "value"], sac.at["msp_partially_achieved", "value"]) == (100.0, 0.0)
    public = sg.sac_measures(concerns)
    # every count is 1 to 4 or 0: only the zeros are shown, and their shares over hidden denominators are not
    assert public["numerator"].dropna().eq(0).all() and public["denominator"].isna().all()
    assert list(public.dropna(subset="numerator")["measure"]) == ["risk_removed", "risk_remained", "msp_partially_achieved"]
    assert public["value"].isna().all()


def test_compared_received_hides_what_the_rebuilt_table_hides(tmp_path, cases):
    path = write(tmp_path,
                 "C1,P1,2020-01-03,community,closed_by_team,2020-01-05,true,2020-01-20,neglect,reduced,true,fully,east\n"
                 "C2,P2,2020-01-09,community,threshold_not_met,2020-01-10,false,,financial,,false,,east\n"
                 "C3,P1,2020-03-01,organisational,open,,true,,physical,,true,,west\n")
    monthly = sg.monthly_cases(sg.load_concerns(path, snapshot=date(2020, 12, 11)))
    shown = sg.compare_received(monthly, cases).set_index(["case_type", "month"])
    march = shown.loc[("organisational", "2020-03")]
    assert march["published"] == 56
    assert pd.isna(march["rebuilt"]) and pd.isna(march["difference"])  # 1 concern, and 56 - 55 would say so
    assert shown["rebuilt"].dropna().eq(0).all() and not shown["rebuilt"].dropna().between(1, 4).any()
    assert list(shown["difference"].isna()) == list(shown["rebuilt"].isna())
    inside = sg.compare_received(monthly, cases, internal=True).set_index(["case_type", "month"])
    assert (inside.at[("organisational", "2020-03"), "rebuilt"], inside.at[("organisational", "2020-03"), "difference"]) == (1, -55)
    assert inside.at[("community", "2020-01"), "rebuilt"] == 2


@pytest.mark.parametrize("row, column, text", [
    ("C1,P1,2020-01-03,community,closed,2020-01-05,false,,neglect,,false,,x", "outcome", "one of closed_by_team"),
    ("C1,P1,2020-01-03,community,closed_by_team,2020-01-02,false,,neglect,,false,,x", "outcome_date", "on or after received_date 2020-01-03"),
    ("C1,P1,2020-01-03,community,open,2020-01-05,false,,neglect,,false,,x", "outcome_date", "empty while the outcome is open"),
    ("C1,P1,2020-01-03,community,threshold_not_met,2020-01-05,true,,neglect,,false,,x", "s42_enquiry", "false when the threshold was not met"),
    ("C1,P1,2020-01-03,community,closed_by_team,2020-01-05,false,,neglect,,false,fully,x", "msp_outcomes", "empty when msp_asked is false"),
    ("C1,P1,2020-01-03,community,closed_by_team,2020-01-05,maybe,,neglect,,false,,x", "s42_enquiry", "true or false"),
    ("C1,P1,2021-01-03,community,open,,false,,neglect,,false,,x", "received_date", "on or before the snapshot 2020-12-11"),
    ("C1,4010232137,2020-01-03,community,open,,false,,neglect,,false,,x", "person_id", "text"),
])
def test_load_concerns_names_file_row_and_column(tmp_path, row, column, text):
    path = write(tmp_path, "C0,P0,2020-01-01,community,open,,false,,neglect,,false,,x\n" + row + "\n")
    with pytest.raises(LoaderError) as err:
        sg.load_concerns(path, snapshot=date(2020, 12, 11))
    message = str(err.value)
    assert "concerns.csv: row 3, column '" + column + "'" in message
    assert text in message


def test_load_concerns_rejects_duplicates_and_missing_columns(tmp_path):
    path = write(tmp_path, "C1,P1,2020-01-03,community,open,,false,,neglect,,false,,x\n"
                           "C1,P2,2020-01-04,community,open,,false,,neglect,,false,,x\n")
    with pytest.raises(LoaderError, match=r"row 3, column 'concern_id': expected a unique key \(same as row 2\)"):
        sg.load_concerns(path, snapshot=date(2020, 12, 11))
    bad = tmp_path / "short.csv"
    bad.write_text("concern_id,person_id\nC1,P1\n")
    with pytest.raises(LoaderError, match=r"short.csv: column 'received_date': expected this column to be present"):
        sg.load_concerns(bad)


# --- the synthetic extract ---------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic():
    return sg.load_concerns(SYNTHETIC, snapshot=sg.SYNTHETIC_SNAPSHOT)


def test_synthetic_extract_rebuilds_published_received_month_by_month(synthetic, cases):
    assert (synthetic["synthetic"] == "true").all()
    assert len(synthetic) == 548 + 600
    compared = sg.compare_received(sg.monthly_cases(synthetic), cases, internal=True)
    assert len(compared) == 22
    assert (compared["difference"] == 0).all()
    assert list(compared["published"]) == [50, 51, 56, 30, 62, 65, 65, 49, 44, 34, 42,
                                           61, 44, 23, 15, 38, 85, 97, 76, 59, 48, 54]


def test_synthetic_extract_honours_documented_outcomes(synthetic, cases):
    rebuilt = sg.case_table(sg.monthly_cases(synthetic), "organisational", internal=True).set_index("month")
    published = sg.published_table(cases, "organisational").set_index("month")
    for col in ("received", "closed_by_team", "threshold_not_met", "open"):
        assert list(rebuilt[col]) == list(published[col]), col
    # March: printed 25 + 24 + 9 = 58 > 56 received; transfers are the remainder 7
    assert rebuilt.at["2020-03", "transferred_to_locality"] == 7
    assert rebuilt.at["total", "transferred_to_locality"] == 61 - 9 + 7 - 8 + 7 - 10 + 9


def test_synthetic_extract_regenerates_byte_identical(tmp_path):
    fresh = sg.regenerate_synthetic(path=tmp_path / "again.csv")
    assert fresh.read_bytes() == SYNTHETIC.read_bytes()


def test_case_table_suppresses_small_counts(synthetic):
    table = sg.case_table(sg.monthly_cases(synthetic), "organisational")
    counts = table[sg.COUNT_COLUMNS]
    shown = counts.stack().dropna()
    assert not shown.between(1, 4).any()
    assert table.set_index("month").at["total", "received"] == 548
    hidden = counts.isna()
    for col in ("closed_by_team", "threshold_not_met", "transferred_to_locality"):
        assert table[f"{col}_pct"][hidden[col]].isna().all()


# --- disclosure: property tests -----------------------------------------------------

def recoverable_exact(hidden, relations):
    """Hidden cells a reader can work out by adding and subtracting: exact
    Gauss-Jordan elimination over the rationals (independent of the code
    under test).  A cell is recoverable when a row of the reduced matrix is
    its unit vector."""
    hidden = list(hidden)
    index = {c: i for i, c in enumerate(hidden)}
    rows = []
    for rel in relations:
        row = [Fraction(0)] * len(hidden)
        for cell, coef in rel.items():
            if cell in index:
                row[index[cell]] = Fraction(coef)
        if any(row):
            rows.append(row)
    pivots = []
    r = 0
    for col in range(len(hidden)):
        pivot = next((k for k in range(r, len(rows)) if rows[k][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [x / rows[r][col] for x in rows[r]]
        for k in range(len(rows)):
            if k != r and rows[k][col] != 0:
                rows[k] = [a - rows[k][col] * b for a, b in zip(rows[k], rows[r])]
        pivots.append(col)
        r += 1
    out = []
    for k, col in enumerate(pivots):
        if sum(1 for x in rows[k] if x != 0) == 1:
            out.append(hidden[col])
    return out


counts = st.integers(min_value=0, max_value=40) | st.integers(min_value=0, max_value=6)


@st.composite
def tables(draw):
    n_rows = draw(st.integers(min_value=1, max_value=7))
    n_cols = draw(st.integers(min_value=1, max_value=5))
    body = [[draw(counts) for _ in range(n_cols)] for _ in range(n_rows)]
    parts = [f"c{j}" for j in range(n_cols)]
    frame = pd.DataFrame(body, columns=parts, index=[f"r{i}" for i in range(n_rows)])
    frame["total"] = frame[parts].sum(axis=1)
    with_total_row = draw(st.booleans())
    if with_total_row:
        frame.loc["total"] = frame.sum()
    return frame, parts, with_total_row


def relations_of(frame, parts, with_total_row):
    body = [r for r in frame.index if r != "total"]
    rels = [{**{(r, c): 1 for c in parts}, (r, "total"): -1} for r in frame.index]
    if with_total_row:
        rels += [{**{(r, c): 1 for r in body}, ("total", c): -1} for c in parts + ["total"]]
    return rels


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_small_count_survives_or_can_be_recovered(case):
    frame, parts, with_total_row = case
    out = disclosure.suppress(frame, parts, total="total", total_row="total" if with_total_row else None)
    cols = parts + ["total"]
    cells = out[cols].stack()
    shown = cells.dropna()
    assert not shown.between(1, 4).any()
    # every small count is hidden
    small = frame[cols].stack().between(1, 4)
    assert cells[small[small].index].isna().all()
    hidden = [(r, c) for r in out.index for c in cols if pd.isna(out.at[r, c])]
    rels = relations_of(frame, parts, with_total_row)
    assert recoverable_exact(hidden, rels) == []
    # zeros are never hidden (docs/safeguarding.md), so a reader knows each
    # hidden count is at least 1
    zeros = frame[cols].stack() == 0
    assert cells[zeros[zeros].index].notna().all()
    # in every row or column whose total is shown, the hidden cells, which a
    # reader gets as the total less the shown parts, add up to 0 or to 5 or
    # more: never a small count, and never their own number (each would be 1)
    for rel in rels:
        hidden_parts = [c for c in rel if c in set(hidden)]
        if any(rel[c] == -1 for c in hidden_parts):
            continue  # the total is hidden: nothing to subtract from
        group = sum(frame.at[c] for c in hidden_parts)
        assert group == 0 or group >= 5, (rel, group)
        assert not hidden_parts or group != len(hidden_parts), rel
    # the shown cells are the true values
    for (r, c), v in shown.items():
        assert v == frame.at[r, c]
    # internal outputs are not suppressed
    assert disclosure.suppress(frame, parts, total="total", internal=True)[cols].equals(frame[cols].astype("Int64"))


@st.composite
def sac_counts(draw):
    """Counts of an extract as sg.sac_counts makes them: nested, with risk
    and MSP outcomes adding up to their totals."""
    up = lambda hi: draw(st.integers(min_value=0, max_value=hi))  # noqa: E731
    c = {"concerns": draw(st.integers(min_value=0, max_value=60))}
    c["decided"] = up(c["concerns"])
    c["met_threshold"] = up(c["decided"])
    c["s42_of_decided"] = up(c["met_threshold"])
    c["s42_enquiries"] = c["s42_of_decided"] + up(c["concerns"] - c["decided"])
    c["concluded"] = up(c["s42_enquiries"])
    c["msp_asked"] = up(c["concluded"])
    for prefix, codes, within, total in (("risk", sg.RISK_OUTCOMES, "concluded", "risk_identified"),
                                         ("msp", sg.MSP_OUTCOMES, "msp_asked", "msp_expressed")):
        left = c[within]
        for o in codes:
            c[f"{prefix}_{o}"] = up(left)
            left -= c[f"{prefix}_{o}"]
        c[total] = sum(c[f"{prefix}_{o}"] for o in codes)
    c["risk_reduced_or_removed"] = c["risk_reduced"] + c["risk_removed"]
    c["msp_achieved"] = c["msp_fully"] + c["msp_partially"]
    return c


@settings(max_examples=300, deadline=None)
@given(sac_counts())
def test_related_counts_leave_nothing_small_to_subtract(counts):
    shown = disclosure.suppress_related(counts, sg.SAC_SUMS, sg.SAC_PARENT)
    visible = {k: v for k, v in shown.items() if v is not pd.NA}
    assert all(v == counts[k] for k, v in visible.items())
    assert not any(1 <= v <= 4 for v in visible.values())
    assert all(k in visible for k, v in counts.items() if v == 0)  # zeros are shown
    # a shown count less a shown count of a group inside it is not small
    for name in visible:
        group = sg.SAC_PARENT.get(name)
        while group is not None:
            if group in visible:
                assert not 1 <= visible[group] - visible[name] <= 4, (group, name)
            group = sg.SAC_PARENT.get(group)
    # a shown total less its shown parts is not small, nor the number of hidden parts
    for total, parts in sg.SAC_SUMS.items():
        hidden = [p for p in parts if p not in visible]
        if total in visible and hidden:
            group = sum(counts[p] for p in hidden)
            assert group == 0 or (group >= 5 and group != len(hidden)), (total, hidden)
    # nothing small can be worked out exactly from all the relations together
    rels = [{**{(0, p): 1 for p in parts}, (0, t): -1} for t, parts in sg.SAC_SUMS.items()]
    rests = {}
    for name in counts:
        group = sg.SAC_PARENT.get(name)
        while group is not None:
            rests[(0, f"{group} - {name}")] = counts[group] - counts[name]
            rels.append({(0, name): 1, (0, f"{group} - {name}"): 1, (0, group): -1})
            group = sg.SAC_PARENT.get(group)
    hidden = [(0, k) for k in counts if k not in visible] + list(rests)
    for cell in recoverable_exact(hidden, rels):
        value = rests.get(cell, counts.get(cell[1]))
        assert not 1 <= value <= 4, cell
    assert disclosure.suppress_related(counts, sg.SAC_SUMS, sg.SAC_PARENT, internal=True) == counts


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=9, max_size=9))
def test_nested_counts_leave_no_small_difference(draws):
    parent = {"b": "a", "c": "b", "d": "c", "e": "d", "f": "e", "g": "d", "h": "g", "i": "h"}
    counts = {}
    for name, d in zip("abcdefghi", draws):
        counts[name] = d if name not in parent else min(d, counts[parent[name]])
    shown = disclosure.suppress_nested(counts, parent)
    visible = {k: v for k, v in shown.items() if v is not pd.NA}
    assert not any(1 <= v <= 4 for v in visible.values())
    for name in visible:
        p = parent.get(name)
        while p is not None:
            if p in visible:
                assert not 1 <= visible[p] - visible[name] <= 4, (p, name)
            p = parent.get(p)


def test_the_recovery_check_catches_primary_suppression_alone():
    frame = pd.DataFrame({"c0": [3, 10, 13], "c1": [8, 9, 17], "total": [11, 19, 30]}, index=["r0", "r1", "total"])
    rels = relations_of(frame, ["c0", "c1"], True)
    assert recoverable_exact([("r0", "c0")], rels) == [("r0", "c0")]
    # a rectangle of four hidden cells cannot be worked out
    assert recoverable_exact([("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")], rels) == []
    # the package's own check agrees
    assert disclosure.recoverable([("r0", "c0")], rels) == [("r0", "c0")]


def test_months_that_fit_a_total():
    assert sg.months_that_fit(3880, 579, 308) == (8, 11)
    assert sg.months_that_fit(120, 10, 10) == (12, 12)
    assert sg.period_bounds("2020") == (date(2020, 1, 1), date(2020, 12, 31))
    assert sg.period_bounds("2020/21") == (date(2020, 4, 1), date(2021, 3, 31))


def test_change_on_year_and_weekly_average():
    change = sg.change_on_year(3880, 782)
    assert change["previous"] == 3098
    assert round(change["change_pct"], 2) == 25.24
    assert round(sg.weekly_average(3880, date(2020, 1, 1), date(2020, 12, 31)), 2) == 74.21


def test_threshold_conversion_from_published_tables(cases):
    totals = sg.outcome_totals(cases).set_index("case_type")
    assert totals.at["community", "closed_by_team"] == 108  # the months, not the printed 100
    assert totals.at["organisational", "met_threshold_pct"] == 38.1  # (548 - 339) / 548
    assert totals.at["community", "met_threshold_pct"] == 36.0  # (600 - 384) / 600


def test_parquet_extract_loads_like_csv(tmp_path, synthetic):
    path = tmp_path / "concerns.parquet"
    pd.read_csv(SYNTHETIC, dtype=str, keep_default_na=False).to_parquet(path)
    again = sg.load_concerns(path, snapshot=sg.SYNTHETIC_SNAPSHOT)
    assert sg.monthly_cases(again).equals(sg.monthly_cases(synthetic))


def test_meetings_with_safeguarding_material_run_the_analysis():
    from toolkit import meeting
    from toolkit.sources import SOURCES

    meetings = meeting.load_all()
    listed = {m.date: m.analyses.get("safeguarding") for m in meetings}
    papers = sg.papers_with_material()
    assert set(papers) == set(SOURCES)  # every pack prints some safeguarding figure
    expected = {m.date for m in meetings if m.source in papers}
    assert {d for d, opts in listed.items() if opts is not None} == expected
    for m in meetings:
        if m.date in expected:
            assert any("safeguarding" in item.analyses for item in m.agenda), m.date
    assert listed["2021-01-18"]["concerns_path"] == "data/synthetic/safeguarding_concerns_synthetic.csv"
    assert listed["2018-01-16"]["concerns_path"] == listed["2026-01-19"]["concerns_path"] == ""
    assert listed["2021-01-18"]["snapshot"] == sg.SYNTHETIC_SNAPSHOT.isoformat()


def test_an_extract_needs_its_snapshot_date():
    from toolkit import meeting

    with pytest.raises(ValueError, match="snapshot: required when concerns_path names an extract"):
        meeting.SafeguardingOptions(concerns_path="data/synthetic/safeguarding_concerns_synthetic.csv")
    assert meeting.SafeguardingOptions(concerns_path="").snapshot is None
    assert sg.pack_of("2021-01-18") == SRC
    assert sg.packs_up_to("2021-01-18") == ["000_34a0172e3db75070.txt", "002_5b95b27d885825d4.txt", SRC]
