"""Communities & Wellbeing reports (22 January 2024 pack)."""
import shutil

import pytest

from toolkit import communities as cw
from toolkit import reconcile, sources
from toolkit.errors import LoaderError


@pytest.fixture(scope="module")
def data():
    return cw.load_all()


@pytest.fixture(scope="module")
def found():
    return cw.findings()


one = reconcile.only


def figure(frame, text):
    sel = frame[frame["figure"].str.contains(text, regex=False)]
    assert len(sel) == 1, sel
    return sel.iloc[0]["value"]


def test_published_figures(data):
    assert len(data["library_list"]) == 35
    assert "Narborough and Littlethorpe" in set(data["library_list"]["library"])
    cls = data["cls"].set_index(["measure", "period"])
    assert float(cls.loc[("income_target", "2024/25"), "value"]) == -394_000
    assert float(cls.loc[("net_budget", "2023/24"), "value"]) == 331_731


def test_cls_school_share_is_misprinted(found):
    row = one(found, "cls_market_share")
    assert (row["published"], row["computed"], row["kind"]) == (23.5, 23.6111, "mismatch")
    assert row["lines"] == "1135" and row["detail"] == "23.611 rounds half away from zero to 23.6"


def test_cls_attendances_disagree_with_the_dashboard(found):
    now = one(found, "cls_attendances_to_november")
    assert (now["published"], now["computed"], now["difference"], now["kind"]) == (9433, 13000, 3567, "mismatch")
    assert now["detail"].startswith("dashboard 13.0k: 9,433 rounds half away from zero to 9,400")
    before = one(found, "cls_attendances_previous_year")
    assert (before["published"], before["computed"], before["kind"]) == (9400, 9433, "rounding")
    assert "9,433 rounded half away from zero to the nearest 100" in before["detail"]
    rise = one(found, "cls_attendances_increase")
    assert (rise["published"], rise["computed"], rise["kind"]) == (38, 37.8141, "rounding")
    assert rise["description"] == "38% increase: 13,000 (performance report) on 9,433"
    assert "previous year would be 6,836, not the dashboard's 9.4k" in rise["detail"]
    assert one(found, "cls_attendances_milestone")["kind"] == "ok"


def test_cls_income_rise_matches_mtfs_saving(found, data):
    row = one(found, "cls_income_target_vs_mtfs")
    assert (row["published"], row["computed"], row["kind"]) == (-50, -50, "ok")
    summary = cw.cls_summary(data["cls"])
    assert figure(summary, "income target rise to the next year") == 50_000
    assert figure(summary, "a year earlier implied by 9,433 and a rise of 38%") == 6_836
    assert figure(summary, "income target rise (%)") == 14.5
    assert figure(summary, "gross spending") == 675_731
    assert figure(summary, "hours of workshops") == 870
    assert figure(summary, "share of all schools") == 23.6


def test_tlp_consultation_is_eight_weeks_not_six(found):
    rows = found[found["check"] == "tlp_consultation_weeks"].set_index("lines")
    assert rows.loc["1270;1295-1296", ["published", "computed", "kind"]].tolist() == [6, 8, "mismatch"]
    assert rows.loc["1295;1295-1296", "kind"] == "mismatch"
    assert rows.loc["1401;1295-1296", "kind"] == "mismatch"
    assert rows.loc["1468;1295-1296", ["published", "computed", "kind"]].tolist() == [8, 8, "ok"]
    assert cw.weeks_between("2024-02-19", "2024-04-15") == 8


def test_tlp_money_and_hours(data):
    money = cw.tlp_finance(data["tlp"])
    assert figure(money, "running cost implied") == 319_000
    assert figure(money, "income per place at capacity") == 28_428.57
    assert figure(money, "break even") == 11.2
    assert figure(money, "Element 3 hourly rate change") == -31.9
    assert figure(money, "learning + care") == 30
    assert figure(money, "forecast deficit plus further funding") == 197_127
    assert figure(money, "deficit a year implied") == 233_714


def test_tlp_forecast_deficit_is_below_what_its_own_figures_imply(found, data):
    # running cost 199,000 + 120,000 = 319,000; income 199,000 / 7 = 28,428.57 a
    # place; with 3 learners 319,000 - 85,285.71 = 233,714.29 a year against 143,000
    row = one(found, "tlp_deficit_implied")
    assert (row["published"], row["computed"], row["difference"], row["kind"]) == (143_000, 233_714, 90_714, "review")
    assert row["lines"] == "1254;1255;1234"
    assert "less 3 x 28,428.57" in row["detail"] and "13,532 a month (162,381 a year)" in row["detail"]
    gap = cw.tlp_gap(data["tlp"]).set_index("item")["value"]
    assert gap.to_dict() == {"income at full capacity": 199_000, "additional funding needed": 120_000,
                             "running cost implied": 319_000, "deficit implied with 3 learners": 233_714,
                             "forecast deficit 2023/24": 143_000}
    assert cw.tlp_gap_text(data["tlp"]) == (
        "Income at full capacity (£199,000) falls £120,000 short of an implied running cost of £319,000, so 11.2 "
        "learners would be needed against 7 places; with 3 learners the implied deficit is £233,714 a year against "
        "the £143,000 forecast for 2023/24.")


