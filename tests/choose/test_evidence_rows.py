"""Resampling at a size that does not grow with n (resampling.max_rows): above it the evidence
uses a fixed uniform sample of rows, and its statistics are those of that sample as data; up
to it nothing changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kmeans_sweep.choose.resampling.reference import resampling_statistics
from kmeans_sweep.fit.resample import evidence_rows
from kmeans_sweep.jobs.resample_items import evidence_size, resample_items

SETTINGS = {"resamples": 4, "null_references": 2, "prediction_strength_splits": 2, "seed": 3}


def blobs(n=240, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0], [8, 0, 0], [0, 8, 0]])
    return np.concatenate([c + rng.standard_normal((n // 3, 3)) for c in centres])


def test_the_sample_is_fixed_sorted_and_only_above_the_cap():
    assert evidence_rows(1000, 1000, 0) is None and evidence_rows(1000, None, 0) is None
    rows = evidence_rows(1000, 300, 7)
    assert len(rows) == 300 == len(np.unique(rows)) and np.all(np.diff(rows) > 0)
    assert np.array_equal(rows, evidence_rows(1000, 300, 7))
    assert not np.array_equal(rows, evidence_rows(1000, 300, 8))
    assert evidence_size(1000, {"max_rows": 300}) == 300
    assert evidence_size(200, {"max_rows": 300}) == 200
    assert evidence_size(10**7, {"max_rows": None}) == 10**7


def test_items_and_ks_follow_the_sample_size():
    # a subsample of 80 % of 10 rows holds k <= 8, a half k <= 5: so does the capped plan
    capped = {**SETTINGS, "fraction": 0.8, "max_rows": 10}
    ks = {item[-1] for item in resample_items(range(2, 30), 10**6, capped)}
    assert ks == set(range(2, 6))


def tables(X, settings):
    return resampling_statistics(X, [2, 3, 4], settings)


def test_up_to_the_cap_the_statistics_are_unchanged():
    X = blobs()
    a = tables(X, {**SETTINGS, "max_rows": None})
    b = tables(X, {**SETTINGS, "max_rows": len(X)})
    for name in ("resampling", "clusters", "items"):
        pd.testing.assert_frame_equal(a[name], b[name])
    assert (a["resampling"]["rows_used"] == len(X)).all()


def test_above_the_cap_they_are_the_samples_statistics_in_the_datas_rows():
    X = blobs(600)
    capped = tables(X, {**SETTINGS, "max_rows": 150})
    rows = evidence_rows(len(X), 150, SETTINGS["seed"])
    sample = tables(X[rows], {**SETTINGS, "max_rows": None})
    cols = [c for c in capped["resampling"].columns if c != "rows_used"]
    pd.testing.assert_frame_equal(capped["resampling"][cols], sample["resampling"][cols])
    assert (capped["resampling"]["rows_used"] == 150).all()
    # per-row tables name the data's rows
    items = capped["items"]
    assert set(items["row"]) <= set(rows)
    assert np.array_equal(np.sort(items["row"].unique()),
                          np.sort(rows[sample["items"]["row"].unique()]))
    assert capped["resampling"].set_index("k").loc[3, "pac"] == pytest.approx(0.0, abs=1e-9)
