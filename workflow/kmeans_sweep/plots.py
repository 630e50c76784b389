"""The sweep's pictures: elbow, silhouette versus k, and the clusters in PCA space."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .io import save_figure

INIT_COLORS = {"k-means++": "#1f77b4", "random": "#ff7f0e", "pca": "#2ca02c"}
STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
}


def init_color(init: str, i: int) -> str:
    """The colour of an init method, the same in every plot."""
    return INIT_COLORS.get(init, f"C{i + 3}")


def _mean_band(fits: pd.DataFrame, metric: str) -> dict[str, pd.DataFrame]:
    out = {}
    for init, group in fits.groupby("init", sort=False):
        stats = group.groupby("k")[metric].agg(["mean", "std", "min", "max", "count"])
        out[init] = stats.sort_index()
    return out


def _draw_lines(ax, bands):
    for i, (init, stats) in enumerate(bands.items()):
        color = init_color(init, i)
        n = int(stats["count"].max())
        if n == 1:
            label = f"{init} (1 seed)"
        elif (stats["std"].fillna(0) == 0).all():
            label = f"{init} (the same for all {n} seeds)"
        else:
            label = f"{init} (mean of {n} seeds)"
        ax.plot(
            stats.index,
            stats["mean"],
            "o-",
            color=color,
            ms=4,
            lw=1.8,
            label=label,
        )
        if n > 1:
            lo = stats["mean"] - stats["std"].fillna(0)
            hi = stats["mean"] + stats["std"].fillna(0)
            ax.fill_between(stats.index, lo, hi, color=color, alpha=0.18, lw=0)


def _footnote(ax, text: str) -> None:
    ax.annotate(text, xy=(0.01, 0.01), xycoords="axes fraction", fontsize=8, color="0.4")


def _int_ticks(ax, ks):
    ks = sorted(ks)
    step = max(1, len(ks) // 20)
    ax.set_xticks(ks[::step])


def plot_elbow(fits: pd.DataFrame, path, *, dataset: str, dpi=150, width=8, height=5, **_):
    """Inertia vs k per init (band: ±1 std over seeds), the knee, fit time on a second axis."""
    from .choose_k import kneedle

    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        bands = _mean_band(fits, "inertia")
        _draw_lines(ax, bands)
        # the elbow criterion of choose_k: Kneedle on the best (lowest-inertia) fit per k
        best = fits.groupby("k")["inertia"].min().sort_index()
        knee = None
        if len(best) >= 3:
            knee = kneedle(best.index.to_numpy(float), best.to_numpy(float))
        if knee is not None:
            ax.axvline(
                knee,
                color="black",
                ls="--",
                lw=1.2,
                label=f"knee at k={knee:g} (Kneedle on the best fit per k)",
            )
        ax.set_xlabel("number of clusters k")
        ax.set_ylabel("inertia (within-cluster sum of squares)")
        ax.set_title(f"{dataset}: elbow curve")
        _int_ticks(ax, best.index)
        ax2 = ax.twinx()
        t = fits.groupby("k")["fit_seconds"].mean().sort_index()
        ax2.plot(
            t.index,
            t.to_numpy(),
            ":",
            color="0.45",
            lw=1.5,
            marker=".",
            label="fit time (mean over inits and seeds)",
        )
        ax2.set_ylabel("fit time (s)", color="0.35")
        ax2.tick_params(axis="y", colors="0.35")
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        ax2.set_ylim(bottom=0)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="upper right", fontsize=8, framealpha=0.9)
        _footnote(ax, "band: ±1 std over seeds")
        save_figure(fig, path, dpi)


def plot_silhouette(fits: pd.DataFrame, path, *, dataset: str, dpi=150, width=8, height=5, **_):
    """Mean silhouette vs k per init, ±1 std band over seeds, the best k marked."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
        bands = _mean_band(fits, "silhouette")
        _draw_lines(ax, bands)
        by_k = fits.groupby("k")["silhouette"].mean()
        if by_k.notna().any():
            best = int(by_k.idxmax())
            ax.axvline(
                best,
                color="black",
                ls="--",
                lw=1.2,
                label=f"highest mean silhouette: k={best} ({by_k.max():.3f})",
            )
        ax.set_xlabel("number of clusters k")
        ax.set_ylabel("mean silhouette coefficient")
        n_sil = int(fits["silhouette_sample_size"].max())
        sampled = n_sil < int(fits["n_samples"].max())
        sub = f" (on a fixed sample of {n_sil} points)" if sampled else ""
        ax.set_title(f"{dataset}: silhouette vs k{sub}")
        _int_ticks(ax, by_k.index)
        ax.legend(loc="best", fontsize=8, framealpha=0.9)
        _footnote(ax, "higher is better; band: ±1 std over seeds")
        save_figure(fig, path, dpi)


