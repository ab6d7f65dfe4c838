"""``scrutiny``: the command line.

    scrutiny list                          meetings and their analyses
    scrutiny run 2026-01-19                run one meeting's pack
    scrutiny run --all --jobs 2            run every pack, two notebooks at a time
    scrutiny check                         validate parameters, data and provenance
    scrutiny findings [--format csv]       every reconciliation finding
    scrutiny reproduce reports/2026-01-19  re-execute a pack and compare outputs
    scrutiny refresh                       store notebooks with their default outputs

Errors the toolkit raises on purpose are printed as one message, without a
traceback, and the command exits non-zero.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import ToolkitError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help=__doc__.split("\n\n")[0])
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


def main() -> None:
    try:
        app()  # standalone: usage errors print as usage and exit 2
    except ToolkitError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        sys.exit(1)


@app.command("list")
def list_meetings() -> None:
    """Show the meetings and their analyses."""
    from . import meeting

    table = Table("meeting", "title", "analyses")
    for m in meeting.load_all():
        table.add_row(m.date, m.title, ", ".join(m.analyses))
    out.print(table)


@app.command()
def run(
    date: Optional[str] = typer.Argument(None, help="the meeting date, e.g. 2026-01-19"),
    all_: bool = typer.Option(False, "--all", help="run every meeting's pack"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="worker processes"),
    timeout: Optional[float] = typer.Option(None, help="whole-notebook timeout in seconds"),
    reports: Path = typer.Option(None, help="reports folder (default: reports/)"),
    progress: bool = typer.Option(True, help="show a progress bar per notebook"),
) -> None:
    """Run a meeting's pack into reports/<date>/ (atomically)."""
    from . import meeting, report
    from .errors import RunError

    if all_ == bool(date):
        raise typer.BadParameter("give a meeting date or --all, not both or neither")
    meetings = meeting.load_all() if all_ else [meeting.find_meeting(date)]
    packs = report.run_packs(meetings, reports_dir=reports, jobs=jobs, timeout=timeout, progress=progress)
    failed = []
    for pack in packs:
        if pack.ok:
            out.print(f"[green]ok[/] {pack.meeting.date}: {pack.path / 'index.html'}")
        else:
            for r in pack.failures():
                failed.append(f"{pack.meeting.date}: {r.describe_error()}")
            out.print(f"[red]failed[/] {pack.meeting.date}: partial output in {pack.path}; "
                      f"the previous pack (if any) is untouched")
    if failed:
        raise RunError("pack run failed:\n  " + "\n  ".join(failed))


@app.command()
def check() -> None:
    """Validate every parameter file, every data file and their provenance."""
    from . import checks

    problems, notes = checks.run_checks()
    for line in problems:
        out.print(f"[red]problem[/] {line}", highlight=False)
    for line in notes:
        out.print(f"[yellow]note[/] {line}", highlight=False)
    if problems:
        raise typer.Exit(1)
    checked = "parameters and data" if notes else "parameters, data and provenance"
    out.print(f"[green]all {checked} checks passed[/]")


@app.command()
def findings(
    fmt: str = typer.Option("table", "--format", help="table or csv"),
    all_: bool = typer.Option(False, "--all", help="include the checks that passed (kind ok)"),
    domain: Optional[list[str]] = typer.Option(None, help="only these domains"),
) -> None:
    """List every reconciliation finding from all domains."""
    from . import reconcile

    found = reconcile.collect(domains=domain or None)
    if not all_:
        found = reconcile.problems(found)
    cols = ["domain", "check", "source", "lines", "published", "computed", "difference", "kind", "description"]
    found = found[cols]
    if fmt == "csv":
        sys.stdout.write(found.to_csv(index=False, lineterminator="\n"))
    elif fmt == "table":
        table = Table(*cols[:-1])
        for rec in found.itertuples(index=False):
            table.add_row(*[str(v) for v in rec[:-1]])
        out.print(table)
        out.print(f"{len(found)} finding(s)")
    else:
        raise typer.BadParameter("--format must be table or csv")


@app.command()
def reproduce(
    pack: Path = typer.Argument(..., help="a pack folder, e.g. reports/2026-01-19"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1),
    progress: bool = typer.Option(True),
) -> None:
    """Re-execute a pack from its manifest and compare every output."""
    from . import report

    diffs = report.reproduce(pack, jobs=jobs, progress=progress)
    for d in diffs:
        out.print(f"[red]differs[/] {d.path}: {d.what}", highlight=False)
    if diffs:
        raise typer.Exit(1)
    out.print(f"[green]reproduced[/] {pack}: every output matches")


