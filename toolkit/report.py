"""Running a meeting pack: papermill in one process (or ``jobs`` workers),
HTML export, manifest, atomic swap into ``reports/<date>/``, reproduction.

A pack folder holds, per analysis ``<name>``::

    notebooks/<name>.ipynb     the executed notebook
    <name>.html                the page a councillor reads (code hidden)
    <name>/figures/*.svg|png   its figures, byte-identical run to run
    <name>/tables/*.csv        its tables, compared as data by ``reproduce``

and ``index.html`` and ``manifest.json`` for the pack.  The pack is built in a
temporary folder beside its destination and moved into place only when every
notebook succeeded; a failed run leaves the previous pack untouched and its
own partial output in ``reports/<date>.failed/`` for diagnosis.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Iterable

import pandas as pd

from .errors import RunError
from .meeting import NOTEBOOKS_DIR, PARAMETERS_DIR, Meeting
from .reconcile import DOMAINS
from .sources import ROOT, resolve_data_dir, sha256

REPORTS_DIR = ROOT / "reports"
KERNEL = "python3"
#: The kernel talks to this process over loopback only.  Its own log (a
#: warning about plain-text TCP; the interrupt jupyter_client sends before
#: every shutdown) is noise in an unattended run; a failing cell is reported
#: from the notebook itself.
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


@dataclass
class NotebookResult:
    """What happened to one notebook of a pack."""

    meeting: str
    name: str
    status: str  # "ok", "failed" or "timeout"
    seconds: float
    error: dict = field(default_factory=dict)

    def describe_error(self) -> str:
        if self.status == "ok":
            return ""
        e = self.error
        cell = f"cell {e.get('cell_index')}" + (f" (In [{e['exec_count']}])" if e.get("exec_count") else "")
        cell += " of the source notebook" if e.get("cell_index") is not None else ""
        source = (e.get("source") or "").strip().splitlines()
        first = f": `{source[0][:80]}`" if source else ""
        return f"notebook {self.name}.ipynb, {cell}{first}: {e.get('ename')}: {e.get('evalue')}"


# --- one notebook -------------------------------------------------------------

#: Modules a pack kernel imports while it waits for its notebook: what the
#: analyses' first cells import, in the order most of them import it.  The
#: imports bind no name in the notebook's namespace and leave the execution
#: count at 1, so a notebook runs as in a fresh kernel (the stored notebooks,
#: which nbval re-executes in fresh kernels, are compared with a pack's).
PRELOAD = ("pandas", "seaborn", "IPython.display", "toolkit.figures", "toolkit.meeting", "toolkit.reconcile",
           "toolkit.disclosure", *dict.fromkeys(spec.split(":")[0] for spec in DOMAINS.values()), "holidays")


class KernelPool:
    """Kernels started ahead of need, for a run of ``count`` notebooks one
    after another.  While one notebook runs, the kernel for the next starts,
    makes the :data:`PRELOAD` imports on the other core and has its client
    connected, so the run waits for one kernel start instead of one per
    notebook.  Each kernel runs one notebook only; it is asked to shut down
    as soon as its notebook ends, and is reaped once it has gone.  No kernel
    is started beyond ``count``.  Use as a context manager."""

    def __init__(self, count: int, cwd: str | Path, preload: Iterable[str] = PRELOAD):
        from jupyter_core.utils import run_sync

        self.run = run_sync
        self.left, self.cwd = count, str(cwd)
        lines = [f"for _m in {tuple(preload)!r}: __import__(_m)", "del _m"] if preload else []
        # what nbclient passes a kernel it starts, and the imports
        self.arguments = [*KERNEL_ARGS, "--HistoryManager.hist_file=:memory:",
                          *(f"--IPKernelApp.exec_lines={line}" for line in lines)]
        self._next = None
        self._stopping: list = []
        if count > 0:
            self._next = self._start()

    def _start(self) -> tuple | Exception:
        """A kernel started, or why it could not be (raised by :meth:`take`,
        so that the notebook it was for fails with the reason)."""
        from jupyter_client import AsyncKernelManager

        try:
            km = AsyncKernelManager(kernel_name=KERNEL)
            self.run(km.start_kernel)(extra_arguments=self.arguments, cwd=self.cwd)
        except Exception as exc:
            return exc
        kc = km.client()
        kc.start_channels()  # subscribed now, so no message is missed later
        return km, kc

    def take(self) -> tuple:
        """The next kernel's manager and client; starts the one after."""
        if self.left <= 0 or self._next is None:
            raise RuntimeError("every kernel of the pool has been taken")
        kernel, self._next = self._next, None
        self.left -= 1
        self._reap(wait=False)
        if self.left:
            self._next = self._start()
        if isinstance(kernel, Exception):
            raise kernel
        return kernel

    def ready(self, kernel: tuple, timeout: float) -> None:
        """Wait until the kernel answers (it may still be making its imports).

        jupyter_client's ``wait_for_ready`` does the same and then listens to
        the kernel's broadcasts for a further 0.2 s to discard stale ones;
        nbclient keeps only replies to its own requests, so that wait (a
        tenth of a small notebook's run) is left out."""
        from queue import Empty

        km, kc = kernel

        async def answered() -> None:
            deadline = time.monotonic() + timeout
            while True:
                kc.kernel_info()
                try:
                    reply = await kc.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    kc._handle_kernel_info_reply(reply)
                    return
                if not await km.is_alive():
                    raise RuntimeError("the kernel died before it answered")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the kernel did not answer within {timeout:g} s")

        self.run(answered)()
        kc.allow_stdin = False

    def release(self, kernel: tuple, ok: bool = True) -> None:
        """The notebook has ended: close the client and stop the kernel (at
        once after a failure, since it may still be busy in a cell)."""
        km, kc = kernel
        kc.stop_channels()
        try:
            if ok:
                self.run(km.request_shutdown)()
                self._stopping.append(km)
            else:
                self.run(km.shutdown_kernel)(now=True)
        except Exception:  # a kernel already gone: nothing to stop, only its files to remove
            self.run(km.cleanup_resources)()

    def _reap(self, wait: bool) -> None:
        for km in list(self._stopping):
            if wait or not self.run(km.is_alive)():
                self.run(km.finish_shutdown)()
                self.run(km.cleanup_resources)()
                self._stopping.remove(km)

    def close(self) -> None:
        if isinstance(self._next, tuple):
            self.release(self._next, ok=False)
        self._next = None
        self._reap(wait=True)

    def __enter__(self) -> "KernelPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@functools.cache
