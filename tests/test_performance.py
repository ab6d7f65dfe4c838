"""Performance dashboards: loaders, registry, position against target, RAG,
ratios, direction of travel, quartiles and use-of-resources ranks."""
import math
import shutil

import pandas as pd
import pytest

from toolkit import performance as perf
from toolkit import reconcile, sources
from toolkit.errors import LoaderError


@pytest.fixture(scope="module")
def registry():
    return perf.load_registry()


@pytest.fixture(scope="module")
def dashboard(registry):
    return perf.load_dashboard(registry=registry)


@pytest.fixture(scope="module")
def prose(registry):
    return perf.load_prose(registry=registry)


@pytest.fixture(scope="module")
def found():
    return perf.findings()


def one(found, check, description):
    return reconcile.only(found, check, description, exact=True)


def pck(found, check, description):
    """(published, computed, kind) of the one finding."""
    row = one(found, check, description)
    return (row["published"], row["computed"], row["kind"])


# --- loading -------------------------------------------------------------------

def test_every_dashboard_row_of_the_three_editions_loads(dashboard):
    per_edition = dashboard.groupby("edition")["measure"].nunique().to_dict()
    assert per_edition == {2019: 30, 2021: 30, 2024: 31}
    assert len(dashboard) == 584


def test_values_are_split_from_their_text(dashboard):
    def cell(ed, measure, column, part="value"):
        sel = dashboard[(dashboard["edition"] == ed) & (dashboard["measure"] == measure)
                        & (dashboard["column"] == column) & (dashboard["part"] == part)]
        return sel.iloc[0]
    target = cell(2019, "admissions_18_64", "2018-19 Milestone")
    assert (target["operator"], target["number"], target["printed"]) == ("<", 8.1, "<8.1")
    assert cell(2019, "admissions_18_64", "2018-19 Milestone", "count")["number"] == 33
    assert cell(2019, "seq_prevent", "2018-19 Milestone", "low")["number"] == 56
    assert cell(2019, "seq_prevent", "2018-19 Milestone", "high")["number"] == 61
    assert cell(2021, "library_issues", "2019/20 Performance")["number"] == 1_373_000
    assert cell(2021, "library_issues", "2019/20 Performance")["printed"] == "1,373.0k"
    tbc = cell(2019, "heritage_visits", "2020-21 Target")
    assert pd.isna(tbc["number"]) and tbc["printed"] == "TBC"
    survey = cell(2021, "info_users", "2020/21 Performance")
    assert pd.isna(survey["number"]) and survey["printed"].startswith("Survey not to be undertaken")
    assert cell(2019, "ld_employment", "17/18", "numerator")["number"] == 200
    assert cell(2019, "ld_employment", "17/18", "denominator")["number"] == 1500


def test_the_2024_rating_column_holds_the_comparator(dashboard):
    rating = dashboard[(dashboard["edition"] == 2024) & (dashboard["column"] == "Rating") & (dashboard["part"] == "value")]
    fields = dict(zip(rating["measure"], rating["field"]))
    assert fields["dp_users"] == "national_average"
    assert fields["heritage_visits"] == "target"
    assert fields["lals_success"] == "target"
    nat = rating[rating["measure"] == "dp_users"].iloc[0]
    assert (nat["number"], nat["period"]) == (26.2, "2022-23")


def test_2019_community_rows_print_last_year_in_the_milestone_column(dashboard):
    row = dashboard[(dashboard["edition"] == 2019) & (dashboard["measure"] == "community_issues")
                    & (dashboard["column"] == "2018-19 Milestone")].iloc[0]
    assert (row["field"], row["period"], row["number"]) == ("previous", "2017-18", 250_500)


def test_measures_in_two_or_more_editions_have_one_key_and_a_history(registry, dashboard):
    table = perf.measures(registry)
    multi = table[table["editions"].str.contains(",")]
    assert len(multi) == 31
    hist = perf.history(dashboard)
    for measure in multi["measure"]:
        if measure.startswith("library_spend"):
            continue
        assert len(hist[hist["measure"] == measure]) >= 2, measure
    ld = hist[(hist["measure"] == "ld_employment") & (hist["basis"] == "year")]
    assert ld[["period", "value"]].values.tolist() == [["2017-18", 11.2], ["2019-20", 11.2], ["2022-23", 9.1]]


