"""The runner: manifest, atomic swap, failures naming the cell, the
whole-notebook timeout, reproduce, and byte-identical figures."""
import json

import pytest

from toolkit import report, sources
from tests.conftest import fixture_meeting


@pytest.fixture
def good_pack(fixture_analyses, tmp_path):
    m = fixture_meeting("figure_and_table")
    result = report.run_pack(m, reports_dir=tmp_path, progress=False, notebooks_dir=fixture_analyses)
    assert result.ok, result.failures()
    return result


def test_pack_layout_and_manifest(good_pack, tmp_path):
    pack = tmp_path / "2026-01-19"
    assert good_pack.path == pack
    for name in ("index.html", "manifest.json", "figure_and_table.html", "notebooks/figure_and_table.ipynb",
                 "figure_and_table/figures/fixture_bars.svg", "figure_and_table/figures/fixture_bars.png",
                 "figure_and_table/tables/fixture_means.csv"):
        assert (pack / name).is_file(), name
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["meeting"] == "2026-01-19"
    assert manifest["parameters"]["analyses"] == {"figure_and_table": {}}
    assert manifest["notebooks"][0]["name"] == "figure_and_table" and manifest["notebooks"][0]["status"] == "ok"
    assert manifest["packages"]["pandas"] == __import__("pandas").__version__
    assert len(manifest["git"]["commit"] or "x" * 40) == 40
    # inputs: the data folder's files with their SHA-256
    readme = "data/README.md"
    assert manifest["inputs"][readme] == sources.sha256(sources.ROOT / readme)
    # outputs: every file but the manifest, with its SHA-256
    for rel, digest in manifest["outputs"].items():
        assert sources.sha256(pack / rel) == digest
    assert "manifest.json" not in manifest["outputs"]
    # the councillor's page hides the code
    page = (pack / "figure_and_table.html").read_text()
    assert "sns.barplot" not in page and "<img" in page


def test_figures_svg_has_no_date_and_png_no_software(good_pack):
    svg = (good_pack.path / "figure_and_table/figures/fixture_bars.svg").read_text()
    png = (good_pack.path / "figure_and_table/figures/fixture_bars.png").read_bytes()
    assert "<dc:date>" not in svg
    assert b"Software" not in png and b"matplotlib" not in png.lower()


def test_runs_are_deterministic(good_pack, fixture_analyses, tmp_path):
    first = {k: v for k, v in json.loads((good_pack.path / "manifest.json").read_text())["outputs"].items()
             if not k.endswith(".ipynb")}
    again = report.run_pack(fixture_meeting("figure_and_table"), reports_dir=tmp_path / "again",
                            progress=False, notebooks_dir=fixture_analyses)
    second = {k: v for k, v in report.output_hashes(again.path).items() if not k.endswith(".ipynb")}
    assert first == second  # figures, tables, pages: byte-identical


def test_reproduce_reports_no_difference_then_finds_a_tampered_table(good_pack, fixture_analyses, monkeypatch):
    monkeypatch.setattr(report, "NOTEBOOKS_DIR", fixture_analyses)
    assert report.reproduce(good_pack.path, progress=False) == []
    table = good_pack.path / "figure_and_table/tables/fixture_means.csv"
    table.write_text(table.read_text().replace("a,", "a,1", 1))
    figure = good_pack.path / "figure_and_table/figures/fixture_bars.png"
    figure.write_bytes(figure.read_bytes() + b"x")
    diffs = {d.path: d.what for d in report.reproduce(good_pack.path, progress=False)}
    assert diffs["figure_and_table/figures/fixture_bars.png"] == "stored file differs from the hash in its manifest"
    assert diffs["figure_and_table/tables/fixture_means.csv"].startswith("values differ")


