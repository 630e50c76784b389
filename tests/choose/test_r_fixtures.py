"""Our consensus statistics against ConsensusClusterPlus's, on R's own consensus matrices
(tests/fixtures/r, issue 19; CI has no R, the files are committed).

R's stored iris consensus matrices (k = 2, 3, 4) and the classes CCP derives from them go
through our functions (``choose.resampling.consensus`` and ``cluster_stability``), which must
give R's PAC, CDF, areas, Delta, cluster consensus and item consensus; R's per-k tables of
every dataset go through our Delta, our area and our two pick rules, which must give R's
numbers and picks. A few short checks guard the fixture files themselves.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kmeans_sweep.choose.resampling import cluster_stability as cs
from kmeans_sweep.choose.resampling import consensus as cc
from kmeans_sweep.choose.resampling import picks

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "r"
DATA, RESULTS = ROOT / "data", ROOT / "results"
META = pd.read_csv(DATA / "datasets.csv").set_index("dataset")
NAMES = list(META.index)
PARAMS = pd.read_csv(RESULTS / "params.csv").set_index("key")["value"]
WINDOW = tuple(float(x) for x in PARAMS["pac.window"].split(","))
IRIS_N = 150
MATRIX_KS = [2, 3, 4]
# R's matrices hold 6 decimals (each value within 5e-7 of R's): a mean of them is that close
ROUNDED = 5e-7


def table(name: str, what: str) -> pd.DataFrame:
    return pd.read_csv(RESULTS / f"{name}_{what}.csv")


def iris_matrix(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """R's consensus at k as our pair lists: (i, j, M) with i < j, every pair once."""
    m = pd.read_csv(RESULTS / f"iris_consensus_k{k}.csv.gz")
    i, j = m["i"].to_numpy(), m["j"].to_numpy()  # R's lower triangle: i > j
    return np.minimum(i, j), np.maximum(i, j), m["value"].to_numpy()


def ccp_classes(i, j, M, k: int) -> np.ndarray:
    """CCP's consensusClass: hclust(as.dist(1 - M), "average"), cutree(k); clusters numbered
    0, 1, ... in the order of their first row, as cutree numbers them."""
    from scipy.cluster.hierarchy import fcluster, linkage

    D = np.zeros((IRIS_N, IRIS_N))
    D[i, j] = D[j, i] = 1 - M
    condensed = D[np.triu_indices(IRIS_N, 1)]
    cut = fcluster(linkage(condensed, "average"), k, "maxclust")
    first = {c: position for position, c in reversed(list(enumerate(cut)))}
    order = {c: rank for rank, c in enumerate(sorted(first, key=first.get))}
    return np.array([order[c] for c in cut])


def rs_clusters(k: int, partition: str) -> pd.DataFrame:
    return table("iris", "cluster_consensus").query("k == @k and partition == @partition")


# --------------------------------------------------------------------------------------------
# R's consensus matrices through our functions
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", MATRIX_KS)
def test_our_pac_cdf_and_areas_on_rs_matrix_are_rs(k):
    *_, M = iris_matrix(k)
    assert len(M) == cc.n_pairs(IRIS_N)
    ours = cc.summary(M, window=WINDOW)
    r = table("iris", "ccp").set_index("k").loc[k]
    r_cdf = table("iris", "cdf").query("k == @k")["cdf"].to_numpy()  # at x = 0.01 ... 1
    # no value lies within 1e-4 of a grid point it does not equal (README): exact
    assert ours["pac"] == pytest.approx(r["pac"], abs=1e-12)
    assert cc.pac(M, WINDOW) == ours["pac"]
    np.testing.assert_allclose(ours["cdf"][1:], r_cdf, rtol=0, atol=1e-12)
    assert ours["area_ccp"] == pytest.approx(r["area_ccp"], abs=1e-12)
    assert ours["area"] == pytest.approx(r["area_exact"], abs=ROUNDED)
    assert ours["pac_se"] == 0  # every pair


def test_our_delta_on_rs_matrices_is_rs():
    areas = [cc.summary(iris_matrix(k)[2])["area_ccp"] for k in MATRIX_KS]
    r = table("iris", "ccp").set_index("k").loc[MATRIX_KS, "delta"].to_numpy()
    np.testing.assert_allclose(cc.ccp_delta(MATRIX_KS, areas), r, rtol=1e-12)
    # the order of the ks given does not matter
    np.testing.assert_allclose(cc.ccp_delta(MATRIX_KS[::-1], areas[::-1]), r[::-1], rtol=1e-12)


