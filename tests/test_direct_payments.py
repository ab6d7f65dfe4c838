"""Direct Payments Development Plan 2018-2023 (21 January 2019 pack)."""
import datetime as dt
import shutil

import pandas as pd
import pytest

from toolkit import direct_payments as dp
from toolkit import reconcile, sources
from toolkit.errors import LoaderError


@pytest.fixture(scope="module")
def data():
    return dp.load_all()


@pytest.fixture(scope="module")
def found():
    return dp.findings()


one = reconcile.only


def test_published_totals(data):
    wide = dp.forecast_table(data["forecast"])
    assert wide.loc["Total", "2019/20"] == 40_329_221
    assert wide.loc["Older People", "2022/23"] == 14_978_120
    out = dp.outturn_table(data["outturn"]).set_index("client_group")
    assert out.loc["Total", "budget"] == 36_252_210
    assert out.loc["Total", "outturn"] == 35_606_460
    assert out.loc["PD", "computed_variance"] == -1_111_006
    assert out.loc["Older People", "computed_percent"] == -10.3
    assert len(data["actions"]) == 35
    assert data["actions"]["outcome"].value_counts().sort_index().tolist() == [10, 7, 7, 6, 5]


def test_plan_forecast_does_not_match_mtfs_direct_cash_payments(found):
    gross = one(found, "dp_forecast_vs_mtfs_gross")
    assert (gross["published"], gross["computed"], gross["difference"]) == (39_375_165, 40_329_221, 954_056)
    assert gross["kind"] == "mismatch" and gross["lines"] == "1035;680"
    net = one(found, "dp_forecast_vs_mtfs_net")
    assert (net["published"], net["computed"], net["difference"]) == (38_213_167, 40_329_221, 2_116_054)
    assert net["kind"] == "mismatch"


def test_forecast_total_2021_22_is_two_pounds_over_its_rows(found):
    row = one(found, "dp_forecast_total", "2021/22")
    assert (row["published"], row["computed"], row["difference"]) == (41_232_393, 41_232_391, -2)
    assert row["kind"] == "rounding"  # within half a pound for each of five rows
    assert one(found, "dp_forecast_total", "2019/20")["kind"] == "ok"


def test_forecast_growth(data):
    growth = dp.forecast_growth(data["forecast"]).set_index(["client_group", "year"])
    assert growth.loc[("Mental Health", "2021/22"), "change"] == 0
    assert growth.loc[("Older People", "2019/20-2022/23"), "change"] == 14_978_120 - 13_885_479
    assert growth.loc[("Total", "2019/20-2022/23"), "change_percent"] == 3.49


def test_forecast_years_stated_five_table_four(found):
    row = one(found, "dp_forecast_years")
    assert (row["published"], row["computed"], row["kind"]) == (5, 4, "mismatch")


def test_outturn_variances_recomputed(found):
    variances = found[found["check"] == "dp_outturn_variance"]
    assert set(variances["kind"]) == {"ok"} and len(variances) == 7
    ld = one(found, "dp_outturn_variance_percent", "LD:")
    assert ld["published"] == 1.9 and ld["computed"] == 1.9186 and ld["kind"] == "rounding"
    claw = one(found, "dp_outturn_variance_percent", "Clawback")
    assert claw["kind"] == "review" and claw["published"] == 0.0 and pd.isna(claw["computed"])


def test_client_group_shares_shift_between_2017_18_budget_and_forecast(found):
    ld = one(found, "dp_forecast_share_shift", "Learning Disabilities")
    assert (ld["published"], ld["computed"], ld["kind"]) == (9.1, 29.5, "review")
    op = one(found, "dp_forecast_share_shift", "Older People")
    assert (op["published"], op["computed"], op["kind"]) == (53.1, 34.4, "review")
    assert one(found, "dp_forecast_share_shift", "Mental Health")["kind"] == "ok"


def test_printed_percentages_against_counts(found):
    black = one(found, "dp_percent_ethnicity", "Black or Black British")
    assert (black["published"], black["computed"], black["kind"]) == (0.5, 0.5998, "mismatch")
    other = one(found, "dp_percent_ethnicity", "Other (12")
    assert (other["published"], other["computed"], other["kind"]) == (0.3, 0.4798, "mismatch")
    contact = one(found, "dp_percent_support_needs", "Knowing who to contact")
    assert (contact["published"], contact["computed"], contact["kind"]) == (47, 46.4146, "mismatch")
    assert one(found, "dp_percent_support_needs", "add up")["computed"] == 101
    family = one(found, "dp_percent_administration", "My family")
    assert (family["published"], family["computed"], family["kind"]) == (50, 50.4965, "rounding")


