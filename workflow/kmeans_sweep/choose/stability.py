"""Seed stability: how alike the partitions of different seeds are at each k (pairwise ARI)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..tables.agreement import pairwise_ari

#: Stability rule: largest k whose mean pairwise ARI >= best - tolerance.
STABILITY_TOLERANCE = 0.05
_STABILITY_COLUMNS = ["k", "init", "n_seeds", "n_pairs", "stability_mean", "stability_std"]


def stability_table(labels: Mapping[tuple[int, str, int], np.ndarray]) -> pd.DataFrame:
    """Seed stability per (k, init): mean and (population) sd of the pairwise ARI
    between the labelings of all seeds. Columns ``k, init, n_seeds, n_pairs,
    stability_mean, stability_std``; NaN stability with fewer than two seeds."""
    groups: dict[tuple[int, str], list[tuple[int, np.ndarray]]] = {}
    for (k, init, seed), lab in labels.items():
        groups.setdefault((int(k), str(init)), []).append((int(seed), lab))
    rows = []
    for (k, init), members in sorted(groups.items()):
        members.sort(key=lambda m: m[0])
        aris = pairwise_ari([lab for _, lab in members])
        rows.append(
            {
                "k": k,
                "init": init,
                "n_seeds": len(members),
                "n_pairs": int(aris.size),
                "stability_mean": float(aris.mean()) if aris.size else float("nan"),
                "stability_std": float(aris.std()) if aris.size else float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=_STABILITY_COLUMNS)
    out["k"] = out["k"].astype(int)
    out["n_seeds"] = out["n_seeds"].astype(int)
    out["n_pairs"] = out["n_pairs"].astype(int)
    return out


def informative_inits(stability: pd.DataFrame) -> list[str]:
    """Inits whose stability says something: drop inits that are seed-invariant
    (every pair ARI exactly 1 at every k, e.g. the deterministic PCA init);
    if that would drop all of them, keep all."""
    if stability is None or len(stability) == 0:
        return []
    st = stability.dropna(subset=["stability_mean"])
    inits = sorted(st["init"].unique().tolist())
    invariant = {
        init
        for init, g in st.groupby("init")
        if (g["stability_mean"] == 1.0).all() and (g["stability_std"].fillna(0) == 0).all()
    }
    keep = [i for i in inits if i not in invariant]
    return keep or inits


def stability_by_k(stability: pd.DataFrame | None) -> pd.DataFrame:
    """Per-k stability of the most reproducible informative init: for each k the
    (k, init) row with the highest mean pairwise ARI among
    :func:`informative_inits`. Columns ``k, init, stability_mean, stability_std, n_pairs``."""
    cols = ["k", "init", "stability_mean", "stability_std", "n_pairs"]
    if stability is None or len(stability) == 0:
        return pd.DataFrame(columns=cols)
    keep = informative_inits(stability)
    st = stability[stability["init"].isin(keep)].dropna(subset=["stability_mean"])
    st = st[st["n_pairs"] > 0]
    if len(st) == 0:
        return pd.DataFrame(columns=cols)
    best = st.sort_values(["k", "stability_mean", "init"], ascending=[True, False, True])
    best = best.drop_duplicates("k", keep="first")
    out = best[cols].reset_index(drop=True)
    out["k"] = out["k"].astype(int)
    return out


def stability_pick(per_k: pd.DataFrame, tolerance: float = STABILITY_TOLERANCE) -> int | None:
    """Largest k whose mean pairwise ARI (from :func:`stability_by_k`) is within
    ``tolerance`` of the best k's; None without stability values."""
    df = per_k.dropna(subset=["stability_mean"])
    if len(df) == 0:
        return None
    best = df["stability_mean"].max()
    return int(df.loc[df["stability_mean"] >= best - tolerance, "k"].max())
