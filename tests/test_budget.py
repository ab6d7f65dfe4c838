"""MTFS budgets: loaders, the bridge, reconciliation findings, item tracking."""
import re
import shutil

import pandas as pd
import pytest

from toolkit import budget, reconcile, sources
from toolkit.errors import LoaderError
from toolkit.sources import ROOT


@pytest.fixture(scope="module")
def data():
    return budget.load_all()


@pytest.fixture(scope="module")
def found():
    return budget.findings()


one = reconcile.only


# --- loading -----------------------------------------------------------------

def test_every_edition_loads(data):
    assert list(data["summary"]["edition"].unique()) == list(budget.EDITIONS)
    assert len(data["summary"]) == 5 * 4 * 5 + 5  # five lines a year, transfers in the first year only
    items = data["items"].drop_duplicates(["edition", "appendix", "ref"])
    assert items.groupby("edition").size().to_dict() == {
        "2019/20-2022/23": 19, "2021/22-2024/25": 16, "2024/25-2027/28": 31, "2026/27-2029/30": 31}
    assert set(data["items"]["basis"]) == {"cumulative"}
    assert set(data["revenue"]["edition"]) == set(budget.EDITIONS) - {"2018/19-2021/22"}


def test_published_figures(data):
    b = budget.bridge(data["summary"], "2026/27-2029/30").set_index("year")
    assert b.loc["2026/27", list(budget.BRIDGE_LINES)].tolist() == [237010.0, 13323.0, 250333.0, 12170.0, -6990.0, 255513.0]
    assert b.loc["2029/30", "net"] == 266803.0
    div = data["divisions"].set_index(["edition", "division", "unit"])["value"]
    assert div[("2021/22-2024/25", "Department Total", "gbp_millions")] == 151.4  # printed "£151,4m"
    assert div[("2018/19-2021/22", "Better Care Fund Contribution", "percent")] == -12.8
    rev = budget.revenue_table(data["revenue"], "2026/27-2029/30").set_index("line")
    assert rev.loc["TOTAL ADULTS & COMMUNITIES", "net"] == 255512604.0
    assert rev.loc["TOTAL ADULTS & COMMUNITIES", "previous_net"] == 252637774.0


def test_in_year_converts_cumulative_appendix_totals(data):
    totals = data["item_totals"]
    grand = totals[(totals["edition"] == "2024/25-2027/28") & (totals["total"] == "TOTAL")].set_index("year")["value"]
    assert grand.tolist() == [24295.0, 31490.0, 38925.0, 46020.0]
    assert budget.in_year(grand).tolist() == [24295.0, 7195.0, 7435.0, 7095.0]


# --- findings ----------------------------------------------------------------

def test_bridge_reconciles_in_every_edition(found):
    bridge = found[found["check"].str.startswith("bridge_")]
    assert len(bridge) == 5 * 4 + 5 * 4 + 5 * 3
    assert set(bridge["kind"]) == {"ok"}


def test_appendix_totals_match_items_and_summary(found):
    checks = found[found["check"].isin(["items_total", "summary_growth_vs_appendix", "summary_savings_vs_appendix"])]
    assert len(checks) == 64 + 16 + 16
    assert set(checks["kind"]) == {"ok"}


def test_stated_gross_and_income_2021_are_wrong(found):
    # 001 L496-498: gross £241.647m, income £98.564m; Appendix A L1412-1416 totals differ by millions,
    # and the stated gross less income is the original prior-year budget (L477), not the stated net.
    f = one(found, "stated_gross_vs_appendix_a", "2021/22-2024/25")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (241.647, 252.869751, "mismatch", "496")
    assert f["difference"] == pytest.approx(11.222751)
    f = one(found, "stated_income_vs_appendix_a", "2021/22-2024/25")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (-98.564, -101.437935, "mismatch", "497")
    f = one(found, "stated_gross_less_income", "2021/22-2024/25")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (151.432, 143.083, "mismatch", "496-498")
    assert "original 143,083k (line 477)" in f["detail"]
    f = one(found, "stated_net_vs_summary", "2021/22-2024/25")
    assert (f["published"], f["computed"], f["kind"]) == (151.432, 151.432, "ok")


@pytest.mark.parametrize("edition, gross, income", [
    ("2019/20-2022/23", (234.7, 234.679334), (-97.0, -96.966179)),
    ("2024/25-2027/28", (368.119, 368.119074), (-142.234, -142.233919)),
    ("2026/27-2029/30", (412.1, 412.062743), (-156.6, -156.550139)),
])
def test_stated_gross_and_income_agree_elsewhere(found, edition, gross, income):
    for check, (published, computed) in (("stated_gross_vs_appendix_a", gross), ("stated_income_vs_appendix_a", income)):
        f = one(found, check, edition)
        assert (f["published"], f["computed"], f["kind"]) == (published, computed, "rounding")
    assert one(found, "stated_gross_less_income", edition)["kind"] == "ok"


