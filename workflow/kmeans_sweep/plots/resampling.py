"""The resampling pictures (issue 19): the consensus CDF, PAC against the null and prediction
strength vs k in one figure; a consensus matrix at one k; per-cluster stability with Hennig's
bands.

Pure functions over the resampling tables (no workflow). Each ``draw_*`` returns ``(figure,
marks)``: the marks are the picks it is given (the choose_k table's), never recomputed here;
each ``plot_*`` saves with the marks in the PNG metadata and returns them.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from ..definitions import (
    BEATS_NULL,
    CLUSTER_CONSENSUS,
    JACCARD_BARS,
    MATRIX_ORDER,
    NULL_BAND,
    NULL_MEAN,
    PAC_WINDOW,
    PICK,
    PS_CUTOFF,
    PS_CUTOFF_LINE,
    PS_SPREAD,
    RCSI_LINE,
    RULES,
    STABILITY_BANDS,
)
from .style import (
    BEST_COLOR,
    PICK_COLOR,
    REC_COLOR,
    STYLE,
    cluster_colors,
    int_ticks,
    mark_pick,
    mark_recommended,
    save_marked,
)

__all__ = [
    "consensus_order",
    "draw_cluster_stability",
    "draw_consensus_matrix",
    "draw_resampling",
    "plot_cluster_stability",
    "plot_consensus_matrix",
    "plot_resampling",
]

#: The picks resampling.png marks, as the choose_k table names them.
PICKS = ("consensus", "prediction_strength", "recommended")
NO_STRUCTURE = 1  # a pick of k = 1: the data show no cluster structure
NULL_COLOR = "#8da0b3"
WINDOW_COLOR = "0.93"
RCSI_COLOR = "#6a3d9a"
CONSENSUS_CMAP = LinearSegmentedColormap.from_list("consensus", ["white", "#08306b"])
BAND_COLORS = {"highly stable": "#a8d5a0", "stable": "#d6edd0", "doubtful": "#fde4c4",
               "not to be trusted": "#f6c9c9"}
_WRAP = 100  # characters per title line at the default 8 in


def _k(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _empty(ax, title: str, text: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_yticks([])


def _title(label: str, crit: str, pick: int | None, none: str) -> str:
    said = none if pick is None else f"k = {pick}"
    return "\n".join([f"{label}: {said}", *textwrap.wrap(RULES[crit], _WRAP)])


# --------------------------------------------------------------------------- #
# resampling.png: consensus CDF, PAC vs k, prediction strength vs k
# --------------------------------------------------------------------------- #
def answer(marks: dict, dataset: str) -> str:
    """The figure's first line: both resampling picks and the recommended k, or that the data
    show no cluster structure (choose_k's verdict, from the gap statistic's test of k = 1)."""
    words = {"consensus": ("consensus", "no pick"),
             "prediction_strength": ("prediction strength", f"no k above {PS_CUTOFF}")}
    parts = [f"{name}: {none}" if marks.get(crit) is None else f"{name} k = {marks[crit]}"
             for crit, (name, none) in words.items()]
    rec = marks.get("recommended")
    if rec == NO_STRUCTURE:
        return f"{dataset}: no cluster structure (recommended k = 1); {', '.join(parts)}"
    tail = "" if rec is None else f"; recommended k = {rec}"
    return f"{dataset}: {', '.join(parts)}{tail}"


def settings_line(table: pd.DataFrame) -> str:
    """How the statistics were made: subsamples, fits, null references, pairs used."""
    if len(table) == 0:
        return "no resampling statistics"
    r = table.iloc[0]
    refs = int(r["null_references"]) if pd.notna(r["null_references"]) else 0
    splits = int(r["ps_splits"]) if pd.notna(r["ps_splits"]) else 0
    fits = (f"{int(r['resamples'])} subsamples of {float(r['fraction']):.0%} of the rows per k, "
            f"each fitted by {r['method']} (n_init = {int(r['n_init'])})")
    null = f"{refs} null reference{'s' if refs != 1 else ''}; " + (
        f"prediction strength over {splits} half-splits" if splits else "prediction strength off")
    pairs = int(table["pairs_used"].max())
    if bool(table["every_pair"].all()):
        used = f"consensus statistics over every pair of rows ({pairs:,} pairs)"
    else:
        used = (f"consensus statistics over a fixed uniform sample of {pairs:,} pairs "
                "(PAC ± its SE)")
    return "\n".join([fits, null, used])


def _k_colors(ks) -> tuple[list, ListedColormap, BoundaryNorm]:
    colors = list(plt.get_cmap("viridis")(np.linspace(0.0, 0.88, max(len(ks), 1))))
    cmap = ListedColormap(colors)
    return colors, cmap, BoundaryNorm(np.arange(len(ks) + 1) - 0.5, len(ks))


def _cdf_panel(ax, cdf: pd.DataFrame, pick: int | None, window) -> None:
    x1, x2 = window
    title = ("Consensus CDF per k (the data)\n"
             f"PAC = share of pairs with {x1:g} < M ≤ {x2:g} (the shaded {PAC_WINDOW})")
    data = cdf[cdf["source"] == "data"] if len(cdf) else cdf
    if len(data) == 0:
        return _empty(ax, title, "no consensus CDF")
    ks = sorted(int(k) for k in data["k"].unique())
    colors, cmap, norm = _k_colors(ks)
    ax.axvspan(x1, x2, color=WINDOW_COLOR, lw=0, zorder=0)
    for k, color in zip(ks, colors, strict=True):
        c = data[data["k"] == k].sort_values("x")
        heavy = k == pick
        ax.plot(c["x"], c["F"], color=color, lw=2.8 if heavy else 1.1, zorder=3 if heavy else 2)
    bar = ax.figure.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01,
                             aspect=12, fraction=0.04)
    step = max(1, -(-len(ks) // 10))
    bar.set_ticks(range(0, len(ks), step), labels=[str(k) for k in ks[::step]])
    bar.set_label("k")
    bar.ax.grid(False)
    handles = [Patch(facecolor=WINDOW_COLOR, edgecolor="0.6", lw=0.5,
                     label=f"{PAC_WINDOW} ({x1:g}, {x2:g}]")]
    if pick is not None and pick in ks:
        handles.append(Line2D([], [], color=colors[ks.index(pick)], lw=2.8,
                              label=f"k = {pick}: the consensus pick"))
    ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=False)
    ax.set(xlim=(0, 1), ylim=(0, 1.02), title=title, xlabel="consensus M(i, j)",
           ylabel="share of pairs with M ≤ x")


def _marks(ax, ks, values, pick, rec) -> None:
    """The pick and the recommended k, where they are swept ks (k = 1 is not drawn)."""
    mark_recommended(ax, rec if rec in set(ks) else None)
    mark_pick(ax, ks, values, pick if pick in set(ks) else None, label=None)


def _has(t: pd.DataFrame, col: str) -> bool:
    return col in t and bool(t[col].notna().any())


def _null_band(ax, t: pd.DataFrame, ks) -> list:
    if not _has(t, "pac_ref_mean"):
        return []
    ax.fill_between(ks, t["pac_ref_min"], t["pac_ref_max"], color=NULL_COLOR, alpha=0.35, lw=0,
                    zorder=1)
    ax.plot(ks, t["pac_ref_mean"], ls="--", color=NULL_COLOR, lw=1.4, zorder=2)
    return [Patch(color=NULL_COLOR, alpha=0.35, label=NULL_BAND),
            Line2D([], [], ls="--", color=NULL_COLOR, lw=1.4, label=NULL_MEAN)]


def _rcsi_axis(ax, t: pd.DataFrame, ks) -> list:
    if not _has(t, "rcsi"):
        return []
    twin = ax.twinx()
    twin.errorbar(ks, t["rcsi"], yerr=t["rcsi_se"].fillna(0), color=RCSI_COLOR, marker="s",
                  ms=3, lw=1.0, capsize=2, zorder=2)
    twin.axhline(0, color=RCSI_COLOR, lw=0.6, alpha=0.5)
    twin.spines["right"].set_visible(True)
    twin.grid(False)
    twin.tick_params(axis="x", labelbottom=False)  # the PAC axis labels k
    twin.set_ylabel("RCSI", color=RCSI_COLOR)
    twin.tick_params(axis="y", colors=RCSI_COLOR)
    ax.set_zorder(twin.get_zorder() + 1)  # the PAC line and the pick above the RCSI line
    ax.patch.set_visible(False)
    return [Line2D([], [], color=RCSI_COLOR, marker="s", ms=3, lw=1.0, label=RCSI_LINE)]


def _beats_null(t: pd.DataFrame) -> np.ndarray:
    """The ks the consensus rule says beat the null (the table's ``beats_null``, computed by
    choose/resampling/picks.py: one definition)."""
    if "beats_null" not in t:
        return np.zeros(len(t), dtype=bool)
    return t["beats_null"].fillna(False).to_numpy(bool)


def _pac_panel(ax, t: pd.DataFrame, pick, rec) -> list:
    title = _title("Consensus", "consensus", pick, "no pick (no k beats the null, or at the edge)")
    if not _has(t, "pac"):
        _empty(ax, title, "PAC not computed")
        return []
    ks = t["k"].to_numpy(int)
    pac = t["pac"].to_numpy(float)
    handles = _null_band(ax, t, ks)
    sampled = not bool(t["every_pair"].all())
    ax.errorbar(ks, pac, yerr=t["pac_se"].fillna(0) if sampled else None, color=BEST_COLOR,
                lw=1.2, capsize=3, zorder=4)
    low = _beats_null(t)
    ax.plot(ks[~low], pac[~low], "o", ms=5, mfc="white", mec=BEST_COLOR, zorder=5)
    ax.plot(ks[low], pac[low], "o", ms=5, color=BEST_COLOR, zorder=5)
    label = "PAC of the data" + (" ± SE (sampled pairs)" if sampled else "")
    handles.insert(0, Line2D([], [], color=BEST_COLOR, marker="o", mfc="white", lw=1.2,
                             label=label))
    if handles[1:]:
        handles.insert(1, Line2D([], [], ls="", marker="o", color=BEST_COLOR,
                                 label=BEATS_NULL))
    _marks(ax, ks, pac, pick, rec)
    tops = [t[c].max() for c in ("pac", "pac_ref_max") if _has(t, c)]
    ax.set_ylim(0, max(0.05, 1.12 * float(max(tops))))
    ax.set_title(title)
    ax.set_ylabel("PAC")
    return handles + _rcsi_axis(ax, t, ks)


def _ps_panel(ax, t: pd.DataFrame, pick, rec) -> list:
    title = _title("Prediction strength", "prediction_strength", pick,
                   f"no k above {PS_CUTOFF}")
    if not _has(t, "ps_mean"):
        _empty(ax, title, "prediction strength not computed")
        return []
    ks = t["k"].to_numpy(int)
    ps, sd = t["ps_mean"].to_numpy(float), t["ps_sd"].fillna(0).to_numpy(float)
    ax.fill_between(ks, ps - sd, np.minimum(ps + sd, 1.0), color=BEST_COLOR, alpha=0.12, lw=0)
    ax.plot(ks, ps, color=BEST_COLOR, lw=1.2, marker="o", ms=4, zorder=4)
    ax.axhline(PS_CUTOFF, color="0.25", ls=":", lw=1.2, zorder=2)
    _marks(ax, ks, ps, pick, rec)
    ax.set_ylim(min(0.0, float(np.nanmin(ps - sd))), 1.05)
    ax.set_title(title)
    ax.set_ylabel("prediction strength")
    return [Line2D([], [], color=BEST_COLOR, marker="o", ms=4, lw=1.2,
                   label=f"prediction strength, {PS_SPREAD}"),
            Line2D([], [], color="0.25", ls=":", lw=1.2, label=PS_CUTOFF_LINE)]


def draw_resampling(table, cdf, picks: dict, *, dataset: str, window=(0.1, 0.9), width=8,
                    height=5, **_):
    """The consensus CDF per k (PAC window shaded, the consensus pick heavier), PAC vs k
    against the null references' band with the RCSI, and prediction strength vs k with the
    cutoff line; the picks (``picks``: the choose_k table's) marked, the recommended k as a gold
    band. Returns (figure, {consensus, prediction_strength, recommended: k or None})."""
    marks = {c: _k(picks.get(c)) for c in PICKS}
    t = table.sort_values("k").reset_index(drop=True)
    rec = marks["recommended"]
    with plt.rc_context({**STYLE, "axes.titlesize": 10}):
        fig = plt.figure(figsize=(width, 2.1 * height), layout="constrained")
        ax_cdf, ax_pac, ax_ps = fig.subplots(3, 1, height_ratios=[1.15, 1, 1])
        _cdf_panel(ax_cdf, cdf, marks["consensus"], window)
        handles = _pac_panel(ax_pac, t, marks["consensus"], rec)
        handles += _ps_panel(ax_ps, t, marks["prediction_strength"], rec)
        for ax in (ax_pac, ax_ps):
            int_ticks(ax, t["k"])
            ax.set_xlabel("k (number of clusters)")
        if any(marks[c] in set(t["k"]) for c in ("consensus", "prediction_strength")):
            handles.append(Line2D([], [], color=PICK_COLOR, ls="--", marker="o", mfc="none",
                                  label=PICK))
        if rec is not None and rec != NO_STRUCTURE:
            handles.append(Patch(color=REC_COLOR, alpha=0.35, label=f"recommended k = {rec}"))
        fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8,
                   frameon=False)
        fig.suptitle(f"{answer(marks, dataset)}\n{settings_line(t)}", fontsize=10)
    return fig, marks


def plot_resampling(table, cdf, picks, path, *, dataset: str, dpi: int = 150, **kw) -> dict:
    fig, marks = draw_resampling(table, cdf, picks, dataset=dataset, **kw)
    return save_marked(fig, path, dpi, marks)


# --------------------------------------------------------------------------- #
# the consensus matrix at one k
# --------------------------------------------------------------------------- #
def consensus_order(labels, item) -> np.ndarray:
    """Row order of the heatmap: by cluster, then by item consensus, highest first (stable;
    a missing item consensus last in its cluster)."""
    item = np.nan_to_num(np.asarray(item, dtype=float), nan=-np.inf)
    return np.lexsort((-item, np.asarray(labels)))


def _cluster_bar(ax, labels: np.ndarray, k: int) -> None:
    """The sampled rows' clusters as a colour bar left of the heatmap, numbered where a
    cluster's block is tall enough to hold its number."""
    n_colors = max(k, int(labels.max()) + 1)
    bar = ax.inset_axes([-0.05, 0, 0.035, 1])
    bar.imshow(labels[:, None], cmap=ListedColormap(cluster_colors(n_colors)), vmin=-0.5,
               vmax=n_colors - 0.5, aspect="auto", interpolation="nearest")
    starts = np.r_[0, np.flatnonzero(np.diff(labels)) + 1]
    ends = np.r_[starts[1:], labels.size]
    min_gap = labels.size / 28  # about one line of 7-point text at the default size
    ticks, last = [], -np.inf
    for s, e in zip(starts, ends, strict=True):
        centre = (s + e - 1) / 2
        if centre - last >= min_gap:
            ticks.append((centre, str(labels[s])))
            last = centre
    for b in starts[1:] - 0.5:
        bar.axhline(b, color="white", lw=0.8)
    bar.grid(False)
    bar.set_xticks([])
    bar.set_yticks([c for c, _ in ticks], labels=[t for _, t in ticks], fontsize=7)
    bar.tick_params(axis="y", length=0, pad=2)
    bar.set_ylabel("cluster", fontsize=8)
    for spine in bar.spines.values():
        spine.set_visible(False)


def _sample_words(s: int, n: int | None) -> str:
    return "" if n is None or s >= n else f" (sample of {s:,} of {int(n):,} rows)"


def draw_consensus_matrix(M, labels, item, k: int, n: int | None = None, *, dataset: str = "",
                          picked_by=(), **_):
    """The consensus matrix of the sampled rows at k as a heatmap (white 0 to dark blue 1):
    rows and columns by the best fit's cluster, then by item consensus (highest first), thin
    lines between clusters, the clusters as a colour bar at the side. ``n``: every row of the
    data (the title says "sample of s of n rows" when fewer were drawn); ``picked_by``: the
    criteria picking k. Returns (figure, {"k": k})."""
    M = np.asarray(M, dtype=float)
    labels = np.asarray(labels).ravel()
    if M.shape != (labels.size, labels.size) or np.size(item) != labels.size:
        raise ValueError("M must be s x s for s labels and s item consensus values")
    order = consensus_order(labels, item)
    lab = labels[order]
    head = f"{dataset + ': ' if dataset else ''}consensus matrix, k = {k}"
    lines = [head + _sample_words(labels.size, n), MATRIX_ORDER]
    if picked_by:
        lines.append("k picked by: " + ", ".join(picked_by))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.2, 6.6), layout="constrained")
        ax.grid(False)
        if labels.size == 0:
            _empty(ax, "\n".join(lines), "no rows")
            return fig, {"k": int(k)}
        im = ax.imshow(M[np.ix_(order, order)], cmap=CONSENSUS_CMAP, vmin=0, vmax=1,
                       interpolation="nearest")
        for b in np.flatnonzero(np.diff(lab)) + 0.5:
            ax.axhline(b, color="0.4", lw=0.6)
            ax.axvline(b, color="0.4", lw=0.6)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set(visible=True, color="0.4", lw=0.6)
        _cluster_bar(ax, lab, k)
        fig.colorbar(im, ax=ax, shrink=0.85, pad=0.02, label="consensus M(i, j)")
        ax.set_title("\n".join(lines), fontsize=10)
    return fig, {"k": int(k)}


