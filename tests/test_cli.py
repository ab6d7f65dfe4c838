"""The ``scrutiny`` command: clear one-line errors, exit codes, findings CSV."""
import os
import subprocess
import sys

import pytest

from toolkit import reconcile, sources
from toolkit.sources import ROOT

SCRUTINY = [sys.executable, "-m", "toolkit.cli"]


def scrutiny(*args, **kw):
    return subprocess.run([*SCRUTINY, *args], capture_output=True, text=True, cwd=ROOT, **kw)


def test_list_shows_the_meetings():
    result = scrutiny("list")
    assert result.returncode == 0
    for date in ("2018-01-16", "2019-01-21", "2021-01-18", "2024-01-22", "2026-01-19"):
        assert date in result.stdout


def test_unknown_meeting_is_one_clear_error():
    result = scrutiny("run", "2020-02-02")
    assert result.returncode == 1
    assert "error:" in result.stderr and "no parameters for meeting 2020-02-02" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_needs_a_date_or_all():
    result = scrutiny("run")
    assert result.returncode != 0 and "Traceback" not in result.stderr


def test_findings_csv_has_the_contract_columns():
    result = scrutiny("findings", "--format", "csv")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    assert header[:8] == ["domain", "check", "source", "lines", "published", "computed", "difference", "kind"]
    body = result.stdout.splitlines()[1:]
    expected = reconcile.problems(reconcile.collect())
    assert len(body) == len(expected)


def test_check_passes_on_the_repository():
    result = scrutiny("check")
    assert result.returncode == 0, result.stdout + result.stderr
    if sources.seeds_dir() is None:
        assert "provenance not checked" in result.stdout
        assert "all parameters and data checks passed" in result.stdout
    else:
        assert "all parameters, data and provenance checks passed" in result.stdout


def test_check_without_papers_says_what_it_did_not_check(tmp_path):
    # Papers absent from the machine: a note, not a failure.  A wrong
    # SCRUTINY_SOURCES is a mistake: an error naming the variable.
    env = {k: v for k, v in os.environ.items() if k != "SCRUTINY_SOURCES"}
    wrong = scrutiny("check", env={**env, "SCRUTINY_SOURCES": str(tmp_path / "nowhere")})
    assert wrong.returncode == 1
    assert f"SCRUTINY_SOURCES={tmp_path / 'nowhere'} is not a folder of source papers" in wrong.stdout


@pytest.mark.skipif(sources.seeds_dir() is None, reason="source papers not present")
def test_check_finds_a_figure_missing_from_its_cited_lines(tmp_path):
    # A copy of the papers with one cited line blanked: check names the table,
    # the row and the figure that is no longer on its lines.
    import shutil

    import pandas as pd

    papers = tmp_path / "papers"
    shutil.copytree(sources.seeds_dir(), papers)
    table = ROOT / "data" / "published" / "budget_summary.csv"
    row = pd.read_csv(table).iloc[0]
    first = int(str(row["lines"]).split(";")[0].split("-")[0])
    paper = papers / row["source"]
    text = paper.read_text(encoding="utf-8").splitlines()
    last = int(str(row["lines"]).split(";")[0].split("-")[-1])
    for i in range(first - 1, last):
        text[i] = ""
    paper.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = scrutiny("check", env={**os.environ, "SCRUTINY_SOURCES": str(papers)})
    assert result.returncode == 1
    assert "budget_summary.csv" in result.stdout


def test_reproduce_needs_a_pack(tmp_path):
    result = scrutiny("reproduce", str(tmp_path))
    assert result.returncode == 1 and "no manifest.json" in result.stderr
