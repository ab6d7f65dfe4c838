"""The real packs, end to end, as the scheduled run makes them (`scrutiny run
<date>` into a fresh folder, through the session's ``meeting_packs``, which
the domain tests read too): every meeting's analyses execute and show that
meeting's published figures; then `scrutiny reproduce` on the latest pack runs
it a second time and finds every table, figure and page identical.  The packs
are made with two jobs, every notebook on a kernel of its own; `reproduce`
runs with one, on kernels started ahead with the analyses' imports made
(``report.KernelPool``), so this also shows those kernels change no output."""
import json
import subprocess
import sys

import pandas as pd
import pytest

from toolkit import budget, meeting
from toolkit.sources import ROOT


def scrutiny(*args):
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args, "--no-progress"],
                          cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def packs(meeting_packs):
    return meeting_packs(*(m.date for m in meeting.load_all()))


def test_every_meeting_pack_runs(packs):
    summary = budget.load_summary()
    for m in meeting.load_all():
        pack = packs / m.date
        manifest = json.loads((pack / "manifest.json").read_text())
        assert [n["name"] for n in manifest["notebooks"]] == list(m.analyses), m.date
        assert all(n["status"] == "ok" for n in manifest["notebooks"]), m.date
        for name in m.analyses:
            assert (pack / f"{name}.html").is_file() and (pack / "notebooks" / f"{name}.ipynb").is_file()
            assert any((pack / name / "tables").glob("*.csv")), f"{m.date} {name}: no tables"
        # The overview lists the findings in this meeting's paper.
        assert len(pd.read_csv(pack / "overview" / "tables" / "overview_findings.csv")) > 0, m.date
        if "budget" in m.analyses:
            # The bridge the pack shows ends at the net budget its edition printed.
            edition = m.analyses["budget"]["edition"]
            bridge = pd.read_csv(pack / "budget" / "tables" / "budget_bridge.csv")
            printed = summary[(summary["edition"] == edition) & (summary["line"] == "net")]
            assert bridge.set_index("year")["net"].to_dict() == printed.set_index("year")["value"].to_dict(), m.date


def test_latest_pack_reproduces(packs):
    pack = packs / "2026-01-19"
    assert (pack / "index.html").is_file()
    manifest = json.loads((pack / "manifest.json").read_text())
    assert "data/synthetic/waiting_list.csv" in manifest["inputs"]
    figures = [k for k in manifest["outputs"] if k.endswith(".svg")]
    tables = [k for k in manifest["outputs"] if k.endswith(".csv")]
    assert figures and tables
    again = scrutiny("reproduce", str(pack))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "every output matches" in again.stdout
