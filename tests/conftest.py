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