def test_stated_gross_2018_has_no_appendix_a(found):
    assert found[found["check"].str.startswith("stated_gross_vs") & found["description"].str.startswith("2018")].empty
    f = one(found, "stated_gross_less_income", "2018/19-2021/22")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (132.8, 132.8, "ok", "190-193")


def test_stated_four_year_growth_2019_is_wrong(found):
    f = one(found, "stated_growth_total", "2019/20-2022/23: growth stated for 2019/20 to 2022/23")
    assert (f["published"], f["computed"], f["kind"]) == (12.4, 12.14, "mismatch")
    assert (f["source"], f["lines"]) == ("002_5b95b27d885825d4.txt", "371")


@pytest.mark.parametrize("edition, lines, published, computed", [
    ("2019/20-2022/23", "334", 136848.0, 137139.319),
    ("2021/22-2024/25", "481", 151357.0, 150778.564),
    ("2026/27-2029/30", "303", 250333.0, 252637.774),
])
def test_starting_budget_differs_from_appendix_a(found, edition, lines, published, computed):
    f = one(found, "revenue_vs_summary_start", edition)
    assert f["lines"] == lines
    assert f["published"] == published
    assert f["computed"] == pytest.approx(computed)
    assert f["kind"] == "mismatch"


def test_starting_budget_2024_agrees(found):
    f = one(found, "revenue_vs_summary_start", "2024/25-2027/28")
    assert (f["published"], f["computed"], f["kind"]) == (208035.0, 208035.155, "rounding")


@pytest.mark.parametrize("ref, published, computed, lines", [
    ("AC5 (first amount, 2026/27)", -100.0, -25.0, "431"),
    ("AC22 (first amount, 2028/29)", -100.0, -40.0, "506"),
])
def test_report_text_amounts_disagree_with_appendix_2026(found, ref, published, computed, lines):
    f = one(found, "prose_vs_appendix", f"2026/27-2029/30 {ref}")
    assert (f["published"], f["computed"], f["lines"], f["kind"]) == (published, computed, lines, "mismatch")


@pytest.mark.parametrize("ref, published, computed, lines, rounded", [
    ("G10 (last amount, 2029/30)", 1300.0, 1370.0, "374", "1.4"),
    ("AC15 (last amount, 2027/28)", -200.0, -260.0, "476", "-0.3"),
    ("G13 (first amount, 2026/27)", -700.0, -750.0, "388", "-0.8"),
    ("AC18 (first amount, 2026/27)", -800.0, -850.0, "488", "-0.9"),
])
def test_truncated_report_text_amounts_are_told_apart(found, ref, published, computed, lines, rounded):
    f = one(found, "prose_vs_appendix", f"2026/27-2029/30 {ref}")
    assert (f["published"], f["computed"], f["lines"], f["kind"]) == (published, computed, lines, "rounding")
    assert f"truncated, not rounded: half away from zero gives {rounded}" in f["detail"]


def test_nine_2026_headings_truncate_a_half(found):
    prose = found[(found["check"] == "prose_vs_appendix") & found["description"].str.startswith("2026/27-2029/30")
                  & found["description"].str.contains("first amount")]
    truncated = prose[prose["detail"].str.contains("truncated")]
    assert sorted(truncated["description"].str.split().str[1]) == [
        "AC13", "AC15", "AC17", "AC18", "AC2", "AC20", "AC7", "AC8", "G13"]
    assert set(truncated["computed"].abs() % 100) == {50.0}


def test_rounded_report_text_amount_is_rounding_not_mismatch(found):
    f = one(found, "prose_vs_appendix", "2026/27-2029/30 G7 (first amount, 2026/27)")
    assert (f["published"], f["computed"], f["kind"]) == (5100.0, 5130.0, "rounding")


def test_type_and_ongoing_disagreements_are_for_review(found):
    f = one(found, "prose_type", "2026/27-2029/30 AC13")
    assert f["kind"] == "review" and "Inc" in f["detail"] and "Eff" in f["detail"]
    f = one(found, "prose_ongoing_flat", "2026/27-2029/30 AC4")
    assert (f["published"], f["computed"], f["kind"]) == (-80.0, -155.0, "review")


def test_status_stars_disagree(found):
    stars = found[found["check"] == "prose_stars"]
    assert len(stars) == 97  # every appendix item has a heading in the text
    assert sorted(stars[stars["kind"] == "review"]["description"].str[:20]) == ["2019/20-2022/23 G11:", "2024/25-2027/28 AC5:"]


def test_by_section(data):
    t = budget.by_section(data["items"], "2024/25-2027/28").set_index(["kind", "section"])
    assert t.loc[("savings", "Communities and Wellbeing"), "2025/26"] == -40.0
    assert t.loc[("savings", "Adult Social Care"), "2024/25"] == -6370.0


def test_2018_named_growth_items_exceed_summary_growth(found):
    f = one(found, "prose_growth_sum", "2018/19-2021/22")
    assert (f["published"], f["computed"], f["kind"]) == (1845.0, 6125.0, "review")
    f = one(found, "prose_savings_sum", "2018/19-2021/22")
    assert (f["published"], f["computed"], f["kind"]) == (-4755.0, -4755.0, "ok")


