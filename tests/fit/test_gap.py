"""The gap statistic as work items: the items, the table from their values, the reference sets
(run by the fit jobs from the cache or not: tests/jobs/test_cache.py)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from kmeans_sweep.definitions import DATA
from kmeans_sweep.fit import gap

SETTINGS = {"sample_size": 150, "n_init": 1, "max_iter": 300}


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(n_samples=200, centers=3, n_features=4, random_state=1)
    return X


def test_items_cover_the_valid_ks_for_the_data_and_each_reference():
    items = gap.gap_items([3, 2, 2, 9], n_refs=2, n_points=5)
    assert items == [(2, -1), (2, 0), (2, 1), (3, -1), (3, 0), (3, 1)]  # k=9 > 5 points
    assert gap.gap_points(200, 150) == 150 and gap.gap_points(100, None) == 100


def test_missing_items_and_large_k_give_nan_rows():
    values = {(2, DATA): 1.0, (2, 0): 2.0, (2, 1): 2.5}
    table = gap.gap_table(values, [2, 3], n_refs=2)
    assert list(table.columns) == gap.GAP_COLUMNS
    assert table.loc[0, "gap"] == pytest.approx(1.25)
    assert table.loc[0, "sk"] == pytest.approx(0.25 * np.sqrt(1.5))
    assert table.loc[1, ["log_w", "gap", "sk"]].isna().all()


@pytest.mark.parametrize("shape", [(40, 300), (30, 30), (120, 5)])
def test_pc_scores_are_the_thin_svd_scores(shape):
    """The principal-component scores U S of the centred data, with p > n from the n x n
    Gram matrix: the same box (up to each component's sign) as the SVD of the centred X."""
    X = np.random.default_rng(0).normal(size=shape) * np.linspace(1, 3, shape[1]) + 2.0
    scores = gap.pc_scores(X)
    Xc = X - X.mean(axis=0)
    u, s, _ = np.linalg.svd(Xc, full_matrices=False)
    assert scores.shape == (shape[0], min(shape))
    np.testing.assert_allclose(np.abs(scores), np.abs(u * s), atol=1e-8)


def test_references_on_wide_data_are_drawn_in_the_principal_subspace():
    """p > n used to crash (a box of min(n, p) sides drawn with the data's shape). A
    reference set has the data's n rows in the r = min(n, p) coordinates of its principal
    subspace; mapped back to p dimensions by V^T (the paper's method (b)) it gives the same
    W_k, so fitting the n x r points is the same as fitting the paper's n x p ones."""
    from sklearn.cluster import KMeans

    X, _ = make_blobs(n_samples=40, centers=3, n_features=500, random_state=2)
    data = gap.gap_data(X, random_state=3)
    ref = data.points(0)
    assert ref.shape == (40, 40)
    _, _, vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    signs = np.sign(np.sum(gap.pc_scores(X) * ((X - X.mean(axis=0)) @ vt.T), axis=0))
    back = (ref * signs) @ vt  # the paper's reference set: n x p, in the principal subspace
    assert back.shape == X.shape
    for k in (2, 4):
        a = KMeans(k, n_init=1, random_state=3).fit(ref).inertia_
        b = KMeans(k, n_init=1, random_state=3).fit(back).inertia_
        assert a == pytest.approx(b, rel=1e-9)
    table = gap.gap_statistic(X, [1, 2, 3, 4], n_refs=2)
    assert table["gap"].notna().all()


def test_references_of_tall_data_are_as_before(blobs):
    """p <= n: the same draws as before the wide-data fix (a box of p sides, size n x p)."""
    data = gap.gap_data(blobs, random_state=4)
    Xc = blobs - blobs.mean(axis=0)
    Xp = Xc @ np.linalg.svd(Xc, full_matrices=False)[2].T
    rng = np.random.default_rng(np.random.SeedSequence([4, 1]))
    old = rng.uniform(Xp.min(axis=0), Xp.max(axis=0), size=blobs.shape)
    np.testing.assert_array_equal(data.points(1), old)
