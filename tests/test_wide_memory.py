"""Wide data (p >> n): no step ever holds a p x p matrix.

Each step that touches the data runs on a 40 x 2,000 matrix under tracemalloc (numpy reports
its arrays to it); the peak of memory allocated must stay far below one p x p float64 matrix
(32 MB): the bound is 8 MB, about 12 copies of the data.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from kmeans_sweep.data.prepare import prepare as prepare_data
from kmeans_sweep.definitions import DATA
from kmeans_sweep.fit import gap
from kmeans_sweep.fit.fitting import pca_init_centres
from kmeans_sweep.fit.scores import score, silhouette_base
from kmeans_sweep.plots import pca, silhouette

N, P = 40, 2_000
BOUND = 8 * 2**20  # bytes; one p x p float64 matrix is 32 MB


@pytest.fixture(scope="module")
def wide():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, P))
    X[:, :200] += np.repeat(rng.normal(scale=3, size=(4, 200)), N // 4, axis=0)
    return X, np.repeat(np.arange(4), N // 4)


def peak_bytes(call) -> int:
    call()  # once untraced: imports and caches are not the step's memory
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run_gap(X):
    data = gap.gap_data(X, random_state=0)
    for b in (DATA, 0):
        gap.log_w(data, 3, b)


def run_scores(X, y):
    sil = silhouette_base(X, 5000)
    score(X, y, y, sil)


def prepare(tmp_path):
    spec = {"source": "blobs", "n_samples": N, "n_features": P, "centers": 4, "scale": "standard"}
    prepare_data("wide", {**spec, "top_variable_features": 500})
    prepare_data("wide", spec)


STEPS = {
    "gap references": lambda X, y, tmp: run_gap(X),
    "picture axes": lambda X, y, tmp: pca._project(X, X[:4], max_points=20_000),
    "pca init": lambda X, y, tmp: pca_init_centres(X, 4),
    "scores": lambda X, y, tmp: run_scores(X, y),
    "silhouette diagram distances": lambda X, y, tmp: silhouette.sample_distances(X),
    "prepare and select features": lambda X, y, tmp: prepare(tmp),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_no_step_holds_a_p_by_p_matrix(wide, tmp_path, step):
    X, y = wide
    peak = peak_bytes(lambda: STEPS[step](X, y, tmp_path))
    assert peak < BOUND, f"{step}: peak {peak / 2**20:.1f} MiB (p x p would be 32 MiB)"


def test_the_guard_sees_a_p_by_p_matrix(wide):
    """The measurement catches what it guards against: the covariance of the old pictures."""
    X, _ = wide
    assert peak_bytes(lambda: np.cov(X, rowvar=False)) > BOUND