def test_division_percentages(found):
    # 001 L510-511: 8.6% printed; Appendix A L1269 gives £12,894,877 of £151,431,815 = 8.515%; only 8.6 makes 100
    f = one(found, "divisions_percent", "2021/22-2024/25: Care Pathway - Older Adults/Mental Health")
    assert (f["published"], f["computed"], f["kind"]) == (8.6, 8.5153, "mismatch")
    assert "adjusted to make the total come out" in f["detail"]
    f = one(found, "divisions_percent", "2024/25-2027/28: Demand Led")
    assert (f["published"], f["computed"], f["kind"]) == (88.3, 88.3176, "rounding")
    f = one(found, "divisions_percent", "2018/19-2021/22: Care Pathway - West Locality")
    assert (f["published"], f["computed"], f["kind"]) == (5.1, 5.0, "rounding")  # no Appendix A: from the printed £m
    assert set(found[found["check"] == "divisions_sum"]["kind"]) == {"ok"}


def test_2026_bcf_share_is_the_share_of_the_rounded_figures(found):
    # 004 L319: (11.4%); Appendix A L731 -£28,964,345 of £255,512,604 = -11.336%, but -£29.0m of £255.5m = -11.35%
    f = one(found, "divisions_percent", "2026/27-2029/30: Better Care Fund/NHS Contribution")
    assert (f["published"], f["computed"], f["kind"]) == (-11.4, -11.3358, "rounding")
    assert "share of the printed £m figures" in f["detail"] and "rounds to -11.3" in f["detail"]


def test_2026_direct_services_printed_above_appendix_a(found):
    # 004 L313 £6.2m; Appendix A L708 TOTAL £6,145,768; only £6.2m lets the divisions reach £255.5m
    f = one(found, "divisions_vs_appendix_a", "2026/27-2029/30: Direct Services")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (6.2, 6.145768, "mismatch", "313")
    assert "with 6.1 they would come to 255.4" in f["detail"]
    divisions = found[found["check"] == "divisions_vs_appendix_a"]
    assert len(divisions) == 40 and (divisions["kind"] == "mismatch").sum() == 1


def test_appendix_a_arithmetic_holds_within_pence(found):
    rev = found[found["check"].str.startswith("revenue_") & ~found["check"].str.startswith("revenue_vs")]
    assert len(rev) == 662
    assert set(rev["kind"]) <= {"ok", "rounding"}
    assert rev["difference"].abs().max() <= 2


def test_findings_registered():
    assert reconcile.DOMAINS["budget"] == "toolkit.budget:findings"


# --- item tracking ----------------------------------------------------------

def test_demand_items_tracked_in_every_edition(data):
    history = budget.item_history(data["items"], data["prose"], data["item_keys"])
    tracked = budget.tracked_items(history).set_index("item_key")
    for key in ("older_people_demand", "learning_disabilities_demand", "mental_health_demand", "physical_disabilities_demand"):
        assert tracked.loc[key, "editions"] == 5
    assert tracked.loc["older_people_demand", "refs"] == "2018 G6, 2019 G6, 2021 G7, 2024 G6, 2026 G7"
    drift = budget.forecast_drift(history, "older_people_demand")
    assert drift.loc["2021/22", "2018/19-2021/22"] == 4680.0  # "£4,680,000 by 2021/22"
    assert drift.loc["2021/22", "2019/20-2022/23"] == 4080.0
    assert drift.loc["2021/22", "2021/22-2024/25"] == 2070.0
    assert drift.loc["2027/28", "2026/27-2029/30"] == 8980.0


def test_tracked_items_are_the_reviewed_mapping(data):
    # the reviewed list is the mapping: every key it links across editions is tracked, with exactly its refs
    history = budget.item_history(data["items"], data["prose"], data["item_keys"])
    tracked = budget.tracked_items(history).set_index("item_key")
    keys = data["item_keys"].assign(label=lambda k: k["edition"].str[:4] + " " + k["ref"])
    expected = keys.groupby("item_key")["label"].apply(lambda s: ", ".join(sorted(s)))
    assert tracked["refs"].to_dict() == expected.to_dict()
    assert len(tracked) == 23 and (tracked["appendix"] == "C").sum() == 16
    assert tracked.loc["bcf_income_annual_uplift", "refs"] == "2021 AC3, 2024 AC5, 2026 AC3"
    # descriptions repeated across editions all share a key
    items = data["items"].drop_duplicates(["edition", "appendix", "ref"])
    items = items.assign(item_key=budget.item_keys_for(items, data["item_keys"]))
    for desc, group in items.groupby(items["description"].str.lower()):
        if group["edition"].nunique() > 1:
            assert group["item_key"].nunique() == 1, desc


def test_no_carried_over_item_looks_like_a_dropped_one(data):
    assert budget.link_candidates(data["items"], data["item_keys"]).empty