PCA_FIT_ROWS = 1_000_000


def plot_clusters_pca(
    X: np.ndarray,
    labels: np.ndarray,
    centers: np.ndarray,
    y: np.ndarray | None,
    best: pd.Series,
    path,
    *,
    dataset: str,
    dpi=150,
    width=8,
    height=5,
    max_points=20000,
    **_,
):
    """The data on its first two principal components, coloured by the chosen fit's
    clusters, centroids as white crosses; next to it the true classes when known."""
    from sklearn.decomposition import PCA

    n_comp = min(2, X.shape[1], X.shape[0])
    idx = np.arange(X.shape[0])
    if X.shape[0] > max_points:
        idx = np.sort(np.random.RandomState(0).choice(X.shape[0], max_points, replace=False))
    # above PCA_FIT_ROWS points the axes come from the drawn subsample (PCA would copy X)
    pca = PCA(n_components=n_comp, random_state=0).fit(X if len(X) <= PCA_FIT_ROWS else X[idx])
    P = pca.transform(X[idx])
    C = pca.transform(centers)
    if n_comp < 2:  # one feature: draw it against a flat second axis
        P = np.column_stack([P[:, 0], np.zeros(len(P))])
        C = np.column_stack([C[:, 0], np.zeros(len(C))])
    k = int(best.k)
    panels = 2 if y is not None else 1
    cmap = plt.get_cmap(
        "tab20" if max(k, len(np.unique(y)) if y is not None else 0) > 10 else "tab10"
    )
    ev = pca.explained_variance_ratio_ * 100
    with plt.rc_context({**STYLE, "axes.grid": False}):
        fig, axes = plt.subplots(
            1,
            panels,
            figsize=(width * (1.0 if panels == 1 else 1.5), height * 1.2),
            layout="constrained",
            squeeze=False,
        )

        def points(ax, colours):
            ax.scatter(
                P[:, 0],
                P[:, 1],
                c=colours[idx] % cmap.N,
                cmap=cmap,
                vmin=0,
                vmax=cmap.N - 1,
                s=6 if len(idx) > 3000 else 12,
                alpha=0.8,
                lw=0,
            )

        ax = axes[0, 0]
        points(ax, labels)
        ax.scatter(
            C[:, 0],
            C[:, 1],
            marker="X",
            s=170,
            c="white",
            edgecolors="black",
            lw=1.3,
            zorder=3,
            label="centroids",
        )
        for i, (cx, cy) in enumerate(C):
            ax.annotate(
                str(i),
                (cx, cy),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=8,
                weight="bold",
            )
        ax.set_title(f"k={k} clusters ({best.init}, seed {int(best.seed)})")
        ax.legend(loc="best", fontsize=8)
        if y is not None:
            ax2 = axes[0, 1]
            points(ax2, y)
            ax2.set_title(f"true classes ({len(np.unique(y))})")
            ax2.sharex(ax)
            ax2.sharey(ax)
        for a in axes[0]:
            a.set_xlabel(f"PC 1 ({ev[0]:.1f}% of variance)")
            a.set_ylabel(
                f"PC 2 ({ev[1]:.1f}% of variance)" if len(ev) > 1 else "(one feature only)"
            )
        shown = "" if len(idx) == X.shape[0] else f", {len(idx)} of {X.shape[0]} points shown"
        fig.suptitle(
            f"{dataset}: clusters on the first two principal components\n"
            f"k with the highest mean silhouette; its lowest-inertia fit{shown}",
            fontsize=12,
        )
        save_figure(fig, path, dpi)
