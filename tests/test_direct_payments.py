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
    assert gross["detail"] == "plan line 1035 against Appendix A line 680"
    net = one(found, "dp_forecast_vs_mtfs_net")
    assert (net["published"], net["computed"], net["difference"]) == (38_213_167, 40_329_221, 2_116_054)
    assert net["kind"] == "mismatch"


def test_forecast_less_the_ac3_saving_comes_near_the_mtfs_line(found):
    # 40,329,221 - 1,000,000 = 39,329,221 against 39,375,165: £45,944 short
    row = one(found, "dp_forecast_vs_mtfs_after_saving")
    assert (row["published"], row["computed"], row["difference"], row["kind"]) == (39_375_165, 39_329_221, -45_944, "review")
    assert row["lines"] == "1035;680;747"
    assert "saves £1,000k in 2019/20 and still £1,000k in 2022/23" in row["detail"]


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
    assert row["lines"] == "1026;1030-1035"


def test_outturn_variances_recomputed(found):
    variances = found[found["check"] == "dp_outturn_variance"]
    assert set(variances["kind"]) == {"ok"} and len(variances) == 7
    ld = one(found, "dp_outturn_variance_percent", "LD:")
    assert ld["published"] == 1.9 and ld["computed"] == 1.9186 and ld["kind"] == "rounding"
    assert ld["detail"] == "1.919 rounded half away from zero to 1 decimal place(s)"
    claw = one(found, "dp_outturn_variance_percent", "Clawback")
    assert claw["kind"] == "review" and claw["published"] == 0.0 and pd.isna(claw["computed"])


def test_client_group_shares_shift_between_2017_18_budget_and_forecast(found):
    ld = one(found, "dp_forecast_share_shift", "Learning Disabilities")
    assert (ld["published"], ld["computed"], ld["kind"]) == (9.1, 29.5, "review")
    op = one(found, "dp_forecast_share_shift", "Older People")
    assert (op["published"], op["computed"], op["kind"]) == (53.1, 34.4, "review")
    assert one(found, "dp_forecast_share_shift", "Mental Health")["kind"] == "ok"


def test_printed_percentages_against_counts(found):
    # one rule for printed figures: 15 of 2,501 = 0.5998% printed 0.5% is a truncation
    black = one(found, "dp_percent_ethnicity", "Black or Black British")
    assert (black["published"], black["computed"], black["kind"]) == (0.5, 0.5998, "rounding")
    assert black["detail"] == "0.600 truncated, not rounded: half away from zero gives 0.6"
    mixed = one(found, "dp_percent_ethnicity", "Mixed")
    assert (mixed["published"], mixed["computed"], mixed["kind"]) == (0.2, 0.3199, "mismatch")
    other = one(found, "dp_percent_ethnicity", "Other (12")
    assert (other["published"], other["computed"], other["kind"]) == (0.3, 0.4798, "mismatch")
    contact = one(found, "dp_percent_support_needs", "Knowing who to contact")
    assert (contact["published"], contact["computed"], contact["kind"]) == (47, 46.4146, "mismatch")
    assert contact["detail"] == "46.41 rounds half away from zero to 46"
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
    assert (takeup["published"], takeup["computed"], takeup["lines"], takeup["kind"]) == (54, 55, "1015;1500", "review")
    england = one(found, "dp_takeup", "England")
    assert (england["published"], england["computed"], england["kind"]) == (29, 28, "review")
    fall = one(found, "dp_recipients_counts", "2018-12 recipients against")
    assert (fall["published"], fall["computed"]) == (2700, 2467)
    assert fall["detail"] == "a fall of 233 in 9 months while the plan speaks of growth"
    assert cards["detail"].startswith("2,692 card accounts against 2,467 recipients 1 month(s) later; 2,100 of 2,700")
    counts = dp.recipient_counts(data["facts"], data["ethnicity"])
    assert sorted(counts["value"].unique()) == [80, 625, 2100, 2467, 2501, 2692, 2700, 3023]