def _engine() -> str:
    """Register the runner's papermill engine; returns its name.

    It is papermill's nbclient engine with three changes: it runs on a kernel
    from a :class:`KernelPool` when given one (``kernels``); it gives the
    injected parameters cell a fixed id, so that pages are byte-identical run
    to run; and it writes what was executed to ``partial_path`` when the run
    is cut short (a timeout, a dead kernel), since papermill writes the
    notebook only at the end (saving after every cell cost about 0.1 s a
    notebook)."""
    from nbformat import write
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class PackEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, kernels=None,
                                     partial_path=None, **kwargs):
            for cell in nb_man.nb.cells:
                if "injected-parameters" in cell.metadata.get("tags", []):
                    cell["id"] = "injected-parameters"
            kwargs.pop("input_path", None)
            kwargs.pop("startup_timeout", None)
            timeout = kwargs.pop("timeout", None)
            timeout = execution_timeout or timeout
            kernel = kernels.take() if kernels is not None else None
            client = PapermillNotebookClient(
                nb_man, km=kernel[0] if kernel else None, timeout=timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logger, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, **kwargs)
            ok = False
            try:
                if kernel:
                    kernels.ready(kernel, start_timeout)
                    client.kc = kernel[1]
                client.execute()
                ok = True
            except BaseException:
                if partial_path:
                    write(nb_man.nb, str(partial_path))
                raise
            finally:
                if kernel:
                    kernels.release(kernel, ok=ok)
            return nb_man.nb

    papermill_engines.register("toolkit-pack", PackEngine)
    return "toolkit-pack"


