"""Test helper: real choose_k tables, made by ``choose_k`` from small sweeps (well under a
second each), and a writer that stores one where the end-of-run block reads it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from _fitsframe import build_fits
from sklearn.datasets import make_blobs

from kmeans_sweep.choose import stability
from kmeans_sweep.choose.choose_k import choose_k
from kmeans_sweep.fit.gap import gap_statistic

KS = range(2, 7)


def _table(X: np.ndarray) -> pd.DataFrame:
    fits, labels = build_fits(X, KS, inits=("k-means++",), seeds=range(3))
    gap = gap_statistic(X, [1, *KS], n_refs=5, random_state=0)  # k = 1: the structure test
    return choose_k(fits, gap, stability.stability_table(labels))


@cache
def three_blobs() -> pd.DataFrame:
    """Three blobs 10 apart (sd 1): k = 3, clear."""
    X, _ = make_blobs(300, centers=[[0, 0], [10, 0], [0, 10]], random_state=0)
    return _table(X)


@cache
def noise() -> pd.DataFrame:
    """Gaussian noise, 200 x 4: k = 1, "no structure"."""
    return _table(np.random.default_rng(0).normal(size=(200, 4)))


@cache
def no_fits() -> pd.DataFrame:
    """No fits at all: no recommendation."""
    return choose_k(pd.DataFrame(), None, None)


def hand_made(k, confidence: str, note: str, picks: dict | None = None) -> pd.DataFrame:
    """The columns the answer reads (criterion, k as Int64, confidence, note, the criteria's
    agreement), ``picks`` the criteria's rows and ``recommended`` last."""
    rows = [(c, v, "", "") for c, v in (picks or {}).items()]
    rows.append(("recommended", k, confidence, note))
    table = pd.DataFrame(rows, columns=["criterion", "k", "confidence", "note"])
    table["k"] = table["k"].astype("Int64")
    table["criteria_agreeing"] = 0
    return table


def store(results: Path, dataset: str, table: pd.DataFrame) -> Path:
    """``results/<dataset>/choose_k.parquet``, as the choose_k rule writes it."""
    path = Path(results) / dataset / "choose_k.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(path, index=False)
    return path