def test_ascof_renumbering_maps_to_one_key(registry):
    codes = registry[registry["measure"] == "contact_users"].set_index("edition")["code"].to_dict()
    assert codes == {2019: "ASCOF 1I pt 1", 2021: "ASCOF 1I pt 1", 2024: "ASCOF 11 part 1"}
    dp = registry[registry["measure"] == "dp_users"].set_index("edition")["code"].to_dict()
    assert dp[2019] == "ASCOF 1C pt 2a" and dp[2024] == "ASCOF 1C pt 2A"


def test_provenance_of_performance_tables():
    if sources.seeds_dir() is None:
        pytest.skip("source papers not present")
    failures = [f for f in sources.check_provenance() if f.startswith("performance_")]
    assert failures == []


# --- position against target -----------------------------------------------------

def test_position_thresholds():
    assert perf.position(55.0, "band", "percent", low=56.0, high=61.0) == ("misses narrowly", 1.0)
    assert perf.position(14.4, "band", "percent", low=6.0, high=11.0) == ("misses significantly", 3.4)
    assert perf.position(11.0, "higher", "percent", ">", 11.0) == ("misses narrowly", 0.0)
    assert perf.position(11.0, "higher", "percent", "", 11.0) == ("meets", 0.0)
    assert perf.position(628.5, "lower", "per_100k", "<", 624.1) == ("misses narrowly", 0.705015)
    assert perf.position(700.0, "lower", "per_100k", "<", 624.1)[0] == "misses significantly"
    assert perf.position(float("nan"), "higher", "percent", "", 72.0) == ("no data", pytest.approx(math.nan, nan_ok=True))
    assert perf.position(5.0, "none", "count")[0] == "no target"


def test_unparseable_operator_is_an_error():
    with pytest.raises(ValueError, match="cannot parse target operator '≈'"):
        perf.position(5.0, "higher", "percent", "≈", 4.0)


def test_dashboard_table_2021(dashboard, registry):
    t = perf.dashboard_table(dashboard, registry, 2021).set_index("measure")
    assert t.loc["ld_accommodation", ["rag", "position", "gap", "rule_rag"]].tolist() == ["A", "misses significantly", 2.3, "R"]
    assert t.loc["reablement_no_ongoing", ["rag", "rule_rag", "quartile_number"]].tolist() == ["R", "R", 1.0]
    assert t.loc["heritage_visits", "travel"] == "worsened"


def test_pro_rata_target_for_in_year_counts(dashboard, registry):
    t = perf.dashboard_table(dashboard, registry, 2019).set_index("measure")
    row = t.loc["library_visits"]
    assert row["target_compared"] == pytest.approx(970_000 * 8 / 12)
    assert (row["position"], row["rule_rag"], row["rag"]) == ("misses narrowly", "A", "R")


# --- findings --------------------------------------------------------------------

def test_findings_are_registered():
    assert reconcile.DOMAINS["performance"] == "toolkit.performance:findings"
    everything = reconcile.collect(domains=["performance"])
    assert set(everything["domain"]) == {"performance"}
    assert list(everything.columns) == reconcile.COLUMNS


def test_recomputed_ratio_mismatch_safeguarding_2017_18(found):
    row = one(found, "ratio", "safeguarding_outcomes 2017-18: dashboard percentage against its numerator and denominator")
    assert (row["published"], row["computed"], row["kind"]) == (97.9, 94.8849, "mismatch")
    assert (row["source"], row["lines"]) == ("002_5b95b27d885825d4.txt", "1942")


def test_recomputed_ratio_ok_home_91_days_2017_18(found):
    row = one(found, "ratio", "home_91_days 2017-18: dashboard percentage against its numerator and denominator")
    assert (row["published"], row["computed"], row["kind"]) == (86.1, 86.116, "ok")


