"""Home care: published data, the cost-of-care model, calibration, uprating, timelines, findings."""
import shutil
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import homecare as h
from toolkit import reconcile, sources
from toolkit.errors import LoaderError

DATA = sources.resolve_data_dir("")


# --- published data ------------------------------------------------------------

def test_prices_and_assumptions_as_published():
    prices = h.load_prices()
    bands = h.published_band_prices(prices)
    assert bands["band"].tolist() == ["urban", "fringe", "rural", "isolated"]
    assert bands["published_gbp"].tolist() == [18.75, 19.95, 22.95, 26.15]
    by = prices.set_index("measure")["value"]
    assert by["real_living_wage"] == 9.30 and by["mileage_rate"] == 0.45


def test_zones_types_and_towns():
    zones = h.load_zones()
    names = zones[zones["item"] == "zone"]
    assert len(names) == 14
    assert names.groupby("zone_type").size().to_dict() == {
        "large": 6, "medium": 3, "small_town": 3, "small_rural": 1, "rural_free": 1}
    towns = zones[(zones["item"] == "town") & (zones["zone"] == "Oadby and Wigston")]["value"].tolist()
    assert towns == ["Great Glen", "Fleckney", "Kibworth Harcourt"]


def test_dates_market_terms_budget_savings_dementia():
    dates = h.load_dates()
    ms = dates[(dates["programme"] == "home_care") & (dates["kind"] == "milestone")]
    assert len(ms) == 22  # 21 milestones, the evaluation period with a start and an end
    assert ms[ms["event"] == "ITT Closes"]["value"].iloc[0] == pd.Timestamp("2021-04-12")
    market = h.load_market().set_index("measure")["value"]
    assert market["people_receiving_increase_1dec_vs_1mar_2020"] == 25
    assert market["average_hours_per_person_increase"] == 14
    terms = h.load_terms().set_index("term")["value"]
    assert terms[["contract_initial_years", "contract_first_extension_years", "contract_second_extension_years"]].sum() == 5
    lines = h.load_budget_lines()
    net = lines[lines["column"] == "net"].set_index("edition")["value"]
    assert net.to_dict() == {"2019/20": 16576439, "2021/22": 21072038, "2024/25": 46642790, "2026/27": 50238790}
    savings = h.load_savings()
    assert savings[savings["presentation"] == "table"]["value"].tolist() == [-150, -260, -260, -260]
    dementia = h.load_dementia().set_index("measure")["value"]
    assert dementia["county_annual_contribution"] == 265352
    assert dementia["national_diagnosis_target"] == 66.7


def test_reference_wage_rates_each_have_a_source():
    rates = h.load_wage_rates()
    got = rates.set_index(["measure", "financial_year"])["value"]
    assert got[("real_living_wage", "2020-21")] == 9.30
    assert got[("national_living_wage", "2020-21")] == 8.72
    assert got[("national_living_wage", "2024-25")] == 11.44
    assert got[("national_living_wage", "2025-26")] == 12.21
    assert got[("real_living_wage", "2026-27")] == 13.45
    rlw = rates[rates["measure"] == "real_living_wage"]["source"]
    nlw = rates[rates["measure"] == "national_living_wage"]["source"]
    assert rlw.str.startswith("Living Wage Foundation").all()
    assert nlw.str.contains("GOV.UK|HM Treasury").all()


def test_homecare_association_minimum_price_breakdown_adds_up():
    hca = h.load_minimum_price()
    y2020 = hca[hca["financial_year"] == "2020-21"].set_index("component")["value"]
    assert round(y2020.drop("total").sum(), 2) == 20.69 == y2020["total"]
    totals = hca[hca["component"] == "total"].set_index("financial_year")["value"].to_dict()
    assert totals == {"2020-21": 20.69, "2021-22": 21.43, "2022-23": 23.20, "2023-24": 25.95, "2024-25": 28.53,
                      "2025-26": 32.14}
    assert hca["source"].str.contains("Homecare Association").all()


# --- the model: a hand-computed case per component -----------------------------------

