"""Every analysis notebook: exactly one ``parameters`` cell, whose names are
the common parameters plus its options model's fields, with defaults that
validate; every notebook is an analysis some meeting runs; stored outputs."""
import ast
from pathlib import Path

import nbformat
import pytest

from toolkit import meeting

NOTEBOOKS = sorted(meeting.NOTEBOOKS_DIR.glob("*.ipynb"))


def parameters_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]


def assigned(source: str) -> dict:
    values = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, f"only simple assignments: {ast.unparse(node)}"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_matching_the_model(path: Path):
    nb = nbformat.read(path, as_version=4)
    cells = parameters_cells(nb)
    assert len(cells) == 1, f"{path.name}: {len(cells)} parameters cells"
    values = assigned(cells[0].source)
    if path.stem in meeting.INTERACTIVE:
        assert list(values) == list(meeting.COMMON_PARAMETERS)
        return
    model = meeting.ANALYSES[path.stem]
    expected = list(meeting.COMMON_PARAMETERS) + list(model.model_fields)
    assert list(values) == expected
    model.model_validate({k: v for k, v in values.items() if k in model.model_fields})
    assert values["data_dir"] == "" and values["output_dir"] == "" and values["internal"] is False
    # the default run is a real meeting that runs this analysis
    m = meeting.find_meeting(values["meeting_date"])
    assert path.stem in m.analyses
    assert {k: v for k, v in values.items() if k in model.model_fields} == m.analyses[path.stem]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_with_outputs_and_no_errors(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), f"{path.name} is not stored executed"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


def test_every_analysis_has_a_notebook_and_a_meeting():
    runs = {name for m in meeting.load_all() for name in m.analyses}
    analyses = {p.stem for p in NOTEBOOKS} - set(meeting.INTERACTIVE)
    assert set(meeting.ANALYSES) == analyses == runs
