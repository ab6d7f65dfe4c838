"""Shared fixtures.  ``tests/resources`` holds fixture notebooks (one per runner
behaviour), which are inputs to tests, not notebooks to validate."""
from pathlib import Path

import pytest

collect_ignore_glob = ["resources/*"]

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture
def fixture_analyses(monkeypatch):
    """Let meetings name the fixture notebooks as analyses."""
    from toolkit import meeting

    analyses = dict(meeting.ANALYSES)
    for nb in RESOURCES.glob("*.ipynb"):
        analyses[nb.stem] = meeting.OverviewOptions
    monkeypatch.setattr(meeting, "ANALYSES", analyses)
    monkeypatch.setattr(meeting, "NOTEBOOKS_DIR", RESOURCES)
    return RESOURCES


def fixture_meeting(*names, date="2026-01-19"):
    from toolkit.meeting import Meeting

    return Meeting.model_validate({
        "meeting_date": date, "title": "fixture meeting", "source": "004_d7bc47fa68b1d77f.txt",
        "analyses": {n: {} for n in names},
    })


@pytest.fixture(scope="session")
def meeting_packs(tmp_path_factory):
    """The real meeting packs as the scheduled run makes them (``scrutiny run
    <date> --jobs 2``), each made once per test session however many tests
    read it: ``meeting_packs("2021-01-18")`` returns the reports folder."""
    import subprocess
    import sys

    from toolkit.sources import ROOT

    reports = tmp_path_factory.mktemp("reports")

    def get(*dates):
        for date in dates:
            if not (reports / date / "manifest.json").exists():
                run = subprocess.run([sys.executable, "-m", "toolkit.cli", "run", date, "--jobs", "2", "--reports",
                                      str(reports), "--no-progress"], cwd=ROOT, capture_output=True, text=True)
                assert run.returncode == 0, run.stdout + run.stderr
        return reports

    return get