SIMPLE = h.Assumptions(pay_rate=10.0, visit_minutes=30.0, non_contact_share=0.1, holiday_rate=0.1,
                       sickness_rate=0.05, training_rate=0.05, ni_rate=0.1, ni_threshold_weekly=100.0,
                       pension_rate=0.05, pension_threshold_weekly=50.0, weekly_paid_hours=20.0,
                       mileage_rate=0.5, overhead_rate=0.2, surplus_rate=0.1)
SIMPLE_BAND = h.Band("rural", travel_minutes=6.0, miles=2.0)


def test_travel_minutes_per_contact_hour():
    assert h.travel_minutes_per_contact_hour(30, 5) == 10.0
    assert h.travel_minutes_per_contact_hour(45, 9) == 12.0


def test_each_component_by_hand():
    parts = h.build_up(SIMPLE_BAND, SIMPLE)
    assert list(parts) == list(h.COMPONENTS)
    expected = {
        "contact_pay": 10.0,                         # £10 x 1 hour
        "travel_pay": 2.0,                           # 60/30 x 6 = 12 min = 0.2 h x £10
        "non_contact_pay": 1.0,                      # 0.1 h x £10
        "holiday": 1.3,                              # 10% of £13 basic pay
        "sickness": 0.65,                            # 5% of £13
        "training": 0.65,                            # 5% of £13
        "employer_ni": 15.6 * 0.1 * (240 - 100) / 240,   # gross £15.60; week = £12 x 20 h = £240
        "pension": 15.6 * 0.05 * (240 - 50) / 240,
        "mileage": 2.0,                              # 2 visits x 2 miles x 50p
    }
    direct = sum(expected.values())
    expected["overheads"] = direct * 0.2
    expected["surplus"] = (direct + expected["overheads"]) * 0.1
    for name, value in expected.items():
        assert parts[name] == pytest.approx(value, abs=1e-12), name
    assert expected["employer_ni"] == pytest.approx(0.91)
    assert expected["pension"] == pytest.approx(0.6175)
    assert h.price(SIMPLE_BAND, SIMPLE) == pytest.approx(25.2483, abs=1e-9)
    assert h.price_pence(SIMPLE_BAND, SIMPLE) == 25.25


def test_no_ni_or_pension_below_the_thresholds():
    low = replace(SIMPLE, ni_threshold_weekly=1000.0, pension_threshold_weekly=1000.0)
    parts = h.build_up(SIMPLE_BAND, low)
    assert parts["employer_ni"] == 0.0 and parts["pension"] == 0.0


# --- calibration ---------------------------------------------------------------------

def test_calibrated_prices_reproduce_the_published_prices_to_the_penny():
    cal = h.calibrated_prices()
    assert cal["band"].tolist() == list(h.BANDS)
    assert (cal["modelled_gbp"] == cal["published_gbp"]).all()
    assert cal["exact"].all()
    assert cal["travel_minutes"].tolist() == [4.48, 5.39, 8.03, 10.38]
    assert cal["miles"].tolist() == [1.12, 1.797, 3.346, 5.19]
    assert cal["plausible"].tolist() == [True, True, True, False]
    assert cal["near_bound"].tolist() == [False, True, True, False]   # 5.39 vs 5, 8.03 vs 8


def test_per_band_assumptions_are_data_with_a_basis(tmp_path):
    table = h.load_band_assumptions()
    assert table["band"].tolist() == list(h.BANDS)
    assert table[["speed_mph", "travel_min_minutes", "travel_max_minutes"]].values.tolist() == [
        [15, 3, 10], [20, 5, 14], [25, 8, 22], [30, 12, 35]]
    assert table["speed_basis"].str.len().gt(0).all() and table["range_basis"].str.len().gt(0).all()
    faster = table.assign(speed_mph=table["speed_mph"].where(table["band"] != "rural", 50.0))
    cal = h.calibrate(h.published_band_prices(h.load_prices()), faster)
    rural = cal[cal["band"] == "rural"].iloc[0]
    assert rural["speed_mph"] == 50 and rural["miles"] == pytest.approx(rural["travel_minutes"] * 50 / 60, abs=0.001)
    data = _edited(tmp_path, "reference/homecare_band_assumptions.csv", "rural,25,8,22", "rural,25,22,8")
    with pytest.raises(LoaderError, match=r"homecare_band_assumptions.csv: row 4, column 'travel_max_minutes': "
                       r"expected at least travel_min_minutes \(22\), found '8'"):
        h.load_band_assumptions(data)