def test_a_failing_notebook_leaves_the_previous_pack_intact(good_pack, fixture_analyses, tmp_path):
    before = report.output_hashes(good_pack.path)
    failing = fixture_meeting("figure_and_table", "raising")
    result = report.run_pack(failing, reports_dir=tmp_path, progress=False, notebooks_dir=fixture_analyses)
    assert not result.ok
    assert report.output_hashes(tmp_path / "2026-01-19") == before
    assert result.path == tmp_path / "2026-01-19.failed"
    assert (result.path / "notebooks/raising.ipynb").exists() and (result.path / "manifest.json").exists()
    (failure,) = result.failures()
    assert failure.error["cell_index"] == 3
    assert failure.describe_error() == (
        "notebook raising.ipynb, cell 3 (In [4]) of the source notebook: `raise ValueError('deliberate failure for the test')`: "
        "ValueError: deliberate failure for the test")
    assert not [p for p in tmp_path.iterdir() if ".running-" in p.name]


def test_whole_notebook_timeout(fixture_analyses, tmp_path):
    result = report.run_pack(fixture_meeting("slow"), reports_dir=tmp_path, progress=False,
                             notebooks_dir=fixture_analyses, timeout=4)
    (failure,) = result.failures()
    assert failure.status == "timeout"
    assert failure.error["cell_index"] == 3
    assert "whole-notebook timeout of 4 s" in failure.describe_error()
    assert failure.seconds < 20
    assert not (tmp_path / "2026-01-19").exists()


def test_parallel_jobs_give_the_same_pack(fixture_analyses, tmp_path):
    serial = report.run_pack(fixture_meeting("figure_and_table", "slow"), reports_dir=tmp_path / "a",
                             progress=False, notebooks_dir=fixture_analyses, timeout=3)
    m1 = fixture_meeting("figure_and_table", date="2024-01-22")
    m2 = fixture_meeting("figure_and_table", date="2026-01-19")
    packs = report.run_packs([m1, m2], reports_dir=tmp_path / "b", jobs=2, progress=False,
                             notebooks_dir=fixture_analyses)
    assert [p.ok for p in packs] == [True, True]
    assert not serial.ok
    a = report.output_hashes(packs[0].path)
    b = report.output_hashes(packs[1].path)
    assert a["figure_and_table/figures/fixture_bars.png"] == b["figure_and_table/figures/fixture_bars.png"]


def test_kernels_started_ahead_one_per_notebook_and_all_stopped(fixture_analyses, tmp_path, monkeypatch):
    started = []
    start = report.KernelPool._start

    def counted(pool):
        kernel = start(pool)
        started.append(kernel[0])
        return kernel

    monkeypatch.setattr(report.KernelPool, "_start", counted)
    result = report.run_pack(fixture_meeting("figure_and_table", "raising", "slow"), reports_dir=tmp_path,
                             progress=False, notebooks_dir=fixture_analyses, timeout=3)
    assert [r.status for r in result.notebooks] == ["ok", "failed", "timeout"]
    assert len(started) == 3  # none started beyond the notebooks, whatever their end
    assert not [km for km in started if km.has_kernel]


def test_a_dying_kernel_names_its_cell_and_the_next_notebook_still_runs(fixture_analyses, tmp_path):
    result = report.run_pack(fixture_meeting("dying", "figure_and_table"), reports_dir=tmp_path, progress=False,
                             notebooks_dir=fixture_analyses)
    dying, fine = result.notebooks
    assert dying.status == "failed" and fine.status == "ok"
    assert dying.error["cell_index"] == 3 and dying.error["ename"] == "DeadKernelError"
    assert dying.describe_error().startswith("notebook dying.ipynb, cell 3 of the source notebook: `import os`")
    assert (result.path / "notebooks" / "dying.ipynb").exists() and (result.path / "dying.html").exists()


def test_a_kernel_that_cannot_start_fails_each_notebook_with_the_reason(fixture_analyses, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "KERNEL", "no-such-kernel")
    result = report.run_pack(fixture_meeting("figure_and_table", "raising"), reports_dir=tmp_path, progress=False,
                             notebooks_dir=fixture_analyses)
    assert not result.ok and [r.status for r in result.notebooks] == ["failed", "failed"]
    assert all("no-such-kernel" in r.describe_error() for r in result.notebooks), result.notebooks[0].describe_error()
    assert result.path == tmp_path / "2026-01-19.failed"
    assert not [p for p in tmp_path.iterdir() if ".running-" in p.name]