def test_a_missed_link_is_a_review_finding(copy):
    path = copy / "mappings" / "budget_item_keys.csv"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("bcf_income_annual_uplift,2021/22")]
    path.write_text("\n".join(lines) + "\n")
    found = budget.findings(copy)
    f = one(found, "item_key_candidate", "2024/25-2027/28 AC5")
    assert "2021/22-2024/25 AC3" in f["description"] and f["kind"] == "review"
    assert (f["source"], f["lines"]) == ("003_6b8cfb4131de48e1.txt", "738")


def test_carried_over_items_without_a_predecessor_2019(found):
    f = found[found["check"] == "item_carried_over_unmatched"]
    assert sorted(f["description"].str.split(":").str[0]) == ["2019/20-2022/23 AC10", "2019/20-2022/23 G11"]
    assert set(f["kind"]) == {"review"}


def test_drift_table_covers_every_tracked_item(data):
    history = budget.item_history(data["items"], data["prose"], data["item_keys"])
    assert budget.tracked_keys(history, "B")[:4] == ["older_people_demand", "learning_disabilities_demand",
                                                     "mental_health_demand", "physical_disabilities_demand"]
    table = budget.drift_table(history)
    assert table["item_key"].nunique() == 23
    row = table[(table["item_key"] == "older_people_demand") & (table["year"] == "2026/27")].iloc[0]
    assert (row["MTFS 2024"], row["MTFS 2026"], row["range"]) == (5785.0, 5130.0, 655.0)
    row = table[(table["item_key"] == "bcf_income_annual_uplift") & (table["year"] == "2024/25")].iloc[0]
    assert (row["MTFS 2021"], row["MTFS 2024"], row["editions"]) == (0.0, -1000.0, 2)
    assert budget.drift_summary(table) == ("23 items tracked across editions; widest move: older_people_demand 2024/25, "
                                           "planned between £2,240k (MTFS 2021) and £17,080k (MTFS 2024) in-year")


def test_compare_editions(data):
    diff = budget.compare_editions(data["items"], data["item_keys"], "2026/27-2029/30", "2024/25-2027/28").set_index("item_key")
    assert diff.loc["digital_assistive_technology", "status"] == "amended"
    assert diff.loc["2026/27-2029/30:B:G15", "status"] == "new"
    assert diff.loc["2024/25-2027/28:B:G16", "status"] == "dropped"
    older = diff.loc["older_people_demand"]
    assert older[["ref", "previous_ref", "year"]].tolist() == ["G7", "G6", "2026/27"]
    # both in-year for 2026/27: 2026 G7 5,130 against 2024 G6 28,425 - 22,640 (cumulative from 2024/25)
    assert older[["in_year", "previous_in_year", "change_in_year"]].tolist() == [5130.0, 5785.0, -655.0]
    assert {"in_year", "previous_in_year", "change_in_year", "status_from"} <= set(diff.columns)
    assert not {"first_year", "previous_same_year"} & set(diff.columns)


def test_compare_2019_with_the_2018_report_text(data):
    diff = budget.compare_editions(data["items"], data["item_keys"], "2019/20-2022/23", "2018/19-2021/22",
                                   data["prose"]).set_index("item_key")
    assert diff.loc["older_people_demand", ["status", "status_from", "ref", "previous_ref"]].tolist() == [
        "amended", "status mark", "G6", "G6"]
    assert diff.loc["staff_absence", ["status", "status_from"]].tolist() == ["unchanged", "status mark"]
    assert diff.loc["2019/20-2022/23:B:G12", "status"] == "new"
    assert sorted(diff[diff["status"] == "dropped"]["previous_ref"]) == ["AC10", "AC12", "AC14", "AC6", "AC8", "G10", "G11", "G13"]
    assert diff["status"].value_counts().to_dict() == {"amended": 9, "dropped": 8, "unchanged": 6, "new": 4}


def test_by_type_and_movers(data):
    t = budget.by_type(data["items"], "2026/27-2029/30")
    first = t[t["year"] == "2026/27"].set_index(["kind", "type"])["in_year"]
    assert first.groupby(level=0).sum().to_dict() == {"growth": 12170.0, "savings": -6990.0}
    movers = budget.revenue_movers(data["revenue"], "2026/27-2029/30", n=1)
    assert movers.loc[0, "line"] == "Residential & Nursing Care"
    assert movers.loc[0, "change"] == 103094761.0 - 99662796.0


# --- report-text amounts and transfers ----------------------------------------

@pytest.mark.parametrize("edition, lines, stated, summary, components", [
    ("2018/19-2021/22", "219", 0.7, 0.688, 2), ("2019/20-2022/23", "357", 4.7, 4.657, 3),
    ("2021/22-2024/25", "531", 8.3, 8.274, 3), ("2024/25-2027/28", "311", 21.2, 21.153, 4),
    ("2026/27-2029/30", "325", 13.3, 13.323, 2)])
def test_transfers_listed_explain_the_summary_line(found, edition, lines, stated, summary, components):
    f = one(found, "transfers_total_vs_summary", edition)
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (stated, summary, "rounding", lines)
    f = one(found, "transfers_components_sum", edition)
    assert (f["published"], f["computed"], f["kind"]) == (stated, stated, "ok")
    assert f"{components} components" in f["detail"]
    f = one(found, "transfers_vs_summary", edition)
    assert (f["published"], f["computed"], f["kind"]) == (summary, stated, "rounding")


