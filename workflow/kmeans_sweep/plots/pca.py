"""The data on its first two principal components: the recommended k's best fit, and the
true classes beside it when known."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..choose.verdict import row, short
from .style import STYLE, cluster_colors, save_marked

#: Offsets (points) tried in turn for a centroid's number, nearest first.
_OFFSETS = [
    (r * np.cos(a), r * np.sin(a))
    for r in (11, 18, 27, 38, 52)
    for a in np.deg2rad([45, 135, -45, -135, 90, -90, 0, 180, 22, 158, -22, -158])
]


def class_colors(n: int) -> list:
    """Colours of the true classes: tab10/tab20, a palette the clusters never use."""
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]


PCA_FIT_ROWS = 1_000_000


def pca_axes(X: np.ndarray, n_components: int, block: int = 65_536):
    """(mean, components, explained variance ratio) of X's first principal axes, as
    sklearn's PCA finds them (each component signed so that its largest entry is positive),
    without importing scikit-learn in the plotting job. More rows than features: from the
    covariance accumulated over row blocks (p x p, no centred copy of X). More features than
    rows (wide data): from a thin SVD of the centred rows (n x p); no p x p matrix."""
    n = X.shape[0]
    mean = np.zeros(X.shape[1])
    for start in range(0, n, block):
        mean += X[start : start + block].sum(axis=0, dtype=np.float64)
    mean /= n
    if X.shape[1] > n:
        _, s, vt = np.linalg.svd(np.asarray(X, dtype=np.float64) - mean, full_matrices=False)
        values, components = s**2 / max(n - 1, 1), vt[:n_components]
        order = np.arange(len(components))
    else:
        cov = np.zeros((X.shape[1], X.shape[1]))
        for start in range(0, n, block):
            B = X[start : start + block].astype(np.float64) - mean
            cov += B.T @ B
        values, vectors = np.linalg.eigh(cov / max(n - 1, 1))
        order = np.argsort(values)[::-1][:n_components]
        components = vectors[:, order].T
    biggest = np.argmax(np.abs(components), axis=1)
    components *= np.sign(components[np.arange(len(components)), biggest])[:, None]
    total = values.clip(min=0).sum()
    ratio = values[order].clip(min=0) / total if total > 0 else np.zeros(len(order))
    return mean, components, ratio


def _project(X, centers, max_points):
    n_comp = min(2, X.shape[1], X.shape[0])
    idx = np.arange(X.shape[0])
    if X.shape[0] > max_points:
        idx = np.sort(np.random.RandomState(0).choice(X.shape[0], max_points, replace=False))
    # above PCA_FIT_ROWS points the axes come from the drawn subsample (time, not memory)
    mean, components, ratio = pca_axes(X if len(X) <= PCA_FIT_ROWS else X[idx], n_comp)
    P = (np.asarray(X[idx], dtype=np.float64) - mean) @ components.T
    C = (np.asarray(centers, dtype=np.float64) - mean) @ components.T
    if n_comp < 2:  # one feature: draw it against a flat second axis
        P = np.column_stack([P[:, 0], np.zeros(len(P))])
        C = np.column_stack([C[:, 0], np.zeros(len(C))])
    ev = list(ratio * 100)
    return idx, P, C, ev


def text_extent(text, renderer):
    """The extent of a text alone (an annotation's own extent includes its leader line)."""
    from matplotlib.text import Text

    return Text.get_window_extent(text, renderer)


def _overlaps(box, boxes) -> bool:
    return any(box.overlaps(b) for b in boxes)


def label_points(ax, xy: np.ndarray, texts: list[str], avoid_px: float) -> None:
    """Put each text next to its point, with a leader line, where it overlaps neither another
    text nor any point's marker (a square of half-width ``avoid_px`` display pixels)."""
    from matplotlib.transforms import Bbox

    fig = ax.figure
    fig.draw_without_rendering()  # lays the figure out: the points' positions are known
    renderer = fig.canvas.get_renderer()
    disp = ax.transData.transform(xy)
    taken = [Bbox.from_extents(x - avoid_px, y - avoid_px, x + avoid_px, y + avoid_px)
             for x, y in disp]
    frame = ax.get_window_extent(renderer)
    for (x, y), text in zip(xy, texts, strict=True):
        ann = ax.annotate(
            text, (x, y), xytext=_OFFSETS[0], textcoords="offset points", ha="center",
            va="center", fontsize=8, weight="bold", zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "0.4", "lw": 0.5},
            arrowprops={"arrowstyle": "-", "color": "0.3", "lw": 0.6, "shrinkA": 0, "shrinkB": 3},
        )
        for off in _OFFSETS:
            ann.set_position(off)
            ann.update_positions(renderer)
            box = text_extent(ann, renderer).expanded(1.3, 1.4)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not _overlaps(box, taken):
                break
        taken.append(box)