@pytest.mark.parametrize("k", MATRIX_KS)
def test_our_cluster_and_item_consensus_on_ccps_classes_are_rs(k):
    """CCP's consensusClass rebuilt from R's matrix (its sizes are R's, so it is R's), then
    our per-cluster mean M and per-row mean M with the row's own cluster."""
    i, j, M = iris_matrix(k)
    classes = ccp_classes(i, j, M, k)
    r = rs_clusters(k, "ccp_consensus_class")
    assert list(np.bincount(classes)) == list(r["size"])
    value, pairs = cs.cluster_consensus(M, i, j, classes)
    np.testing.assert_allclose(value, r["cluster_consensus"], rtol=0, atol=ROUNDED)
    assert list(pairs) == [s * (s - 1) // 2 for s in r["size"]]
    # calcICL's item consensus to the own cluster: its mean over a cluster is the cluster's
    item = cs.item_consensus_all(M, i, j, classes)
    means = [item[classes == c].mean() for c in range(k)]
    np.testing.assert_allclose(means, r["cluster_consensus"], rtol=0, atol=ROUNDED)
    # one row by hand: its mean M over the other rows of its cluster
    row = int(np.flatnonzero(classes == k - 1)[0])
    mine = ((i == row) | (j == row)) & (classes[i] == classes[j])
    assert item[row] == pytest.approx(M[mine].mean(), rel=1e-12)


@pytest.mark.parametrize("k", MATRIX_KS)
def test_our_cluster_consensus_of_the_best_fit_on_rs_matrix_is_rs(k):
    """R's kmeans(nstart = 10) partition is iris's best k-means fit; ours with 10 k-means++
    starts is the same partition (same cluster sizes, numbered otherwise: matched by size)."""
    from kmeans_sweep.fit.resample import fit_rows

    X = pd.read_csv(DATA / "iris.csv").to_numpy(float)
    best, _ = fit_rows(X, k, random_state=0, init="k-means++", algorithm="lloyd", n_init=10)
    best = best.astype(np.int64)
    i, j, M = iris_matrix(k)
    value, _ = cs.cluster_consensus(M, i, j, best)
    r = rs_clusters(k, "kmeans_nstart10").set_index("size")["cluster_consensus"]
    assert r.index.is_unique and sorted(np.bincount(best)) == sorted(r.index)
    np.testing.assert_allclose(value, r.loc[np.bincount(best)], rtol=0, atol=ROUNDED)


# --------------------------------------------------------------------------------------------
# R's per-k tables (every dataset) through our Delta, area and pick rules
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_our_delta_and_area_on_rs_tables_are_rs(name):
    ccp = table(name, "ccp")
    np.testing.assert_allclose(cc.ccp_delta(ccp["k"], ccp["area_ccp"]), ccp["delta"], rtol=1e-12)
    for k, curve in table(name, "cdf").groupby("k"):
        F = np.r_[0.0, curve["cdf"].to_numpy()]  # our grid starts at x = 0
        area = ccp.set_index("k").loc[k, "area_ccp"]
        assert cc.ccp_area(F) == pytest.approx(area, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_our_pick_rules_on_rs_statistics_give_rs_picks(name):
    """Without null references our consensus pick is CCP's usual reading (the lowest PAC, the
    smaller k on ties) and our prediction strength pick is fpc's optimalk (the largest k
    with mean > 0.8, else 1)."""
    stats = table(name, "ccp").merge(table(name, "ps"), on="k")
    ours = stats.rename(columns={"mean_pred": "ps_mean"}).assign(null_references=0)
    want = pd.read_csv(RESULTS / "picks.csv").set_index("dataset").loc[name]
    assert picks.consensus_pick(ours) == want["ccp_lowest_pac_k"]
    # fpc's k = 1 (no k above the cutoff) is our "no pick", None
    assert (picks.prediction_strength_pick(ours) or 1) == want["ps_k"]
    assert str(picks.PS_CUTOFF) == PARAMS["ps.cutoff"] and WINDOW == (0.1, 0.9)


# --------------------------------------------------------------------------------------------
# the fixture files themselves
# --------------------------------------------------------------------------------------------
def documented_columns() -> dict[str, list[str]]:
    """file -> columns, from the results table of the fixtures' README.md."""
    out = {}
    for cells in re.findall(r"^\| `([^`]+)` \| `([^`]+)`", (ROOT / "README.md").read_text(), re.M):
        pattern, columns = cells
        for name in NAMES if "<dataset>" in pattern else [None]:
            file = pattern.replace("<dataset>", name or "")
            for ks in re.findall(r"\{([\d,]+)\}", file) or [None]:
                for k in ks.split(",") if ks else [None]:
                    out[re.sub(r"\{[\d,]+\}", k or "", file)] = columns.split(", ")
    return out


def test_every_result_file_has_its_documented_columns():
    columns = documented_columns()
    assert len(columns) == 5 * len(NAMES) + 3 + 3 + 1
    assert {p.name for p in RESULTS.glob("*.csv*")} == set(columns) | {"params.csv"}
    for file, names in columns.items():
        assert list(pd.read_csv(RESULTS / file, nrows=1).columns) == names, file


def test_data_files_are_what_make_data_writes():
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.datasets()
    assert list(made) == NAMES
    for name, (X, y, how) in made.items():
        stored = pd.read_csv(DATA / f"{name}.csv").to_numpy()
        np.testing.assert_allclose(stored, X, rtol=1e-5, atol=1e-5)
        truth = pd.read_csv(DATA / f"{name}_truth.csv")["truth"].to_numpy()
        np.testing.assert_array_equal(truth, y)
        assert tuple(META.loc[name, ["n", "p", "truth_k", "generator"]]) == (
            *X.shape, len(np.unique(y)), how)


def test_the_fixture_is_small_and_its_parameters_are_the_documented_ones():
    assert sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file()) < 2_000_000
    assert PARAMS[["ccp.reps", "ccp.pItem", "ccp.maxK", "ccp.clusterAlg", "ps.M"]].tolist() == [
        "100", "0.8", "8", "km", "50"]
    info = (RESULTS / "sessionInfo.txt").read_text()
    assert "ConsensusClusterPlus" in info and "fpc" in info and "R version" in info
