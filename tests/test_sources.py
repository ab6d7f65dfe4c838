"""Loaders report every bad cell with file, row and column; nothing is dropped."""
import pandas as pd
import pytest

from toolkit import sources
from toolkit.errors import LoaderError
from toolkit.sources import Column

SCHEMA = [
    Column("id", "str"),
    Column("when", "date"),
    Column("count", "int", min=0),
    Column("share", "float", nullable=True),
    Column("kind", "str", choices=("a", "b")),
    Column("flag", "bool"),
]


def write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def load(path, unique=("id",)):
    return sources.parse_frame(sources.read_table(path), SCHEMA, path, unique=unique)


def test_good_file_is_typed(tmp_path):
    path = write(tmp_path, "id,when,count,share,kind,flag,extra\nx,2025-12-28,3,,a,true,kept\ny,2024-12-29,0,0.5,b,no,\n")
    frame = load(path)
    assert frame["count"].tolist() == [3, 0]
    assert frame["when"].dt.year.tolist() == [2025, 2024]
    assert pd.isna(frame.loc[2, "share"]) and frame.loc[3, "share"] == 0.5
    assert frame["flag"].tolist() == [True, False]
    assert frame["extra"].tolist() == ["kept", ""]
    assert list(frame.index) == [2, 3]  # file line numbers


def test_every_problem_is_reported_with_row_and_column(tmp_path):
    path = write(tmp_path, "id,when,count,share,kind,flag\n"
                           "x,2025-13-01,3,,a,true\n"
                           "y,2025-01-01,-1,abc,c,maybe\n"
                           "x,2025-01-01,1,,a,true\n")
    with pytest.raises(LoaderError) as info:
        load(path)
    msg = str(info.value)
    assert "t.csv: row 2, column 'when': expected an ISO date (YYYY-MM-DD), not empty, found '2025-13-01'" in msg
    assert "row 3, column 'count': expected a whole number (>= 0), not empty, found '-1'" in msg
    assert "row 3, column 'share': expected a number, found 'abc'" in msg
    assert "row 3, column 'kind': expected one of a, b, not empty, found 'c'" in msg
    assert "row 3, column 'flag': expected true or false, not empty, found 'maybe'" in msg
    assert "row 4, column 'id': expected a unique key (same as row 2), found 'x'" in msg
    assert len(info.value.problems) == 6


def test_missing_column(tmp_path):
    path = write(tmp_path, "id,when,count,share,kind\nx,2025-01-01,1,,a\n")
    with pytest.raises(LoaderError, match="column 'flag': expected this column to be present"):
        load(path)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(LoaderError, match="expected the file to exist"):
        sources.read_table(tmp_path / "nope.csv")
    with pytest.raises(LoaderError, match="a .csv, .xlsx or .parquet file"):
        sources.read_table(write(tmp_path, "x", name="t.txt"))


def test_xlsx_and_parquet_read_the_same(tmp_path):
    frame = pd.DataFrame({"id": ["x", "y"], "when": pd.to_datetime(["2025-12-28", "2024-12-29"]),
                          "count": [3, 0], "share": [None, 0.5], "kind": ["a", "b"], "flag": [True, False]})
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    csv = load(write(tmp_path, "id,when,count,share,kind,flag\nx,2025-12-28,3,,a,true\ny,2024-12-29,0,0.5,b,false\n"))
    for name in ("t.xlsx", "t.parquet"):
        got = load(tmp_path / name)
        pd.testing.assert_frame_equal(got[csv.columns], csv, check_dtype=False)


def test_published_table_needs_provenance(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "x.csv").write_text("item,value,unit,source,lines\nA,1,furlongs,nope.txt,12a\nB,,count,004_d7bc47fa68b1d77f.txt,3\n")
    with pytest.raises(LoaderError) as info:
        sources.load_published("x", [Column("item")], data_dir=tmp_path)
    msg = str(info.value)
    assert "row 2, column 'unit': expected one of gbp" in msg and "found 'furlongs'" in msg
    assert "row 2, column 'source'" in msg and "row 2, column 'lines'" in msg


def test_empty_value_needs_printed_text(tmp_path):
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / "x.csv").write_text("item,value,unit,source,lines,printed\nB,,count,004_d7bc47fa68b1d77f.txt,3,\n")
    with pytest.raises(LoaderError, match="row 2, column 'value': expected a value, or the printed text"):
        sources.load_published("x", [Column("item")], data_dir=tmp_path)


def test_sha256_and_catalog(tmp_path):
    path = write(tmp_path, "a\n1\n")
    import hashlib
    assert sources.sha256(path) == hashlib.sha256(b"a\n1\n").hexdigest()
    cat = sources.catalog(tmp_path)
    assert cat.to_dict("records") == [{"file": "t.csv", "rows": 1, "sha256": hashlib.sha256(b"a\n1\n").hexdigest(), "sources": ""}]


def test_blank_lines_keep_the_row_numbers_a_person_sees(tmp_path):
    # Blank lines are passed over, but a bad cell after them is named by the
    # line it stands on; so is one after a quoted cell that spans two lines.
    path = write(tmp_path, "id,when,count,share,kind,flag\n"
                           "x,2025-01-01,1,,a,true\n"
                           "\n"
                           "\n"
                           "y,2025-01-01,-1,,a,true\n")
    with pytest.raises(LoaderError, match=r"row 5, column 'count'"):
        load(path)
    path = write(tmp_path, 'id,when,count,share,kind,flag,note\n'
                           'x,2025-01-01,1,,a,true,"two\nlines"\n'
                           'y,2025-01-01,-1,,a,true,\n', name="q.csv")
    with pytest.raises(LoaderError, match=r"row 4, column 'count'"):
        load(path)
    path = write(tmp_path, "id,when,count,share,kind,flag\nx,2025-01-01,1,,a,true\n\ny,2025-01-02,2,,b,false\n",
                 name="ok.csv")
    assert list(load(path).index) == [2, 4]


def test_a_key_repeated_with_spaces_is_a_duplicate(tmp_path):
    path = write(tmp_path, "id,when,count,share,kind,flag\nx,2025-01-01,1,,a,true\n x ,2025-01-01,2,,a,true\n")
    with pytest.raises(LoaderError, match=r"row 3, column 'id': expected a unique key \(same as row 2\)"):
        load(path)


def test_a_time_of_day_in_a_sheet_is_an_error_not_lost(tmp_path):
    frame = pd.DataFrame({"id": ["x"], "when": pd.to_datetime(["2025-12-28 13:45"]), "count": [3],
                          "share": [None], "kind": ["a"], "flag": [True]})
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    with pytest.raises(LoaderError, match=r"row 2, column 'when': .*found '2025-12-28 13:45:00'"):
        load(tmp_path / "t.xlsx")
