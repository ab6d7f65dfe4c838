"""One exception type per layer, each naming the file and the place.

``LoaderError`` for data files, ``ParameterError`` for meeting parameters,
``RunError`` for pack runs.  All derive from ``ToolkitError`` so the CLI can
print any of them as one message, without a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in a file.

    ``row`` is the 1-based line of a CSV file (the header is line 1), or the
    1-based sheet row of a workbook, or ``None`` for a whole-file problem.
    """

    column: str | None
    expected: str
    found: str = ""
    row: int | None = None

    def describe(self) -> str:
        place = []
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column is not None:
            place.append(f"column '{self.column}'")
        where = ", ".join(place) or "file"
        found = f", found {self.found!r}" if self.found != "" else ""
        return f"{where}: expected {self.expected}{found}"


class LoaderError(ToolkitError):
    """A data file that does not meet its schema.  Lists every problem found."""

    MAX_SHOWN = 25

    def __init__(self, path: str | Path, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(column=None, expected=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.path = Path(path)
        self.problems = list(problems)
        lines = [f"{self.path}: {len(self.problems)} problem(s)"]
        for p in self.problems[: self.MAX_SHOWN]:
            lines.append(f"  {self.path.name}: {p.describe()}")
        if len(self.problems) > self.MAX_SHOWN:
            lines.append(f"  ... and {len(self.problems) - self.MAX_SHOWN} more")
        super().__init__("\n".join(lines))


class ParameterError(ToolkitError):
    """A meeting parameter file that is not valid."""

    def __init__(self, path: str | Path, messages: list[str] | str):
        if isinstance(messages, str):
            messages = [messages]
        self.path = Path(path)
        self.messages = list(messages)
        body = "\n".join(f"  {self.path.name}: {m}" for m in self.messages)
        super().__init__(f"{self.path}: invalid meeting parameters\n{body}")


class RunError(ToolkitError):
    """A pack run that failed: names the notebook, the cell and the error."""