def run_notebook(
    meeting_date: str,
    name: str,
    parameters: dict,
    pack_dir: str | Path,
    timeout: float | None = None,
    progress: bool = True,
    notebooks_dir: str | Path | None = None,
    kernels: KernelPool | None = None,
) -> NotebookResult:
    """Execute ``notebooks/<name>.ipynb`` into ``pack_dir/notebooks/`` (on a
    kernel of ``kernels`` if given, else on a kernel of its own).

    ``timeout`` bounds the whole notebook in seconds (papermill's own timeout
    is per cell): each cell is given what is left of the budget.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    pack_dir = Path(pack_dir)
    source_dir = Path(notebooks_dir or NOTEBOOKS_DIR)
    out_nb = pack_dir / "notebooks" / f"{name}.ipynb"
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    current: dict = {}

    def timeout_func(cell):
        current["cell"] = cell
        if deadline is None:
            return None
        return max(1, int(round(deadline - time.monotonic())))

    status, error = "ok", {}
    try:
        papermill.execute_notebook(
            str(source_dir / f"{name}.ipynb"),
            str(out_nb),
            parameters=parameters,
            engine_name=_engine(),
            request_save_on_cell_execute=False,
            kernel_name=KERNEL,
            cwd=str(source_dir),
            progress_bar={"desc": f"{meeting_date} {name}", "leave": True} if progress else False,
            timeout_func=timeout_func,
            extra_arguments=KERNEL_ARGS,
            kernels=kernels,
            partial_path=out_nb,
        )
    except PapermillExecutionError as exc:
        status = "failed"
        error = {"cell_index": _source_index(out_nb, exc.cell_index), "exec_count": exc.exec_count, "source": exc.source,
                 "ename": exc.ename, "evalue": exc.evalue}
    except Exception as exc:  # timeouts, dead kernels, unreadable notebooks
        timed_out = type(exc).__name__ == "CellTimeoutError"
        status = "timeout" if timed_out else "failed"
        cell = current.get("cell")
        index = _source_index(out_nb, cell=cell)
        error = {"cell_index": index, "exec_count": None, "source": cell.source if cell is not None else "",
                 "ename": type(exc).__name__,
                 "evalue": (f"the notebook exceeded its whole-notebook timeout of {timeout:g} s"
                            if timed_out else str(exc).strip().splitlines()[-1] if str(exc).strip() else "")}
    seconds = round(time.monotonic() - started, 3)
    return NotebookResult(meeting_date, name, status, seconds, error)


def export_page(pack_dir: str | Path, name: str) -> None:
    """The page of an executed notebook of the pack, if it was written."""
    out_nb = Path(pack_dir) / "notebooks" / f"{name}.ipynb"
    if out_nb.exists():
        export_html(out_nb, Path(pack_dir) / f"{name}.html")


def _source_index(nb_path: Path, index: int | None = None, cell=None) -> int | None:
    """The failed cell, given by its index in the executed notebook or as the
    cell itself, as an index of the source notebook (papermill inserts its
    injected-parameters cell)."""
    import nbformat

    if (index is None and cell is None) or not nb_path.exists():
        return index
    try:
        cells = nbformat.read(nb_path, as_version=4).cells
    except Exception:  # a partial notebook that cannot be read: the error is reported without its place
        return index
    if index is None:
        index = next((i for i, c in enumerate(cells) if c.get("id") == cell.get("id")), None)
        if index is None:
            return None
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.metadata.get("tags", [])]
    return index - 1 if injected and injected[0] < index else index


PAGE_TEMPLATE = Path(__file__).with_name("templates") / "page.html.j2"


def export_html(notebook: Path, target: Path) -> None:
    """The councillor's page: outputs only, no code, no prompts; each figure
    with its summary as alternative text (:data:`PAGE_TEMPLATE`)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    exporter = HTMLExporter(template_name="lab", template_file=str(PAGE_TEMPLATE), exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.log.setLevel("ERROR")
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")


def _run_task(task: tuple) -> NotebookResult:
    """A worker's notebook (``--jobs N``): run on a kernel of its own, then its page."""
    result = run_notebook(*task)
    export_page(task[3], task[1])
    return result


# --- packs ------------------------------------------------------------------

@dataclass
class PackResult:
    meeting: Meeting
    path: Path
    ok: bool
    notebooks: list[NotebookResult]

    def failures(self) -> list[NotebookResult]:
        return [r for r in self.notebooks if r.status != "ok"]


def run_packs(
    meetings: Iterable[Meeting],
    reports_dir: str | Path | None = None,
    jobs: int = 1,
    timeout: float | None = None,
    progress: bool = True,
    notebooks_dir: str | Path | None = None,
) -> list[PackResult]:
    """Run the packs of several meetings; notebooks of all of them share the
    ``jobs`` worker processes.  Each pack is swapped into place on its own."""
    meetings = list(meetings)
    reports_dir = Path(reports_dir or REPORTS_DIR).resolve()
    reports_dir.mkdir(parents=True, exist_ok=True)
    started = {}
    work = {}
    tasks = []
    for m in meetings:
        work[m.date] = Path(tempfile.mkdtemp(prefix=f".{m.date}.running-", dir=reports_dir))
        work[m.date].chmod(0o755)
        started[m.date] = _now()
        for name in m.analyses:
            out = work[m.date] / name
            tasks.append((m.date, name, m.notebook_parameters(name, out),
                          work[m.date], timeout, progress, notebooks_dir))
    results: list[NotebookResult]
    if jobs <= 1 or len(tasks) <= 1:
        results = _run_in_turn(tasks, Path(notebooks_dir or NOTEBOOKS_DIR))
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            results = list(pool.map(_run_task, tasks))
    packs = []
    for m in meetings:
        mine = [r for r in results if r.meeting == m.date]
        packs.append(_finish_pack(m, work[m.date], reports_dir, mine, started[m.date], timeout, jobs, notebooks_dir))
    return packs


def _run_in_turn(tasks: list[tuple], cwd: Path) -> list[NotebookResult]:
    """The notebooks one after another on kernels started ahead, each page
    exported on a thread while the next notebook runs."""
    from concurrent.futures import ThreadPoolExecutor

    results, exported = [], []
    with ThreadPoolExecutor(1) as pages:
        with KernelPool(len(tasks), cwd) as kernels:
            for task in tasks:
                results.append(run_notebook(*task, kernels=kernels))
                exported.append(pages.submit(export_page, task[3], task[1]))
        # the last kernel is stopped while the last page is written
    for done in exported:
        done.result()
    return results


def run_pack(meeting: Meeting, **kwargs) -> PackResult:
    return run_packs([meeting], **kwargs)[0]


def _finish_pack(meeting, tmp: Path, reports_dir: Path, results, started, timeout, jobs, notebooks_dir) -> PackResult:
    ok = all(r.status == "ok" for r in results)
    manifest = build_manifest(meeting, tmp, results, started, _now(), timeout=timeout, jobs=jobs,
                              notebooks_dir=notebooks_dir)
    (tmp / "index.html").write_text(index_html(meeting, results), encoding="utf-8")
    manifest["outputs"] = output_hashes(tmp)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    final = reports_dir / meeting.date
    if ok:
        _swap_into_place(tmp, final)
        return PackResult(meeting, final, True, results)
    failed = reports_dir / f"{meeting.date}.failed"
    if failed.exists():
        shutil.rmtree(failed)
    os.replace(tmp, failed)
    return PackResult(meeting, failed, False, results)


def _swap_into_place(tmp: Path, final: Path) -> None:
    """Move the finished pack into place; the old one goes only after."""
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old)
    else:
        os.replace(tmp, final)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# --- manifest -----------------------------------------------------------------

