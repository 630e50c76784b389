"""The algorithm comparison picture: fit time, inertia relative to the best fit, and agreement
with the best lloyd partition, against k; one line (median) and band (min-max) per algorithm."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..definitions import ALGORITHM_SPREAD, ARI_TO_LLOYD, INERTIA_RATIO
from ..fit.algorithms import ALGORITHMS
from ..tables.methods import LINESTYLES
from .style import STYLE, int_ticks, save_marked

#: One colour per algorithm, none of them an init colour or a reserved one (plot_style).
ALGORITHM_COLORS = {
    "lloyd": "#9467bd",
    "elkan": "#17becf",
    "minibatch": "#e377c2",
    "bisecting": "#8c564b",
}
PANELS = (
    ("fit_time_s", "fit time (log scale)", True),
    ("inertia_ratio", INERTIA_RATIO, False),
    ("ari_to_best_lloyd", ARI_TO_LLOYD.replace(" lloyd", "\nlloyd"), False),
)


def _panel(ax, comparison: pd.DataFrame, prefix: str, log: bool) -> None:
    for algo in [a for a in ALGORITHMS if a in set(comparison["algorithm"])]:
        rows = comparison[comparison["algorithm"] == algo].sort_values("k")
        k = rows["k"].to_numpy(int)
        color = ALGORITHM_COLORS[algo]
        lo, hi = rows[f"{prefix}_min"].to_numpy(float), rows[f"{prefix}_max"].to_numpy(float)
        ax.fill_between(k, lo, hi, color=color, alpha=0.15, lw=0)
        wide = algo == "lloyd"  # wide, so that a line on top of it (elkan's) leaves it visible
        ax.plot(k, rows[f"{prefix}_median"].to_numpy(float), LINESTYLES[algo], color=color,
                marker="o", ms=5 if wide else 3.5, lw=3.2 if wide else 1.6, label=algo)
    if log:
        log_seconds(ax)


def seconds_label(v: float) -> str:
    return f"{v * 1e3:.3g} ms" if v < 1 else f"{v:.3g} s"


def log_seconds(ax) -> None:
    """A log axis of seconds labelled in plain ms and s (no mathtext: faster, and read at a
    glance): decades always, 2, 3 and 5 within them when the axis spans about a decade or
    less, every minor tick when it spans under half a decade."""
    from matplotlib.ticker import FuncFormatter

    def minor(v: float, _pos) -> str:
        lo, hi = ax.get_ylim()
        decades = np.log10(hi / lo) if lo > 0 else np.inf
        if decades < 0.5:
            return seconds_label(v)
        mantissa = v / 10 ** np.floor(np.log10(v) + 1e-9)
        keep = decades < 1.3 and any(abs(mantissa - m) < 1e-6 for m in (2, 3, 5))
        return seconds_label(v) if keep else ""

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: seconds_label(v)))
    ax.yaxis.set_minor_formatter(FuncFormatter(minor))


def _title(dataset: str, algorithms: list[str], skipped: list[str]) -> str:
    lines = [f"{dataset}: algorithms compared at each k", ALGORITHM_SPREAD]
    if len(algorithms) == 1:
        lines.append(f"only {algorithms[0]} swept: add algorithms to sweep.algorithm to compare")
    if skipped:
        lines.append("not fitted: " + "; ".join(skipped))
    return "\n".join(lines)


def draw_comparison(comparison, *, dataset: str, skipped=(), width=8, height=5, **_):
    """The comparison figure (three panels sharing k) and its marks (none)."""
    algorithms = [a for a in ALGORITHMS if a in set(comparison["algorithm"])]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(3, 1, figsize=(width, height * 1.6), sharex=True,
                                 layout="constrained")
        for ax, (prefix, label, log) in zip(axes, PANELS, strict=True):
            _panel(ax, comparison, prefix, log)
            ax.set_ylabel(label)
        ratio = comparison["inertia_ratio_max"].to_numpy(float)
        axes[1].set_ylim(0.995, max(1.01, float(np.nanmax(ratio)) * 1.01) if len(ratio) else 1.1)
        axes[2].set_ylim(min(0.0, float(np.nanmin(comparison["ari_to_best_lloyd_min"])))
                         if comparison["ari_to_best_lloyd_min"].notna().any() else 0.0, 1.05)
        axes[-1].set_xlabel("number of clusters k")
        int_ticks(axes[-1], comparison["k"].unique())
        axes[0].set_title(_title(dataset, algorithms, list(skipped)))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False,
                   fontsize=9)
    return fig, {}


def plot_comparison(comparison, path, *, dpi=150, **kw) -> dict:
    fig, marks = draw_comparison(comparison, **kw)
    return save_marked(fig, path, dpi, marks)
