"""Every transcribed figure stands on its cited lines of the source paper."""
import pytest

from toolkit import sources

PAPERS = sources.seeds_dir()


@pytest.mark.skipif(PAPERS is None, reason="source papers not present (set SCRUTINY_SOURCES)")
def test_every_published_value_appears_on_its_cited_lines():
    assert sources.published_tables(), "no published tables in data/published"
    failures = sources.check_provenance()
    assert not failures, "\n".join(failures[:50])


@pytest.mark.skipif(PAPERS is None, reason="source papers not present")
def test_provenance_check_fails_on_a_wrong_figure(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "bad.csv").write_text(
        "item,value,unit,source,lines,printed\n"
        "care act waiting,417,count,004_d7bc47fa68b1d77f.txt,1-5,\n"
    )
    failures = sources.check_provenance(tmp_path)
    assert failures == ["bad.csv: row 2: '417' not found on 004_d7bc47fa68b1d77f.txt lines 1-5"]


def test_renderings_cover_the_printed_forms():
    assert "1,234" in sources.renderings(1234.0)
    assert "4,755" in sources.renderings(-4755.0)
    assert "83.7" in sources.renderings(83.7)
    assert ".5" in sources.renderings(0.5)


@pytest.mark.skipif(PAPERS is None, reason="source papers not present")
def test_a_figure_must_stand_whole_on_its_lines(tmp_path):
    # 004 line 1152 holds "416" (people awaiting a Care Act assessment); a
    # digit dropped or added is not found.
    text = sources.cited_text(PAPERS, "004_d7bc47fa68b1d77f.txt", "1152")
    assert sources.found_on("416", text) and not sources.found_on("41", text)
    assert not sources.found_on("4160", text)
    assert sources.found_on("137,139,319", "a 137,139,319 b")
    assert not sources.found_on("37,139,319", "a 137,139,319 b")
    assert not sources.found_on("137,139,31", "a 137,139,319 b")
    assert not sources.found_on("13", "a 13.5 b") and sources.found_on("13.5", "a 13.5 b")
    assert sources.found_on("£151,4m", "net budget of £151,\n4m for")  # split across lines


def test_every_parsed_value_is_a_reading_of_its_printed_string():
    assert sources.printed_value_problems() == []


def test_a_value_that_disagrees_with_its_printed_string_is_named(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "bad.csv").write_text(
        "item,value,unit,source,lines,printed,note\n"
        "net,151.4,gbp_millions,x.txt,1,\"£151,4m\",\n"
        "visits,1373000,count,x.txt,1,\"1,373.0k\",\n"
        "staff,7,count,x.txt,1,seven Social Workers,\n"
        "mileage,0.45,gbp,x.txt,1,45p,\n"
        "hours,19000,count,x.txt,1,19.0,printed without k\n"
        "gross,241.467,gbp_millions,x.txt,1,£241.647m,\n"
    )
    assert sources.printed_value_problems(tmp_path) == [
        "bad.csv: row 7, column value: '241.467' (gbp_millions) is not what printed '£241.647m' says"]