#: Packages whose versions matter most to the figures; every installed
#: distribution is recorded as well.
KEY_PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "papermill", "nbconvert", "nbclient",
                "ipykernel", "ipywidgets", "pydantic", "holidays")


def package_versions() -> dict[str, str]:
    out = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            out[name.lower()] = dist.version
    return dict(sorted(out.items()))


def git_commit() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def input_files(meeting: Meeting, notebooks_dir: str | Path | None = None) -> dict[str, str]:
    """Every input of the pack with its SHA-256: the parameter file, the
    notebooks run, and every file in the meeting's data folder (and any data
    file an analysis option names)."""
    files = {}
    param = PARAMETERS_DIR / f"{meeting.date}.yaml"
    if param.exists():
        files[_display(param)] = sha256(param)
    nb_dir = Path(notebooks_dir or NOTEBOOKS_DIR)
    for name in meeting.analyses:
        files[_display(nb_dir / f"{name}.ipynb")] = sha256(nb_dir / f"{name}.ipynb")
    data = resolve_data_dir(str(meeting.data_dir))
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        files[_display(path)] = sha256(path)
    for options in meeting.analyses.values():
        for key, value in options.items():
            if key.endswith("_path") and value:
                path = Path(value) if Path(value).is_absolute() else ROOT / value
                files[_display(path)] = sha256(path)
    return dict(sorted(files.items()))