def test_whole_minutes_miss_by_pennies():
    cal = h.calibrated_prices()
    whole = h.whole_minute_prices(cal)
    assert whole["difference_gbp"].tolist() == [-0.37, -0.34, -0.03, -0.40]


# --- monotonicity ----------------------------------------------------------------------

money = st.floats(min_value=0.0, max_value=50.0, allow_nan=False)
minutes = st.floats(min_value=0.0, max_value=120.0, allow_nan=False)
visit = st.floats(min_value=5.0, max_value=120.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(w1=money, w2=money, t=minutes, m=st.floats(0, 40))
def test_a_higher_wage_never_lowers_the_price(w1, w2, t, m):
    lo, hi = sorted((w1, w2))
    band = h.Band("urban", t, m)
    assert h.price(band, h.Assumptions(pay_rate=hi)) >= h.price(band, h.Assumptions(pay_rate=lo)) - 1e-9


@settings(max_examples=60, deadline=None)
@given(t1=minutes, t2=minutes, m1=st.floats(0, 40), m2=st.floats(0, 40), v=visit)
def test_more_travel_never_lowers_the_price(t1, t2, m1, m2, v):
    a = h.Assumptions(visit_minutes=v)
    lo_t, hi_t = sorted((t1, t2))
    lo_m, hi_m = sorted((m1, m2))
    assert h.price(h.Band("rural", hi_t, hi_m), a) >= h.price(h.Band("rural", lo_t, lo_m), a) - 1e-9


@settings(max_examples=60, deadline=None)
@given(v1=visit, v2=visit, t=minutes)
def test_longer_visits_never_raise_the_price(v1, v2, t):
    short, long_ = sorted((v1, v2))
    band = h.Band("fringe", t, t / 3)
    assert h.price(band, h.Assumptions(visit_minutes=long_)) <= h.price(band, h.Assumptions(visit_minutes=short)) + 1e-9


# --- uprating ------------------------------------------------------------------------------

def test_uprating_table():
    cal = h.calibrated_prices()
    up = h.uprate(h.bands_of(cal), h.load_wage_rates())
    table = up.pivot_table(index=["wage_measure", "financial_year"], columns="band", values="price_gbp")
    assert table.loc[("real_living_wage", "2020-21")][list(h.BANDS)].tolist() == [18.75, 19.95, 22.95, 26.15]
    assert table.loc[("national_living_wage", "2020-21")][list(h.BANDS)].tolist() == [17.58, 18.74, 21.66, 24.78]
    assert table.loc[("national_living_wage", "2024-25")][list(h.BANDS)].tolist() == [23.08, 24.39, 27.72, 31.19]
    assert table.loc[("real_living_wage", "2025-26")][list(h.BANDS)].tolist() == [25.43, 26.80, 30.30, 33.93]
    assert table.loc[("real_living_wage", "2026-27")][list(h.BANDS)].tolist() == [27.16, 28.56, 32.19, 35.93]
    cmp = h.minimum_price_comparison(up, h.load_minimum_price(), cal)
    row = cmp[(cmp["financial_year"] == "2025-26") & (cmp["band"] == "urban")].iloc[0]
    assert (row["modelled_rlw_gbp"], row["hca_minimum_gbp"], row["modelled_minus_minimum_gbp"]) == (25.43, 32.14, -6.71)


def test_employer_ni_by_year_and_the_ni_sensitivity():
    ni = h.load_employer_ni().set_index("financial_year")
    assert ni.loc["2020-21", ["ni_rate", "ni_threshold_weekly"]].tolist() == [0.138, 169]
    assert ni.loc["2022-23", ["ni_rate", "ni_threshold_weekly"]].tolist() == [0.1505, 175]
    assert ni.loc["2025-26", ["ni_rate", "ni_threshold_weekly"]].tolist() == [0.15, 96]
    assert ni["source"].str.contains("HMRC|HM Treasury").all()
    assert (ni.loc["2020-21", "ni_rate"], ni.loc["2020-21", "ni_threshold_weekly"]) == (
        h.Assumptions().ni_rate, h.Assumptions().ni_threshold_weekly)
    cal = h.calibrated_prices()
    sens = h.ni_sensitivity(h.bands_of(cal), h.load_wage_rates(), h.load_employer_ni())
    rlw = sens[sens["wage_measure"] == "real_living_wage"].set_index(["financial_year", "band"])
    assert rlw.loc[("2020-21", "urban"), "ni_effect_gbp"] == 0.0
    assert rlw.loc[("2025-26", "urban"), ["price_pay_only_gbp", "price_with_year_ni_gbp", "ni_effect_gbp"]].tolist() == [
        25.43, 26.14, 0.71]
    assert rlw.loc[("2026-27", "isolated"), ["price_pay_only_gbp", "price_with_year_ni_gbp"]].tolist() == [35.93, 36.77]
    with pytest.raises(h.HomecareInputError, match="no employer NI rules for 2016-17"):
        h.uprate(h.bands_of(cal), h.load_wage_rates(), employer_ni=h.load_employer_ni())


# --- timelines --------------------------------------------------------------------------------

def test_slippage_is_measured_only_where_the_paper_prints_an_original_date():
    tl = h.timeline(h.load_dates(), "home_care")
    months = h.stated_deferral_months(h.load_terms())
    assert months == 12
    slip = h.slippage(tl, months).set_index("key")
    measured = slip[slip["basis"] == "measured from the printed original date"]
    assert measured.index.tolist() == ["scrutiny_committee_report", "transition_complete"]
    committee = measured.loc["scrutiny_committee_report"]
    assert committee["original_start"] == pd.Timestamp("2020-01-20") and committee["original_lines"] == "2251"
    assert (committee["slippage_days_min"], committee["slippage_days_max"], committee["slippage_months"]) == (364, 364, 11.96)
    done = measured.loc["transition_complete"]   # "by November 2020" -> 6 November 2021
    assert (done["slippage_days_min"], done["slippage_days_max"], done["slippage_months"]) == (341, 370, 12.0)
    stated = slip.drop(measured.index)
    assert stated["slippage_days_min"].isna().all() and len(stated) == 19
    assert (stated["basis"] == "stated shift of 12 months (derived, not measured)").all()
    assert stated.loc["itt_published", "stated_original"] == pd.Timestamp("2020-02-22")
    assert h.slippage_summary(h.slippage(tl, months)).startswith(
        "slippage measured for 2 of 21 revised milestones ('Adults and Communities Overview and Scrutiny Committee' "
        "report on 20 January 2020 -> 18 January 2021: 364 days; 'Transition complete' home care by November 2020 "
        "-> 06 November 2021: 341 to 370 days)")


def test_slippage_findings(found):
    rows = found[found["check"] == "slippage_matches_stated_deferral"]
    assert rows[["published", "computed", "kind", "lines"]].values.tolist() == [
        [12, 11.96, "rounding", "2419-2420;2251;2599-2603"], [12, 12.0, "ok", "2419-2420;2470;2649"]]
    shift = found[found["check"] == "stated_shift_matches_printed_original"]
    assert shift[["published", "computed", "kind"]].values.tolist() == [
        ["report on 20 January 2020", "2020-01-18 (Saturday)", "mismatch"],
        ["home care by November 2020", "2020-11-06 (Friday)", "ok"]]
    weekend = _one(found, "stated_originals_on_working_days")
    assert (weekend["published"], weekend["computed"], weekend["kind"]) == (0, 10, "review")
    assert "'ITT Closes' 2020-04-12 (Easter Sunday)" in weekend["detail"]
    itt = _one(found, "stated_original_itt_before_pause")
    assert (itt["computed"], itt["kind"], itt["lines"]) == ("ITT 2020-02-22", "review", "2411-2412;2266;2622")


def test_dated_events_and_the_pause(found):
    tl = h.timeline(h.load_dates(), "home_care").set_index("key")
    pause = tl.loc["pause"]
    assert (pause["start"], pause["end"], pause["lines"]) == (pd.Timestamp("2020-04-01"), pd.Timestamp("2020-10-13"), "2266;2271")
    assert tl.loc["market_pressures", "start"] == pd.Timestamp("2020-03-01")
    assert (tl.loc["market_engagement", "start"], tl.loc["market_engagement", "end"]) == (
        pd.Timestamp("2019-10-01"), pd.Timestamp("2020-03-31"))
    assert tl.loc["partners_restart", "start"] == pd.Timestamp("2020-10-13")
    assert tl.loc["climate_emergency", "start"] == pd.Timestamp("2019-05-01")
    models = h.load_provider_model()
    later = models[models["source"] == "004_d7bc47fa68b1d77f.txt"]
    assert later[["model", "value", "lines"]].values.tolist() == [
        ["prime_and_supplementary", "prime provider model", "200"], ["open_framework", "open approach", "200"]]


def test_month_precision_dates_cover_the_month():
    tl = h.timeline(h.load_dates(), "dementia")
    mob = tl[tl["event"] == "Provider Mobilisation"].iloc[0]
    assert (mob["start"], mob["end"]) == (pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30"))


# --- bad input ----------------------------------------------------------------------------------

def test_negative_pay_is_an_error():
    with pytest.raises(h.HomecareInputError, match="pay_rate must not be negative, got -1"):
        h.price(h.Band("urban", 5, 1), h.Assumptions(pay_rate=-1.0))


def test_zero_visit_length_is_an_error():
    with pytest.raises(h.HomecareInputError, match="visit_minutes must be more than zero, got 0"):
        h.price(h.Band("urban", 5, 1), h.Assumptions(visit_minutes=0))
    with pytest.raises(h.HomecareInputError, match="visit_minutes must be more than zero"):
        h.travel_minutes_per_contact_hour(0, 5)


def test_infinite_inputs_are_an_error():
    with pytest.raises(h.HomecareInputError, match="overhead_rate must be a finite number, got inf"):
        h.price(h.Band("urban", 5, 1), h.Assumptions(overhead_rate=float("inf")))
    with pytest.raises(h.HomecareInputError, match="miles for band 'urban' must be a finite number >= 0, got inf"):
        h.price(h.Band("urban", 5, float("inf")))


def test_unknown_band_is_an_error():
    with pytest.raises(h.HomecareInputError, match="unknown band 'suburban'; known bands: urban, fringe, rural, isolated"):
        h.price(h.Band("suburban", 5, 1))
    with pytest.raises(h.HomecareInputError, match="unknown band"):
        h.calibrate(pd.DataFrame({"band": ["suburban"], "published_gbp": [20.0]}), h.load_band_assumptions())


def test_dates_out_of_order_are_an_error(tmp_path):
    frame = pd.DataFrame({"seq": [1], "event": ["Evaluation"], "start": [pd.Timestamp("2021-06-01")],
                          "end": [pd.Timestamp("2021-04-04")], "precision": ["day"]})
    with pytest.raises(h.HomecareInputError, match="dates out of order: 'Evaluation' ends 2021-04-04 before it starts 2021-06-01"):
        h.slippage(frame, 12)
    data = _copy_data(tmp_path)
    path = data / "published" / "homecare_dates.csv"
    text = path.read_text().replace("end,day,2021-06-01,date", "end,day,2021-03-01,date")
    path.write_text(text)
    with pytest.raises(LoaderError) as err:
        h.load_dates(data)
    msg = str(err.value)
    assert "homecare_dates.csv: row 16, column 'value': expected an end on or after the start 2021-04-04 (row 15)" in msg
    assert "found '2021-03-01'" in msg


def test_bad_cells_name_file_row_and_column(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "published" / "homecare_prices.csv"
    path.write_text(path.read_text().replace("2020-21,urban,18.75", "2020-21,urban,-18.75"))
    with pytest.raises(LoaderError, match=r"homecare_prices.csv: row 2, column 'value': expected a price >= 0, found '-18.75'"):
        h.load_prices(data)
    zones = data / "published" / "homecare_zones.csv"
    zones.write_text(zones.read_text().replace("medium,Melton,zone", "middling,Melton,zone"))
    with pytest.raises(LoaderError, match=r"homecare_zones.csv: row 32, column 'zone_type'"):
        h.load_zones(data)
    wages = data / "reference" / "homecare_wage_rates.csv"
    wages.write_text(wages.read_text().replace("2024-25,national_living_wage,11.44", "2024-25,national_living_wage,-11.44"))
    with pytest.raises(LoaderError, match=r"homecare_wage_rates.csv: row 10, column 'value'"):
        h.load_wage_rates(data)


def test_a_misspelt_or_missing_band_is_an_error_not_a_dropped_row(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "published" / "homecare_prices.csv"
    original = path.read_text()
    path.write_text(original.replace("2020-21,urban,18.75", "2020-21,Urban,18.75"))
    with pytest.raises(LoaderError) as err:
        h.load_prices(data)
    msg = str(err.value)
    assert "homecare_prices.csv: row 2, column 'measure': expected one of urban, fringe, rural, isolated," in msg
    assert "found 'Urban'" in msg
    with pytest.raises(LoaderError):
        h.calibrated_prices(data)
    with pytest.raises(LoaderError):
        h.findings(data)
    path.write_text("".join(line for line in original.splitlines(keepends=True) if ",isolated," not in line))
    with pytest.raises(LoaderError, match=r"homecare_prices.csv: column 'measure': expected a row for each of urban, "
                       r"fringe, rural, isolated, real_living_wage, mileage_rate, price_levels in 2020-21, "
                       r"found 'no row for isolated'"):
        h.load_prices(data)
    prices = h.load_prices()
    with pytest.raises(h.HomecareInputError, match=r"no published 2020-21 price for band\(s\) isolated"):
        h.published_band_prices(prices[prices["measure"] != "isolated"])


def _edited(tmp_path, name, old, new):
    """A copy of the home-care data with one text replaced in one file."""
    data = _copy_data(tmp_path)
    path = data / name
    path.write_text(path.read_text().replace(old, new))
    return data


def _copy_data(tmp_path):
    target = tmp_path / "data"
    for sub in ("published", "reference"):
        (target / sub).mkdir(parents=True)
        for p in (DATA / sub).glob("homecare_*.csv"):
            shutil.copy(p, target / sub / p.name)
    return target


# --- findings --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def found():
    return h.findings()


_one = reconcile.only


def test_findings_are_registered(found):
    assert reconcile.DOMAINS["homecare"] == "toolkit.homecare:findings"
    assert list(found.columns) == reconcile.COLUMNS
    assert set(found["domain"]) == {"homecare"}


def test_evaluation_starts_before_the_tender_closes(found):
    row = _one(found, "evaluation_after_tender_closes")
    assert (row["published"], row["computed"], row["difference"], row["kind"]) == (-8, 0, 8.0, "mismatch")
    assert (row["source"], row["lines"]) == ("001_6c1a5cf086dcc65a.txt", "2632;2634")
    assert _one(found, "milestones_in_date_order")["kind"] == "mismatch"


def test_reprocurement_saving_text_truncates_the_table(found):
    rows = found[found["check"] == "reprocurement_saving_text_vs_table"]
    assert rows[["published", "computed", "kind"]].values.tolist() == [[-0.1, -0.15, "rounding"], [-0.2, -0.26, "rounding"]]
    assert rows["detail"].str.contains("truncated, not rounded").all()
    assert rows["lines"].tolist() == ["476;804", "476;804"]
    assert rows["description"].str.contains("Appendix C").all()


def test_milestones_on_non_working_days(found):
    rows = found[found["check"] == "milestone_on_working_day"]
    assert rows[["published", "computed"]].values.tolist() == [
        ["2021-04-02", "Good Friday"], ["2021-04-04", "Easter Sunday"],
        ["2021-11-06", "a Saturday"], ["2021-11-06", "a Saturday"]]
    assert (rows["kind"] == "review").all()


def test_model_and_comparator_findings(found):
    for band, price in zip(h.BANDS, (18.75, 19.95, 22.95, 26.15)):
        row = _one(found, "model_reproduces_price", band)
        assert (row["published"], row["computed"], row["kind"]) == (price, price, "ok")
    iso = _one(found, "fitted_travel_plausible", "isolated")
    assert (iso["published"], iso["computed"], iso["kind"]) == (12.0, 10.38, "review")
    rural = _one(found, "fitted_travel_plausible", "rural")
    assert (rural["published"], rural["computed"], rural["kind"]) == (8.0, 8.03, "review")
    assert "within 0.5 minutes of its end at 8" in rural["detail"]
    assert _one(found, "fitted_travel_plausible", "urban")["kind"] == "ok"
    urban = _one(found, "price_vs_hca_minimum", "urban")
    assert (urban["published"], urban["computed"], urban["difference"], urban["kind"]) == (18.75, 20.69, 1.94, "review")
    assert _one(found, "price_vs_hca_minimum", "rural")["kind"] == "ok"


def test_consistency_checks_that_hold(found):
    for check in ("zones_total", "zones_total_listed", "transition_by_contract_end",
                  "framework_replacement_within_term", "dementia_seamless_transition",
                  "dementia_contract_end_consistent", "dementia_milestones_in_order", "dementia_prevalence_consistent",
                  "rlw_matches_reference"):
        assert (found[found["check"] == check]["kind"] == "ok").all(), check
    prev = _one(found, "dementia_prevalence_consistent")
    assert (prev["published"], prev["computed"]) == (10000, 10256)
    assert _one(found, "procurement_start_consistent")["kind"] == "review"
    assert _one(found, "zone_band_mapping")["kind"] == "missing"


def test_judgement_kinds_and_lines_come_from_the_data():
    dates, terms = h.load_dates(), h.load_terms()
    proposed = (dates["key"] == "procurement_start_proposed")
    itt = (dates["key"] == "itt_published")
    moved = dates.assign(value=dates["value"].mask(proposed, pd.Timestamp("2021-03-01")).mask(itt, pd.Timestamp("2021-03-08")))
    rows = reconcile.frame(h.timeline_checks(moved, terms))
    assert _one(rows, "procurement_start_consistent")["kind"] == "ok"
    assert _one(reconcile.frame(h.timeline_checks(dates, terms)), "procurement_start_consistent")["kind"] == "review"
    zones, types, prices = h.load_zones(), h.load_zone_types(), h.load_prices()
    names = zones[zones["item"] == "zone"]
    banded = pd.concat([zones, names.assign(item="band", value="urban")], ignore_index=True)
    mapping = _one(reconcile.frame(h.zone_checks(banded, types, prices)), "zone_band_mapping")
    assert (mapping["published"], mapping["kind"], mapping["lines"]) == ("14 of 14 zones with a band", "ok", "2386-2401")
    assert _one(reconcile.frame(h.zone_checks(zones, types, prices)), "zone_band_mapping")["kind"] == "missing"
    relined = dates.assign(lines=dates["lines"].mask(dates["key"] == "commencement", "951"))
    rows = reconcile.frame(h.dementia_checks(h.load_dementia(), relined))
    assert _one(rows, "dementia_commencement_matches")["lines"] == "944;951"
    assert _one(rows, "dementia_milestones_in_order")["lines"] == "946-951"
    assert _one(rows, "dementia_mobilisation_before_commencement")["lines"] == "949-951"


def test_a_date_the_checks_need_must_be_in_the_file(tmp_path):
    data = _edited(tmp_path, "published/homecare_dates.csv", ",itt_closes,", ",itt_shuts,")
    with pytest.raises(LoaderError, match=r"homecare_dates.csv: column 'key': expected a row with key 'itt_closes' "
                       r"for programme 'home_care', found 'none'"):
        h.load_dates(data)


# --- the price calculator -----------------------------------------------------------------------------

def test_calculator_defaults_give_the_published_prices():
    cal = h.calibrated_prices()
    table = h.calculator(h.CalculatorInputs(), cal, h.load_minimum_price())
    assert table["price_gbp"].tolist() == [18.75, 19.95, 22.95, 26.15]
    assert table["hca_minimum_gbp"].unique().tolist() == [20.69] and table["hca_year"].unique().tolist() == ["2020-21"]
    later = h.calculator(h.CalculatorInputs(pay_rate=12.60, minimum_year="2025-26"), cal, h.load_minimum_price())
    assert later["price_gbp"].tolist() == [25.43, 26.80, 30.30, 33.93]
    assert later["hca_minimum_gbp"].unique().tolist() == [32.14]
    with pytest.raises(h.HomecareInputError, match="no Homecare Association minimum price for 2019-20; published for: "
                       "2020-21, 2021-22, 2022-23, 2023-24, 2024-25, 2025-26"):
        h.calculator(h.CalculatorInputs(minimum_year="2019-20"), cal, h.load_minimum_price())
    assert h.calculator_summary(table) == "Urban: £18.75 | Fringe: £19.95 | Rural: £22.95 | Isolated: £26.15"


def test_calculator_moves_with_pay_and_rejects_bad_input():
    cal = h.calibrated_prices()
    table = h.calculator(h.CalculatorInputs(pay_rate=12.21), cal)
    assert table["price_gbp"].iloc[0] == 24.64
    with pytest.raises(h.HomecareInputError, match="pay_rate must not be negative"):
        h.calculator(h.CalculatorInputs(pay_rate=-0.5), cal)
    with pytest.raises(h.HomecareInputError, match="unknown band 'suburban'"):
        h.calculator(h.CalculatorInputs(travel_minutes={"suburban": 3}), cal)


def test_explorer_shows_the_urban_price_and_follows_the_pay_slider():
    from toolkit.widgets import homecare_explorer

    box = homecare_explorer()
    assert "Urban: £18.75" in box.summary.value
    assert all(c.description for c in box.controls.values())
    box.controls["pay_rate"].value = 12.21
    assert "Urban: £24.64" in box.summary.value
    box.controls["visit_minutes"].value = 5.0
    assert "Urban: £" in box.summary.value
    assert "<td>2020-21</td>" in box.children[-1].value and "<td>20.69</td>" in box.children[-1].value
    box.controls["minimum_year"].value = "2025-26"
    assert "<td>32.14</td>" in box.children[-1].value


def test_notebook_parameters_match_the_options_model_and_the_meetings():
    import ast
    import json

    from toolkit import meeting

    nb = json.loads((meeting.NOTEBOOKS_DIR / "home_care.ipynb").read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    names = [t.id for node in ast.parse("".join(cell["source"])).body for t in node.targets]
    assert names == list(meeting.COMMON_PARAMETERS) + list(meeting.HomeCareOptions.model_fields)
    for date, programme in (("2021-01-18", "home_care"), ("2026-01-19", "dementia")):
        m = meeting.find_meeting(date)
        assert m.analyses["home_care"]["timeline_programme"] == programme
        assert any("home_care" in item.analyses for item in m.agenda)


def test_overhead_sensitivity():
    sens = h.overhead_sensitivity(h.published_band_prices(h.load_prices()), h.load_band_assumptions(), rates=(0.10, 0.30))
    assert sens.drop(columns="all_exact").values.tolist() == [[0.10, 6.71, 7.51, 10.22, 12.66], [0.30, 2.59, 3.60, 6.17, 8.45]]
    assert sens["all_exact"].all()


def test_the_notebook_runs_for_the_2021_meeting(meeting_packs):
    out = meeting_packs("2021-01-18") / "2021-01-18" / "home_care"
    slip = pd.read_csv(out / "tables" / "home_care_slippage.csv")
    measured = slip[slip["basis"] == "measured from the printed original date"]
    assert measured[["original_start", "slippage_days_min", "slippage_days_max"]].values.tolist() == [
        ["2020-01-20", 364, 364], ["2020-11-01", 341, 370]]
    found = pd.read_csv(out / "tables" / "home_care_findings.csv")
    assert "reprocurement_saving_text_vs_table" not in set(found["check"])   # the 2026 paper is not yet published
    assert (out / "figures" / "home_care_gantt_home_care.svg").exists()