def draw_clusters_pca(
    X, labels, centers, y, choice, *, dataset: str, class_names=None, width=8, height=5,
    max_points=20000, shown=None, **_,
):
    """Left: the best fit at the recommended k (choose_k.csv's fit_init, fit_seed), or, with no
    recommended k, the fit ``shown`` = (k, method, seed). Right: the true classes with a
    legend. Returns (figure, {"clusters_pca": k})."""
    k, title = _shown(choice, shown)
    idx, P, C, ev = _project(X, centers, max_points)
    panels = 2 if y is not None else 1
    size = 5 if len(idx) > 3000 else 10
    with plt.rc_context({**STYLE, "axes.grid": False}):
        fig, axes = plt.subplots(
            1, panels, figsize=(width * (1.0 if panels == 1 else 1.6), height * 1.35),
            layout="constrained", squeeze=False, sharex=True, sharey=True,
        )
        ax = axes[0, 0]
        colors = cluster_colors(k)
        ax.scatter(P[:, 0], P[:, 1], c=[colors[c % k] for c in labels[idx]], s=size, alpha=0.7,
                   lw=0)
        ax.scatter(C[:, 0], C[:, 1], marker="X", s=120, c="white", edgecolors="black", lw=1.2,
                   zorder=5)
        ax.set_title(title)
        if y is not None:
            _classes(axes[0, 1], P, y[idx], class_names, size)
        for a in axes[0]:
            a.set_xlabel(f"PC 1 ({ev[0]:.1f}% of variance)")
            a.set_ylabel(f"PC 2 ({ev[1]:.1f}% of variance)" if len(ev) > 1 else "(one feature)")
        shown = "" if len(idx) == X.shape[0] else f"; {len(idx)} of {X.shape[0]} points shown"
        fig.suptitle(f"{dataset}: clusters on the first two principal components{shown}",
                     fontsize=12, fontweight="bold")
        avoid = (np.sqrt(120) / 2 + 2) * fig.dpi / 72
        label_points(ax, C, [str(i) for i in range(len(C))], avoid)
    return fig, {"clusters_pca": k}


_CENTROIDS = "centroids ✕ numbered; cluster colours are not class colours"


def _shown(choice, shown) -> tuple[int, str]:
    """(k, title) of the left panel: the recommended k's best fit; every point in one cluster
    when the recommendation is k = 1 (no structure); ``shown`` when every k is degenerate."""
    rec = row(choice, "recommended")
    if pd.isna(rec["k"]):
        k, init, seed = shown
        what = f"no recommended k (every k is degenerate); k = {k}, the smallest swept"
        return k, f"{what}: best fit, {init} seed {seed}\n{_CENTROIDS}"
    k = int(rec["k"])
    if k == 1:
        return 1, f"{short(choice)}: every point in one cluster\n✕ the data's mean"
    what = f"{short(choice)} (the recommended k)"
    return k, f"{what}: best fit, {rec['fit_init']} seed {int(rec['fit_seed'])}\n{_CENTROIDS}"


def _classes(ax, P, y, class_names, size) -> None:
    n = int(y.max()) + 1 if len(y) else 0
    colors = class_colors(n)
    ax.scatter(P[:, 0], P[:, 1], c=[colors[c] for c in y], s=size, alpha=0.7, lw=0)
    names = class_names or [str(i) for i in range(n)]
    handles = [Line2D([], [], ls="", marker="o", color=colors[i], label=str(names[i]))
               for i in range(n)]
    ax.legend(handles=handles, title="true class", loc="center left", bbox_to_anchor=(1.01, 0.5),
              fontsize=8, ncol=1 if n <= 15 else 2, frameon=False)
    ax.set_title(f"true classes ({n})")


def plot_clusters_pca(X, labels, centers, y, choice, path, *, dpi=150, **kw) -> dict:
    fig, marks = draw_clusters_pca(X, labels, centers, y, choice, **kw)
    return save_marked(fig, path, dpi, marks)