def test_tlp_dates_hold_together(found, data):
    assert set(found[found["check"].isin(["tlp_week_commencing", "tlp_report_back", "tlp_annual_reviews",
                                          "tlp_timetable_order", "tlp_restated"])]["kind"]) == {"ok"}
    timetable = cw.tlp_timetable(data["dates"])
    assert timetable["weekday"].tolist() == ["Friday", "Monday", "Monday", "Monday", "Friday"]


def test_libraries(found, data):
    hours = one(found, "cml_average_hours")
    assert (hours["published"], hours["computed"], hours["kind"]) == (17, 17.0929, "rounding")
    assert hours["description"] == "average opening hours = 598.25 hours a week / 35 libraries"
    budget = one(found, "cml_library_budget_vs_mtfs")
    assert (budget["published"], budget["computed"], budget["kind"]) == (3_156_615, 3_156_615, "ok")
    junior = one(found, "cml_issue_share_vs_dashboard", "junior")
    assert (junior["published"], junior["computed"], junior["kind"]) == (23, 21.998, "review")
    summary = cw.libraries_summary(data["libraries"], data["crossref"])
    assert figure(summary, "all new joiners implied by 7,857 = 2.5%") == 314_280
    assert figure(summary, "all issues implied by 305,551 = 22%") == 1_388_868
    assert figure(summary, "all junior issues implied by 180,225 = 23%") == 783_587
    assert figure(summary, "book fund (£) implied by £90,000 = 21%") == 428_571
    assert figure(summary, "support cost a year, low") == 360_000
    assert figure(summary, "support cost a year, high") == 370_000
    assert figure(summary, "remaining grants") == 6_680
    assert figure(summary, "support agreements updated") == 77.1


def test_implied_shares_follow_the_transcribed_share(data, tmp_path):
    # the implied whole is read from the share row, not a number in the code
    shutil.copytree(sources.DATA_DIR / "published", tmp_path / "published")
    path = tmp_path / "published" / "communities_libraries.csv"
    path.write_text(path.read_text().replace("new_joiners_share,,2023,2.5,percent", "new_joiners_share,,2023,25,percent"))
    libraries = cw.load_libraries(tmp_path)
    assert figure(cw.libraries_summary(libraries, data["crossref"]), "all new joiners implied") == 31_428


def test_new_joiners_implied_across_the_service_flagged(found):
    row = one(found, "cml_new_joiners_implied")
    assert (row["published"], row["computed"], row["kind"], row["lines"]) == (7_857, 314_280, "review", "1512")
    assert row["detail"] == ("22.6 new joiners per 100 issues across the service (1,388,868 issues implied by "
                             "305,551 = 22%) against 2.6 per 100 at the CMLs")


def test_library_costs_keep_the_property_range(data):
    costs = cw.libraries_costs(data["libraries"]).set_index("item")
    assert costs.loc["property", ["low", "high"]].tolist() == [20_000, 30_000]
    assert costs.loc["book stock", ["low", "high"]].tolist() == [90_000, 90_000]
    assert costs.loc["total", ["low", "high"]].tolist() == [360_000, 370_000]
    assert cw.libraries_costs_text(costs.reset_index(), data["libraries"]) == (
        "Supporting the 35 CMLs costs £360,000 to £370,000 a year, £10,286 to £10,571 per library.")
    assert cw.cls_attendances_text(data["cls"], data["crossref"]) == (
        "The CLS report's 9,433 attendances to November rounds to the dashboard's 2022/23 to November figure (9.4k); "
        "the dashboard gives 13.0k for 2023/24 to November.")


def test_registered():
    assert reconcile.DOMAINS["communities"] == "toolkit.communities:findings"
    rows = reconcile.collect(domains=["communities"])
    assert len(reconcile.problems(rows)) == 12


def test_bad_date_names_file_row_and_column(tmp_path):
    shutil.copytree(sources.DATA_DIR / "published", tmp_path / "published")
    path = tmp_path / "published" / "communities_dates.csv"
    path.write_text(path.read_text().replace("2024-04-15,date", "2024-04-31,date", 1))
    with pytest.raises(LoaderError) as err:
        cw.load_dates(tmp_path)
    assert "communities_dates.csv: row 6, column 'value': expected an ISO date (YYYY-MM-DD), found '2024-04-31'" in str(err.value)