def test_headlines_and_survey(found):
    budget = one(found, "dp_headline", "budget")
    assert budget["published"] == 36.3 and round(budget["computed"], 6) == 36.25221 and budget["kind"] == "rounding"
    survey = one(found, "dp_survey")
    assert (survey["published"], survey["computed"], survey["kind"]) == (900, 873, "ok")
    pas = one(found, "dp_personal_assistants")
    # 625 x 2 = 1,250: "approximately 1200" is a truncation to the hundred, not a rounding
    assert (pas["published"], pas["computed"], pas["kind"]) == (1200, 1250, "rounding")
    assert pas["detail"] == ("printed 'approximately 1200': 1,250 truncated, not rounded: "
                             "half away from zero gives 1,300")
    assert one(found, "dp_survey_duration")["computed"] == 3


def test_plan_shares_of_recipients_against_the_ehria(found):
    physical = one(found, "dp_recipient_shares", "physical disability")
    # 1,212 of 2,467 = 49.13% against the plan's 20%
    assert (physical["published"], physical["computed"], physical["kind"]) == (20, 49.1285, "review")
    assert physical["lines"] == "1274;1563-1564"
    older = one(found, "dp_recipient_shares", "older people")
    assert (older["published"], older["computed"]) == (40, 37.9003)
    for section, lines in (("report", "826;1274"), ("plan", "1274")):
        claim = one(found, "dp_older_people_majority", f"({section})")
        assert (claim["published"], claim["computed"], claim["kind"], claim["lines"]) == (50, 40, "review", lines)
        assert "935 of 2,467 aged 65+ (37.9%)" in claim["detail"]


def test_survey_tables_against_the_respondents(found):
    needs = one(found, "dp_survey_counts", "support people say they need")
    assert (needs["published"], needs["computed"], needs["difference"], needs["kind"]) == (723, 767, 44, "review")
    assert needs["lines"] == "1155;1323-1327"
    admin = one(found, "dp_survey_counts", "who administers")
    assert (admin["published"], admin["computed"], admin["kind"]) == (705, 705, "ok")


@pytest.mark.parametrize("printed, decimals", [
    ("£36.3m", 1), ("54%", 0), ("£2.53m", 2), ("approximately 1200", -2), ("just under 900", -2),
    ("2,700", 0), ("over 1,000", -3), ("£36 million", 0),
])
def test_printed_decimals(printed, decimals):
    assert dp.printed_decimals(printed) == decimals


def test_figure_summaries_are_built_from_the_data(data):
    assert dp.outturn_text(dp.outturn_table(data["outturn"])) == (
        "Older People, PD, MH spent below budget in 2017/18 (most: Older People £1,974,224); Carers, LD above; "
        "clawback of £2,525,724 stands in the outturn with no budget.")
    assert dp.forecast_text(data["forecast"]) == (
        "The forecast total rises from £40,329,221 in 2019/20 to £41,738,596 in 2022/23 (+3.49%); "
        "no growth for Mental Health into 2021/22.")
    assert dp.shares_text(dp.spend_shares(data["outturn"], data["forecast"])).startswith(
        "Learning Disabilities rise from 9.1% of the 2017/18 budget to 29.5% of the 2019/20 forecast; Older People fall from 53.1%")
    assert dp.recipients_text(dp.recipient_counts(data["facts"], data["ethnicity"])).startswith(
        "The plan gives 4 different counts of recipients or card accounts: 2,700 (people receiving a direct payment, 2018-03); 2,692")
    assert dp.percent_text(data["support_needs"], "response", "support_needs") == (
        "Knowing who to contact for help (356 of 767) is printed as 47% but is 46.4%.")
    assert dp.card_purchases_text(data["card_purchases"]) == (
        "The most common card purchases are home care (311) and personal assistant(s) (310), of 10 kinds.")
    tracker = dp.action_tracker(data["actions"], ["2019-01-21", "2024-01-22"])
    assert dp.tracker_text(tracker) == ("4 of 35 actions were past their target when the plan came to committee (2019-01-21); "
                                        "33 are past their target by 2024-01-22.")


def test_recipient_check_follows_the_data(tmp_path):
    # the March 2018 headline is read from the data, not written in the code
    path = _copy(tmp_path) / "published" / "direct_payments_facts.csv"
    path.write_text(path.read_text().replace('recipients,ehria,2018-03,2700,count,002_5b95b27d885825d4.txt,1500,"2,700"',
                                             'recipients,ehria,2018-03,2710,count,002_5b95b27d885825d4.txt,1500,"2,710"'))
    row = one(dp.findings(tmp_path), "dp_recipients_march_2018", "ehria")
    assert (row["published"], row["computed"], row["kind"]) == (2700, 2710, "mismatch")


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