def test_recipient_counts_disagree(found, data):
    need = one(found, "dp_recipients_breakdown", "mental health")
    assert (need["published"], need["computed"], need["difference"], need["kind"]) == (2467, 2313, -154, "review")
    assert one(found, "dp_recipients_breakdown", "aged 65+")["kind"] == "ok"
    cards = one(found, "dp_recipients_counts", "card accounts")
    assert (cards["published"], cards["computed"], cards["difference"]) == (2467, 2692, 225)
    eth = one(found, "dp_recipients_counts", "ethnicity")
    assert (eth["published"], eth["computed"]) == (2700, 2501)
    takeup = one(found, "dp_takeup", "Leicestershire")
    assert (takeup["published"], takeup["computed"], takeup["lines"]) == (54, 55, "1015;1500")
    counts = dp.recipient_counts(data["facts"], data["ethnicity"])
    assert sorted(counts["value"].unique()) == [80, 625, 2100, 2467, 2501, 2692, 2700, 3023]


def test_headlines_and_survey(found):
    budget = one(found, "dp_headline", "budget")
    assert budget["published"] == 36.3 and round(budget["computed"], 6) == 36.25221 and budget["kind"] == "rounding"
    survey = one(found, "dp_survey")
    assert (survey["published"], survey["computed"], survey["kind"]) == (900, 873, "ok")
    pas = one(found, "dp_personal_assistants")
    assert (pas["published"], pas["computed"], pas["kind"]) == (1200, 1250, "rounding")
    assert one(found, "dp_survey_duration")["computed"] == 3


@pytest.mark.parametrize("printed, expected", [
    ("2019", (dt.date(2019, 1, 1), dt.date(2019, 12, 31), "year")),
    ("Oct 2019", (dt.date(2019, 10, 1), dt.date(2019, 10, 31), "month")),
    ("April 2020", (dt.date(2020, 4, 1), dt.date(2020, 4, 30), "month")),
    ("Autumn 2019", (dt.date(2019, 9, 1), dt.date(2019, 11, 30), "season")),
    ("2019/20", (dt.date(2019, 4, 1), dt.date(2020, 3, 31), "financial_year")),
    ("2018 – 2023", (dt.date(2018, 1, 1), dt.date(2023, 12, 31), "range")),
    ("12th October 2018", (dt.date(2018, 10, 12), dt.date(2018, 10, 12), "day")),
    ("Ongoing", (None, None, "none")),
    ("For discussion with CCGs", (None, None, "none")),
    ("2019/21", (None, None, "none")),
])
def test_parse_target(printed, expected):
    assert dp.parse_target(printed) == expected


def test_action_tracker_by_meeting(data, found):
    dates = sorted(sources.SOURCES.values())
    tracker = dp.action_tracker(data["actions"], dates).set_index("date")
    assert tracker.loc["2019-01-21", ["due", "in_period", "not_yet_due", "no_date"]].tolist() == [4, 13, 16, 2]
    assert tracker.loc["2021-01-18", "due"] == 30  # all but 2020/21, 2023 and 2018 – 2023
    assert tracker.loc["2024-01-22", "due"] == 33
    assert tracker.loc["2018-01-16", "due"] == 0
    overdue = one(found, "dp_actions_overdue_when_presented")
    assert overdue["computed"] == 4 and overdue["kind"] == "review"
    assert "O2.05 (2018)" in overdue["detail"]


def test_every_check_is_registered():
    assert reconcile.DOMAINS["direct_payments"] == "toolkit.direct_payments:findings"
    rows = reconcile.collect(domains=["direct_payments"])
    assert set(rows["domain"]) == {"direct_payments"}


def _copy(tmp_path):
    shutil.copytree(sources.DATA_DIR / "published", tmp_path / "published")
    return tmp_path


def test_action_date_that_disagrees_with_its_printed_target(tmp_path):
    path = _copy(tmp_path) / "published" / "direct_payments_actions.csv"
    text = path.read_text().replace("2019-10-01,month,2019-10-31", "2019-10-01,month,2019-11-30")
    path.write_text(text)
    with pytest.raises(LoaderError) as err:
        dp.load_actions(tmp_path)
    message = str(err.value)
    assert "direct_payments_actions.csv: row 6, column 'value'" in message
    assert "as printed 'Oct 2019'" in message


def test_bad_forecast_value_names_file_row_and_column(tmp_path):
    path = _copy(tmp_path) / "published" / "direct_payments_forecast.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace("14581917", "14581917x")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LoaderError) as err:
        dp.load_forecast(tmp_path)
    assert "direct_payments_forecast.csv: row 4, column 'value': expected a number" in str(err.value)
