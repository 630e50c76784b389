"""Combining the fit jobs' rows (tables/aggregate.py): ``combine_fits`` gives one row per fit
in a fixed order whatever the jobs' order, ``summarize`` one row per (k, init, algorithm)
with each score's mean and standard deviation over the seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kmeans_sweep.tables.aggregate import KEY, combine_fits, summarize


def fit_rows(*rows) -> pd.DataFrame:
    """Rows of (k, init, seed, inertia, silhouette) of dataset "d", as a fit job writes them."""
    frame = pd.DataFrame(rows, columns=["k", "init", "seed", "inertia", "silhouette"])
    return frame.assign(dataset="d", fit_seconds=0.1)


JOB_A = fit_rows((3, "random", 1, 30.0, 0.5), (2, "random", 0, 50.0, 0.6), (3, "pca", 0, 31.0, 0.4))
JOB_B = fit_rows((2, "pca", 0, 48.0, 0.7), (3, "random", 0, 28.0, 0.3), (2, "random", 1, 52.0, 0.2))


def test_combine_orders_by_k_then_init_in_config_order_then_seed():
    fits = combine_fits([JOB_A, JOB_B], init_order=["random", "pca"])
    assert list(zip(fits["k"], fits["init"], fits["seed"], strict=True)) == [
        (2, "random", 0), (2, "random", 1), (2, "pca", 0),
        (3, "random", 0), (3, "random", 1), (3, "pca", 0),
    ]
    assert (fits["algorithm"] == "lloyd").all()  # rows without an algorithm are lloyd fits
    # the jobs' order does not matter; without a config order, inits sort by name
    pd.testing.assert_frame_equal(
        combine_fits([JOB_B, JOB_A], init_order=["random", "pca"]), fits)
    assert list(combine_fits([JOB_A, JOB_B])["init"][:3]) == ["pca", "random", "random"]


def test_combine_puts_the_key_and_the_scores_first():
    fits = combine_fits([JOB_A.assign(extra="x"), JOB_B.assign(extra="y")])
    assert list(fits.columns) == [*KEY, "fit_seconds", "inertia", "silhouette", "extra"]


def test_combine_orders_algorithms_as_configured():
    rows = [fit_rows((2, "random", 0, 1.0, 0.5)).assign(algorithm=a)
            for a in ("minibatch", "lloyd", "elkan")]
    assert list(combine_fits(rows)["algorithm"]) == ["lloyd", "elkan", "minibatch"]
    ordered = combine_fits(rows, algorithm_order=["minibatch", "elkan", "lloyd"])
    assert list(ordered["algorithm"]) == ["minibatch", "elkan", "lloyd"]


def test_a_fit_twice_is_an_error():
    twice = "fit k=2 init=random seed=0 algorithm=lloyd appears twice"
    with pytest.raises(ValueError, match=twice):
        combine_fits([JOB_A, JOB_A.iloc[[1]]])


def test_label_scores_without_labels_are_dropped_and_kept_with_them():
    unlabelled = combine_fits([JOB_A.assign(ari=np.nan), JOB_B.assign(ari=np.nan)])
    assert "ari" not in unlabelled
    some = combine_fits([JOB_A.assign(ari=np.nan), JOB_B.assign(ari=0.9)])
    assert some["ari"].notna().sum() == len(JOB_B)


def test_summary_is_the_mean_and_sd_over_seeds_per_k_and_init():
    fits = combine_fits([JOB_A, JOB_B], init_order=["random", "pca"])
    summary = summarize(fits, init_order=["random", "pca"])
    assert list(summary.columns[:5]) == ["dataset", "k", "init", "algorithm", "n_fits"]
    assert list(zip(summary["k"], summary["init"], summary["n_fits"], strict=True)) == [
        (2, "random", 2), (2, "pca", 1), (3, "random", 2), (3, "pca", 1)]
    assert (summary["dataset"] == "d").all()
    row = summary.iloc[0]  # k = 2, random: inertia 50 and 52, silhouette 0.6 and 0.2
    assert row["inertia_mean"] == 51 and row["inertia_std"] == pytest.approx(np.sqrt(2))
    assert row["silhouette_mean"] == pytest.approx(0.4)
    assert row["silhouette_std"] == pytest.approx(np.std([0.6, 0.2], ddof=1))
    assert np.isnan(summary.iloc[1]["inertia_std"])  # one fit: no spread (ddof = 1)
    assert "seed_mean" not in summary and "fit_seconds_mean" in summary  # scores only


def test_summary_of_fits_without_an_algorithm_column():
    summary = summarize(pd.concat([JOB_A, JOB_B], ignore_index=True))
    assert (summary["algorithm"] == "lloyd").all() and summary["n_fits"].sum() == 6