def test_transfer_parts_2024(data, found):
    parts = data["transfers"][data["transfers"]["level"] == "part"]
    assert parts.set_index("component")["value"].to_dict() == {
        "Independent Living Fund grant": 1.2, "Market Sustainability and Improvement Fund": 3.5}
    f = one(found, "transfers_parts_sum", "2024/25-2027/28")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (4.7, 4.7, "ok", "315")


def test_uncoded_report_text_amounts_are_missing(found):
    # 000 L429-433: DoLS grant loss £260,000, growth with no code (2018 has no appendices);
    # 002 L464/L499: Brookfield net rental income £150,000 a year, in no Appendix C row.
    f = one(found, "prose_amount_uncoded", "dols_grant_loss")
    assert (f["published"], f["kind"], f["lines"], f["source"]) == (260.0, "missing", "429-433", "000_34a0172e3db75070.txt")
    f = one(found, "prose_amount_uncoded", "brookfield_rental_income")
    assert (f["published"], f["kind"], f["lines"]) == (-150.0, "missing", "464;499")


def test_report_text_amounts_tie_to_their_items(found):
    f = one(found, "prose_amount_vs_item", "brookfield_care_saving")  # 002 L464: £50,000 a year = AC11 2021/22
    assert (f["published"], f["computed"], f["kind"]) == (-50.0, -50.0, "ok")
    f = one(found, "prose_amount_vs_item", "high_dependency_second_year")  # 000 L676: further £400,000 = 1,200 - 800
    assert (f["published"], f["computed"], f["kind"]) == (-400.0, -400.0, "ok")
    f = one(found, "prose_amount_vs_item", "tom_establishment")  # 001 L724 £600k = AC7 2024/25
    assert (f["published"], f["computed"], f["kind"]) == (-600.0, -600.0, "ok")
    checks = found[found["check"] == "prose_amount_vs_item"]
    assert len(checks) == 18 and set(checks["kind"]) == {"ok"}


def test_report_text_parts_add_up(found):
    # 002 L473-476: the 2019 AC12 plan by year (in-year) = Appendix C AC12 increments (L760)
    plan = found[(found["check"] == "prose_amount_parts") & found["description"].str.contains("AC12")]
    assert plan["published"].tolist() == [-200.0, -100.0, -200.0, -500.0]
    assert plan["computed"].tolist() == plan["published"].tolist() and set(plan["kind"]) == {"ok"}
    # 003 L344: £14m + £18m + £2.5m = £34.5m against G6 2027/28 £34,505k: rounding
    f = one(found, "prose_amount_parts", "2024/25-2027/28 G6")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (34505.0, 34500.0, "rounding", "344")


def test_smart_libraries_saving_printed_as_230000k(found):
    # 000 L719 prints the full SMART libraries saving as "£230,000k" (£230m): larger than AC15 itself
    f = one(found, "prose_amount_share", "smart_libraries_full_saving")
    assert (f["published"], f["computed"], f["kind"], f["lines"]) == (-230000.0, -1200.0, "mismatch", "718-720")
    assert "printed £230,000k" in f["detail"] and f["detail"].endswith("the part exceeds the whole")
    assert one(found, "prose_amount_share", "reablement_staffing_underspend")["kind"] == "ok"


def test_prose_amount_with_a_ref_but_no_match_is_an_error(copy):
    msg = _error_after_edit(copy, "published/budget_prose_amounts.csv", "dols_grant_loss,growth,,none",
                            "dols_grant_loss,growth,G6,none", budget.load_prose_amounts)
    assert "budget_prose_amounts.csv: row 2, column 'ref'" in msg and "G6 with match none" in msg


def test_prose_amount_kind_must_fit_its_ref(copy):
    msg = _error_after_edit(copy, "published/budget_prose_amounts.csv", "hospital_discharge_workers,growth,G11",
                            "hospital_discharge_workers,savings,G11", budget.load_prose_amounts)
    assert "budget_prose_amounts.csv: row 3, column 'kind'" in msg and "savings for G11" in msg


def test_transfer_part_of_unknown_component(copy):
    msg = _error_after_edit(copy, "published/budget_transfers.csv", "part,Independent Living Fund grant,grant transfers",
                            "part,Independent Living Fund grant,grants", budget.load_transfers)
    assert "budget_transfers.csv: row 18, column 'part_of'" in msg and "part | grants" in msg


# --- growth and savings by division ------------------------------------------

@pytest.fixture(scope="module")
def by_div(data):
    history = budget.item_history(data["items"], data["prose"], data["item_keys"])
    return budget.by_division(history, data["item_divisions"], split=data["divisions"])


def test_every_item_has_a_division_or_is_unassigned(data):
    mapping = data["item_divisions"]
    assert len(mapping) == 120  # 23 items headed in 2018, then 19, 16, 31 and 31 appendix items
    assert (mapping["division"] == budget.UNASSIGNED).sum() == 27
    assert mapping.groupby("basis").size().to_dict() == {
        "appendix_a_line": 33, "description": 53, "heading": 7, "unassigned": 27}