def test_recomputed_ratio_rounded_counts(found):
    row = one(found, "ratio", "ld_employment 2017-18: dashboard percentage against its numerator and denominator")
    assert (row["published"], row["computed"], row["kind"]) == (11.2, 13.3333, "rounding")


def test_swapped_numerator_and_denominator_2024(found):
    row = one(found, "ratio", "reablement_no_ongoing 2023-24: dashboard percentage against the prose numerator and denominator")
    assert (row["published"], row["computed"], row["kind"]) == (89.6, 111.6604, "mismatch")
    assert "swapped" in row["detail"]


def test_annual_reviews_dashboard_against_prose_counts(found):
    a = one(found, "ratio", "annual_reviews 2022-23: dashboard percentage against the prose numerator and denominator")
    assert (a["published"], a["computed"], a["kind"]) == (76.4, 76.2694, "mismatch")
    b = one(found, "ratio", "annual_reviews 2023-24: dashboard percentage against the prose numerator and denominator")
    assert (b["published"], b["computed"], b["kind"]) == (73.7, 73.8069, "mismatch")
    c = one(found, "ratio", "annual_reviews 2022-23: prose percentage against the prose numerator and denominator")
    assert (c["published"], c["computed"], c["kind"]) == (76.3, 76.2694, "ok")


def test_rag_comparisons(found):
    acc = one(found, "rag_rule", "2021 ld_accommodation: published RAG against the position rule")
    assert (acc["published"], acc["computed"], acc["kind"]) == ("A", "R", "review")
    emp = one(found, "rag_rule", "2021 ld_employment: published RAG against the position rule")
    assert (emp["published"], emp["computed"], emp["kind"]) == ("G", "A", "review")
    adm = one(found, "rag_rule", "2019 admissions_65: published RAG against the position rule")
    assert (adm["published"], adm["computed"], adm["kind"]) == ("A", "A", "ok")
    rag = found[found["check"] == "rag_rule"]
    assert len(rag) == 38
    assert sorted(rag[rag["kind"] == "review"]["description"].str.split(":").str[0]) == [
        "2019 library_visits", "2019 volunteer_hours", "2021 ld_accommodation", "2021 ld_employment",
        "2021 sds_carers", "2021 sds_users", "2021 seq_meet"]


def test_prose_against_dashboard(found):
    ld = one(found, "prose_vs_dashboard", "ld_accommodation 2023-24: prose leicestershire against the dashboard")
    assert (ld["published"], ld["computed"], ld["kind"]) == (83.8, 85.8, "mismatch")
    lals = one(found, "prose_vs_dashboard", "lals_success 2019-20: prose leicestershire against the dashboard")
    assert (lals["published"], lals["computed"], lals["kind"]) == (98.0, 96.0, "mismatch")


def test_stated_changes(found):
    visits = one(found, "change_percent", "library_visits 2023-24: stated percentage change")
    assert (visits["published"], visits["computed"], visits["kind"]) == (16.0, 18.4046, "mismatch")
    adm = one(found, "change_percent", "admissions_65 2023-24: stated percentage change")
    assert (adm["published"], adm["computed"], adm["kind"]) == (-7.0, -7.5243, "rounding")


def test_sequel_totals(found):
    row = one(found, "sequels_total", "2019 2017-18: the four sequel shares add up to 100")
    assert (row["published"], row["computed"], row["kind"]) == (100.0, 101.0, "rounding")


def test_progress_arrow_review(found):
    row = one(found, "progress_arrow", "2024 seq_delay: published progress arrow against the change")
    assert (row["published"], row["computed"], row["kind"]) == ("improved", "worsened", "review")


def test_quartiles_and_movements(dashboard, prose):
    q = perf.quartile_movements(perf.quartiles(dashboard, prose))
    reab = q[q["measure"] == "reablement_no_ongoing"][["period", "quartile", "movement"]].fillna(0).values.tolist()
    assert reab == [["2017-18", 2.0, 0.0], ["2019-20", 1.0, -1.0], ["2022-23", 1.0, 0.0]]


