"""Figures for choosing k: every criterion side by side, and stability across seeds.

Each ``draw_*`` returns ``(figure, marks)``; the marks are the choose_k table's picks, never
recomputed here. Each ``plot_*`` saves with the marks in the PNG metadata and returns them.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..choose.choose_k import ABSTAINS, LABEL_FREE_CRITERIA, criteria_by_k
from ..choose.degenerate import degenerate_ks
from ..choose.stability import informative_inits, stability_by_k
from ..choose.verdict import headline, picks
from ..definitions import (
    ALL_BAND,
    BEST_FIT,
    DEGENERATE,
    GAP_ONE,
    MEAN_ALL,
    MOST_STABLE,
    PICK,
    RULES,
)
from ..tables.methods import linestyle
from .style import (
    BEST_COLOR,
    MEAN_COLOR,
    PICK_COLOR,
    REC_COLOR,
    STYLE,
    draw_best,
    init_colors,
    int_ticks,
    mark_pick,
    mark_recommended,
    save_marked,
    shade_degenerate,
)

__all__ = ["draw_criteria", "draw_stability", "plot_criteria", "plot_stability"]

_PANELS = [
    ("inertia", "Elbow (inertia)", "elbow"),
    ("silhouette", "Silhouette", "silhouette"),
    ("calinski_harabasz", "Calinski-Harabasz", "calinski_harabasz"),
    ("davies_bouldin", "Davies-Bouldin", "davies_bouldin"),
]


def _title(label: str, crit: str, pick: int | None) -> str:
    return f"{label}: {'k = ' + str(pick) if pick is not None else 'no pick'}\n{RULES[crit]}"


def _empty(ax, title: str, text: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_yticks([])


def _metric_panel(ax, by_k, col, label, crit, pick, rec) -> None:
    title = _title(label, crit, pick)
    if col not in by_k or by_k[f"{col}_n"].sum() == 0:
        return _empty(ax, title, "not available")
    ks = by_k["k"].to_numpy(int)
    mean, sd = by_k[f"{col}_mean"].to_numpy(float), by_k[f"{col}_std"].to_numpy(float)
    ax.fill_between(ks, mean - sd, mean + sd, color=MEAN_COLOR, alpha=0.25, lw=0)
    ax.plot(ks, mean, color=MEAN_COLOR, lw=1.4)
    draw_best(ax, ks, by_k[col].to_numpy(float), label=None)
    mark_recommended(ax, rec)
    mark_pick(ax, ks, by_k[col].to_numpy(float), pick, label=None)
    ax.set_title(title)
    if col == "inertia":
        ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 4))


def _gap_panel(ax, gap, pick, rec) -> None:
    title = _title("Gap statistic", "gap", pick)
    if gap is None or len(gap) == 0 or gap["gap"].isna().all():
        return _empty(ax, title, "gap statistic not computed")
    g = gap[gap["k"] >= 2].sort_values("k")
    ks, gv = g["k"].to_numpy(int), g["gap"].to_numpy(float)
    ax.errorbar(ks, gv, yerr=g["sk"].to_numpy(float), color=BEST_COLOR, marker=".", ms=6,
                capsize=3, lw=1.2)
    one = gap[gap["k"] == 1]
    if len(one) and np.isfinite(one["gap"].iloc[0]):  # the structure test's reference
        ax.axhline(float(one["gap"].iloc[0]), color="0.35", ls=":", lw=1.2, label=GAP_ONE)
    mark_recommended(ax, rec)
    mark_pick(ax, ks, gv, pick, label=None)
    ax.set_title(title)
    ax.set_ylabel("Gap(k) ± s(k)")


def _stability_lines(ax, stability, colors) -> pd.DataFrame:
    """Per-init lines (init colours) and the per-k most stable init (black); returns that."""
    keep = informative_inits(stability)
    for init, s in stability[stability["init"].isin(keep)].groupby("init"):
        s = s.sort_values("k")
        ax.plot(s["k"], s["stability_mean"], linestyle(init), color=colors[str(init)], lw=1.2,
                alpha=0.9)
    per_k = stability_by_k(stability)
    draw_best(ax, per_k["k"].to_numpy(int), per_k["stability_mean"].to_numpy(float), label=None)
    return per_k


def _stability_panel(ax, stability, pick, rec, colors) -> None:
    title = _title("Seed stability", "stability", pick)
    if stability is None or len(stability_by_k(stability)) == 0:
        return _empty(ax, title, "not available\n(needs ≥ 2 seeds)")
    per_k = _stability_lines(ax, stability, colors)
    mark_recommended(ax, rec)
    mark_pick(ax, per_k["k"].to_numpy(int), per_k["stability_mean"].to_numpy(float), pick,
              label=None)
    ax.set_ylim(min(0.0, float(stability["stability_mean"].min())), 1.02)
    ax.set_title(title)
    ax.set_ylabel("mean pairwise ARI between seeds")


def _legend_handles(rec, confidence, inits, colors, bad=()) -> list:
    handles = [
        Line2D([], [], color=MEAN_COLOR, lw=1.4, label=MEAN_ALL),
        Patch(color=MEAN_COLOR, alpha=0.25, label=ALL_BAND),
        Line2D([], [], color=BEST_COLOR, lw=1.2, marker=".",
               label=f"{BEST_FIT};\nseed stability: {MOST_STABLE}. Each pick is made on it"),
        Line2D([], [], color=PICK_COLOR, ls="--", marker="o", mfc="none", label=PICK),
        Line2D([], [], color="0.35", ls=":", lw=1.2, label=GAP_ONE),
    ]
    handles += [Line2D([], [], ls=linestyle(i), color=colors[i], lw=1.2, label=f"stability of {i}")
                for i in inits]
    if rec is not None:
        handles.append(Patch(color=REC_COLOR, alpha=0.35, label=f"recommended k = {rec} "
                             f"({confidence})"))
    if bad:
        handles.append(Patch(facecolor="0.9", edgecolor="0.7", hatch="///", label=DEGENERATE))
    return handles


def draw_criteria(fits, gap, stability, choice, *, dataset: str):
    """Small multiples of every criterion vs k, each panel's pick (from ``choice``) and the
    recommended k; the title says how sure the recommendation is."""
    marks = picks(choice)
    rec = marks.get("recommended")
    confidence = str(choice.loc[choice["criterion"] == "recommended", "confidence"].iloc[0])
    by_k = criteria_by_k(fits) if len(fits) else pd.DataFrame({"k": []})
    swept = sorted(int(k) for k in by_k["k"])
    colors = init_colors(fits["init"].unique()) if len(fits) else {}
    with plt.rc_context({**STYLE, "axes.titlesize": 10}):
        fig, axes = plt.subplots(2, 3, figsize=(14, 9), layout="constrained")
        for ax, (col, label, crit) in zip(axes.flat[:4], _PANELS, strict=True):
            _metric_panel(ax, by_k, col, label, crit, marks.get(crit), rec)
        _gap_panel(axes.flat[4], gap, marks.get("gap"), rec)
        _stability_panel(axes.flat[5], stability, marks.get("stability"), rec, colors)
        all_ks = set(swept) | ({int(k) for k in gap["k"] if k >= 2} if gap is not None else set())
        bad = degenerate_ks(fits) if len(fits) else {}
        for ax in axes.flat:
            shade_degenerate(ax, bad, label=None)
            int_ticks(ax, all_ks)
        for ax in axes[1]:
            ax.set_xlabel("k (number of clusters)")
        inits = informative_inits(stability) if stability is not None and len(stability) else []
        fig.legend(handles=_legend_handles(rec, confidence, inits, colors, bad),
                   loc="outside lower center", ncol=2, frameon=False, fontsize=9)
        lines = headline(choice, dataset, swept, width=130)
        fig.suptitle("\n".join(lines), fontsize=11)
    drawn = (*LABEL_FREE_CRITERIA, "ari_with_labels", "recommended")  # resampling.png: the rest
    return fig, {c: k for c, k in marks.items() if c in drawn}


def draw_stability(stability, choice, *, dataset: str):
    """Mean pairwise ARI between seeds vs k, one line (± sd band) per init, the most stable
    init per k and the stability pick (from ``choice``); the degenerate ks hatched when the
    table has a ``degenerate`` column."""
    pick = picks(choice).get("stability")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 5.6), layout="constrained")
        st = stability.dropna(subset=["stability_mean"]) if stability is not None else None
        if st is None or len(st) == 0:
            _empty(ax, f"{dataset}: stability across seeds", "no stability values\n"
                   "(needs ≥ 2 seeds per k and init)")
            return fig, {"stability": pick}
        colors = init_colors(st["init"].unique())
        informative = set(informative_inits(st))
        for init, s in st.groupby("init", sort=True):
            s = s.sort_values("k")
            k, m = s["k"].to_numpy(int), s["stability_mean"].to_numpy(float)
            sd = s["stability_std"].fillna(0).to_numpy(float)
            text = f"{init}, ± 1 sd over pairs" if init in informative else (
                f"{init} (identical for every seed)")
            ax.fill_between(k, np.clip(m - sd, -0.5, 1.02), np.clip(m + sd, -0.5, 1.02),
                            color=colors[str(init)], alpha=0.12, lw=0)
            ax.plot(k, m, linestyle(init), color=colors[str(init)], marker="o", ms=3.5, lw=1.4,
                    label=text)
        per_k = stability_by_k(st)
        ks, sm = per_k["k"].to_numpy(int), per_k["stability_mean"].to_numpy(float)
        if "degenerate" in stability:  # marked by the choose_k step (choose/degenerate.py)
            shade_degenerate(ax, set(stability.loc[stability["degenerate"] != "", "k"]))
        draw_best(ax, ks, sm, label=f"{MOST_STABLE} (used for the pick)")
        mark_pick(ax, ks, sm, pick, label=f"stability pick: k = {pick}, {RULES['stability']}")
        lo = min(0.0, float(np.nanmin(st["stability_mean"] - st["stability_std"].fillna(0))))
        ax.set_ylim(max(lo, -0.5), 1.05)
        ax.set_xlabel("k (number of clusters)")
        ax.set_ylabel("mean pairwise ARI between seeds")
        int_ticks(ax, st["k"].unique())
        ax.set_title(f"{dataset}: stability across seeds{_abstained(choice)}\n1.0: every seed "
                     "gives the same partition; 0: no more agreement than chance")
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2,
                   fontsize=8, frameon=False)
    return fig, {"stability": pick}


def _abstained(choice) -> str:
    """", no pick: its pick is the sweep's largest k (20) and abstains" when it does."""
    row = choice[choice["criterion"] == "stability"]
    note = str(row["note"].iloc[0]) if len(row) else ""
    if not note.startswith(ABSTAINS):
        return ""
    return ", no pick: " + note.split(", where")[0].replace("abstains: its", "its") + ", abstains"


def plot_criteria(fits, gap, stability, choice, path, *, dataset: str, dpi: int = 150) -> dict:
    fig, marks = draw_criteria(fits, gap, stability, choice, dataset=dataset)
    return save_marked(fig, path, dpi, marks)


def plot_stability(stability, choice, path, *, dataset: str, dpi: int = 150) -> dict:
    fig, marks = draw_stability(stability, choice, dataset=dataset)
    return save_marked(fig, path, dpi, marks)