def _display(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def output_hashes(pack: Path) -> dict[str, str]:
    return {p.relative_to(pack).as_posix(): sha256(p)
            for p in sorted(pack.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def build_manifest(meeting: Meeting, pack: Path, results, started: str, finished: str, **run) -> dict:
    return {
        "meeting": meeting.date,
        "parameters": meeting.model_dump(mode="json"),
        "run": {"started": started, "finished": finished, "timeout_s": run.get("timeout"), "jobs": run.get("jobs"),
                "python": sys.version.split()[0], "platform": platform.platform()},
        "git": git_commit(),
        "inputs": input_files(meeting, run.get("notebooks_dir")),
        "packages": package_versions(),
        "notebooks": [
            {"name": r.name, "status": r.status, "seconds": r.seconds, "error": r.error or None}
            for r in results
        ],
    }


def index_html(meeting: Meeting, results: list[NotebookResult]) -> str:
    rows = []
    for r in results:
        status = "ok" if r.status == "ok" else f"{r.status}: {html.escape(r.describe_error())}"
        rows.append(f"<tr><td><a href='{r.name}.html'>{html.escape(r.name)}</a></td><td>{status}</td></tr>")
    agenda = "".join(
        f"<li>{'' if a.item is None else f'Item {a.item}: '}{html.escape(a.title)}"
        + (f" (analyses: {', '.join(a.analyses)})" if a.analyses else "") + "</li>"
        for a in meeting.agenda
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(meeting.committee)}, {meeting.date}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.3em .8em;text-align:left}</style>"
        "</head><body>"
        f"<h1>{html.escape(meeting.committee)}</h1><h2>{meeting.meeting_date:%d %B %Y}: {html.escape(meeting.title)}</h2>"
        f"<h3>Agenda items covered</h3><ul>{agenda}</ul>"
        "<h3>Analyses</h3><table><tr><th>analysis</th><th>status</th></tr>" + "".join(rows) + "</table>"
        "<p>Inputs, parameters, package versions and output hashes: <a href='manifest.json'>manifest.json</a>.</p>"
        "</body></html>\n"
    )


# --- reproduction -----------------------------------------------------------

@dataclass
class Difference:
    path: str
    what: str


def reproduce(pack: str | Path, jobs: int = 1, progress: bool = True, keep: str | Path | None = None) -> list[Difference]:
    """Re-execute a pack from its manifest and compare every output with the
    stored one: tables as data, figures and pages by bytes, notebooks by
    their cell outputs.  Returns the differences (empty when it reproduces)."""
    pack = Path(pack)
    manifest_path = pack / "manifest.json"
    if not manifest_path.exists():
        raise RunError(f"{pack}: no manifest.json; is this a pack folder?")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    meeting = Meeting.model_validate(manifest["parameters"])
    diffs: list[Difference] = []
    current_inputs = input_files(meeting)
    for path, digest in manifest["inputs"].items():
        now = current_inputs.get(path)
        if now != digest:
            diffs.append(Difference(path, "input changed since the pack was made" if now else "input missing now"))
    with tempfile.TemporaryDirectory(prefix=".reproduce-", dir=pack.parent) as tmp:
        result = run_pack(meeting, reports_dir=Path(tmp), jobs=jobs, progress=progress)
        if not result.ok:
            for r in result.failures():
                diffs.append(Difference(f"notebooks/{r.name}.ipynb", f"failed on re-execution: {r.describe_error()}"))
        diffs += compare_packs(pack, result.path, manifest)
        if keep:
            shutil.copytree(result.path, keep, dirs_exist_ok=True)
    return diffs


def compare_packs(stored: Path, fresh: Path, manifest: dict) -> list[Difference]:
    diffs = []
    fresh_outputs = output_hashes(fresh)
    for path, digest in sorted(manifest["outputs"].items()):
        a, b = stored / path, fresh / path
        if not a.exists():
            diffs.append(Difference(path, "listed in the manifest but missing from the stored pack"))
            continue
        if sha256(a) != digest:
            diffs.append(Difference(path, "stored file differs from the hash in its manifest"))
        if path not in fresh_outputs:
            diffs.append(Difference(path, "not produced by the re-execution"))
            continue
        if path.endswith(".csv"):
            what = _compare_tables(a, b)
        elif path.endswith(".ipynb"):
            what = _compare_notebooks(a, b)
        elif path == "index.html":
            what = None  # index carries run status only, checked via notebooks
        else:
            what = None if fresh_outputs[path] == digest else "bytes differ"
        if what:
            diffs.append(Difference(path, what))
    for path in sorted(set(fresh_outputs) - set(manifest["outputs"])):
        diffs.append(Difference(path, "produced by the re-execution but not in the stored pack"))
    return diffs


def _compare_tables(a: Path, b: Path) -> str | None:
    left, right = pd.read_csv(a), pd.read_csv(b)
    if list(left.columns) != list(right.columns):
        return f"columns differ: {list(left.columns)} vs {list(right.columns)}"
    if left.shape != right.shape:
        return f"shape differs: {left.shape} vs {right.shape}"
    try:
        pd.testing.assert_frame_equal(left, right, check_exact=True)
    except AssertionError as exc:
        return "values differ: " + " ".join(str(exc).split())[:300]
    return None


def notebook_outputs(path: Path) -> list:
    """A notebook's cell outputs, without execution counts and metadata."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "injected-parameters" in cell.metadata.get("tags", []):
            continue
        outs = []
        for o in cell.get("outputs", []):
            o = dict(o)
            o.pop("execution_count", None)
            o.pop("metadata", None)
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                continue
            outs.append(json.dumps(o, sort_keys=True, default=str))
        out.append(outs)
    return out


def _compare_notebooks(a: Path, b: Path) -> str | None:
    left, right = notebook_outputs(a), notebook_outputs(b)
    if len(left) != len(right):
        return f"code cell count differs: {len(left)} vs {len(right)}"
    changed = [i for i, (x, y) in enumerate(zip(left, right)) if x != y]
    if changed:
        return f"outputs differ in code cell(s) {', '.join(map(str, changed))}"
    return None


# --- stored notebooks ---------------------------------------------------------

def refresh_notebooks(paths: Iterable[str | Path] | None = None, timeout: int = 1200) -> list[Path]:
    """Execute notebooks in place with their default parameters (working
    directory: the notebooks folder), keeping no timing metadata, so that the
    stored outputs are those nbval re-creates."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    for path in [Path(p) for p in paths] if paths else sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL, record_timing=False, extra_arguments=KERNEL_ARGS,
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        client.execute()
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
        nb.metadata.pop("papermill", None)
        nbformat.write(nb, path)
        done.append(path)
    return done