def test_use_of_resources_percentiles(found):
    t = perf.use_of_resources_table(perf.load_use_of_resources()).set_index("metric")
    assert t.loc["spend_per_younger_adult", ["rank", "councils", "percentile_100_highest", "quartile"]].tolist() == [141, 153, 7.9, 4]
    assert t.loc["nhs_income_share", ["percentile_100_highest", "quartile"]].tolist() == [77.0, 1]
    assert t.loc["spend_per_adult", "difference_percent"] == -20.96
    assert perf.percentile_of_rank(1, 153) == 100.0 and perf.percentile_of_rank(153, 153) == 0.0
    claim = one(found, "uor_rank_claim", "nhs_income_share: quartile")
    assert (claim["published"], claim["computed"], claim["kind"]) == (1.0, 1, "ok")


def test_cqc_shares_add_up(found):
    row = one(found, "cqc_shares_total", "2019 Leicestershire all providers: rating shares add up to 100")
    assert (row["computed"], row["kind"]) == (100.0, "ok")


# --- bad input -------------------------------------------------------------------

@pytest.fixture
def data_copy(tmp_path):
    shutil.copytree(sources.resolve_data_dir(None), tmp_path / "data")
    return tmp_path / "data"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_measure_key_in_the_dashboard(data_copy):
    _edit(data_copy / "published" / "performance_dashboard.csv", "2019,seq_prevent,Aim", "2019,seq_prevnt,Aim")
    with pytest.raises(LoaderError) as err:
        perf.load_dashboard(data_copy)
    msg = str(err.value)
    assert "performance_dashboard.csv" in msg and "row 2" in msg and "column 'measure'" in msg
    assert "unknown measure key" in msg and "'seq_prevnt'" in msg


def test_unknown_measure_key_asked_for(registry):
    with pytest.raises(KeyError, match="unknown measure key 'ld_employ'"):
        perf.check_measure("ld_employ", registry)


def test_unparseable_target_operator_in_the_dashboard(data_copy):
    _edit(data_copy / "published" / "performance_dashboard.csv",
          "2019,admissions_18_64,2018-19 Milestone,value,<,", "2019,admissions_18_64,2018-19 Milestone,value,=<,")
    with pytest.raises(LoaderError) as err:
        perf.load_dashboard(data_copy)
    msg = str(err.value)
    assert "column 'operator'" in msg and "expected a target operator" in msg and "found '=<'" in msg


def test_unit_mismatch_across_editions_in_the_registry(data_copy):
    _edit(data_copy / "mappings" / "performance_measures.csv",
          "ld_employment,2024,ASCOF 1E,% of people with LD in employment,1E,,higher,percent",
          "ld_employment,2024,ASCOF 1E,% of people with LD in employment,1E,,higher,count")
    with pytest.raises(LoaderError) as err:
        perf.load_registry(data_copy)
    msg = str(err.value)
    assert "performance_measures.csv" in msg and "column 'unit'" in msg and "unit mismatch across editions" in msg


def test_unit_mismatch_across_editions_in_the_dashboard(data_copy):
    _edit(data_copy / "published" / "performance_dashboard.csv",
          "2021,ld_employment,2020/21 Performance,value,,11.0,percent", "2021,ld_employment,2020/21 Performance,value,,11.0,rate")
    with pytest.raises(LoaderError) as err:
        perf.load_dashboard(data_copy)
    msg = str(err.value)
    assert "column 'unit'" in msg and "unit mismatch" in msg and "found 'rate'" in msg


# --- national comparators (issue 10) ---------------------------------------------------

@pytest.fixture(scope="module")
def national(registry):
    return perf.load_national(registry=registry)


def test_national_file_loads_tidy(national):
    assert len(national) == 6376
    assert list(national.columns) == ["year", "area_code", "area_name", "council_type", "region", "code", "measure",
                                      "ascof", "value", "published_median", "placeholder", "file_row"]
    # 298 blanks in the file, and 5 placeholder zeros read as not published
    assert national["value"].isna().sum() == 303 and national["placeholder"].sum() == 5
    leics = national[(national["area_code"] == "E10000018") & (national["code"] == "ASC5")]
    assert (leics["council_type"].iloc[0], leics["region"].iloc[0], leics["measure"].iloc[0], leics["ascof"].iloc[0]) == (
        "Counties", "East Midlands", "reablement_no_ongoing", "2D")