@pytest.mark.parametrize("edition", [e for e in budget.EDITIONS if e != "2018/19-2021/22"])
def test_divisions_add_up_to_the_summary(data, by_div, edition):
    # nothing dropped: in each year the divisions (unassigned included) sum to the summary's in-year lines
    frame = by_div[by_div["edition"] == edition].groupby(["kind", "year"])["in_year"].sum()
    summary = data["summary"][data["summary"]["edition"] == edition].set_index(["line", "year"])["value"]
    for kind in ("growth", "savings"):
        assert frame[kind].to_dict() == summary[kind].to_dict()


def test_growth_and_savings_by_division_2026(by_div):
    table = budget.division_table(by_div, "2026/27-2029/30").set_index(["kind", "division"])
    assert table.loc[("growth", "Demand Led Commissioned Services"), "2026/27"] == 9390.0
    assert table.loc[("savings", "Better Care Fund/NHS Contribution")].tolist()[:4] == [-2000.0, -1000.0, -1000.0, -1000.0]
    assert table.loc[("savings", "unassigned"), ["2026/27", "2027/28", "items"]].tolist() == [-2735.0, -950.0, 8]
    assert list(table.loc["savings"].index)[-1] == "unassigned"
    assert budget.division_summary(by_div, "2026/27-2029/30") == (
        "MTFS 2026, in-year 2026/27 to 2029/30: growth £29,710k, most in Demand Led Commissioned Services (£30,310k); "
        "growth unassigned -£700k; savings -£13,240k, most in Better Care Fund/NHS Contribution (-£5,000k); "
        "savings unassigned -£3,685k")


def test_2018_divisions_from_the_headings(by_div):
    # first year only; AC4 (staff absence, from 2019/20) stays as an unassigned row with no figure, not dropped
    table = budget.division_table(by_div, "2018/19-2021/22").set_index(["kind", "division"])
    assert table.loc[("growth", "Demand Led Commissioned Services"), "2018/19"] == 3205.0
    assert table.loc[("growth", "unassigned"), "2018/19"] == 2920.0  # G10 610 + G11 170 + G13 2,140
    assert table.loc[("savings", "Direct Services"), "2018/19"] == -980.0
    row = table.loc[("savings", "unassigned")]
    assert row["items"] == 1 and row[budget.edition_years("2018/19-2021/22")].isna().all()


def test_unknown_division_is_an_error(copy):
    msg = _error_after_edit(copy, "mappings/budget_item_divisions.csv", "2019/20-2022/23,C,AC5,Strategic Services",
                            "2019/20-2022/23,C,AC5,Finance", budget.load_item_divisions)
    assert "budget_item_divisions.csv: row" in msg and "column 'division'" in msg and "2019/20-2022/23 Finance" in msg


def test_appendix_a_line_must_sit_in_the_division(copy):
    msg = _error_after_edit(copy, "mappings/budget_item_divisions.csv", 'AC1,Direct Services,appendix_a_line,"Aids',
                            'AC1,Strategic Services,appendix_a_line,"Aids', budget.load_item_divisions)
    assert "column 'appendix_a_line'" in msg and "Strategic Services: Aids, Adaptations" in msg


def test_an_item_without_a_division_row_is_an_error(copy):
    path = copy / "mappings" / "budget_item_divisions.csv"
    lines = [x for x in path.read_text().splitlines() if not x.startswith("2026/27-2029/30,C,AC13,")]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LoaderError) as err:
        budget.load_item_divisions(copy)
    assert "a row for every item" in str(err.value) and "2026/27-2029/30 C AC13" in str(err.value)


# --- bad input --------------------------------------------------------------

@pytest.fixture
def copy(tmp_path):
    shutil.copytree(ROOT / "data" / "published", tmp_path / "published")
    shutil.copytree(ROOT / "data" / "mappings", tmp_path / "mappings")
    return tmp_path


def _edit(path, old, new, count=1):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))


def test_missing_column(copy):
    path = copy / "published" / "budget_summary.csv"
    _edit(path, "edition,year,line,", "edition,year,")
    with pytest.raises(LoaderError) as err:
        budget.load_summary(copy)
    assert "budget_summary.csv" in str(err.value) and "column 'line'" in str(err.value)


def _error_after_edit(copy, relative, old, new, loader):
    """The LoaderError message after replacing ``old`` by ``new`` in a copied file."""
    _edit(copy / relative, old, new)
    with pytest.raises(LoaderError) as err:
        loader(copy)
    return str(err.value)


def test_non_numeric_value(copy):
    msg = _error_after_edit(copy, "published/budget_summary.csv", "2018/19,original,135053,", "2018/19,original,135k,",
                            budget.load_summary)
    assert "budget_summary.csv: row 2, column 'value'" in msg and "'135k'" in msg


