"""The parameter model: ``parameters/<date>.yaml`` -> a validated :class:`Meeting`.

A meeting file names the meeting, its agenda items, and the analyses (the
notebooks in ``notebooks/``) its pack runs, each with its own options.  Unknown
keys, impossible dates, unknown analyses and missing data files are errors
that name the file and the key.

Every notebook receives the common parameters (``meeting_date``, ``data_dir``,
``output_dir``, ``internal``) and the fields of its analysis's options model.
A test keeps each notebook's ``parameters`` cell in step with this module.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ParameterError
from .sources import ROOT, SOURCES

PARAMETERS_DIR = ROOT / "parameters"
NOTEBOOKS_DIR = ROOT / "notebooks"

#: Parameters every notebook takes, with the defaults a notebook uses when run
#: on its own (nbval, JupyterLab): the package's data folder, no output files.
COMMON_PARAMETERS = ("meeting_date", "data_dir", "output_dir", "internal")
#: Notebooks that are not analyses of a pack: served live (``scrutiny explore``).
INTERACTIVE = ("explore",)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- per-analysis options ---------------------------------------------------

class OverviewOptions(Strict):
    """The overview notebook has no options of its own."""


class BudgetOptions(Strict):
    """The MTFS edition to scrutinise (earlier editions are shown for comparison)."""

    edition: Literal[
        "2018/19-2021/22", "2019/20-2022/23", "2021/22-2024/25", "2024/25-2027/28", "2026/27-2029/30"
    ] = Field(description="the MTFS edition, e.g. 2026/27-2029/30: the one that meeting scrutinised")


class DirectPaymentsOptions(Strict):
    """The direct payments notebook has no options: the action tracker is read at the meeting date."""


class CommunitiesOptions(Strict):
    """The Communities & Wellbeing notebook has no options of its own."""


class SafeguardingOptions(Strict):
    """Safeguarding: the pack's published figures and findings, and the monthly
    tables and SAC-style measures rebuilt from a record-level extract."""

    concerns_path: str = Field(description="extract of concerns (data/synthetic/... or the analyst's own); '' for none")
    snapshot: dt.date | None = Field(None, description="the extract's snapshot date (no date in it may be later); "
                                                        "required with an extract")

    @model_validator(mode="after")
    def _snapshot_with_extract(self) -> "SafeguardingOptions":
        if self.concerns_path and self.snapshot is None:
            raise ValueError("snapshot: required when concerns_path names an extract")
        return self


class HomeCareOptions(Strict):
    """Home care: prices, the cost-of-care model, procurement timelines."""

    uprate_to: str = Field(pattern=r"^\d{4}-\d{2}$",
                           description="the last financial year (e.g. 2026-27) whose wage rates the uprated prices show")
    timeline_programme: Literal["home_care", "dementia"] = Field(
        description="the procurement whose timeline the Gantt chart shows")


class WaitingTimesOptions(Strict):
    """CQC waiting-time metrics (toolkit.waiting)."""

    waiting_list_path: str = Field(min_length=1, description="the waiting-list extract (CSV, XLSX or Parquet)")
    as_of: dt.date = Field(description="the snapshot date")
    trend_start: dt.date = Field(description="first date of the weekly trend (the baseline)")

    @model_validator(mode="after")
    def _trend_before_snapshot(self) -> "WaitingTimesOptions":
        if self.trend_start >= self.as_of:
            raise ValueError(f"trend_start {self.trend_start} must be before as_of {self.as_of}")
        return self


class PerformanceOptions(Strict):
    """Which pack's performance material to show: a dashboard edition (2019,
    2021, 2024) or 2026 (the LGA use-of-resources benchmarks)."""

    edition: Literal[2019, 2021, 2024, 2026]


#: analysis name (= notebook file stem) -> its options model.
ANALYSES: dict[str, type[Strict]] = {
    "overview": OverviewOptions,
    "budget": BudgetOptions,
    "direct_payments": DirectPaymentsOptions,
    "communities": CommunitiesOptions,
    "safeguarding": SafeguardingOptions,
    "home_care": HomeCareOptions,
    "waiting_times": WaitingTimesOptions,
    "performance": PerformanceOptions,
}


# --- the meeting ------------------------------------------------------------

class AgendaItem(Strict):
    item: int | None = Field(None, ge=1, description="the item number on the agenda, where the pack prints one")
    title: str = Field(min_length=1)
    analyses: tuple[str, ...] = Field(default=(), description="analyses in the pack that cover this item")


class Meeting(Strict):
    meeting_date: dt.date
    title: str = Field(min_length=1)
    committee: str = "Adults and Communities Overview and Scrutiny Committee"
    source: str = Field(description="the agenda pack's text in the source papers")
    agenda: tuple[AgendaItem, ...] = ()
    internal: bool = Field(False, description="outputs for internal use: no small-number suppression")
    data_dir: Path = Path("data")
    analyses: dict[str, dict[str, Any]]

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value not in SOURCES:
            raise ValueError(f"unknown source paper {value!r}; known: {', '.join(sorted(SOURCES))}")
        return value

    @field_validator("analyses")
    @classmethod
    def _known_analyses(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        if not value:
            raise ValueError("a meeting runs at least one analysis")
        out = {}
        for name, options in value.items():
            if name not in ANALYSES:
                raise ValueError(f"unknown analysis {name!r}; known: {', '.join(sorted(ANALYSES))}")
            if not (NOTEBOOKS_DIR / f"{name}.ipynb").exists():
                raise ValueError(f"analysis {name!r} has no notebook notebooks/{name}.ipynb")
            try:
                model = ANALYSES[name].model_validate(options or {})
            except ValidationError as exc:
                raise ValueError(_describe(exc, prefix=f"analyses.{name}")) from None
            out[name] = model.model_dump(mode="json")
        return out

    @model_validator(mode="after")
    def _agenda_names_analyses(self) -> "Meeting":
        for item in self.agenda:
            for name in item.analyses:
                if name not in self.analyses:
                    raise ValueError(f"agenda item {item.item} names analysis {name!r}, which the pack does not run")
        return self

    # -- derived --------------------------------------------------------------
    @property
    def date(self) -> str:
        return self.meeting_date.isoformat()

    def agenda_frame(self):
        """The agenda items the pack covers, and the analyses for each."""
        import pandas as pd

        return pd.DataFrame(
            [{"item": "" if a.item is None else a.item, "title": a.title, "analyses": ", ".join(a.analyses)}
             for a in self.agenda],
            columns=["item", "title", "analyses"],
        )

    def analyses_frame(self):
        """The analyses (notebooks) the pack runs, with their options."""
        import pandas as pd

        return pd.DataFrame(
            [{"analysis": name, "notebook": f"notebooks/{name}.ipynb",
              "options": ", ".join(f"{k}={v}" for k, v in opts.items())}
             for name, opts in self.analyses.items()],
            columns=["analysis", "notebook", "options"],
        )

    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir.is_absolute() else ROOT / self.data_dir

    def notebook_parameters(self, name: str, output_dir: str | Path | None) -> dict[str, Any]:
        """The parameters papermill injects into analysis ``name``.

        Paths (the data folder and options ending in ``_path``) are made
        absolute, so a notebook finds them whatever its working directory.
        """
        params: dict[str, Any] = {
            "meeting_date": self.date,
            "data_dir": str(self.resolved_data_dir()),
            "output_dir": str(output_dir) if output_dir else "",
            "internal": self.internal,
        }
        for key, value in self.analyses[name].items():
            if key.endswith("_path") and value:
                value = str(value if Path(value).is_absolute() else ROOT / value)
            params[key] = value
        return params


def _describe(exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        key = ".".join(x for x in (prefix, loc) if x)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        parts.append(f"key '{key}': {msg}" + (f" (got {err['input']!r})" if err["type"] not in ("missing", "extra_forbidden") and not isinstance(err.get("input"), dict) else ""))
    return "; ".join(parts)


class _DatesAsText(yaml.SafeLoader):
    """YAML without implicit timestamps: dates reach the model as text, so an
    impossible date is reported against its key rather than by the parser."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_meeting(path: str | Path) -> Meeting:
    """Read and validate one parameter file; raise :class:`ParameterError`."""
    path = Path(path)
    if not path.exists():
        raise ParameterError(path, "file not found")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsText)
    except yaml.YAMLError as exc:
        raise ParameterError(path, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ParameterError(path, "expected a mapping of keys to values at the top level")
    try:
        meeting = Meeting.model_validate(raw)
    except ValidationError as exc:
        messages = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            if err["type"] == "value_error":
                msg = err["msg"].removeprefix("Value error, ")
                messages.append(msg if msg.startswith("key '") else f"key '{loc}': {msg}")
            elif err["type"] == "extra_forbidden":
                messages.append(f"key '{loc}': unknown key")
            elif err["type"] == "missing":
                messages.append(f"key '{loc}': required key is missing")
            else:
                messages.append(f"key '{loc}': {err['msg']} (got {err.get('input')!r})")
        raise ParameterError(path, messages) from None
    if path.stem != meeting.date:
        raise ParameterError(path, f"key 'meeting_date': {meeting.date} does not match the file name {path.name}")
    data_dir = meeting.resolved_data_dir()
    if not data_dir.is_dir():
        raise ParameterError(path, f"key 'data_dir': folder {data_dir} does not exist")
    for name, options in meeting.analyses.items():
        for key, value in options.items():
            if key.endswith("_path") and value:
                file = Path(value) if Path(value).is_absolute() else ROOT / value
                if not file.exists():
                    raise ParameterError(path, f"key 'analyses.{name}.{key}': file {value} does not exist")
    return meeting


def meeting_files(directory: str | Path | None = None) -> list[Path]:
    """Parameter files, oldest meeting first."""
    return sorted(Path(directory or PARAMETERS_DIR).glob("*.yaml"))


def load_all(directory: str | Path | None = None) -> list[Meeting]:
    return [load_meeting(p) for p in meeting_files(directory)]


def find_meeting(date: str, directory: str | Path | None = None) -> Meeting:
    path = Path(directory or PARAMETERS_DIR) / f"{date}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in meeting_files(directory))
        raise ParameterError(path, f"no parameters for meeting {date}; known meetings: {known}")
    return load_meeting(path)
