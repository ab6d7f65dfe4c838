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
