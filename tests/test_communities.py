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
    assert row["lines"] == "1135"


def test_cls_attendances_disagree_with_the_dashboard(found):
    now = one(found, "cls_attendances_to_november")
    assert (now["published"], now["computed"], now["difference"], now["kind"]) == (9433, 13000, 3567, "mismatch")
    before = one(found, "cls_attendances_previous_year")
    assert (before["published"], before["computed"], before["kind"]) == (9400, 9433, "rounding")
    rise = one(found, "cls_attendances_increase")
    assert (rise["published"], rise["computed"], rise["kind"]) == (38, 37.8141, "rounding")
    assert one(found, "cls_attendances_milestone")["kind"] == "ok"


def test_cls_income_rise_matches_mtfs_saving(found, data):
    row = one(found, "cls_income_target_vs_mtfs")
    assert (row["published"], row["computed"], row["kind"]) == (-50, -50, "ok")
    summary = cw.cls_summary(data["cls"])
    assert figure(summary, "income target rise 2023/24") == 50_000
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
    assert figure(money, "deficit 2023/24 plus") == 197_127


def test_tlp_dates_hold_together(found, data):
    assert set(found[found["check"].isin(["tlp_week_commencing", "tlp_report_back", "tlp_annual_reviews",
                                          "tlp_timetable_order", "tlp_restated"])]["kind"]) == {"ok"}
    timetable = cw.tlp_timetable(data["dates"])
    assert timetable["weekday"].tolist() == ["Friday", "Monday", "Monday", "Monday", "Friday"]


def test_libraries(found, data):
    hours = one(found, "cml_average_hours")
    assert (hours["published"], hours["computed"], hours["kind"]) == (17, 17.0929, "rounding")
    budget = one(found, "cml_library_budget_vs_mtfs")
    assert (budget["published"], budget["computed"], budget["kind"]) == (3_156_615, 3_156_615, "ok")
    junior = one(found, "cml_issue_share_vs_dashboard", "junior")
    assert (junior["published"], junior["computed"], junior["kind"]) == (23, 21.998, "review")
    summary = cw.libraries_summary(data["libraries"], data["crossref"])
    assert figure(summary, "new joiners implied") == 314_280
    assert figure(summary, "support cost a year, low") == 360_000
    assert figure(summary, "remaining grants") == 6_680
    assert figure(summary, "support agreements updated") == 77.1


def test_registered():
    assert reconcile.DOMAINS["communities"] == "toolkit.communities:findings"
    rows = reconcile.collect(domains=["communities"])
    assert len(reconcile.problems(rows)) == 10


def test_bad_date_names_file_row_and_column(tmp_path):
    shutil.copytree(sources.DATA_DIR / "published", tmp_path / "published")
    path = tmp_path / "published" / "communities_dates.csv"
    path.write_text(path.read_text().replace("2024-04-15,date", "2024-04-31,date", 1))
    with pytest.raises(LoaderError) as err:
        cw.load_dates(tmp_path)
    assert "communities_dates.csv: row 6, column 'value': expected an ISO date (YYYY-MM-DD), found '2024-04-31'" in str(err.value)
