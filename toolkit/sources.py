"""Reading CSV/XLSX/Parquet files, validating them against a schema, hashing.

Every loader in the package goes through :func:`read_table` and
:func:`parse_frame`, so every bad cell is reported the same way: the file, the
row (the line of a CSV file, header = line 1), the column, what was expected
and what was found.  Nothing is dropped silently: a file with any bad row is
rejected whole, with every problem listed.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import LoaderError, Problem

#: The repository root (the folder holding ``data/``, ``notebooks/``, ...).
ROOT = Path(__file__).resolve().parent.parent
#: Default data folder; a meeting's parameters or SCRUTINY_DATA may point elsewhere.
DATA_DIR = Path(os.environ.get("SCRUTINY_DATA", ROOT / "data"))

#: Units a published figure may carry (DESIGN.md, Contracts).
UNITS = {
    "gbp": "pounds",
    "gbp_thousands": "thousands of pounds",
    "gbp_millions": "millions of pounds",
    "pence": "pence",
    "percent": "percentage points (0-100)",
    "count": "a count of people, cases or items",
    "days": "calendar days",
    "working_days": "England working days",
    "weeks": "weeks",
    "months": "months",
    "years": "years",
    "hours": "hours",
    "minutes": "minutes",
    "miles": "miles",
    "rate": "a ratio or rate as printed (see the table's notes)",
    "per_100k": "per 100,000 population",
    "score": "a score on the measure's own scale",
    "rank": "a rank (1 = first)",
    "date": "an ISO date",
    "text": "text only",
}

#: The source papers (see ../shared/seeds/INDEX.md).
SOURCES = {
    "000_34a0172e3db75070.txt": "2018-01-16",
    "001_6c1a5cf086dcc65a.txt": "2021-01-18",
    "002_5b95b27d885825d4.txt": "2019-01-21",
    "003_6b8cfb4131de48e1.txt": "2024-01-22",
    "004_d7bc47fa68b1d77f.txt": "2026-01-19",
}

LINES_PATTERN = r"\d+(-\d+)?(;\d+(-\d+)?)*"

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


@dataclass(frozen=True)
class Column:
    """One column of a schema.

    kind: ``str``, ``int``, ``float``, ``date`` (ISO ``YYYY-MM-DD``) or ``bool``.
    nullable: whether a cell may be empty (empty cells become ``None``/NaN/NaT).
    required: whether the column must be present (an absent optional column is
    added, empty).
    """

    name: str
    kind: str = "str"
    nullable: bool = False
    required: bool = True
    choices: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    description: str = ""

    def expected(self) -> str:
        what = {
            "str": "text",
            "int": "a whole number",
            "float": "a number",
            "date": "an ISO date (YYYY-MM-DD)",
            "bool": "true or false",
        }[self.kind]
        if self.choices:
            what = "one of " + ", ".join(self.choices)
        if self.min is not None or self.max is not None:
            lo = "" if self.min is None else f" >= {self.min:g}"
            hi = "" if self.max is None else f" <= {self.max:g}"
            what += " (" + " and".join(x for x in (lo, hi) if x).strip() + ")"
        if not self.nullable:
            what += ", not empty"
        return what


def sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_table(path: str | Path, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV, XLSX or Parquet file with every cell as text.

    Cells are kept as strings (empty string for blank) so that
    :func:`parse_frame` can report each unparseable value with its row.
    The frame's index is the row number a person sees in the file (CSV line,
    sheet row, or 1-based record number for Parquet, with the header as 1).
    """
    path = Path(path)
    if not path.exists():
        raise LoaderError(path, "the file to exist")
    # A file read before in this process, with the same bytes, is not read
    # again: the overview's catalog and every domain's loaders read the same files.
    try:
        key = (str(path.resolve()), sheet, hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return _read_table(path, sheet)  # not a readable file: its error, as reading it gives
    if key not in _READ_CACHE:
        _READ_CACHE[key] = _read_table(path, sheet)
        while len(_READ_CACHE) > 128:
            _READ_CACHE.pop(next(iter(_READ_CACHE)))
    return _READ_CACHE[key].copy()


#: Frames :func:`read_table` has read in this process, by file and content.
_READ_CACHE: dict[tuple, pd.DataFrame] = {}


def _read_table(path: Path, sheet: str | int) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", skip_blank_lines=False)
        elif suffix in (".xlsx", ".xlsm", ".parquet"):
            if suffix == ".parquet":
                frame = pd.read_parquet(path)
            else:
                frame = pd.read_excel(path, sheet_name=sheet, dtype=object)
            frame = frame.astype(object).where(frame.notna(), "")
            for col in frame.columns:
                frame[col] = frame[col].map(_text_of)
        else:
            raise LoaderError(path, f"a .csv, .xlsx or .parquet file, not '{suffix}'")
    except LoaderError:
        raise
    except UnicodeDecodeError as exc:
        raise LoaderError(path, f"UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except Exception as exc:  # pandas/openpyxl/pyarrow parse errors
        raise LoaderError(path, f"a readable {suffix} file ({type(exc).__name__}: {exc})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if suffix == ".csv" and any(frame[c].str.contains("\n", regex=False).any() for c in frame.columns):
        frame.index = _csv_record_lines(path)  # a quoted cell spans lines
    else:
        frame.index = pd.RangeIndex(2, len(frame) + 2)
    # A wholly blank line or sheet row holds no data: it is passed over, and
    # every other row keeps the number a person sees in the file.
    blank = (frame == "").all(axis=1) if len(frame.columns) else pd.Series(False, index=frame.index)
    return frame[~blank]


def _csv_record_lines(path: Path) -> list[int]:
    """The line on which each record of a CSV file starts (header excluded)."""
    import csv

    starts = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        line = reader.line_num
        for _ in reader:
            starts.append(line + 1)
            line = reader.line_num
    return starts


def _text_of(value) -> str:
    if isinstance(value, (pd.Timestamp, datetime)):
        # A time of day is kept, so that a date column rejects it by row
        # rather than losing it silently.
        return value.strftime("%Y-%m-%d" if value.time() == time(0) else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _parse_column(col: Column, texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A whole column of stripped cells at once: the parsed values and which
    cells surely parsed (a boolean array).  A cell marked not good is not
    necessarily bad: :func:`_parse_cell` decides it (and words its problem),
    so both paths accept exactly the same cells."""
    cells = texts.to_numpy(dtype=object)
    empty = cells == ""
    if col.kind == "date":
        shaped = texts.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        values = pd.to_datetime(texts.where(shaped), format="%Y-%m-%d", errors="coerce")
        good = shaped.to_numpy(dtype=bool) & values.notna().to_numpy()
    elif col.kind == "int":
        good = texts.str.fullmatch(r"[-+]?\d+").to_numpy(dtype=bool)
        values = pd.Series([int(t) if ok else None for t, ok in zip(texts, good)], index=texts.index, dtype=object)
    elif col.kind == "float":
        values = pd.to_numeric(texts.where(~empty), errors="coerce").astype("float64")
        good = values.notna().to_numpy() & ~texts.str.lower().str.contains("nan").to_numpy(dtype=bool)
    elif col.kind == "bool":
        low = texts.str.lower()
        values = low.map(lambda v: True if v in _TRUE else False if v in _FALSE else None).astype(object)
        good = low.isin(_TRUE | _FALSE).to_numpy()
    else:
        values = pd.Series(np.where(empty, None, cells), index=texts.index, dtype=object)
        good = ~empty
    if col.choices is not None and col.kind == "str":
        chosen = set(col.choices)
        good = good & np.array([c in chosen for c in cells], dtype=bool)
    elif col.choices is not None:
        good = good & values.map(lambda v: str(v)).isin(col.choices).to_numpy()
    if col.pattern is not None:
        good = good & texts.str.fullmatch(col.pattern).fillna(False).to_numpy(dtype=bool)
    if col.min is not None:
        good = good & (pd.to_numeric(values, errors="coerce") >= col.min).to_numpy()
    if col.max is not None:
        good = good & (pd.to_numeric(values, errors="coerce") <= col.max).to_numpy()
    if values.dtype == object and col.kind != "str":
        values = values.where(~empty, None)
    return values, (good & ~empty) | (empty & col.nullable)


def _parse_cell(col: Column, text: str):
    """Parse one cell; return (value, ok)."""
    text = text.strip()
    if text == "":
        return None, col.nullable
    if col.kind == "str":
        value = text
    elif col.kind == "int":
        if not re.fullmatch(r"[-+]?\d+", text):
            return None, False
        value = int(text)
    elif col.kind == "float":
        try:
            value = float(text)
        except ValueError:
            return None, False
        if value != value:  # NaN written out
            return None, False
    elif col.kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return None, False
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return None, False
    elif col.kind == "bool":
        low = text.lower()
        if low in _TRUE:
            value = True
        elif low in _FALSE:
            value = False
        else:
            return None, False
    else:  # pragma: no cover - schema author's mistake
        raise ValueError(f"unknown column kind {col.kind!r}")
    if col.choices is not None and str(value) not in col.choices:
        return None, False
    if col.pattern is not None and not re.fullmatch(col.pattern, text):
        return None, False
    if col.min is not None and value < col.min:
        return None, False
    if col.max is not None and value > col.max:
        return None, False
    return value, True


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")


def parse_frame(
    raw: pd.DataFrame,
    columns: Sequence[Column],
    path: str | Path,
    unique: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Validate and type a frame read by :func:`read_table`.

    Checks that every required column is present, parses every cell, and (with
    ``unique``) that no two rows share the same key.  Raises one
    :class:`LoaderError` listing every problem.  Columns not in the schema are
    kept as text.  Dates become ``datetime64[ns]`` columns.
    """
    problems: list[Problem] = []
    present = set(raw.columns)
    for col in columns:
        if col.required and col.name not in present:
            problems.append(Problem(column=col.name, expected="this column to be present",
                                    found="columns " + ", ".join(raw.columns)))
    if problems:
        raise LoaderError(path, problems)
    parsed: dict[str, pd.Series] = {}
    for col in columns:
        if col.name not in present:
            parsed[col.name] = pd.Series([None] * len(raw), index=raw.index, dtype=object)
            continue
        texts = raw[col.name]
        texts = texts if texts.dtype == "str" else texts.astype(str)  # read_csv's text is already str
        values, good = _parse_column(col, texts.str.strip())
        for row in texts.index[~good]:
            # the vectorised pass is strict; each cell it doubts is parsed alone
            text = texts[row]
            value, ok = _parse_cell(col, text)
            if ok:
                values[row] = pd.Timestamp(value) if col.kind == "date" and value is not None else value
                continue
            expected = col.expected()
            if col.kind == "date" and _DATE_TIME.fullmatch(text.strip()):
                expected = "a date without a time of day (YYYY-MM-DD)"
            problems.append(Problem(column=col.name, expected=expected, found=text, row=int(row)))
        if col.kind == "date":
            parsed[col.name] = pd.to_datetime(values).astype("datetime64[s]")
        elif col.kind == "float":
            parsed[col.name] = values.astype("float64")
        elif col.kind == "int":
            series = values.astype(object)
            parsed[col.name] = series.astype("Int64") if col.nullable else series.astype("int64") if not problems else series
        elif col.kind == "bool":
            series = values.astype(object)
            parsed[col.name] = series.astype("boolean") if col.nullable else series
        else:
            parsed[col.name] = values
    # one frame built at once: the file's columns in order (parsed where the
    # schema names them), then the absent optional ones
    out = pd.DataFrame({**{c: parsed.pop(c, raw[c]) for c in raw.columns}, **parsed}, index=raw.index)
    if unique:
        # Keys compare as parsed, so " 2025-01-02" repeats "2025-01-02".
        key = list(unique)
        parsed = out[key].astype(str)
        dup = parsed.duplicated(keep="first")
        for row in raw.index[dup]:
            first = parsed.index[(parsed == parsed.loc[row]).all(axis=1)][0]
            problems.append(Problem(
                column=", ".join(key),
                expected=f"a unique key (same as row {first})",
                found=" | ".join(str(raw.loc[row, k]) for k in key),
                row=int(row),
            ))
    if problems:
        raise LoaderError(path, problems)
    for col in columns:
        if col.kind == "bool" and not col.nullable and col.name in present:
            out[col.name] = out[col.name].astype(bool)
    return out


# --- published tables -------------------------------------------------------

PROVENANCE_COLUMNS = (
    Column("value", "float", nullable=True, description="the figure, signs normalised"),
    Column("unit", "str", choices=tuple(UNITS), description="the unit of value"),
    Column("source", "str", choices=tuple(SOURCES), description="the paper's file name"),
    Column("lines", "str", pattern=LINES_PATTERN, description="line or range in the paper"),
    Column("printed", "str", nullable=True, required=False, description="the printed string"),
)


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """The data folder a notebook or loader should read.

    Empty or ``None`` means the default (``data/`` beside the package, or
    ``SCRUTINY_DATA``); a relative path is taken from the repository root, so a
    notebook resolves it the same way whatever its working directory.
    """
    if not data_dir:
        return DATA_DIR
    path = Path(data_dir)
    return path if path.is_absolute() else ROOT / path


def published_path(name: str, data_dir: str | Path | None = None) -> Path:
    return resolve_data_dir(data_dir) / "published" / f"{name}.csv"


def load_published(
    name: str,
    columns: Sequence[Column] = (),
    unique: Iterable[str] | None = None,
    data_dir: str | Path | None = None,
    value_kind: str = "float",
) -> pd.DataFrame:
    """Load ``data/published/<name>.csv``: domain columns plus the provenance
    contract (value, unit, source, lines, optional printed).

    ``value_kind`` is ``float`` for figures, ``date`` for tables of dates
    (unit ``date``) and ``str`` for text facts (unit ``text``).  A row with an
    empty value must say what was printed instead (``printed``: "TBC", ...).
    """
    path = published_path(name, data_dir)
    if not path.exists():
        return _load_published(path, columns, unique, value_kind)  # a LoaderError naming the file
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, tuple(columns), tuple(unique or ()), value_kind)
    if key in _PUBLISHED_CACHE:
        return _PUBLISHED_CACHE[key].copy()
    frame = _load_published(path, columns, unique, value_kind)
    _PUBLISHED_CACHE[key] = frame
    while len(_PUBLISHED_CACHE) > 128:
        _PUBLISHED_CACHE.pop(next(iter(_PUBLISHED_CACHE)))
    return frame.copy()


#: Published tables already validated in this process, by file (path, time
#: and size) and schema: every domain's findings read the same tables.
_PUBLISHED_CACHE: dict[tuple, pd.DataFrame] = {}


def _load_published(path: Path, columns, unique, value_kind: str) -> pd.DataFrame:
    prov = [Column("value", value_kind, nullable=True, description="the figure")] + list(PROVENANCE_COLUMNS[1:])
    frame = parse_frame(read_table(path), list(columns) + prov, path, unique=unique)
    frame["printed"] = frame["printed"].where(frame["printed"].notna(), None)
    unstated = frame["value"].isna().to_numpy() & np.array([not p for p in frame["printed"]], dtype=bool)
    problems = [Problem(column="value", expected="a value, or the printed text in 'printed'", row=int(row))
                for row in frame.index[unstated]]
    if problems:
        raise LoaderError(path, problems)
    return frame


def published_tables(data_dir: str | Path | None = None) -> list[Path]:
    """Every published table, sorted by name."""
    return sorted((resolve_data_dir(data_dir) / "published").glob("*.csv"))


def catalog(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every data file under the data folder with its rows, SHA-256 and the
    source papers its rows cite: the provenance table of a pack."""
    base = resolve_data_dir(data_dir)
    rows = []
    for path in sorted(p for p in base.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".parquet")):
        frame = read_table(path)
        cited = ""
        if "source" in frame.columns:
            cited = ", ".join(sorted(set(frame["source"]) - {""}))
        rows.append({
            "file": path.relative_to(base).as_posix(),
            "rows": len(frame),
            "sha256": sha256(path),
            "sources": cited,
        })
    return pd.DataFrame(rows, columns=["file", "rows", "sha256", "sources"])


# --- provenance against the source papers ------------------------------------

def seeds_dir() -> Path | None:
    """The folder of source papers: ``SCRUTINY_SOURCES`` or ``../shared/seeds``."""
    env = os.environ.get("SCRUTINY_SOURCES")
    path = Path(env) if env else ROOT.parent / "shared" / "seeds"
    return path if path.is_dir() else None


def seeds_problem() -> str | None:
    """Why the source papers cannot be used, when ``SCRUTINY_SOURCES`` names
    a folder that is not there (a mistake worth an error, unlike papers that
    are simply absent from this machine)."""
    env = os.environ.get("SCRUTINY_SOURCES")
    if env and not Path(env).is_dir():
        return f"SCRUTINY_SOURCES={env} is not a folder of source papers"
    return None


def _paper_lines(folder: Path, source: str, cache: dict) -> list[str]:
    if source not in cache:
        cache[source] = (folder / source).read_text(encoding="utf-8").splitlines()
    return cache[source]


def cited_text(folder: Path, source: str, lines: str, cache: dict | None = None) -> str:
    """The text of the cited lines (``"12-14;20"``) of a source paper."""
    text = _paper_lines(folder, source, {} if cache is None else cache)
    out = []
    for part in lines.split(";"):
        lo, _, hi = part.partition("-")
        lo_i, hi_i = int(lo), int(hi or lo)
        if not (1 <= lo_i <= hi_i <= len(text)):
            raise ValueError(f"lines {part} are outside {source} (1-{len(text)})")
        out.extend(text[lo_i - 1: hi_i])
    return "\n".join(out)


def renderings(value: float) -> list[str]:
    """Ways a number may be printed: 1234, 1,234, 1234.5, 0.50 ..."""
    out = []
    for v in (value, abs(value)):
        for d in range(0, 4):
            if abs(round(v, d) - v) < 1e-9:
                out += [f"{v:.{d}f}", f"{v:,.{d}f}"]
                if 0 < abs(v) < 1:
                    out.append(f"{v:.{d}f}".replace("0.", ".", 1))
    return out


def _normalise(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", _normalise(text))


def _pattern(needle: str) -> re.Pattern | None:
    """A needle as a pattern that tolerates white space (a figure split across
    lines) but not a longer number: "37,139" does not match in "137,139"
    and "1,23" not in "1,234"."""
    chars = _squash(needle)
    if not chars:
        return None
    body = r"\s*".join(re.escape(c) for c in chars)
    head = r"(?<!\d)(?<!\d[.,])" if chars[0].isdigit() else ""
    tail = r"(?!\d)(?![.,]\d)" if chars[-1].isdigit() else ""
    return re.compile(head + body + tail)


def found_on(needle: str, text: str) -> bool:
    """Whether ``needle`` stands on ``text`` as a whole figure."""
    pattern = _pattern(needle)
    return bool(pattern and pattern.search(_normalise(text)))


def check_provenance(data_dir: str | Path | None = None, folder: Path | None = None) -> list[str]:
    """Every published value must appear on its cited lines.

    The evidence looked for is the ``printed`` string when given, else the
    value in one of its usual renderings, as a whole figure: a digit more or
    less on either side is a failure.  White space inside the figure is
    allowed, so figures split across lines still match.  Returns one message
    per failure.
    """
    folder = folder or seeds_dir()
    if folder is None:
        raise FileNotFoundError("source papers not found: set SCRUTINY_SOURCES or place them in ../shared/seeds")
    cache: dict = {}
    failures = []
    for path in published_tables(data_dir):
        raw = read_table(path)
        missing = [c for c in ("value", "unit", "source", "lines") if c not in raw.columns]
        if missing:
            failures.append(f"{path.name}: missing provenance column(s) {', '.join(missing)}")
            continue
        for row, rec in raw.iterrows():
            where = f"{path.name}: row {row}"
            try:
                text = cited_text(folder, rec["source"], rec["lines"], cache)
            except (OSError, ValueError) as exc:
                failures.append(f"{where}: {exc}")
                continue
            printed = rec.get("printed", "")
            if printed:
                needles = [printed]
            elif rec["unit"] in ("text", "date"):
                needles = [rec["value"]]
            else:
                try:
                    needles = renderings(float(rec["value"]))
                except ValueError:
                    failures.append(f"{where}: value {rec['value']!r} is not a number")
                    continue
            if not any(found_on(n, text) for n in needles):
                shown = printed or rec["value"]
                failures.append(f"{where}: {shown!r} not found on {rec['source']} lines {rec['lines']}")
    return failures


# --- parsed values against their printed strings ------------------------------

_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_WORDS.update({"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "decade": 10,
               "nil": 0, "none": 0, "no": 0, "-": 0})
_SUFFIX = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3, "p": 0.01}
#: Money units in more than pounds, and their size in pounds.
UNIT_SCALE = {"gbp_millions": 1e6, "gbp_thousands": 1e3}
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?|\.\d+)\s*(bn|billion|million|thousand|m|k|p)?(?![a-z])", re.I)


def printed_readings(printed: str, unit: str, note: str = "") -> list[float]:
    """Every value, in ``unit``, that ``printed`` may be read as: its numbers
    (with k/m/bn and pence), numbers written as words ("seven", "Nil"), and
    a misprinted decimal comma ("£151,4m").  A row whose ``note`` says it
    was "printed without k" may also be read in thousands."""
    scale = UNIT_SCALE.get(unit, 1.0)
    out: list[float] = []
    for match in _NUMBER.finditer(printed):
        token, suffix = match.group(1), (match.group(2) or "").lower()
        reads = [token.replace(",", "")]
        if re.fullmatch(r"\d+,\d{1,2}", token):
            reads.append(token.replace(",", "."))
        for r in reads:
            x = float(r) * _SUFFIX.get(suffix, 1.0)
            out.append(x / scale)
            if not suffix and scale != 1.0:
                out.append(x)  # printed already in the table's unit
            if "printed without k" in note:
                out.append(x * 1e3)
    for word in re.findall(r"[a-z]+|-", printed.lower()):
        if word in _WORDS:
            out.append(float(_WORDS[word]))
    return out


def printed_value_problems(data_dir: str | Path | None = None) -> list[str]:
    """Every numeric row whose ``value`` is not a reading of its ``printed``
    string: a parsing or typing slip that the provenance check, which looks
    for the printed string on the paper, cannot see."""
    problems = []
    for path in published_tables(data_dir):
        raw = read_table(path)
        if "printed" not in raw.columns:
            continue
        for row, rec in raw.iterrows():
            printed, value, unit = rec["printed"], rec.get("value", ""), rec.get("unit", "")
            if not printed or not value or unit in ("text", "date"):
                continue
            try:
                number = abs(float(value))
            except ValueError:
                problems.append(f"{path.name}: row {row}, column value: {value!r} is not a number")
                continue
            readings = printed_readings(printed, unit, rec.get("note", "") or "")
            if not any(math.isclose(number, x, rel_tol=1e-9, abs_tol=1e-9) for x in readings):
                problems.append(f"{path.name}: row {row}, column value: {value!r} ({unit}) "
                                f"is not what printed {printed!r} says")
    return problems