def test_computed_medians_match_the_published_median(national):
    differ = []
    for (measure, year), g in national.groupby(["measure", "year"]):
        if g["value"].median() != pytest.approx(g["published_median"].dropna().iloc[0]):
            differ.append((measure, year))
    # OfLoG's own median for ASC2 2019-20 counted the five placeholder zeros
    assert differ == [("user_qol", "2019-20")]
    g = national[(national["measure"] == "user_qol") & (national["year"] == "2019-20")]
    assert g["value"].median() == 0.406 and g["value"].fillna(0.0).median() == g["published_median"].iloc[0] == 0.405


def test_national_position_pins(national, registry):
    pos = perf.national_position("ASC5", "2019-20", national=national, registry=registry)
    assert {k: pos[k] for k in ("value", "rank", "n", "quartile", "median", "percentile", "method")} == {
        "value": 87.5, "rank": 34, "n": 150, "quartile": 1, "median": 78.25, "percentile": 77.9, "method": "rank"}
    pos = perf.national_position("info_users", "2022-23", national=national, registry=registry)
    assert (pos["value"], pos["rank"], pos["n"], pos["quartile"], pos["median"]) == (61.8, 128, 149, 4, 67.5)
    # lower is better: workforce turnover
    pos = perf.national_position("ASC7", "2022-23", national=national, registry=registry)
    assert (pos["rank"], pos["n"], pos["quartile"], pos["polarity"]) == (125, 151, 4, "lower")
    # blank: not published for Leicestershire
    pos = perf.national_position("workforce_turnover", "2018-19", national=national, registry=registry)
    assert (pos["rank"], pos["n"], pos["quartile"]) == (None, 115, None) and math.isnan(pos["value"])


def test_ties_share_the_best_rank_and_methods_disagree(national, registry):
    table = perf.national_table(national, registry, "ASC5", "2019-20")
    tied = table[table["value"] == 86.5]
    assert sorted(tied["area_name"]) == ["Rutland", "Sunderland", "Westminster"]
    assert set(tied["rank"]) == {38} and set(tied["quartile_rank"]) == {2} and set(tied["quartile_interpolated"]) == {1}
    assert tied["methods_disagree"].all()
    pos = perf.national_position("ASC5", "2019-20", "E06000017", method="interpolated", national=national, registry=registry)
    assert (pos["area_name"], pos["rank"], pos["quartile"], pos["quartile_rank"], pos["method"]) == (
        "Rutland", 38, 1, 2, "interpolated")


def test_group_medians(national, registry):
    g = perf.group_medians(national, registry, "ASC3", "2022-23").set_index("group")
    assert g.loc["England", ["n", "median", "council", "rank_in_group"]].tolist() == [149, 67.5, 61.8, 128]
    assert g.loc["council type: Counties", "rank_in_group"] == 23
    assert g.loc["region: East Midlands", "rank_in_group"] == 9


def test_quartile_claims_confirmed(found):
    q = found[found["check"] == "national_quartile"]
    assert len(q) == 8 and set(q["kind"]) == {"ok"}
    row = one(found, "national_quartile", "info_carers 2016-17: published quartile against the national ranking")
    assert (row["published"], row["computed"]) == (3.0, 3)
    assert "rank 84 of 151" in row["detail"]
    thr = one(found, "national_threshold", "reablement_no_ongoing 2017-18: stated top-quartile threshold")
    assert (thr["published"], thr["computed"], thr["kind"]) == (86.0, 85.8, "ok")
    val = one(found, "national_value", "info_carers 2016-17: dashboard value against the national file")
    assert (val["published"], val["computed"], val["kind"]) == (64.0, 63.5, "rounding")


