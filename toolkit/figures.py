"""One seaborn theme and deterministic figure saving.

Same inputs give byte-identical files: the Agg backend, a fixed size and DPI,
SVG with a fixed ``svg.hashsalt`` and no date, PNG without software metadata.
Colours come from one colour-blind-safe palette.
"""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

#: Colour-blind-safe palette (seaborn's "colorblind", after Okabe & Ito).
PALETTE = sns.color_palette("colorblind")
RAG_COLOURS = {"green": PALETTE[2], "amber": PALETTE[1], "red": PALETTE[3], "grey": "#9e9e9e"}
SIZE = (8.0, 4.5)
DPI = 100
SEED = 20260119

RC = {
    "svg.hashsalt": "asc-scrutiny-toolkit",
    "svg.fonttype": "path",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": SIZE,
    "font.family": "DejaVu Sans",
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "path.simplify": True,
}


def apply_theme() -> None:
    """The toolkit's one theme; call before drawing (``figure`` does)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, rc=RC)
    matplotlib.rcParams.update(RC)


def figure(width: float = SIZE[0], height: float = SIZE[1], **subplots):
    """A new themed figure and its axes: ``fig, ax = figure()``."""
    apply_theme()
    return plt.subplots(figsize=(width, height), **subplots)


def waterfall(steps: pd.DataFrame, title: str = "", ylabel: str = "", colours: dict | None = None,
              width: float = 9.0, height: float = 4.5):
    """A waterfall chart from a frame of steps (``step``, ``kind``, ``start``,
    ``end``): each bar spans its step's start to end, coloured by ``kind``.
    The value axis starts below the lowest running total of the inner steps
    (not at zero), which the figure's summary should say."""
    fig, ax = figure(width, height)
    kinds = list(dict.fromkeys(steps["kind"]))
    colours = colours or {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}
    ax.bar(steps["step"], steps["end"] - steps["start"], bottom=steps["start"], color=[colours[k] for k in steps["kind"]])
    inner = steps.loc[steps["kind"] != kinds[0], ["start", "end"]]
    if not inner.empty:
        ax.set_ylim(inner.min().min() * 0.9, steps["end"].max() * 1.03)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    return fig, ax


def render(fig, fmt: str) -> bytes:
    """The figure's bytes in ``svg`` or ``png``, byte-identical for the same figure."""
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    elif fmt == "png":
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    else:
        raise ValueError(f"unknown figure format {fmt!r}")
    return buf.getvalue()


def save(fig, name: str, output_dir: str | Path | None, formats=("svg", "png")) -> dict[str, bytes]:
    """Render the figure; write ``<output_dir>/figures/<name>.<fmt>`` when an
    output folder is given.  Returns the bytes by format."""
    out = {fmt: render(fig, fmt) for fmt in formats}
    if output_dir:
        folder = Path(output_dir) / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        for fmt, data in out.items():
            (folder / f"{name}.{fmt}").write_bytes(data)
    return out


def show(fig, name: str, output_dir: str | Path | None = None, summary: str = ""):
    """Save the figure, display the very PNG that was saved, and close it.

    ``summary`` is a one-line text description shown under the figure (every
    figure has one, for readers who cannot see it).
    """
    from IPython.display import Image, Markdown, display

    # Without an output folder nothing is written, so only the PNG shown is drawn.
    data = save(fig, name, output_dir, formats=("svg", "png") if output_dir else ("png",))
    plt.close(fig)
    display(Image(data=data["png"], format="png", metadata={"alt": summary or name}))
    if summary:
        display(Markdown(f"*Figure {name}: {summary}*"))


def table(frame: pd.DataFrame, name: str, output_dir: str | Path | None = None, caption: str = ""):
    """Save a table as ``<output_dir>/tables/<name>.csv`` and display it.

    The CSV is what ``scrutiny reproduce`` compares as data.
    """
    from IPython.display import Markdown, display

    if output_dir:
        folder = Path(output_dir) / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    if caption:
        display(Markdown(f"**{caption}**"))
    display(Shown(frame, name if output_dir else ""))


