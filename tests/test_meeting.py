"""Meeting parameters: the five real files load; bad files give errors that
name the file and the key."""
import textwrap

import pytest

from toolkit import meeting
from toolkit.errors import ParameterError

MEETINGS = ["2018-01-16", "2019-01-21", "2021-01-18", "2024-01-22", "2026-01-19"]


def test_the_five_meetings_load():
    loaded = meeting.load_all()
    assert [m.date for m in loaded] == MEETINGS
    for m in loaded:
        assert "overview" in m.analyses
        assert m.source in meeting.SOURCES


def test_latest_meeting_covers_its_agenda():
    m = meeting.find_meeting("2026-01-19")
    assert m.source == "004_d7bc47fa68b1d77f.txt"
    assert [a.item for a in m.agenda] == [8, 9, 10]


def write(tmp_path, body, name="2026-01-19.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


GOOD = """\
    meeting_date: 2026-01-19
    title: test
    source: 004_d7bc47fa68b1d77f.txt
    analyses:
      overview: {}
"""


def test_a_good_file_loads(tmp_path):
    assert meeting.load_meeting(write(tmp_path, GOOD)).date == "2026-01-19"


@pytest.mark.parametrize("body, message", [
    (GOOD + "    colour: blue\n", "key 'colour': unknown key"),
    (GOOD.replace("2026-01-19", "2026-02-30"), "key 'meeting_date'"),
    (GOOD.replace("    title: test\n", ""), "key 'title': required key is missing"),
    (GOOD.replace("overview: {}", "overview: {edition: 2026}"), "key 'analyses.overview.edition': unknown key"),
    (GOOD.replace("overview: {}", "nonsense: {}"), "unknown analysis 'nonsense'"),
    (GOOD.replace("004_d7bc47fa68b1d77f.txt", "missing.txt"), "unknown source paper 'missing.txt'"),
    (GOOD + "    data_dir: no/such/folder\n", "key 'data_dir': folder"),
    (GOOD + "    agenda:\n      - {item: 0, title: x}\n", "key 'agenda.0.item'"),
    ("meeting_date: [unclosed\n", "not valid YAML"),
])
def test_bad_files_name_the_file_and_the_key(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(ParameterError) as info:
        meeting.load_meeting(path)
    text = str(info.value)
    assert str(path) in text and "2026-01-19.yaml" in text
    assert message in text


def test_date_must_match_the_file_name(tmp_path):
    path = write(tmp_path, GOOD, name="2026-01-20.yaml")
    with pytest.raises(ParameterError, match="does not match the file name 2026-01-20.yaml"):
        meeting.load_meeting(path)


def test_missing_data_file_is_an_error(tmp_path, monkeypatch):
    class WithPath(meeting.Strict):
        extract_path: str

    monkeypatch.setitem(meeting.ANALYSES, "overview", WithPath)
    path = write(tmp_path, GOOD.replace("overview: {}", "overview: {extract_path: data/synthetic/nope.csv}"))
    with pytest.raises(ParameterError, match=r"analyses.overview.extract_path': file data/synthetic/nope.csv does not exist"):
        meeting.load_meeting(path)


def test_unknown_meeting():
    with pytest.raises(ParameterError, match="known meetings: 2018-01-16"):
        meeting.find_meeting("2020-01-01")


def test_injected_paths_are_absolute():
    m = meeting.find_meeting("2026-01-19")
    params = m.notebook_parameters("overview", "/tmp/out")
    assert params == {"meeting_date": "2026-01-19", "data_dir": str(meeting.ROOT / "data"),
                      "output_dir": "/tmp/out", "internal": False}
