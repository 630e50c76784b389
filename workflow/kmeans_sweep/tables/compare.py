"""Comparing the swept algorithms: per k, each algorithm's fit time, its inertia relative to the
best fit at that k, and how its partitions agree with the best lloyd partition at that k.

Every statistic is over all of an algorithm's fits at a k (every init and seed): the median
and the min-max range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..fit.algorithms import ALGORITHMS
from ..io import fit_key

STATS = ("median", "min", "max")
#: The per-fit quantities compared, as (per-fit column, table column prefix).
QUANTITIES = (
    ("fit_seconds", "fit_time_s"),
    ("time_vs_lloyd", "time_vs_lloyd"),
    ("inertia_ratio", "inertia_ratio"),
    ("ari_to_best_lloyd", "ari_to_best_lloyd"),
)

GUIDE: dict[str, str] = {
    "dataset": "dataset name (config.yaml)",
    "k": "number of clusters asked for",
    "algorithm": "KMeans algorithm (sweep.algorithm)",
    "n_fits": "fits of this algorithm at this k (every init and seed)",
    "fit_time_s": "wall time of one fit, in seconds",
    "time_vs_lloyd": "fit time / the median lloyd fit time at this k (below 1: faster than lloyd)",
    "inertia_ratio": "inertia / the lowest inertia of any fit at this k (1 = as tight as the best "
    "fit; 1.05 = 5 % more within-cluster sum of squares)",
    "ari_to_best_lloyd": "adjusted Rand index between the fit's partition and that of the "
    "lowest-inertia lloyd fit at this k (1 = the same partition, 0 = chance)",
}


def _best_lloyd(fits: pd.DataFrame) -> dict[int, tuple]:
    """{k: fit key of the lowest-inertia lloyd fit at k}."""
    lloyd = fits[fits["algorithm"] == "lloyd"]
    best = lloyd.loc[lloyd.groupby("k")["inertia"].idxmin()]
    return {int(r.k): fit_key(r.k, r.init, r.seed) for r in best.itertuples(index=False)}


def per_fit(fits: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """One row per fit: k, init, seed, algorithm, fit_seconds, time_vs_lloyd, inertia_ratio and
    ari_to_best_lloyd (NaN when lloyd is not swept). ``labels``: {fit key: labels}."""
    from .agreement import adjusted_rand_index

    out = fits[["k", "init", "seed", "algorithm", "fit_seconds", "inertia"]].copy()
    out["inertia_ratio"] = out["inertia"] / out.groupby("k")["inertia"].transform("min")
    lloyd_time = out[out["algorithm"] == "lloyd"].groupby("k")["fit_seconds"].median()
    out["time_vs_lloyd"] = out["fit_seconds"] / out["k"].map(lloyd_time)
    best = _best_lloyd(out)
    ari = []
    for r in out.itertuples(index=False):
        ref = best.get(int(r.k))
        own = labels.get(fit_key(r.k, r.init, r.seed, r.algorithm))
        ari.append(np.nan if ref is None or own is None else adjusted_rand_index(own, labels[ref]))
    out["ari_to_best_lloyd"] = ari
    return out.drop(columns="inertia")


def table(per_fit_rows: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """One row per (k, algorithm): n_fits and the median, min and max of each quantity."""
    grouped = per_fit_rows.groupby(["k", "algorithm"], sort=False)
    out = grouped.size().rename("n_fits").to_frame()
    for column, prefix in QUANTITIES:
        for stat in STATS:
            out[f"{prefix}_{stat}"] = grouped[column].agg(stat)
    out = out.reset_index()
    rank = {a: i for i, a in enumerate(ALGORITHMS)}
    out = out.sort_values(["k", "algorithm"], key=lambda s: s.map(rank) if s.name == "algorithm"
                          else s).reset_index(drop=True)
    out.insert(0, "dataset", dataset)
    return out


def guide(columns) -> dict[str, str]:
    """A line per column of the comparison table."""
    out = {}
    for col in columns:
        prefix, _, stat = col.rpartition("_")
        if col in GUIDE:
            out[col] = GUIDE[col]
        elif stat in STATS and prefix in GUIDE:
            what = "median" if stat == "median" else f"{stat}imum"
            out[col] = f"{what} over the algorithm's fits at this k of: {GUIDE[prefix]}"
        else:
            out[col] = ""
    return out


def findings(comparison: pd.DataFrame) -> list[str]:
    """One sentence per algorithm: its typical speed, inertia ratio and agreement with lloyd
    (medians over k of the per-k medians)."""
    lines = []
    for algo in [a for a in ALGORITHMS if a in set(comparison["algorithm"])]:
        rows = comparison[comparison["algorithm"] == algo]
        speed = rows["time_vs_lloyd_median"].median()
        ratio = rows["inertia_ratio_median"].median()
        ari = rows["ari_to_best_lloyd_median"].median()
        parts = [f"{algo}: median fit {rows['fit_time_s_median'].median() * 1000:.1f} ms"]
        if np.isfinite(speed) and algo != "lloyd":
            parts.append(f"{speed:.2f} × lloyd's time")
        parts.append(f"inertia {ratio:.3f} × the best fit's")
        if np.isfinite(ari):
            parts.append(f"ARI {ari:.2f} with the best lloyd partition")
        lines.append(", ".join(parts) + " (medians over k)")
    return lines
