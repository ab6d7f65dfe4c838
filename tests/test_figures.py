"""How tables and small multiples reach the reader."""
import pandas as pd

from toolkit import figures


def test_a_table_is_shown_without_pandas_row_numbers():
    frame = pd.DataFrame({"measure": ["a", "b"], "value": [1.5, None]})
    shown = figures.Shown(frame, "t")
    assert repr(shown).splitlines() == ["measure  value", "      a    1.5", "      b       "]
    assert "<th>measure</th>" in shown._repr_html_() and "<th></th>" not in shown._repr_html_()
    labelled = figures.Shown(frame.set_index("measure"), "t")
    assert repr(labelled).splitlines()[1].startswith("measure")       # a labelled index is kept


def test_a_long_table_says_where_every_row_is():
    frame = pd.DataFrame({"n": range(figures.FULL_ROWS + 1)})
    text = repr(figures.Shown(frame, "long"))
    assert text.endswith(f"{figures.FULL_ROWS + 1} rows, the first and last {figures.CUT_ROWS // 2} shown; "
                         "every row is in tables/long.csv")
    assert len(text.splitlines()) == 1 + figures.CUT_ROWS + 1 + 1      # header, rows, "..", the note
    whole = repr(figures.Shown(frame.head(figures.FULL_ROWS), ""))
    assert len(whole.splitlines()) == figures.FULL_ROWS + 1


def test_small_multiples_one_panel_per_facet_and_one_legend():
    frame = pd.DataFrame({"facet": ["x", "x", "y", "z"], "line": ["a", "b", "a", "a"],
                          "year": [2019, 2019, 2020, 2021], "value": [1, 2, 3, 4]})
    fig = figures.small_multiples(frame, "year", "value", facet="facet", hue="line", columns=2,
                                  hue_order=["b", "a"])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["x", "y", "z"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["b", "a"]
    assert figures.save(fig, "f", None)["svg"] == figures.save(fig, "f", None)["svg"]   # deterministic bytes


def test_tables_show_whole_numbers_as_printed():
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"year": ["2026/27", "2027/28"], "net": [237010.0, np.nan], "transfers": [-0.0, 13323.0],
                          "pct": [71.5, 62.0], "count": [1, 2]})
    text = repr(figures.Shown(frame)).splitlines()
    assert text[1].split() == ["2026/27", "237010", "0", "71.5", "1"]
    assert text[2].split() == ["2027/28", "13323", "62.0", "2"]  # the blank net stays blank
    page = figures.Shown(frame)._repr_html_()
    assert "<td>237010</td>" in page and "237010.0" not in page and "<td>71.5</td>" in page
    # a format the caller gives wins
    assert "<td>237010.00</td>" in figures.Shown(frame, float_format=lambda v: f"{v:.2f}")._repr_html_()
