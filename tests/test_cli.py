"""The ``scrutiny`` command: clear one-line errors, exit codes, findings CSV."""
import subprocess
import sys

from toolkit import reconcile
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
    assert "all parameters, data and provenance checks passed" in result.stdout


def test_reproduce_needs_a_pack(tmp_path):
    result = scrutiny("reproduce", str(tmp_path))
    assert result.returncode == 1 and "no manifest.json" in result.stderr
