"""What every plot shares: one colour per init method, the colours of best fit / pick /
recommendation (never an init colour), the marks, and saving with the marked ks recorded."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..definitions import BEST_FIT, DEGENERATE, PICK
from ..io import atomic_path

INIT_COLORS = {"k-means++": "#1f77b4", "random": "#ff7f0e", "pca": "#2ca02c"}
#: Colours for init methods not listed above, given out in sorted order of their names.
SPARE_INIT_COLORS = ("#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
BEST_COLOR = "black"  # the best-fit curve (or the curve a criterion picks on)
MEAN_COLOR = "0.55"  # the mean over all fits, in criteria.png
PICK_COLOR = "#d62728"  # a criterion's pick
REC_COLOR = "gold"  # the recommended k
RESERVED_COLORS = (BEST_COLOR, MEAN_COLOR, PICK_COLOR, REC_COLOR)

STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "axes.titlesize": 11,
}
MARKS_KEY = "kmeans_sweep_marks"


def init_colors(inits) -> dict[str, str]:
    """{init or method: colour}: fixed for the known inits, the same in every plot; a method
    "init / algorithm" (methods.py) has its init's colour (its algorithm: methods.linestyle)."""
    from ..tables.methods import split

    bare = {str(i): split(i)[0] for i in inits}
    others = sorted({b for b in bare.values() if b not in INIT_COLORS})
    spare = {init: SPARE_INIT_COLORS[i % len(SPARE_INIT_COLORS)] for i, init in enumerate(others)}
    return {m: INIT_COLORS.get(b, spare.get(b)) for m, b in bare.items()}


def line_groups(fits: pd.DataFrame):
    """(method, label, linestyle, rows) per line to draw: one per method (methods.py), in the
    init's colour and the algorithm's line style."""
    from ..tables.methods import linestyle

    for method, rows in fits.groupby("init", sort=False):
        yield str(method), str(method), linestyle(method), rows


def mark_pick(ax, ks, values, pick: int | None, label: str | None = PICK) -> None:
    """A criterion's pick: a dashed vertical line and a ring on the curve it was picked on."""
    if pick is None:
        return
    ax.axvline(pick, color=PICK_COLOR, ls="--", lw=1.2, zorder=1, label=label)
    ks = np.asarray(ks)
    values = np.asarray(values, dtype=float)
    hit = np.flatnonzero(ks == pick)
    if hit.size and np.isfinite(values[hit[0]]):
        ax.plot([pick], [values[hit[0]]], "o", ms=9, mfc="none", mec=PICK_COLOR, mew=2, zorder=5)


def mark_recommended(ax, rec: int | None, label: str | None = None) -> None:
    if rec is not None:
        ax.axvspan(rec - 0.4, rec + 0.4, color=REC_COLOR, alpha=0.35, zorder=0, lw=0, label=label)


def shade_degenerate(ax, ks, label: str | None = DEGENERATE) -> None:
    """Grey hatched bands over the degenerate ks (choose/degenerate.py), labelled once."""
    for k in sorted(int(k) for k in ks):
        ax.axvspan(k - 0.5, k + 0.5, facecolor="0.9", edgecolor="0.7", hatch="///", lw=0,
                   zorder=0, label=label)
        label = None


def draw_best(ax, ks, values, label: str | None = BEST_FIT) -> None:
    ax.plot(ks, values, color=BEST_COLOR, lw=1.2, marker=".", ms=6, zorder=4, label=label)


def int_ticks(ax, ks) -> None:
    ks = sorted(int(k) for k in ks)
    if ks:
        step = max(1, -(-len(ks) // 20))
        ax.set_xticks(ks[::step])
        ax.set_xlim(ks[0] - 0.6, ks[-1] + 0.6)


def save_marked(fig, path, dpi: int, marks: dict) -> dict:
    """Save the figure with the ks it marks in the PNG's metadata; return ``marks``."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, metadata={MARKS_KEY: json.dumps(marks, sort_keys=True)})
    plt.close(fig)
    return marks


def read_marks(path) -> dict:
    """The ks a plot marks, from its PNG metadata."""
    from PIL import Image

    with Image.open(path) as img:
        return json.loads(img.text[MARKS_KEY])


def cluster_colors(k: int) -> list:
    """Colours of clusters 0..k-1 (the same in the cluster picture and the silhouette
    diagrams): a rainbow, a different family from the classes' tab10/tab20."""
    cmap = plt.get_cmap("nipy_spectral")
    return [cmap(0.06 + 0.88 * i / max(k - 1, 1)) for i in range(k)]
