"""Resampling work items: subsamples, half-splits, the reverse-PCA null, resample fits and
prediction strength (fpc's convention, against a brute-force pair count)."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.cluster  # noqa: F401  (imported at collection, not inside the first test)

from kmeans_sweep.fit import resample as rs

FIT = {"init": "k-means++", "algorithm": "lloyd", "n_init": 1}


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [10, 0], [0, 10]], dtype=float)
    return np.concatenate([c + rng.standard_normal((30, 2)) for c in centres])


def test_subsample_is_sorted_distinct_and_fixed_by_seed_and_h():
    rows = rs.subsample(101, 0.8, seed=3, h=2)
    assert len(rows) == 80 and np.all(np.diff(rows) > 0) and rows.max() < 101
    assert np.array_equal(rows, rs.subsample(101, 0.8, seed=3, h=2))
    assert not np.array_equal(rows, rs.subsample(101, 0.8, seed=3, h=3))
    assert not np.array_equal(rows, rs.subsample(101, 0.8, seed=4, h=2))
    with pytest.raises(ValueError):
        rs.subsample(3, 0.2, seed=0, h=0)


def test_halves_split_every_row_once_floor_half_first():
    a, b = rs.halves(11, seed=1, m=0)
    assert len(a) == 5 and len(b) == 6
    assert np.array_equal(np.sort(np.r_[a, b]), np.arange(11))
    again = rs.halves(11, seed=1, m=0)
    assert np.array_equal(a, again[0]) and not np.array_equal(a, rs.halves(11, seed=1, m=1)[0])


@pytest.fixture
def one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # as the workflow runs fits (and a busy machine likes it)
        yield


@pytest.mark.parametrize("shape", [(4000, 6), (50, 5000)])
def test_null_keeps_mean_and_covariance(shape, one_thread):
    n, p = shape
    rng = np.random.default_rng(1)
    X = (rng.standard_normal((n, min(p, 6))) @ rng.standard_normal((min(p, 6), p))) + 3.0
    X = X.astype(np.float32)
    model = rs.NullModel.from_data(X)
    assert model.vt.shape == (min(n, p), p)  # nothing p x p when p > n
    ref = rs.null_reference(model, seed=0, b=0)
    assert ref.shape == X.shape and ref.dtype == np.float32
    assert np.array_equal(ref, rs.null_reference(model, seed=0, b=0))
    assert not np.array_equal(ref, rs.null_reference(model, seed=0, b=1))
    if n > p:  # sampling error ~ 1/sqrt(n)
        assert np.allclose(ref.mean(axis=0), X.mean(axis=0), atol=0.15)
        cov = np.cov(X.T.astype(float))
        assert np.allclose(np.cov(ref.T), cov, atol=0.15 * np.abs(cov).max())
    else:  # the model's covariance, S'^2 in the right singular basis, is exactly X's
        head = model.vt[:, :40]
        cov = (head.T * model.scale**2) @ head
        assert np.allclose(cov, np.cov(X[:, :40].T.astype(float)), atol=1e-3)
        # and many draws average to it (column variances of 50 x 5000 draws)
        draws = np.concatenate([rs.null_reference(model, 0, b) for b in range(10)])
        spread = draws.var(axis=0, ddof=1).mean()
        assert spread == pytest.approx(X.var(axis=0, ddof=1).mean(), rel=0.05)


def test_resample_labels_cover_the_drawn_rows_and_are_deterministic(blobs):
    labels = rs.resample_labels(blobs, 3, h=1, seed=7, fraction=0.8, **FIT)
    rows = rs.subsample(len(blobs), 0.8, 7, 1)
    assert labels.dtype == np.int8 and len(labels) == len(rows)
    truth = np.repeat([0, 1, 2], 30)[rows]
    assert len({(t, lab) for t, lab in zip(truth, labels, strict=True)}) == 3  # found the blobs
    assert np.array_equal(labels, rs.resample_labels(blobs, 3, h=1, seed=7, fraction=0.8, **FIT))
    assert rs.label_dtype(200) == np.int16 and rs.fit_seed(1, 2) == rs.fit_seed(1, 2)


def brute_prediction_strength(test, pred):
    worst = 1.0
    for c in np.unique(test):
        members = np.flatnonzero(test == c)
        if len(members) < 2:
            continue
        pairs = [(a, b) for a in members for b in members if a != b]
        worst = min(worst, np.mean([pred[a] == pred[b] for a, b in pairs]))
    return worst


def test_prediction_strength_matches_a_pair_count():
    rng = np.random.default_rng(2)
    for _ in range(5):
        test = rng.integers(0, 4, size=25)
        pred = rng.integers(0, 3, size=25)
        test[0] = 9  # a singleton cluster scores 1
        assert rs.prediction_strength(test, pred) == pytest.approx(
            brute_prediction_strength(test, pred))


def test_prediction_strength_run_is_one_on_clear_blobs(blobs):
    assert rs.prediction_strength_run(blobs, 3, 0, seed=1, **FIT) == 1.0
    assert rs.prediction_strength_run(blobs, 3, 0, seed=1, **FIT) == rs.prediction_strength_run(
        blobs, 3, 0, seed=1, **FIT)
    assert np.isnan(rs.prediction_strength_run(blobs[:6], 4, 0, seed=1, **FIT))


def test_nearest_centre(blobs):
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    assert np.array_equal(rs.nearest_centre(blobs, centres, chunk=7), np.repeat([0, 1, 2], 30))