def plot_consensus_matrix(M, labels, item, k, n, path, *, dpi: int = 150, **kw) -> dict:
    fig, marks = draw_consensus_matrix(M, labels, item, k, n, **kw)
    return save_marked(fig, path, dpi, marks)


# --------------------------------------------------------------------------- #
# cluster stability: clusterboot Jaccard per cluster, Hennig's bands
# --------------------------------------------------------------------------- #
def _bands(ax) -> None:
    """Hennig's bands in the background, named at the right edge."""
    top = 1.0
    at_right = blended_transform_factory(ax.transAxes, ax.transData)
    for lower, name in STABILITY_BANDS:
        ax.axhspan(lower, top, color=BAND_COLORS[name], lw=0, zorder=0)
        ax.text(1.01, (lower + top) / 2, name, transform=at_right, fontsize=7, va="center",
                ha="left", color="0.25")
        top = lower


def _size(n) -> str:
    n = int(n)
    return f"{n:,}" if n < 10_000 else f"{n / 1000:.0f}k" if n < 1_000_000 else f"{n / 1e6:.1f}M"


def _stability_panel(ax, rows: pd.DataFrame, k: int, picked_by) -> None:
    _bands(ax)
    who = f" ({', '.join(picked_by)})" if picked_by else ""
    if len(rows) == 0:
        _empty(ax, f"k = {k}{who}", "no cluster stability at this k")
        return
    rows = rows.sort_values("cluster")
    x = np.arange(len(rows))
    colors = cluster_colors(max(k, int(rows["cluster"].max()) + 1))
    ax.bar(x, rows["jaccard_mean"], width=0.7, color=[colors[int(c)] for c in rows["cluster"]],
           edgecolor="0.2", lw=0.5, zorder=2)
    ax.plot(x, rows["cluster_consensus"], "D", ms=5, mfc="white", mec="black", mew=1.2,
            zorder=3)
    ax.set_xticks(x, labels=[f"{int(c)}\n{_size(s)}" for c, s in
                             zip(rows["cluster"], rows["size"], strict=True)],
                  fontsize=7 if len(rows) > 12 else 8)
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylim(0, 1.02)
    ax.grid(axis="x", visible=False)
    cut = dict((name, lower) for lower, name in STABILITY_BANDS)["stable"]
    stable = int((rows["jaccard_mean"] >= cut).sum())
    ax.set_title(f"k = {k}{who}: {stable} of {len(rows)} clusters stable (mean Jaccard ≥ "
                 f"{cut:g})")
    ax.set_ylabel("mean Jaccard")


