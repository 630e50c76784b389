"""fit/lean_kmeans: KMeans.fit without scikit-learn's per-call overhead must equal KMeans.fit
to the last bit (labels, centres, inertia, iterations, warnings), and leave every other case
to it."""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
import pytest
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import load_digits, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from kmeans_sweep.fit import lean_kmeans


@pytest.fixture(scope="module")
def digits():
    return StandardScaler().fit_transform(load_digits().data)


def fitted(make, X):
    """(ours, scikit-learn's) fits of two fresh estimators from ``make``, single-threaded as
    the fit jobs run, with the ConvergenceWarnings each raised."""
    out = []
    for fit in (lean_kmeans.fit, lambda model, data: model.fit(data)):
        with threadpool_limits(1), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model = fit(make(), X)
        out.append((model, [str(w.message) for w in caught]))
    return out


def assert_same(ours, theirs):
    (a, said_a), (b, said_b) = ours, theirs
    assert np.array_equal(a.labels_, b.labels_) and a.labels_.dtype == b.labels_.dtype
    assert np.array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.inertia_ == b.inertia_ and a.n_iter_ == b.n_iter_
    assert a.n_features_in_ == b.n_features_in_
    assert said_a == said_b


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("n_init", [1, 3])
def test_equal_to_kmeans_fit_on_digits_and_its_subsamples(digits, init, n_init):
    rng = np.random.default_rng(0)
    for k in (2, 5, 10, 17):
        for seed in (0, 7):
            rows = np.sort(rng.choice(len(digits), 1400, replace=False))
            for X in (digits, digits[rows]):
                make = partial(KMeans, k, init=init, n_init=n_init, random_state=seed)
                assert_same(*fitted(make, X))


def test_equal_with_an_array_init_and_a_max_iter(digits):
    from kmeans_sweep.fit.fitting import pca_init_centres

    for k, max_iter in ((4, 300), (10, 3)):
        start = pca_init_centres(digits, k)
        make = partial(KMeans, k, init=start, n_init=1, max_iter=max_iter)
        ours, theirs = fitted(make, digits)
        assert_same(ours, theirs)
    assert np.array_equal(start, pca_init_centres(digits, 10))  # the init is not changed


def test_equal_with_duplicate_points_and_the_same_warning():
    X = np.repeat(make_blobs(6, n_features=3, centers=2, random_state=0)[0], 10, axis=0)
    ours, theirs = fitted(lambda: KMeans(8, n_init=1, random_state=0), X)
    assert_same(ours, theirs)
    assert ours[1] and "distinct clusters" in ours[1][0]


def test_every_other_case_is_fitted_by_scikit_learn(digits, tmp_path):
    other = [
        (KMeans(3, n_init=1, random_state=0), digits.astype(np.float32)),
        (KMeans(3, n_init=1, algorithm="elkan", random_state=0), digits),
        (KMeans(3, n_init=1, random_state=0, copy_x=False), digits),
        (KMeans(3, n_init="auto", random_state=0), digits),
        (MiniBatchKMeans(3, random_state=0, n_init=1), digits),
        (KMeans(30, n_init=1, random_state=0), digits[:20]),  # k > n: scikit-learn's error
    ]
    path = tmp_path / "X.npy"
    np.save(path, digits)
    other.append((KMeans(3, n_init=1, random_state=0), np.load(path, mmap_mode="r")))
    for model, X in other:
        assert not lean_kmeans.applies(model, X)
    assert lean_kmeans.applies(KMeans(3, n_init=1, random_state=0), digits)
    with pytest.raises(ValueError, match="n_samples=20 should be >= n_clusters=30"):
        lean_kmeans.fit(KMeans(30, n_init=1, random_state=0), digits[:20])
