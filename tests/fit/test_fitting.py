"""Unit tests of fitting and scoring (the fit cache and the job runner: tests/jobs/)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics
from sklearn.datasets import load_iris, make_blobs
from sklearn.preprocessing import StandardScaler

from kmeans_sweep.fit import fitting, scores

SETTINGS = {"n_init": 1, "max_iter": 300, "silhouette_sample_size": 5000}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_silhouette_matches_sklearn_including_singletons():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(60, 3))
    D = metrics.pairwise_distances(X)
    for labels in (
        rng.randint(0, 4, 60),
        np.r_[np.zeros(59, int), 1],  # a singleton cluster scores 0
        np.r_[np.full(30, 7), np.full(30, 3)],  # arbitrary label values
    ):
        ours = scores.silhouette_samples_precomputed(D, labels)
        theirs = metrics.silhouette_samples(X, labels)
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_calinski_harabasz_davies_bouldin_match_sklearn():
    X, _ = make_blobs(300, n_features=5, centers=4, random_state=0)
    rng = np.random.RandomState(0)
    for labels in (rng.randint(0, 5, 300), np.r_[np.zeros(299, int), 1]):
        for block in (7, 65536):  # several row blocks, or one
            ch, db = scores.calinski_harabasz_davies_bouldin(X, labels, block=block)
            assert ch == pytest.approx(metrics.calinski_harabasz_score(X, labels), rel=1e-10)
            assert db == pytest.approx(metrics.davies_bouldin_score(X, labels), rel=1e-10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_wide_data_scores_from_the_gram_matrix_match_sklearn(dtype):
    """p > n: CH and DB come from the n x n Gram matrix kept beside the silhouette distances
    (O(n^2) per fit instead of O(n p)); the values of the row-block version (which compares
    each point with its mean directly) to 1e-12, and of sklearn.metrics, whose own distances
    to the centroid go through |x|^2 - 2 x.c + |c|^2, to its rounding (1e-6 here)."""
    X, y = make_blobs(60, n_features=900, centers=4, random_state=1)
    X = X.astype(dtype)
    sil = scores.silhouette_base(X, 5000)
    assert sil.gram is not None and sil.gram.shape == (60, 60)
    np.testing.assert_allclose(sil.gram.sum(axis=0), 0, atol=1e-6)  # centred rows
    assert scores.silhouette_base(X[:, :50], 5000).gram is None  # p <= n: the row blocks
    rng = np.random.RandomState(0)
    for labels in (y, rng.randint(0, 5, 60), np.r_[np.zeros(59, int), 1]):
        ch, db = scores.ch_db_from_gram(sil.gram, labels)
        X64 = X.astype(np.float64)
        exact = scores.calinski_harabasz_davies_bouldin(X64, labels)
        assert (ch, db) == pytest.approx(exact, rel=1e-12)
        assert ch == pytest.approx(metrics.calinski_harabasz_score(X64, labels), rel=1e-9)
        assert db == pytest.approx(metrics.davies_bouldin_score(X64, labels), rel=1e-6)
        row, _ = scores.score(X, labels, None, sil)
        assert (row["calinski_harabasz"], row["davies_bouldin"]) == (ch, db)


def test_silhouette_base_samples_large_data_reproducibly():
    X = np.random.RandomState(0).normal(size=(500, 2))
    a = scores.silhouette_base(X, 100)
    b = scores.silhouette_base(X, 100)
    assert a.size == 100 and np.array_equal(a.index, b.index)
    assert scores.silhouette_base(X, 1000).index is None


def test_fit_one_scores(iris):
    X, y = iris
    sil = scores.silhouette_base(X, 5000)
    row, labels, centers, problems = fitting.fit_one(X, y, 3, "k-means++", 0, SETTINGS, sil)
    assert problems == []
    assert centers.shape == (3, 4) and labels.shape == (150,)
    assert row["n_clusters"] == 3
    assert row["silhouette"] == pytest.approx(metrics.silhouette_score(X, labels))
    assert row["ari"] == pytest.approx(metrics.adjusted_rand_score(y, labels))
    # pca init is the digits example's: centres from the principal axes, one run
    row_pca, *_ = fitting.fit_one(X, None, 3, "pca", 5, SETTINGS, sil)
    assert "ari" not in row_pca


def test_degenerate_fit_gives_null_scores_with_a_warning():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0]]), 10, axis=0)  # 2 distinct points
    sil = scores.silhouette_base(X, 5000)
    row, _, _, problems = fitting.fit_one(X, None, 3, "k-means++", 0, SETTINGS, sil)
    assert row["n_clusters"] == 2  # fewer clusters than asked for
    assert any("distinct clusters" in p for p in problems)
    single = np.zeros(20, int)
    got, problems = scores.score(X, single, None, sil)
    assert np.isnan(got["silhouette"])
    assert np.isnan(got["calinski_harabasz"]) and np.isnan(got["davies_bouldin"])
    assert len(problems) == 2


def test_label_scores_match_sklearn():
    rng = np.random.RandomState(3)
    cases = [
        (rng.randint(0, 4, 500), rng.randint(0, 6, 500)),
        (rng.randint(0, 3, 200), np.zeros(200, int)),  # one cluster
        (np.zeros(50, int), np.zeros(50, int)),  # one class, one cluster
        (np.r_[np.zeros(25, int), np.ones(25, int)], np.r_[np.zeros(25, int), np.ones(25, int)]),
        (np.array(list("abcab" * 20)), rng.randint(0, 9, 100) * 3),  # strings, gaps in codes
    ]
    for truth, pred in cases:
        got = scores.label_scores(scores.encode(truth), scores.encode(pred))
        h, c, v = metrics.homogeneity_completeness_v_measure(truth, pred)
        expected = {
            "homogeneity": h,
            "completeness": c,
            "v_measure": v,
            "ari": metrics.adjusted_rand_score(truth, pred),
            "ami": metrics.adjusted_mutual_info_score(truth, pred),
        }
        for key, value in expected.items():
            # AMI near 0 is a difference of two nearly equal numbers: compare absolutely there
            assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key


def test_encode():
    codes, counts = scores.encode(np.array([5, 2, 5, 9]))
    assert codes.tolist() == [1, 0, 1, 2] and counts.tolist() == [1, 2, 1]
    codes, counts = scores.encode(np.array(["b", "a", "b"]))
    assert codes.tolist() == [1, 0, 1] and counts.tolist() == [1, 2]


def test_expected_mutual_information_matches_sklearn():
    from sklearn.metrics.cluster._expected_mutual_info_fast import (
        expected_mutual_information as sklearn_emi,
    )

    rng = np.random.RandomState(0)
    for n, nc, nk in [(20, 2, 3), (500, 4, 6), (1797, 10, 20), (60_000, 12, 16)]:
        table = np.bincount(
            rng.randint(0, nc, n) * nk + rng.randint(0, nk, n), minlength=nc * nk
        ).reshape(nc, nk)
        assert scores.expected_mutual_information(table, n) == pytest.approx(
            sklearn_emi(table, n), rel=1e-10
        )


def test_numpy_silhouette_samples_and_distances_match_sklearn():
    """The plotting jobs' scikit-learn-free silhouette agrees with scikit-learn's."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 7))
    X[:5] = X[0]  # duplicate points: distance 0 off the diagonal
    labels = rng.integers(0, 5, 300)
    np.testing.assert_allclose(
        scores.euclidean_distances(X), metrics.pairwise_distances(X), rtol=0, atol=1e-12
    )
    ours = scores.silhouette_samples_precomputed(scores.euclidean_distances(X), labels)
    np.testing.assert_allclose(ours, metrics.silhouette_samples(X, labels), atol=1e-12)