def test_national_bad_input(data_copy, registry):
    path = data_copy / "reference" / "oflog_asc_data.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(LoaderError) as err:
        perf.load_national(data_copy, registry)
    assert f"row {len(lines) + 1}" in str(err.value) and "a unique key (same as row 2)" in str(err.value)
    path.write_text("".join(lines).replace(
        "2016-17,E06000005,Darlington,LA_Raw,Unitary Authorities,North East,\"Outcome, ASC Carer Quality of Life\",ASC1,7.6",
        "2016-17,E06000005,Darlington,LA_Raw,Unitary Authorities,North East,\"Outcome, ASC Carer Quality of Life\",ASC1,76"),
        encoding="utf-8")
    with pytest.raises(LoaderError) as err:
        perf.load_national(data_copy, registry)
    assert "row 2" in str(err.value) and "column 'Value'" in str(err.value) and "from 0 to 12 for ASC1" in str(err.value)


def test_national_unknown_measure_and_method(national, registry):
    with pytest.raises(KeyError, match="unknown measure key 'ASC9'"):
        perf.national_position("ASC9", "2019-20", national=national, registry=registry)
    with pytest.raises(KeyError, match="not in the national reference data"):
        perf.national_position("dp_users", "2019-20", national=national, registry=registry)
    with pytest.raises(ValueError, match="unknown quartile method"):
        perf.national_position("ASC5", "2019-20", method="mean", national=national, registry=registry)


# --- placeholder zeros, ASC2 = ASCOF 1J, claims, series breaks, travel ---------------

def test_placeholder_zeros_are_not_published_and_reported(national, registry, found):
    zeros = perf.national_placeholders(national)
    assert zeros[["code", "year", "area_name", "file_row"]].values.tolist() == [
        ["ASC2", "2019-20", "City of London", 961], ["ASC2", "2019-20", "Isles of Scilly", 992],
        ["ASC2", "2019-20", "Kent", 962], ["ASC2", "2019-20", "Trafford", 1014], ["ASC2", "2019-20", "Wokingham", 938]]
    pos = perf.national_position("ASC2", "2019-20", national=national, registry=registry)
    assert (pos["value"], pos["rank"], pos["n"], pos["quartile"], pos["median"]) == (0.399, 91, 146, 3, 0.406)
    # a zero stays a value where the registry allows it: 2D (few people, Isles of Scilly 2016-17)
    scilly = national[(national["code"] == "ASC5") & (national["year"] == "2016-17") & (national["area_code"] == "E06000053")]
    assert scilly["value"].tolist() == [0.0] and not scilly["placeholder"].any()
    rows = found[found["check"] == "national_placeholder"]
    assert len(rows) == 5 and set(rows["kind"]) == {"missing"}
    kent = one(found, "national_placeholder", "ASC2 2019-20 Kent: exact zero read as not published")
    assert (kent["source"], kent["lines"], kent["published"]) == ("reference/oflog_asc_data.csv", "962", 0.0)


def test_national_ranges_come_from_the_registry(data_copy):
    _edit(data_copy / "mappings" / "performance_measures.csv", "ASC2,higher,rate,false,,0,1,true", "ASC2,higher,rate,false,,,1,true")
    with pytest.raises(LoaderError) as err:
        perf.load_registry(data_copy)
    assert "column 'valid_min'" in str(err.value) and "valid range" in str(err.value) and "'user_qol'" in str(err.value)


def test_asc2_is_ascof_1j_not_1a(registry, national):
    row = perf.national_measure("ASC2", registry)
    assert (row["measure"], row["ascof"]) == ("user_qol", "1J")
    values = national[national["code"] == "ASC2"]["value"].dropna()
    # 1A is a score out of 24 (England about 19, i.e. 0.8 as a fraction): no council comes near
    assert values.min() == 0.28 and values.max() == 0.489
    first = national[national["value"].notna()].groupby("code")["year"].min()
    assert first["ASC2"] == "2016-17" and first["ASC3"] == "2015-16"  # 1J began in 2016-17


