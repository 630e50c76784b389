"""Figures for choosing k. Every function writes ``path`` atomically (temp file in
the same directory, then ``os.replace``) and closes its figure."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from sklearn.metrics import silhouette_samples

from .choose_k import criteria_by_k, informative_inits, stability_by_k
from .io import save_figure
from .plots import init_color

__all__ = ["plot_criteria", "plot_silhouette_diagram", "plot_stability"]

DPI = 150
_MEAN_COLOR = "tab:blue"
_BEST_COLOR = "black"
_PICK_COLOR = "tab:red"
_REC_COLOR = "gold"


def _choice_lookup(choice: pd.DataFrame | None) -> tuple[dict[str, int | None], str, str]:
    picks: dict[str, int | None] = {}
    confidence = note = ""
    if choice is None or len(choice) == 0:
        return picks, confidence, note
    for _, r in choice.iterrows():
        picks[r["criterion"]] = None if pd.isna(r["k"]) else int(r["k"])
        if r["criterion"] == "recommended":
            confidence = str(r.get("confidence", "") or "")
            note = str(r.get("note", "") or "")
    return picks, confidence, note


def _mark(
    ax: plt.Axes, ks: np.ndarray, values: np.ndarray, pick: int | None, rec: int | None
) -> None:
    if rec is not None:
        ax.axvspan(rec - 0.4, rec + 0.4, color=_REC_COLOR, alpha=0.35, zorder=0, lw=0)
    if pick is not None:
        ax.axvline(pick, color=_PICK_COLOR, ls="--", lw=1.2, zorder=1)
        hit = np.flatnonzero(ks == pick)
        if hit.size and np.isfinite(values[hit[0]]):
            ax.plot(
                [pick],
                [values[hit[0]]],
                marker="o",
                ms=9,
                mfc="none",
                mec=_PICK_COLOR,
                mew=2,
                zorder=5,
            )


def _empty(ax: plt.Axes, title: str, text: str) -> None:
    ax.set_title(title)
    ax.text(
        0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4", wrap=True
    )
    ax.set_yticks([])


def _pick_text(pick: int | None) -> str:
    return f"pick k={pick}" if pick is not None else "no pick"


def plot_criteria(
    fits: pd.DataFrame,
    gap: pd.DataFrame | None,
    stability: pd.DataFrame | None,
    choice: pd.DataFrame | None,
    path: str | os.PathLike,
    title: str = "Choosing k",
    dpi: int = DPI,
) -> None:
    """Small multiples of every criterion vs k with each panel's pick and the
    recommended k highlighted."""
    picks, confidence, note = _choice_lookup(choice)
    rec = picks.get("recommended")
    by_k = criteria_by_k(fits) if len(fits) else pd.DataFrame({"k": []})
    ks = by_k["k"].to_numpy(dtype=int)

    all_ks = set(ks.tolist())
    for frame in (gap, stability):
        if frame is not None and len(frame):
            all_ks |= {int(k) for k in frame["k"]}
    fig, axes = plt.subplots(2, 3, figsize=(14, 8.2), layout="constrained")
    panels = [
        ("inertia", "Inertia (within-cluster SS)", "inertia", "elbow", "elbow (Kneedle)"),
        ("silhouette", "Mean silhouette", "silhouette", "silhouette", "max"),
        ("calinski_harabasz", "Calinski-Harabasz index", "CH index", "calinski_harabasz", "max"),
        ("davies_bouldin", "Davies-Bouldin index", "DB index", "davies_bouldin", "min"),
    ]
    for ax, (col, label, ylabel, crit, rule) in zip(axes.flat[:4], panels, strict=True):
        title_ = f"{label}\n{rule}: {_pick_text(picks.get(crit))}"
        if col not in by_k or by_k[f"{col}_n"].sum() == 0:
            _empty(ax, title_, f"{label}\nnot available")
            continue
        mean = by_k[f"{col}_mean"].to_numpy(dtype=float)
        std = by_k[f"{col}_std"].to_numpy(dtype=float)
        best = by_k[col].to_numpy(dtype=float)
        ax.fill_between(ks, mean - std, mean + std, color=_MEAN_COLOR, alpha=0.2, lw=0)
        ax.plot(ks, mean, color=_MEAN_COLOR, lw=1.6)
        ax.plot(ks, best, color=_BEST_COLOR, ls="-", lw=1.2, marker=".", ms=6)
        _mark(ax, ks, best, picks.get(crit), rec)
        ax.set_title(title_)
        ax.set_ylabel(ylabel)
        if col == "inertia":
            ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))

    ax = axes.flat[4]
    gtitle = (
        "Gap statistic (Tibshirani et al.)\n"
        f"Gap(k) ≥ Gap(k+1) − s(k+1): {_pick_text(picks.get('gap'))}"
    )
    if gap is None or len(gap) == 0 or gap["gap"].isna().all():
        _empty(ax, gtitle, "gap statistic\nnot computed")
    else:
        g = gap.sort_values("k")
        gk = g["k"].to_numpy(dtype=int)
        gv = g["gap"].to_numpy(dtype=float)
        ax.errorbar(
            gk,
            gv,
            yerr=g["sk"].to_numpy(dtype=float),
            color="tab:green",
            marker=".",
            ms=6,
            capsize=3,
            lw=1.4,
        )
        _mark(ax, gk, gv, picks.get("gap"), rec)
        ax.set_title(gtitle)
        ax.set_ylabel("Gap(k) ± s(k)")

    ax = axes.flat[5]
    stitle = (
        "Seed stability (pairwise ARI)\n"
        f"largest k near the best: {_pick_text(picks.get('stability'))}"
    )
    per_k = stability_by_k(stability)
    if len(per_k) == 0:
        _empty(ax, stitle, "stability\nnot available\n(needs ≥ 2 seeds)")
    else:
        keep = informative_inits(stability)
        for _, s in stability[stability["init"].isin(keep)].groupby("init"):
            s = s.sort_values("k")
            ax.plot(s["k"], s["stability_mean"], color="0.6", lw=0.9, ls=":")
        sk_ = per_k["k"].to_numpy(dtype=int)
        sm = per_k["stability_mean"].to_numpy(dtype=float)
        ss = per_k["stability_std"].to_numpy(dtype=float)
        ax.fill_between(
            sk_,
            np.clip(sm - ss, -0.05, 1.02),
            np.clip(sm + ss, -0.05, 1.02),
            color="tab:purple",
            alpha=0.2,
            lw=0,
        )
        ax.plot(sk_, sm, color="tab:purple", lw=1.6, marker=".", ms=6)
        _mark(ax, sk_, sm, picks.get("stability"), rec)
        ax.set_ylim(
            min(0.0, float(np.nanmin(sm - ss))) if np.isfinite(sm - ss).any() else 0.0, 1.02
        )
        ax.set_title(stitle)
        ax.set_ylabel("mean pairwise ARI")

    for ax in axes[1]:
        ax.set_xlabel("k (number of clusters)")
    for ax in axes.flat:
        if all_ks:
            ax.set_xlim(min(all_ks) - 0.6, max(all_ks) + 0.6)
            if len(all_ks) <= 12:
                ax.set_xticks(sorted(all_ks))
            else:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)

    handles = [
        Line2D([], [], color=_MEAN_COLOR, lw=1.6, label="mean over all fits (init × seed)"),
        Patch(color=_MEAN_COLOR, alpha=0.2, label="± 1 sd over fits"),
        Line2D(
            [],
            [],
            color=_BEST_COLOR,
            lw=1.2,
            marker=".",
            label="best fit (lowest inertia), used for the pick",
        ),
        Line2D(
            [],
            [],
            color="tab:purple",
            lw=1.6,
            marker=".",
            label="stability of the most stable init",
        ),
        Line2D([], [], color="0.6", lw=0.9, ls=":", label="stability per init"),
        Line2D(
            [],
            [],
            color=_PICK_COLOR,
            ls="--",
            marker="o",
            mfc="none",
            label="this criterion's pick",
        ),
    ]
    if rec is not None:
        handles.append(Patch(color=_REC_COLOR, alpha=0.35, label=f"recommended k={rec}"))
    fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False)
    if rec is not None:
        head = f"{title}: recommended k = {rec} (confidence: {confidence or 'unknown'})"
    else:
        head = f"{title}: no recommendation"
    if note:
        head += f"\n{note}"
    fig.suptitle(head, fontsize=13)
    save_figure(fig, path, dpi)


def plot_stability(
    stability: pd.DataFrame,
    path: str | os.PathLike,
    title: str = "Seed stability",
    dpi: int = DPI,
) -> None:
    """Mean pairwise ARI between seeds vs k, one line (± sd band) per init."""
    fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    st = stability.dropna(subset=["stability_mean"]) if stability is not None else None
    if st is None or len(st) == 0:
        _empty(ax, title, "no stability values\n(needs ≥ 2 seeds per k and init)")
        save_figure(fig, path, dpi)
        return
    informative = set(informative_inits(st))
    for i, (init, s) in enumerate(st.groupby("init", sort=True)):
        color = init_color(str(init), i)
        s = s.sort_values("k")
        k = s["k"].to_numpy(dtype=int)
        m = s["stability_mean"].to_numpy(dtype=float)
        sd = s["stability_std"].fillna(0).to_numpy(dtype=float)
        label = str(init) if init in informative else f"{init} (identical for every seed)"
        ax.fill_between(
            k,
            np.clip(m - sd, -0.5, 1.02),
            np.clip(m + sd, -0.5, 1.02),
            color=color,
            alpha=0.15,
            lw=0,
        )
        ax.plot(k, m, color=color, marker="o", ms=4, lw=1.6, label=label)
    lo = min(0.0, float(np.nanmin(st["stability_mean"] - st["stability_std"].fillna(0))))
    ax.set_ylim(max(lo, -0.5), 1.02)
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("k (number of clusters)")
    ax.set_ylabel("mean pairwise ARI between seeds")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(title="init (band: ± 1 sd over pairs)", loc="lower right", fontsize=9)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    ax.set_title(
        "ARI between the partitions of every pair of seeds. 1.0 = every seed gives "
        "the same partition;\n0 = no more agreement than chance",
        fontsize=9,
        color="0.3",
    )
    save_figure(fig, path, dpi)


def plot_silhouette_diagram(
    X: np.ndarray,
    labels: np.ndarray,
    k: int,
    path: str | os.PathLike,
    *,
    sample_size: int | None = None,
    random_state: int = 0,
    title: str = "Silhouette diagram",
    dpi: int = DPI,
) -> None:
    """Per-sample silhouettes sorted within each cluster, one band per cluster,
    mean as a red dashed line (as in scikit-learn's silhouette-analysis example).
    With ``sample_size`` < n, a fixed random subsample is used."""
    X = np.asarray(X)
    labels = np.asarray(labels).ravel()
    if X.shape[0] != labels.size:
        raise ValueError("X and labels have different numbers of rows")
    n = labels.size
    sub = ""
    if sample_size is not None and n > sample_size:
        rng = np.random.default_rng(random_state)
        idx = np.sort(rng.choice(n, size=int(sample_size), replace=False))
        X, labels = X[idx], labels[idx]
        sub = f" (silhouettes of a fixed random subsample of {int(sample_size):,})"
    clusters = np.unique(labels)
    found = f"{clusters.size} cluster{'s' if clusters.size != 1 else ''} found"
    head = f"{title}\nk = {k}, {found}, n = {n:,}{sub}"

    fig, ax = plt.subplots(figsize=(7.5, 6.5), layout="constrained")
    if clusters.size < 2 or clusters.size >= labels.size:
        _empty(
            ax,
            head,
            f"silhouette undefined: {clusters.size} cluster(s) for "
            f"{labels.size} points\n(needs 2 ≤ clusters ≤ n − 1)",
        )
        save_figure(fig, path, dpi)
        return
    values = silhouette_samples(X, labels)
    mean = float(values.mean())
    cmap = plt.get_cmap("nipy_spectral")
    x_left = min(-0.1, float(values.min()) - 0.1)
    gap_ = max(2, int(0.01 * labels.size))
    y_lower = gap_
    for i, c in enumerate(clusters):
        v = np.sort(values[labels == c])
        y_upper = y_lower + v.size
        color = cmap(float(i) / clusters.size)
        ax.fill_betweenx(
            np.arange(y_lower, y_upper), 0, v, facecolor=color, edgecolor=color, alpha=0.75
        )
        ax.text(x_left + 0.015, y_lower + 0.5 * v.size, str(c), ha="left", va="center", fontsize=8)
        y_lower = y_upper + gap_
    ax.axvline(mean, color="red", ls="--", lw=1.5, label=f"mean silhouette = {mean:.3f}")
    ax.axvline(0.0, color="0.3", lw=0.8)
    ax.set_xlim(x_left, 1.0)
    ax.set_ylim(0, y_lower)
    ax.set_yticks([])
    ax.set_xlabel("silhouette coefficient")
    ax.set_ylabel("cluster (samples sorted by silhouette)")
    fig.legend(loc="outside lower center", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(head)
    save_figure(fig, path, dpi)