def test_unknown_unit(copy):
    path = copy / "published" / "budget_items.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace("gbp_thousands", "gbp_billions")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LoaderError) as err:
        budget.load_items(copy)
    assert "budget_items.csv: row 4, column 'unit'" in str(err.value) and "gbp_billions" in str(err.value)


def test_unit_not_allowed_for_table(copy):
    msg = _error_after_edit(copy, "published/budget_summary.csv", "2018/19,original,135053,gbp_thousands",
                            "2018/19,original,135053,gbp", budget.load_summary)
    assert "budget_summary.csv: row 2, column 'unit'" in msg


def test_duplicate_line(copy):
    path = copy / "published" / "budget_summary.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n")
    with pytest.raises(LoaderError) as err:
        budget.load_summary(copy)
    msg = str(err.value)
    assert f"budget_summary.csv: row {len(lines) + 1}, column 'edition, year, line'" in msg and "same as row 2" in msg


def test_duplicate_item_key(copy):
    path = copy / "mappings" / "budget_item_keys.csv"
    _edit(path, "older_people_demand,2019/20-2022/23,B,G6", "older_people_demand,2019/20-2022/23,B,G7")
    with pytest.raises(LoaderError) as err:
        budget.load_item_keys(copy)
    assert "budget_item_keys.csv: row 3, column 'edition, appendix, ref'" in str(err.value) or \
        "budget_item_keys.csv: row 8" in str(err.value)


def test_unknown_ref_in_item_keys(copy):
    msg = _error_after_edit(copy, "mappings/budget_item_keys.csv", "staff_absence,2019/20-2022/23,C,AC4,",
                            "staff_absence,2019/20-2022/23,C,AC40,", budget.load_item_keys)
    assert "budget_item_keys.csv: row" in msg and "column 'ref'" in msg and "2019/20-2022/23 C AC40" in msg


# --- explorer ---------------------------------------------------------------

def test_explorer_view(data, found):
    view = budget.explorer_view(data, found, "2026/27-2029/30", "Demand Led Commissioned Services", "communities_wellbeing_revised_service")
    assert view["total"] == "MTFS 2026: net budget 2026/27 £255,513k"
    assert view["lines"].set_index("line").loc["TOTAL", "net"] == 222822513.0
    assert view["history"]["edition"].nunique() == 5
    assert view["drift"].set_index("year").loc["2024/25", "2021/22-2024/25"] == 0.0
    # the item's findings in every edition: 2026 AC22's, and 2018 AC15's SMART libraries amount (000 L719)
    assert view["findings"]["description"].str.contains("2026/27-2029/30 AC22|2018/19-2021/22 AC15").all()
    assert {"prose_vs_appendix", "prose_type", "prose_amount_share"} <= set(view["findings"]["check"])
    choices = budget.explorer_choices(data, "2018/19-2021/22")
    assert "Care Pathway - East Locality" in choices["divisions"] and "older_people_demand" in choices["items"]
    view = budget.explorer_view(data, found, "2018/19-2021/22")
    assert view["total"] == "MTFS 2018: net budget 2018/19 £132,831k"


def test_explorer_division_history(data, found):
    view = budget.explorer_view(data, found, "2026/27-2029/30", "Direct Services")
    history = view["drift"].set_index("edition")
    assert len(history) == 5
    assert history.loc["2026/27-2029/30", ["net_gbp_millions", "appendix_a_net_gbp", "appendix_a_lines"]].tolist() == [
        6.2, 6145768.0, "708"]
    assert history.loc["2018/19-2021/22", "net_gbp_millions"] == 16.0
    assert "divisions_vs_appendix_a" in set(view["findings"]["check"])  # the £6.2m mismatch touches it


def test_explorer_widget_builds():
    from toolkit import widgets

    box = widgets.budget_explorer()
    edition, division, item = box.children[0].children
    assert (edition.description, division.description, item.description) == ("Edition", "Division", "Item")
    assert box.children[1].value == '<span class="budget-total">MTFS 2026: net budget 2026/27 £255,513k</span>'
    edition.value = "2024/25-2027/28"
    assert box.children[1].value == '<span class="budget-total">MTFS 2024: net budget 2024/25 £225,885k</span>'


# --- capital and BCF --------------------------------------------------------

def test_capital_and_bcf(data, found):
    cap = budget.capital_table(data["capital"], "2026/27-2029/30").set_index("scheme")
    assert cap.loc["Total A&C", ["2026/27", "total"]].tolist() == [8438.0, 25830.0]
    assert cap.loc["Disabled Facilities Grant (DFG)", "gross_cost"] == 22072.0
    assert set(found[found["check"].str.startswith("capital_")]["kind"]) == {"ok"}
    f = one(found, "stated_capital_total", "2024/25-2027/28")
    assert (f["published"], f["computed"], f["lines"], f["kind"]) == (22.1, 22.162, "569", "rounding")
    assert "truncated, not rounded: half away from zero gives 22.2" in f["detail"]
    bcf = budget.bcf_table(data["bcf"], "2019/20-2022/23").set_index("line")
    assert bcf.loc["Total BCF Plan", "2019/20"] == 58.5
    assert bcf.loc["IBCF - Autumn 2015 review", "2017/18"] == 0.0  # printed "Nil"
    f = one(found, "bcf_total", "2021/22-2024/25")
    assert (f["published"], f["computed"], f["kind"]) == (62.9, 63.0, "rounding")


