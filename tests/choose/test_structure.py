"""Is there cluster structure at all: the gap statistic's test of k = 1 (choose/structure.py),
unit-tested on hand-made gap tables, then pinned on small real and synthetic data through the
workflow's own steps (bench/decision.py, every rule's step in one process): a real dataset
whose classes k-means recovers is never "no structure", noise is."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from kmeans_sweep.choose.structure import gap_test, reason


def gap(values, sks, ks=None) -> pd.DataFrame:
    ks = ks or list(range(1, 1 + len(values)))
    return pd.DataFrame({"k": ks, "gap": values, "sk": sks})


def test_structure_when_the_papers_rule_goes_past_k_1():
    said = gap_test(gap([1.0, 1.2, 1.3, 1.1], [0.05] * 4), [2, 3, 4])
    assert said["structure"] and said["by"] == "rule"
    assert said["drop"] == pytest.approx(1.2 - 0.05 - 1.0)
    assert reason(said).startswith("Gap(2) − s(2) exceeds Gap(1) by 0.150")


def test_structure_when_a_later_k_clears_gap_1_by_two_errors_each_side():
    # the gap dips at k = 2 (the rule would stop at 1) and rises past Gap(1) + 2 s at k = 3
    said = gap_test(gap([1.0, 0.9, 1.3, 1.1], [0.05] * 4), [2, 3, 4])
    assert said["structure"] and said["by"] == "any k" and said["k"] == 3
    assert said["excess"] == pytest.approx(1.3 - 0.1 - 1.1)
    assert "Gap(3) − 2 s(3) exceeds Gap(1) + 2 s(1) by 0.100" in reason(said)


def test_no_structure_when_the_rule_stops_at_1_and_no_k_clears_two_errors():
    # Gap(3) is above Gap(1) by one error each side, not by two
    said = gap_test(gap([1.0, 0.9, 1.12, 1.05], [0.05] * 4), [2, 3, 4])
    assert said["structure"] is False and said["by"] == ""
    text = reason(said)
    assert text.startswith("the data could not be told apart from uniform references")
    assert "k = 2–4" in text and "0.080 short" in text and "0.150 below Gap(1)" in text


def test_not_tested_without_gap_1_or_without_a_table():
    assert gap_test(gap([0.9, 1.3], [0.05] * 2, ks=[2, 3]), [2, 3])["structure"] is None
    assert gap_test(None, [2, 3])["structure"] is None
    assert "not tested" in reason(gap_test(None, [2, 3]))


def test_only_the_swept_ks_count():
    # k = 5 is in the table (a wider earlier sweep) but not swept now
    said = gap_test(gap([1.0, 0.9, 0.95, 1.0, 2.0], [0.05] * 5), [2, 3, 4])
    assert said["structure"] is False
    # the rule compares Gap(1) with the smallest swept k
    said = gap_test(gap([1.0, 0.5, 1.2, 1.0], [0.05] * 4), [3, 4])
    assert said["structure"] and said["by"] == "rule" and said["k2"] == 3


# --- pinned on data, through the workflow's steps -------------------------------------------

SMALL = {"sweep": {"seeds": [0, 1, 2], "init": ["k-means++", "random"]},
         "resampling": {"resamples": 8, "null_references": 2, "prediction_strength_splits": 4}}


def decide(name, X, y, ks, tmp_path):
    sys.path.insert(0, str(REPO))
    from bench.decision import decide as run
    from kmeans_sweep.data.scaling import scale

    Xs, _ = scale(np.asarray(X, dtype=np.float64), "standard")
    return run(name, Xs, y, ks, tmp_path, SMALL).set_index("criterion").loc["recommended"]


def test_wine_is_clustered_and_its_three_cultivars_are_found(tmp_path):
    from sklearn.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    rec = decide("wine", X, y, range(2, 8), tmp_path)
    assert rec["confidence"] != "no structure" and rec["k"] == 3, rec["note"]
    assert "cluster structure: Gap(" in rec["note"]


def test_gaussian_noise_has_no_structure(tmp_path):
    X = np.random.default_rng(20261205).standard_normal((240, 4))
    rec = decide("noise", X, None, range(2, 7), tmp_path)
    assert rec["k"] == 1 and rec["confidence"] == "no structure", rec["note"]
    assert "could not be told apart from uniform references" in rec["note"]
    assert "the gap stops at k = 1" in rec["note"]
    anyway = rec["note"].split("; ")[-1]  # the vote, for whoever clusters all the same
    assert anyway.startswith("if you cluster anyway, ") and " criteria pick k=" in anyway
    assert int(anyway.split("pick k=")[1].split()[0]) >= 2


def test_four_blobs_are_four(tmp_path):
    from sklearn.datasets import make_blobs

    X, y = make_blobs(240, n_features=4, centers=4, cluster_std=1.0, random_state=11)
    rec = decide("blobs", X, y, range(2, 8), tmp_path)
    assert rec["k"] == 4 and rec["confidence"] in ("clear", "uncertain"), rec["note"]