class Shown:
    """A table as a reader sees it: the columns the CSV holds, without the
    row numbers pandas adds (an index that carries labels is kept), every
    row up to :data:`FULL_ROWS`; a longer table shows its first and last rows
    and says where the whole of it is.  ``classes`` are CSS classes of the
    HTML table; ``float_format`` formats its floats."""

    def __init__(self, frame: pd.DataFrame, name: str = "", classes: str | None = None, float_format=None):
        self.index = frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex)
        # a name on the columns (left by a pivot) would stand as a stray header without the index
        self.frame, self.name = (frame if self.index else frame.rename_axis(columns=None)), name
        self.cut = len(frame) > FULL_ROWS
        self.classes, self.float_format = classes, float_format

    def _options(self) -> dict:
        return {"max_rows": CUT_ROWS if self.cut else None, "max_cols": None, "index": self.index, "na_rep": "",
                "float_format": self.float_format, "formatters": self._whole_columns()}

    def _whole_columns(self) -> dict:
        """Float columns whose every value is a whole number (money in £000,
        counts next to a blank) are shown without a trailing ".0", as printed;
        no thousands separator, since years and line numbers are numbers too."""
        if self.float_format is not None:
            return {}
        out = {}
        for column, values in self.frame.items():
            if pd.api.types.is_float_dtype(values.dtype):
                finite = values[values.notna()]
                if len(finite) and bool((finite == finite.round()).all()) and bool(finite.abs().lt(1e15).all()):
                    out[column] = _whole
        return out

    def _note(self) -> str:
        where = f"; every row is in tables/{self.name}.csv" if self.name else ""
        return f"{len(self.frame)} rows, the first and last {CUT_ROWS // 2} shown{where}" if self.cut else ""

    def _repr_html_(self) -> str:
        note = f"<p><em>{self._note()}</em></p>" if self.cut else ""
        return self.frame.to_html(**self._options(), classes=self.classes, border=0) + note

    def __repr__(self) -> str:
        return self.frame.to_string(**self._options()) + (f"\n{self._note()}" if self.cut else "")


def _whole(value) -> str:
    return "" if pd.isna(value) else f"{value + 0.0:.0f}"  # + 0.0: no "-0"


#: Tables up to this many rows are shown whole; longer ones show CUT_ROWS.
FULL_ROWS = 250
CUT_ROWS = 40


def small_multiples(frame: pd.DataFrame, x: str, y: str, facet: str, hue: str, *, columns: int = 5,
                    panel: tuple[float, float] = (2.4, 1.9), xticks=None, xlabel: str = "", ylabel: str = "",
                    hue_order=None):
    """One small panel per ``facet`` value (in order of appearance), a line
    with markers per ``hue`` value in the toolkit's palette and markers, each
    panel on its own y scale, one legend for the figure.  Drawn with plain
    matplotlib: dozens of panels in a fraction of the time of a seaborn
    FacetGrid.  Returns the figure."""
    facets = list(dict.fromkeys(frame[facet]))
    present = list(dict.fromkeys(frame[hue]))
    hues = [h for h in (hue_order or []) if h in present] + [h for h in present if h not in (hue_order or [])]
    rows = max(1, -(-len(facets) // columns))
    fig, axes = figure(panel[0] * columns, panel[1] * rows + 0.6, nrows=rows, ncols=columns, squeeze=False,
                       sharex=True)
    markers = "osD^vP*X"
    style = {h: (PALETTE[i % len(PALETTE)], markers[i % len(markers)]) for i, h in enumerate(hues)}
    flat = axes.ravel()
    for ax, (name, part) in zip(flat, frame.groupby(facet, sort=False)):
        for h, line in part.groupby(hue, sort=False):
            colour, marker = style[h]
            ax.plot(line[x], line[y], color=colour, marker=marker, markersize=3.5, linewidth=1.2, label=str(h))
        ax.set_title(str(name), fontsize=8)
        ax.tick_params(labelsize=7)
    if xticks is not None:
        flat[0].set_xticks(xticks)  # the panels share one x axis: its ticks are set once for all
    for ax in flat[len(facets):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel, fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel, fontsize=8)
    handles = [plt.Line2D([], [], color=c, marker=m, linewidth=1.2, label=str(h)) for h, (c, m) in style.items()]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.subplots_adjust(left=0.05, right=0.99, top=1 - 0.35 / fig.get_figheight(), bottom=0.9 / fig.get_figheight(),
                        hspace=0.55, wspace=0.3)
    return fig
