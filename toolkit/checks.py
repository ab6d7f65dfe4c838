"""``scrutiny check``: validate every parameter file, every data file and
(when the source papers are present) every published figure's provenance."""
from __future__ import annotations

from . import meeting, reconcile, sources
from .errors import ToolkitError


def run_checks() -> tuple[list[str], list[str]]:
    """Every problem found, one line each (empty when all is well), and the
    notes on what could not be checked on this machine."""
    problems: list[str] = []
    notes: list[str] = []
    for path in meeting.meeting_files():
        try:
            meeting.load_meeting(path)
        except ToolkitError as exc:
            problems.append(str(exc))
    for path in sources.published_tables():
        try:
            raw = sources.read_table(path)
            sources.parse_frame(raw, [c for c in sources.PROVENANCE_COLUMNS if c.name != "value"], path)
        except ToolkitError as exc:
            problems.append(str(exc))
    problems += sources.printed_value_problems()
    # Each domain's loaders validate their own tables in full.
    for name in reconcile.DOMAINS:
        try:
            reconcile.collect(domains=[name])
        except ToolkitError as exc:
            problems.append(f"[{name}] {exc}")
    wrong = sources.seeds_problem()
    if wrong:
        problems.append(f"provenance: {wrong}")
    elif sources.seeds_dir() is not None:
        problems += [f"provenance: {p}" for p in sources.check_provenance()]
    else:
        notes.append("provenance not checked: the source papers are not in ../shared/seeds "
                     "(set SCRUTINY_SOURCES to their folder)")
    return problems, notes
