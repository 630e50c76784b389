"""The sweep's curves: elbow (inertia and fit time vs k) and silhouette vs k.

Each ``draw_*`` returns ``(figure, marks)``: marks are the ks the figure marks, taken from the
choose_k table (never recomputed here). Each ``plot_*`` saves that figure with its marks in the
PNG metadata and returns the marks.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from ..choose.degenerate import degenerate_ks
from ..choose.verdict import picks
from ..definitions import RULES, SEED_BAND
from .style import (
    STYLE,
    draw_best,
    init_colors,
    int_ticks,
    line_groups,
    mark_pick,
    save_marked,
    shade_degenerate,
)

COMPACT_LINES = 6  # more lines than this (several algorithms): short legend entries


def _with_coverage(text: str, ks, all_ks) -> str:
    """The legend text of a line fitted at fewer ks than the sweep (init pca is skipped at k >
    the number of features) with "k ≤ 4 only" added (inside its parentheses if it has some)."""
    ks, all_ks = sorted(ks), sorted(all_ks)
    if ks == all_ks or not ks:
        return text
    if ks == [k for k in all_ks if k <= ks[-1]]:
        note = f"k ≤ {ks[-1]} only"
    else:
        note = f"{len(ks)} of {len(all_ks)} k only"
    return f"{text[:-1]}; {note})" if text.endswith(")") else f"{text} ({note})"


def _line_text(label: str, n: int, sd: pd.Series, compact: bool) -> str:
    if n == 1:
        return f"{label} (1 seed)"
    if (sd == 0).all():
        return f"{label} (the same for all {n} seeds)"
    return label if compact else f"{label}: mean of {n} seeds, {SEED_BAND}"


def _draw_init_lines(ax, fits: pd.DataFrame, metric: str) -> str | None:
    """One line per init, or per method "init / algorithm" (mean over seeds) with a ±1 sd band,
    in the init's colour and the algorithm's line style. With many lines the legend entries
    are short and the returned legend title says what the lines are."""
    colors = init_colors(fits["init"].unique())
    groups = list(line_groups(fits))
    compact = len(groups) > COMPACT_LINES
    n_seeds = 0
    for init, label, ls, rows in groups:
        stats = rows.groupby("k")[metric].agg(["mean", "std", "count"]).sort_index()
        n = int(stats["count"].max())
        n_seeds = max(n_seeds, n)
        sd = stats["std"].fillna(0)
        mean = stats["mean"]
        text = _with_coverage(_line_text(label, n, sd, compact), stats.index, fits["k"].unique())
        ax.plot(mean.index, mean, ls, color=colors[init], marker="o", ms=3.5, lw=1.6, label=text)
        if n > 1 and (sd > 0).any():
            ax.fill_between(mean.index, mean - sd, mean + sd, color=colors[init], alpha=0.15, lw=0)
    return f"init / algorithm: mean of {n_seeds} seeds, {SEED_BAND}" if compact else None


def _legend_below(fig, ax, title: str | None = None) -> None:
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=8,
               frameon=False, title=title, title_fontsize=8, handlelength=3.5 if title else 2)


def _best_curve(fits: pd.DataFrame, metric: str) -> pd.Series:
    """The metric of the best fit (lowest inertia) at each k, as choose_k scores it."""
    from ..choose.choose_k import criteria_by_k

    by_k = criteria_by_k(fits)
    return pd.Series(by_k[metric].to_numpy(float), index=by_k["k"].to_numpy(int))


def draw_elbow(fits, choice, *, dataset: str, width=8, height=5, **_):
    """Inertia vs k: per init (mean ± sd over seeds), the best fit, the elbow pick; fit time
    below."""
    pick = picks(choice).get("elbow")
    with plt.rc_context(STYLE):
        fig, (ax, axt) = plt.subplots(
            2, 1, figsize=(width, height * 1.3), sharex=True, height_ratios=[3, 1],
            layout="constrained",
        )
        title = _draw_init_lines(ax, fits, "inertia")
        best = _best_curve(fits, "inertia")
        shade_degenerate(ax, degenerate_ks(fits))
        draw_best(ax, best.index, best.to_numpy())
        mark_pick(ax, best.index, best.to_numpy(), pick, label=f"elbow pick: k = {pick}")
        ax.set_ylabel("inertia (within-cluster SS)")
        sub = RULES["elbow"] if pick is not None else "no knee found"
        ax.set_title(f"{dataset}: elbow curve\n{sub}")
        t = fits.groupby("k")["fit_seconds"].mean().sort_index()
        axt.plot(t.index, t.to_numpy(), color="0.35", marker=".", lw=1.2)
        axt.set_ylabel("fit time (s)\nmean of all fits")
        axt.set_ylim(bottom=0)
        axt.set_xlabel("number of clusters k")
        int_ticks(axt, best.index)
        _legend_below(fig, ax, title)
    return fig, {"elbow": pick}


def draw_silhouette(fits, choice, *, dataset: str, width=8, height=5, **_):
    """Mean silhouette vs k per init (± sd over seeds), the best fit and the silhouette pick."""
    pick = picks(choice).get("silhouette")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, height * 1.15), layout="constrained")
        title = _draw_init_lines(ax, fits, "silhouette")
        best = _best_curve(fits, "silhouette")
        shade_degenerate(ax, degenerate_ks(fits))
        draw_best(ax, best.index, best.to_numpy())
        value = best.get(pick, float("nan")) if pick is not None else float("nan")
        label = f"silhouette pick: k = {pick} ({value:.3f})"
        mark_pick(ax, best.index, best.to_numpy(), pick, label=label)
        ax.set_xlabel("number of clusters k")
        ax.set_ylabel("mean silhouette coefficient (higher is better)")
        n_sil = int(fits["silhouette_sample_size"].max()) if "silhouette_sample_size" in fits else 0
        sampled = 0 < n_sil < int(fits.get("n_samples", pd.Series([0])).max())
        sub = f", on a fixed sample of {n_sil} points" if sampled else ""
        ax.set_title(f"{dataset}: silhouette vs k{sub}\n{RULES['silhouette']}")
        int_ticks(ax, best.index)
        _legend_below(fig, ax, title)
    return fig, {"silhouette": pick}


def plot_elbow(fits, choice, path, *, dpi=150, **kw) -> dict:
    fig, marks = draw_elbow(fits, choice, **kw)
    return save_marked(fig, path, dpi, marks)


def plot_silhouette(fits, choice, path, *, dpi=150, **kw) -> dict:
    fig, marks = draw_silhouette(fits, choice, **kw)
    return save_marked(fig, path, dpi, marks)


__all__ = ["draw_elbow", "draw_silhouette", "plot_elbow", "plot_silhouette"]