@app.command()
def refresh(
    notebooks: Optional[list[Path]] = typer.Argument(None, help="notebooks (default: all in notebooks/)"),
) -> None:
    """Re-execute notebooks in place with their default parameters, so the
    stored outputs are those of the default run (what nbval compares)."""
    from . import report

    for path in report.refresh_notebooks(notebooks or None):
        out.print(f"refreshed {path}")


def explore_urls(port: int, lab: bool = False) -> tuple[str, str]:
    """The page ``scrutiny explore`` serves, and a static URL that answers
    once the server is up without starting a kernel (the page itself would
    start one)."""
    base = f"http://127.0.0.1:{port}"
    if lab:
        return f"{base}/lab/tree/notebooks/explore.ipynb", f"{base}/api"
    return f"{base}/", f"{base}/voila/static/labvariables.css"


def stop_process_tree(pid: int, timeout: float = 15.0) -> list[int]:
    """Stop a server and everything it started: SIGTERM to the process (a
    Jupyter server then shuts its kernels down), then SIGTERM and at last
    SIGKILL to any descendant still running.  Descendants are collected first:
    kernels run in sessions of their own, so a signal to the server's process
    group never reaches them, and once the server is gone they are no longer
    its children.  Returns the pids that had to be killed."""
    import psutil

    try:
        root = psutil.Process(pid)
        descendants = root.children(recursive=True)
        root.terminate()
    except psutil.NoSuchProcess:
        return []
    killed = []
    for group, grace in (([root], timeout), (descendants, 5.0)):
        _, alive = psutil.wait_procs(group, timeout=grace)
        for proc in alive:
            try:
                proc.terminate()
            except psutil.NoSuchProcess:
                continue
        _, alive = psutil.wait_procs(alive, timeout=5.0)
        for proc in alive:
            try:
                proc.kill()
                killed.append(proc.pid)
            except psutil.NoSuchProcess:
                pass
    return killed


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_explore(port: int = 0, lab: bool = False, log=None, timeout: float = 90.0):
    """Start ``scrutiny explore`` in a session of its own (for tests and
    benchmarks) on ``port`` (0: a free one) and wait until it serves.
    Returns ``(process, page URL)``; if it does not serve within ``timeout``
    seconds, stops everything it started and raises ``RuntimeError``."""
    import subprocess
    import time
    import urllib.request

    from .sources import ROOT

    port = port or free_port()
    url, probe = explore_urls(port, lab)
    cmd = [sys.executable, "-m", "toolkit.cli", "explore", "--port", str(port)] + (["--lab"] if lab else [])
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(probe, timeout=2).close()
            return proc, url
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                stop_process_tree(proc.pid)
                proc.wait()
                raise RuntimeError(f"scrutiny explore did not serve {probe}")
            time.sleep(0.25)


@app.command()
def explore(
    lab: bool = typer.Option(False, "--lab", help="open JupyterLab instead of the Voila page"),
    port: int = typer.Option(8866, help="port on 127.0.0.1"),
) -> None:
    """Serve the explorers (notebooks/explore.ipynb) with Voila on 127.0.0.1.

    Ctrl-C stops the server and its kernels."""
    import os
    import signal
    import subprocess

    from .meeting import NOTEBOOKS_DIR
    from .sources import ROOT

    notebook = NOTEBOOKS_DIR / "explore.ipynb"
    url, _ = explore_urls(port, lab)
    if lab:
        # Loopback only, so an empty token is acceptable; root needs --allow-root.
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
               f"--ServerApp.root_dir={ROOT}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
    else:
        cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser", "--Voila.ip=127.0.0.1",
               f"--Voila.port={port}", "--Voila.port_retries=0", "--show_tracebacks=False"]
    # The server gets a session of its own: Ctrl-C reaches this process only,
    # which then stops the server and every kernel it started, in order.
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)

    def stop(signum, frame):  # SIGTERM (a service manager) stops it like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    out.print(f"serving the explorers at {url}  (Ctrl-C stops)")
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        killed = stop_process_tree(proc.pid)
        proc.wait()
        out.print("stopped" + (f" (killed {len(killed)} process(es) that did not stop)" if killed else ""))
        code = 0
    raise typer.Exit(code)


if __name__ == "__main__":
    main()