def test_waterfall(data):
    steps = budget.waterfall(data["summary"], "2026/27-2029/30")
    assert steps.iloc[-1][["step", "end"]].tolist() == ["net 2029/30", 266803.0]
    assert steps.iloc[-2]["end"] == 266803.0  # the running total reaches the printed net
    assert budget.waterfall_summary(steps) == (
        "original 2026/27 £237,010k to net 2029/30 £266,803k (transfers £13,323k, growth £29,710k, "
        "savings -£13,240k); the axis does not start at zero")


def test_net_budget_drift(data):
    plans = budget.net_budget_drift(data["summary"]).set_index(["edition", "year"])["value"]
    assert plans[("2018/19-2021/22", "2021/22")] == 136881.0  # planned in 2018
    assert plans[("2021/22-2024/25", "2021/22")] == 151432.0  # set in 2021
    assert plans[("2026/27-2029/30", "2025/26")] == 237010.0  # 2026 edition's starting point


def test_other_funding(data):
    t = budget.other_funding_table(data["other_funding"]).set_index("funding")
    prisons = t.loc["Social Care in Prisons Grant"]
    assert prisons.tolist() == [118.0, 102.0, 102.0, 100.0, 264.0]
    assert t.loc["Continuing Health Care (other service users)", "2024/25-2027/28"] == 19400.0


# --- column order on the papers' lines ------------------------------------------

PAPERS = sources.seeds_dir()
_FIGURE = re.compile(r"\(?-?\d{1,3}(?:,\d{3})+\)?|\(?-?\d+(?:\.\d+)?\)?")


def _figures(text):
    """The numbers standing on a text, in order: "(4,755)" and "-4,755" are -4755."""
    out = []
    for token in _FIGURE.findall(text.replace("\u2013", "-")):
        negative = token.startswith("(") or token.startswith("-")
        number = float(token.strip("()").lstrip("-").replace(",", ""))
        out.append(-number if negative else number)
    return out


def _in_order(values, figures):
    """Whether ``values`` stand among ``figures``, signs and all, in that order (others may sit between)."""
    it = iter(figures)
    return all(any(abs(f - v) < 1e-9 for f in it) for v in values)


def _order_problems(frame, row_cols, col, order):
    """Rows of a table whose values are not on their cited lines in the printed column order."""
    cache, problems = {}, []
    frame = frame.assign(_pos=frame[col].map({c: i for i, c in enumerate(order)})).sort_values("_pos", kind="mergesort")
    for key, row in frame.groupby(row_cols, sort=False):
        source, lines = row["source"].iloc[0], row["lines"].iloc[0]
        if row["lines"].nunique() != 1:
            continue  # a row whose cells are cited apart cannot be read in order
        figures = _figures(sources.cited_text(PAPERS, source, lines, cache))
        if not _in_order(row["value"].tolist(), figures):
            problems.append(f"{key}: {row['value'].tolist()} not in order on {source} L{lines}")
    return problems


@pytest.mark.skipif(PAPERS is None, reason="source papers not present")
def test_appendix_a_rows_stand_in_column_order(data):
    rev = data["revenue"]
    assert _order_problems(rev, ["edition", "group", "section", "line"], "column", budget.REVENUE_COLUMNS) == []


@pytest.mark.skipif(PAPERS is None, reason="source papers not present")
def test_appendix_b_c_rows_and_summary_lines_stand_in_year_order(data):
    items = data["items"]
    years = sorted(items["year"].unique())
    assert _order_problems(items, ["edition", "appendix", "ref"], "year", years) == []
    summary = data["summary"]
    assert _order_problems(summary, ["edition", "line"], "year", sorted(summary["year"].unique())) == []


@pytest.mark.skipif(PAPERS is None, reason="source papers not present")
def test_appendix_d_rows_stand_in_column_order(data):
    capital = data["capital"].assign(col=lambda d: d["year"].where(d["measure"] == "year", d["measure"]))
    order = ["gross_cost", *sorted(capital["year"][capital["year"] != ""].unique()), "total"]
    assert _order_problems(capital, ["edition", "scheme"], "col", order) == []


@pytest.mark.skipif(PAPERS is None, reason="source papers not present")
def test_a_swap_between_columns_is_caught(data):
    rev = data["revenue"]
    row = rev[(rev["edition"] == "2026/27-2029/30") & (rev["line"] == "Direct Services Managers")].copy()
    assert _order_problems(row, ["edition", "line"], "column", budget.REVENUE_COLUMNS) == []
    a, b = row.index[row["column"] == "employees"][0], row.index[row["column"] == "running_expenses"][0]
    row.loc[[a, b], "value"] = row.loc[[b, a], "value"].to_numpy()
    assert len(_order_problems(row, ["edition", "line"], "column", budget.REVENUE_COLUMNS)) == 1