def draw_cluster_stability(clusters, ks, *, dataset: str, picks: dict | None = None,
                           width=8, height=5, **_):
    """One panel per k of ``ks`` (the recommended k and the resampling picks): each cluster of
    the best fit as a bar of its clusterboot mean Jaccard (labelled with its size), its
    cluster consensus as a diamond, Hennig's bands behind. ``picks``: the choose_k table's
    {criterion: k}, to say which criteria pick each k. Returns (figure, {"ks": [...]})."""
    ks = sorted({int(k) for k in ks if k is not None and not pd.isna(k)})
    picks = picks or {}
    with plt.rc_context({**STYLE, "axes.titlesize": 10}):
        fig = plt.figure(figsize=(width, max(height, 1.6 + 2.3 * max(len(ks), 1))),
                         layout="constrained")
        axes = fig.subplots(max(len(ks), 1), 1, squeeze=False)[:, 0]
        if not ks:
            _empty(axes[0], "no k to show", "no recommended k and no resampling pick")
        for ax, k in zip(axes, ks, strict=False):
            who = [c.replace("_", " ") for c, v in picks.items() if _k(v) == k]
            _stability_panel(ax, clusters[clusters["k"] == k], k, who)
        axes[-1].set_xlabel("cluster of the best fit, with its size")
        fig.legend(handles=[
            Patch(facecolor="0.6", edgecolor="0.2", label=f"{JACCARD_BARS} over the subsamples"
                  " (bar, in the cluster's colour)"),
            Line2D([], [], ls="", marker="D", mfc="white", mec="black", mew=1.2,
                   label=CLUSTER_CONSENSUS)], loc="outside lower center", ncol=1, fontsize=8,
            frameon=False)
        fig.suptitle(f"{dataset}: stability of each cluster of the best fit\n"
                     "Hennig's bands: < 0.6 not to be trusted, 0.6–0.75 doubtful, ≥ 0.75 "
                     "stable, ≥ 0.85 highly stable", fontsize=10)
    return fig, {"ks": ks}


def plot_cluster_stability(clusters, ks, path, *, dataset: str, dpi: int = 150, **kw) -> dict:
    fig, marks = draw_cluster_stability(clusters, ks, dataset=dataset, **kw)
    return save_marked(fig, path, dpi, marks)