def test_new_quartile_statements_fill_the_grid(dashboard, prose):
    q = perf.quartiles(dashboard, prose)
    grid, labels = perf.quartile_grid(q, up_to=2024, prose=prose)
    assert grid.loc["contact_users", "2022-23"] == 4 and grid.loc["feel_safe", "2021-22"] == 4
    assert labels.loc["feel_safe", "2022-23"] == "not 4" and pd.isna(grid.loc["feel_safe", "2022-23"])
    assert grid.loc["admissions_18_64", ["2015-16", "2016-17", "2017-18"]].tolist() == [1, 1, 1]
    assert grid.loc["care_homes_good", "2023-24"] == 3
    grid19, _ = perf.quartile_grid(q, up_to=2019, prose=prose)
    assert "2022-23" not in grid19.columns and "care_homes_good" not in grid19.index


def test_prose_quartiles_against_the_dashboard(found):
    adm = one(found, "quartile_prose_vs_dashboard", "admissions_65 2019-20: prose quartile against the dashboard")
    assert (adm["published"], adm["computed"], adm["kind"], adm["lines"]) == (2.0, 2.0, "ok", "3104-3106")
    assert pck(found, "quartile_prose_vs_dashboard", "dp_users 2019-20: prose quartile against the dashboard") == (1.0, 1.0, "ok")


def test_text_claims(dashboard, prose, registry, national, found):
    claims = perf.text_claims(dashboard, prose, registry, national)
    assert claims["status"].value_counts().to_dict() == {"not checkable": 25, "confirmed": 7}
    eng = claims[(claims["measure"] == "reablement_no_ongoing") & (claims["claim"] == "versus_england")].iloc[0]
    assert (eng["says"], eng["computed"], eng["status"]) == ("above", "higher", "confirmed")
    assert "87.5 against the median 78.25 of 150 councils" in eng["basis"]
    em = one(found, "text_claim", "reablement_no_ongoing 2019-20: versus_east_midlands 'above'")
    assert (em["kind"], em["lines"]) == ("ok", "2912-2915") and "median 85.1 of 9 councils" in em["detail"]
    peer = one(found, "text_claim", "placement_share_65 2022-23: peer_group_rank 'lowest'")
    assert (peer["computed"], peer["kind"]) == ("below the peer average", "ok")
    safe = one(found, "text_claim", "feel_safe 2019-20: not_quartile 'not in quartile 1'")
    assert (safe["computed"], safe["kind"]) == ("quartile 2", "ok")
    not_checkable = claims[claims["status"] == "not checkable"]
    assert ("feel_safe", "2022-23", "not_quartile") in set(zip(not_checkable["measure"], not_checkable["period"], not_checkable["claim"]))


def test_bad_text_claim_word(data_copy):
    _edit(data_copy / "published" / "performance_prose.csv",
          "2021,admissions_18_64,2019-20,versus_shire,lower", "2021,admissions_18_64,2019-20,versus_shire,smaller")
    with pytest.raises(LoaderError) as err:
        perf.load_prose(data_copy)
    assert "column 'value'" in str(err.value) and "found 'smaller'" in str(err.value) and "versus_shire claim" in str(err.value)


def test_prose_statistics_against_the_national_file(found):
    assert pck(found, "national_change", "reablement_no_ongoing 2019-20: stated change in percentage points") == (3.0, 3.0, "ok")
    assert "84.5 (2018-19) -> 87.5 (2019-20)" in one(found, "national_change", "reablement_no_ongoing 2019-20: stated change in percentage points")["detail"]
    assert pck(found, "national_value", "info_users 2021-22: prose value against the national file") == (57.0, 56.8, "rounding")
    assert pck(found, "national_value", "reablement_no_ongoing 2022-23: prose value against the national file") == (88.0, 87.8, "rounding")


def test_prose_milestones_against_the_dashboard(found):
    assert pck(found, "prose_vs_dashboard", "heritage_visits 2023-24: prose milestone against the dashboard") == (102000.0, 102100.0, "rounding")
    assert pck(found, "prose_vs_dashboard", "home_91_days 2018-19: prose target against the dashboard") == (87.0, 87.0, "ok")


