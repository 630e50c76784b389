"""Combining per-job fit rows into ``fits`` and the per-(k, init) ``summary``."""

from __future__ import annotations

import pandas as pd

from .fitting import LABEL_METRICS, METRICS

KEY = ["dataset", "k", "init", "seed"]


def combine_fits(frames: list[pd.DataFrame], init_order: list[str] | None = None) -> pd.DataFrame:
    """One row per fit, sorted by k, init (config order) and seed; duplicates are an error."""
    fits = pd.concat(frames, ignore_index=True)
    if fits.duplicated(KEY).any():
        dup = fits[fits.duplicated(KEY, keep=False)].iloc[0]
        raise ValueError(f"fit k={dup.k} init={dup.init} seed={dup.seed} appears twice")
    order = init_order or sorted(fits["init"].unique())
    fits["_init"] = fits["init"].map({name: i for i, name in enumerate(order)})
    fits = fits.sort_values(["k", "_init", "seed"]).drop(columns="_init").reset_index(drop=True)
    # label-based scores are absent for unlabeled data
    present = [m for m in LABEL_METRICS if m in fits and fits[m].notna().any()]
    fits = fits.drop(columns=[m for m in LABEL_METRICS if m in fits and m not in present])
    first = KEY + [m for m in METRICS if m in fits]
    return fits[first + [c for c in fits.columns if c not in first]]


def summarize(fits: pd.DataFrame, init_order: list[str] | None = None) -> pd.DataFrame:
    """One row per (k, init): n_fits and <metric>_mean / <metric>_std over seeds."""
    metrics = [m for m in METRICS if m in fits]
    grouped = fits.groupby(["k", "init"], sort=False)
    out = grouped.size().rename("n_fits").to_frame()
    for m in metrics:
        values = grouped[m]
        out[f"{m}_mean"] = values.mean()
        out[f"{m}_std"] = values.std(ddof=1)
    out = out.reset_index()
    order = init_order or sorted(fits["init"].unique())
    out["_init"] = out["init"].map({name: i for i, name in enumerate(order)})
    out = out.sort_values(["k", "_init"]).drop(columns="_init").reset_index(drop=True)
    out.insert(0, "dataset", fits["dataset"].iloc[0] if len(fits) else "")
    return out

