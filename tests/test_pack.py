"""The real latest pack, end to end: `scrutiny run 2026-01-19` into a fresh
folder, then `scrutiny reproduce` on it: the pack runs a second time and every
table, figure and page is identical."""
import json
import subprocess
import sys

from toolkit import meeting
from toolkit.sources import ROOT


def test_latest_pack_runs_and_reproduces(tmp_path):
    run = subprocess.run([sys.executable, "-m", "toolkit.cli", "run", "2026-01-19", "--reports", str(tmp_path),
                          "--no-progress"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    pack = tmp_path / "2026-01-19"
    assert (pack / "index.html").is_file()
    manifest = json.loads((pack / "manifest.json").read_text())
    m = meeting.find_meeting("2026-01-19")
    assert [n["name"] for n in manifest["notebooks"]] == list(m.analyses)
    assert all(n["status"] == "ok" for n in manifest["notebooks"])
    assert "data/synthetic/waiting_list.csv" in manifest["inputs"]
    figures = [k for k in manifest["outputs"] if k.endswith(".svg")]
    tables = [k for k in manifest["outputs"] if k.endswith(".csv")]
    assert figures and tables
    again = subprocess.run([sys.executable, "-m", "toolkit.cli", "reproduce", str(pack), "--no-progress"],
                           cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "every output matches" in again.stdout
