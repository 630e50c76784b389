"""Combining per-job fit rows into ``fits`` and the per-(k, init, algorithm) ``summary``."""

from __future__ import annotations

import pandas as pd

from ..fit.algorithms import ALGORITHMS, DEFAULT
from ..fit.fitting import LABEL_METRICS, METRICS

KEY = ["dataset", "k", "init", "seed", "algorithm"]


def _sorted(frame: pd.DataFrame, by: list[str], init_order, algorithm_order) -> pd.DataFrame:
    """Sorted by ``by``, with init and algorithm in config order (else by name)."""
    inits = init_order or sorted(frame["init"].unique())
    algos = algorithm_order or [a for a in ALGORITHMS if a in set(frame["algorithm"])]
    ranks = {
        "init": frame["init"].map({name: i for i, name in enumerate(inits)}),
        "algorithm": frame["algorithm"].map({name: i for i, name in enumerate(algos)}),
    }
    keys = pd.DataFrame({col: ranks.get(col, frame[col]) for col in by})
    order = keys.sort_values(by, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def combine_fits(
    frames: list[pd.DataFrame], init_order: list[str] | None = None, algorithm_order=None
) -> pd.DataFrame:
    """One row per fit, sorted by k, init, algorithm (config order) and seed; duplicates are an
    error. Rows without an algorithm are lloyd fits."""
    fits = pd.concat(frames, ignore_index=True)
    if "algorithm" not in fits:
        fits["algorithm"] = DEFAULT
    if fits.duplicated(KEY).any():
        dup = fits[fits.duplicated(KEY, keep=False)].iloc[0]
        raise ValueError(
            f"fit k={dup.k} init={dup.init} seed={dup.seed} algorithm={dup.algorithm} "
            f"appears twice"
        )
    fits = _sorted(fits, ["k", "init", "algorithm", "seed"], init_order, algorithm_order)
    # label-based scores are absent for unlabeled data
    present = [m for m in LABEL_METRICS if m in fits and fits[m].notna().any()]
    fits = fits.drop(columns=[m for m in LABEL_METRICS if m in fits and m not in present])
    first = KEY + [m for m in METRICS if m in fits]
    return fits[first + [c for c in fits.columns if c not in first]]


def summarize(
    fits: pd.DataFrame, init_order: list[str] | None = None, algorithm_order=None
) -> pd.DataFrame:
    """One row per (k, init, algorithm): n_fits and <metric>_mean / <metric>_std over seeds."""
    if "algorithm" not in fits:
        fits = fits.assign(algorithm=DEFAULT)
    metrics = [m for m in METRICS if m in fits]
    grouped = fits.groupby(["k", "init", "algorithm"], sort=False)
    out = grouped.size().rename("n_fits").to_frame()
    for m in metrics:
        values = grouped[m]
        out[f"{m}_mean"] = values.mean()
        out[f"{m}_std"] = values.std(ddof=1)
    out = _sorted(out.reset_index(), ["k", "init", "algorithm"], init_order, algorithm_order)
    out.insert(0, "dataset", fits["dataset"].iloc[0] if len(fits) else "")
    return out
