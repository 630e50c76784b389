"""Our resampling picks against ConsensusClusterPlus's and fpc's, run in R on the same data
(tests/fixtures/r/: the R script, its data and its output; CI needs no R).

ConsensusClusterPlus is read the usual way, the k of the lowest PAC (our consensus pick
without null references); fpc's ``prediction.strength`` picks the largest k with mean
prediction strength above 0.8, as ours does. R fits with Hartigan-Wong k-means, one random
start and 10 iterations; we fit with k-means++ (the sweep's first init). Where that makes the
picks differ, the test says so explicitly instead of leaving the data set out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kmeans_sweep.choose.resampling import picks as R
from kmeans_sweep.choose.resampling.reference import resampling_statistics

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "r"
R_PICKS = pd.read_csv(FIXTURES / "results" / "picks.csv").set_index("dataset")
#: (lowest-PAC k, prediction strength k) we pick where it differs from R, and why.
DIFFERENT = {
    # k-means++ merges the same two of the four blobs in every subsample at k = 3 (PAC 0);
    # R's single random starts do not (PAC 0.165), so R's lowest PAC is at k = 4 (0.044,
    # ours 0.063). Both prediction strengths pick 4 (R's by 0.823 against 0.826 at k = 3).
    "blobs4": (3, 4),
}


@pytest.fixture(scope="module")
def ours():
    out = {}
    for name in ("iris", "blobs3", "blobs4", "blobs5_overlap", "noise"):
        X = pd.read_csv(FIXTURES / "data" / f"{name}.csv").to_numpy(float)
        table = resampling_statistics(
            X, range(2, 9), resamples=30, null_references=0, splits=10
        )["resampling"]
        out[name] = (R.consensus_pick(table), R.prediction_strength_pick(table))
    return out


@pytest.mark.parametrize("name", ["iris", "blobs3", "blobs5_overlap", "noise"])
def test_the_picks_agree_with_consensusclusterplus_and_fpc(ours, name):
    want = R_PICKS.loc[name]
    assert ours[name] == (want["ccp_lowest_pac_k"], want["ps_k"]), name


def test_where_k_means_plus_plus_and_one_random_start_differ_we_say_how(ours):
    for name, picks in DIFFERENT.items():
        assert ours[name] == picks
        assert R_PICKS.loc[name, "ps_k"] == picks[1]  # prediction strength still agrees
