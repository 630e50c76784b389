"""Agreement between two labelings (tables/agreement.py): the adjusted Rand index from
cluster-size sums equals scikit-learn's, for any labels and without overflow."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from kmeans_sweep.tables import agreement


def test_ari_equals_sklearn():
    rng = np.random.default_rng(1)
    cases = []
    for _ in range(200):
        n = int(rng.integers(1, 400))
        a = rng.integers(0, int(rng.integers(1, 12)), n)
        b = a.copy() if rng.random() < 0.2 else rng.integers(0, int(rng.integers(1, 12)), n)
        flip = rng.random(n) < rng.random()
        b = np.where(flip, rng.integers(0, 5, n), b)
        cases.append((a, b))
    z = np.zeros(50, int)
    ar = np.arange(50)
    cases += [
        (z, z),
        (z, ar),
        (ar, ar),
        (ar, z),
        (ar % 3, (ar % 3) * 7 - 20),  # relabelled, negative and non-contiguous labels
        (np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])),
    ]
    for a, b in cases:
        expected = adjusted_rand_score(a, b)
        assert abs(agreement.adjusted_rand_index(a, b) - expected) <= 1e-12
        assert abs(agreement.pairwise_ari([a, b])[0] - expected) <= 1e-12


def test_ari_large_n_no_overflow():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 3, 300_000)
    b = np.where(rng.random(a.size) < 0.1, rng.integers(0, 3, a.size), a)
    assert abs(agreement.adjusted_rand_index(a, b) - adjusted_rand_score(a, b)) <= 1e-12


def test_pairwise_ari_order_and_length():
    rng = np.random.default_rng(3)
    labs = [rng.integers(0, 4, 100) for _ in range(5)]
    got = agreement.pairwise_ari(labs)
    expected = [adjusted_rand_score(labs[i], labs[j]) for i in range(5) for j in range(i + 1, 5)]
    assert got.shape == (10,)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert agreement.pairwise_ari(labs[:1]).shape == (0,)
    assert agreement.pairwise_ari([]).shape == (0,)
