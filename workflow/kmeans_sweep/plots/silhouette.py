"""Per-sample silhouette diagrams, as in scikit-learn's silhouette-analysis example."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from ..fit.scores import euclidean_distances, silhouette_samples_precomputed
from .style import cluster_colors, save_marked


def spread_labels(y: np.ndarray, min_gap: float, lo: float, hi: float) -> np.ndarray:
    """Move sorted positions ``y`` apart to at least ``min_gap``, as little as possible,
    keeping them within [lo, hi] when there is room."""
    y = np.asarray(y, dtype=float).copy()
    for i in range(1, y.size):  # push up where too close
        y[i] = max(y[i], y[i - 1] + min_gap)
    if y.size and y[-1] > hi:  # too high: push down from the top, only as far as needed
        y[-1] = hi
        for i in range(y.size - 2, -1, -1):
            y[i] = min(y[i], y[i + 1] - min_gap)
    if y.size and y[0] < lo:  # no room: keep the bottom one in, the rest as tight as allowed
        y[0] = lo
        for i in range(1, y.size):
            y[i] = max(y[i], y[i - 1] + min_gap)
    return y


def _sample_index(n: int, sample_size, random_state) -> np.ndarray | None:
    """The rows of the fixed random sample above ``sample_size`` points, else None (all)."""
    if sample_size is None or n <= sample_size:
        return None
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, size=int(sample_size), replace=False))


def sample_distances(X, sample_size=None, random_state=0) -> np.ndarray:
    """Distances among the points the diagrams score (all, or the fixed sample), computed
    once for every diagram of a dataset."""
    idx = _sample_index(len(X), sample_size, random_state)
    return euclidean_distances(X if idx is None else X[idx])


def draw_silhouette_diagram(X, labels, k: int, *, title: str, subtitle: str = "",
                            sample_size=None, random_state=0, distances=None):
    """Silhouettes sorted within each cluster, one band per cluster in the cluster's colour,
    the mean as a red dashed line. ``distances``: sample_distances(X, sample_size,
    random_state), when several diagrams of X are drawn. Returns (figure, {"k": k})."""
    X = np.asarray(X)
    labels = np.asarray(labels).ravel()
    if X.shape[0] != labels.size:
        raise ValueError("X and labels have different numbers of rows")
    n = labels.size
    idx = _sample_index(n, sample_size, random_state)
    sub = "" if idx is None else f", silhouettes of a fixed random sample of {sample_size:,}"
    if idx is not None:
        labels = labels[idx]
    clusters = np.unique(labels)
    found = f"{clusters.size} cluster{'s' if clusters.size != 1 else ''} found, n = {n:,}{sub}"
    head = "\n".join(t for t in (title, subtitle, found) if t)
    fig, ax = plt.subplots(figsize=(7.5, 6.8), layout="constrained")
    if clusters.size < 2 or clusters.size >= labels.size:
        ax.set_title(head, fontsize=10)
        ax.text(0.5, 0.5, f"silhouette undefined: {clusters.size} cluster(s) for {labels.size}"
                " points\n(needs 2 ≤ clusters ≤ n − 1)", ha="center", va="center",
                transform=ax.transAxes, color="0.4")
        ax.set_yticks([])
        return fig, {"k": int(k)}
    if distances is None:
        distances = euclidean_distances(X if idx is None else X[idx])
    values = silhouette_samples_precomputed(distances, labels)
    centres = _bands(ax, values, labels, clusters, k)
    mean = float(values.mean())
    ax.axvline(mean, color="red", ls="--", lw=1.5, label=f"mean silhouette = {mean:.3f}")
    ax.axvline(0.0, color="0.3", lw=0.8)
    ax.set_xlabel("silhouette coefficient")
    ax.set_ylabel("cluster (its samples sorted by silhouette)")
    ax.set_yticks([])
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", frameon=False)
    ax.set_title(head, fontsize=10)
    _cluster_numbers(ax, clusters, centres)
    return fig, {"k": int(k)}


def _bands(ax, values, labels, clusters, k) -> list[float]:
    colors = cluster_colors(max(k, int(clusters.max()) + 1))
    gap = max(2, int(0.01 * labels.size))
    y_lower, centres = gap, []
    for c in clusters:
        v = np.sort(values[labels == c])
        ax.fill_betweenx(np.arange(y_lower, y_lower + v.size), 0, v, facecolor=colors[c],
                         edgecolor=colors[c], alpha=0.8)
        centres.append(y_lower + 0.5 * v.size)
        y_lower += v.size + gap
    x_left = min(-0.15, float(values.min()) - 0.12)
    ax.set_xlim(x_left, 1.0)
    ax.set_ylim(0, y_lower)
    return centres


def _cluster_numbers(ax, clusters, centres) -> None:
    """Cluster numbers at least one text line apart, with a leader line when moved."""
    x_left, _ = ax.get_xlim()
    _, y_lower = ax.get_ylim()
    fig = ax.figure
    fig.draw_without_rendering()  # lays the figure out: the axes' height is known
    height_px = ax.get_window_extent().height
    line = y_lower * (8 * 1.35 * fig.dpi / 72) / height_px
    ys = spread_labels(np.array(centres), line, line / 2, y_lower - line / 2)
    width = 1.0 - x_left
    x_text, x_to = x_left + 0.025 * width, x_left + 0.085 * width
    for c, yc, yt in zip(clusters, centres, ys, strict=True):
        moved = abs(yt - yc) > line / 4
        arrow = {"arrowstyle": "-", "color": "0.5", "lw": 0.5, "shrinkA": 1} if moved else None
        ax.annotate(str(c), (x_to, yc), xytext=(x_text, yt), ha="left", va="center",
                    fontsize=8, arrowprops=arrow)


def plot_silhouette_diagram(X, labels, k, path, *, dpi=150, **kw) -> dict:
    fig, marks = draw_silhouette_diagram(X, labels, k, **kw)
    return save_marked(fig, path, dpi, marks)