def test_series_breaks_split_the_history(dashboard):
    hist = perf.history(dashboard)
    lib = hist[hist["measure"] == "library_visits"].set_index("period")
    assert lib.loc["2019-20", ["value", "series", "line"]].tolist() == [780_000, "incl. website visits", "apr-nov (incl. website visits)"]
    assert lib.loc["2022-23", ["value", "series", "line"]].tolist() == [351_000, "", "apr-nov"]
    her = hist[hist["measure"] == "heritage_visits"].set_index("period")
    assert her.loc["2023-24", "series"] == "incl. website visits" and her.loc["2019-20", "series"] == ""


def test_travel_between_editions_uses_bands(dashboard, registry):
    t = perf.travel_between_editions(dashboard, registry).set_index(["measure", "from_period"])
    assert t.loc[("seq_prevent", "2019-20"), ["to_value", "band", "travel"]].tolist() == [56.7, "55-60 (2024)", "improved"]
    assert t.loc[("seq_meet", "2019-20"), ["to_value", "band", "travel"]].tolist() == [14.3, "7-12 (2024)", "worsened"]
    assert t.loc[("dp_users", "2019-20"), ["from_value", "to_value", "travel"]].tolist() == [47.5, 36.2, "worsened"]
    assert "changed" not in set(t["travel"])


def test_travel_across_a_series_break_is_not_comparable(data_copy):
    _edit(data_copy / "mappings" / "performance_measures.csv",
          "ld_employment,2024,ASCOF 1E,% of people with LD in employment,1E,,higher,percent,false,,",
          "ld_employment,2024,ASCOF 1E,% of people with LD in employment,1E,,higher,percent,false,new definition,")
    registry = perf.load_registry(data_copy)
    t = perf.travel_between_editions(perf.load_dashboard(data_copy, registry), registry).set_index(["measure", "from_period"])
    assert t.loc[("ld_employment", "2019-20"), ["travel", "series"]].tolist() == ["not comparable", "usual -> new definition"]
    assert t.loc[("ld_employment", "2017-18"), "travel"] == "similar"


def test_rank_history_names_polarity(national, registry):
    ranks = perf.rank_history(national, registry)
    row = ranks[(ranks["measure"] == "reablement_no_ongoing") & (ranks["year"] == "2019-20")].iloc[0]
    assert (row["polarity"], row["rank"], row["percentile_100_best"]) == ("higher", 34, 77.9)
    assert set(ranks[ranks["code"] == "ASC6"]["polarity"]) == {"none"}


# --- the notebook in the 2019, 2021 and 2024 packs (papermill) -----------------------

PACK_TABLES = {
    # edition: (dashboard rows, last quartile year, text claims, travel pairs, ASC2 in the national summary)
    2019: (30, "2017-18", 8, 0, ["user_qol", "2017-18", 108, 150]),
    2021: (30, "2019-20", 29, 20, ["user_qol", "2019-20", 91, 146]),
    2024: (31, "2023-24", 32, 38, ["user_qol", "2022-23", 74, 149]),
}


@pytest.mark.parametrize("edition", sorted(PACK_TABLES))
def test_notebook_tables_in_each_dashboard_pack(edition, meeting_packs):
    from toolkit import meeting

    date = next(m.date for m in meeting.load_all() if m.analyses.get("performance", {}).get("edition") == edition)
    tables = meeting_packs(date) / date / "performance" / "tables"
    rows, last_year, n_claims, n_travel, qol = PACK_TABLES[edition]
    assert len(pd.read_csv(tables / "performance_dashboard.csv")) == rows
    assert list(pd.read_csv(tables / "performance_quartiles.csv").columns)[-1] == last_year
    claims = pd.read_csv(tables / "performance_text_claims.csv")
    assert len(claims) == n_claims and set(claims["source"]) <= set(perf.sources_up_to(edition))
    assert len(pd.read_csv(tables / "performance_travel.csv")) == n_travel
    summary = pd.read_csv(tables / "performance_national_summary.csv").set_index("code")
    assert summary.loc["ASC2", ["measure", "year", "rank", "n"]].tolist() == qol
    findings = pd.read_csv(tables / "performance_findings.csv")
    assert set(findings["kind"]) <= {"rounding", "mismatch", "missing", "review"}
