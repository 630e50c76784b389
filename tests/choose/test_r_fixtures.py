"""The R reference fixtures (tests/fixtures/r, issue 19) are well-formed and consistent.

CI has no R: these tests only read the stored files. They check each table against its own
definition (README.md there), the tables against each other, and the stored iris consensus
matrices against the statistics R computed from them, recomputed here in numpy with R's conventions.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "r"
DATA, RESULTS = ROOT / "data", ROOT / "results"
META = pd.read_csv(DATA / "datasets.csv")
NAMES = list(META["dataset"])
KS = list(range(2, 9))
PARAMS = pd.read_csv(RESULTS / "params.csv").set_index("key")["value"]
WINDOW = tuple(float(x) for x in PARAMS["pac.window"].split(","))
CUTOFF = float(PARAMS["ps.cutoff"])
IRIS_MATRIX_KS = [2, 3, 4]


def table(name: str, what: str) -> pd.DataFrame:
    return pd.read_csv(RESULTS / f"{name}_{what}.csv")


def meta(name: str) -> pd.Series:
    return META.set_index("dataset").loc[name]


# ---- R's conventions, in numpy (consensus-notes 1.4 and 2)
def r_pac(v: np.ndarray) -> float:
    """ecdf(v)(0.9) - ecdf(v)(0.1): the share of values in (0.1, 0.9]."""
    return float(np.mean((v > WINDOW[0]) & (v <= WINDOW[1])))


def r_hist_cdf(v: np.ndarray) -> np.ndarray:
    """ConsensusClusterPlus's CDF: hist(breaks = seq(0, 1, 0.01)) (right-closed, with R's 1e-7
    fuzz on the breaks), cumsum / sum; the value at the right break b/100 for b = 1..100."""
    right = np.arange(1, 101) / 100 + 1e-9
    return np.searchsorted(np.sort(v), right, side="right") / v.size


def r_area(v: np.ndarray) -> float:
    return float(np.sum(r_hist_cdf(v) * 0.01))


def test_params_are_the_documented_ones():
    assert PARAMS["ccp.reps"] == "100" and PARAMS["ccp.pItem"] == "0.8"
    assert PARAMS["ccp.maxK"] == "8" and PARAMS["ccp.clusterAlg"] == "km"
    assert PARAMS["ps.M"] == "50" and CUTOFF == 0.8 and WINDOW == (0.1, 0.9)
    assert PARAMS["clusterboot.B"] == "100" and PARAMS["clusterboot.bootmethod"] == "subset"
    info = (RESULTS / "sessionInfo.txt").read_text()
    assert "ConsensusClusterPlus" in info and "fpc" in info and "R version" in info


def test_the_fixture_folder_is_small():
    size = sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file())
    assert size < 2_000_000


def test_data_files_are_what_make_data_writes():
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = module.datasets()
    assert list(made) == NAMES
    for name, (X, y, how) in made.items():
        stored = pd.read_csv(DATA / f"{name}.csv")
        assert stored.shape == X.shape == (meta(name)["n"], meta(name)["p"])
        np.testing.assert_allclose(stored.to_numpy(), X, rtol=1e-5, atol=1e-5)
        truth = pd.read_csv(DATA / f"{name}_truth.csv")["truth"].to_numpy()
        np.testing.assert_array_equal(truth, y)
        assert meta(name)["truth_k"] == len(np.unique(truth))
        assert meta(name)["generator"] == how


@pytest.mark.parametrize("name", NAMES)
def test_ccp_table_obeys_its_definitions(name):
    ccp = table(name, "ccp")
    n = meta(name)["n"]
    assert list(ccp["k"]) == KS
    assert (ccp["n_pairs"] == n * (n - 1) // 2).all()
    assert ccp["pac"].between(0, 1).all()
    assert ccp["mean_cluster_consensus"].between(0, 1).all()
    np.testing.assert_allclose(ccp["area_exact"], 1 - ccp["mean_consensus"], atol=1e-12)
    # consensus-notes 1.4: the 100-bin right-endpoint sum lies in [exact, exact + 0.01]
    assert (ccp["area_exact"] <= ccp["area_ccp"] + 1e-12).all()
    assert (ccp["area_ccp"] <= ccp["area_exact"] + 0.01 + 1e-12).all()
    area = ccp["area_ccp"].to_numpy()
    np.testing.assert_allclose(ccp["delta"], [area[0], *(np.diff(area) / area[:-1])], rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_cdf_grid_matches_pac_and_area(name):
    ccp, cdf = table(name, "ccp").set_index("k"), table(name, "cdf")
    for k, curve in cdf.groupby("k"):
        F = curve["cdf"].to_numpy()
        np.testing.assert_allclose(curve["x"], np.arange(1, 101) / 100)
        assert (np.diff(F) >= 0).all() and F[0] >= 0 and F[-1] == pytest.approx(1)
        assert ccp.loc[k, "area_ccp"] == pytest.approx(F.sum() * 0.01, abs=1e-12)
        # consensus values are ratios a/b with b <= reps, so none sits within 1e-4 of a break
        # it does not equal: the grid's F(0.9) - F(0.1) is R's ecdf PAC
        assert ccp.loc[k, "pac"] == pytest.approx(F[89] - F[9], abs=1e-12)
    assert sorted(cdf["k"].unique()) == KS


@pytest.mark.parametrize("name", NAMES)
def test_cluster_consensus_tables_add_up(name):
    ccp, cc = table(name, "ccp").set_index("k"), table(name, "cluster_consensus")
    n = meta(name)["n"]
    for (k, partition), rows in cc.groupby(["k", "partition"]):
        assert rows["size"].sum() == n and len(rows) == k
        assert rows["cluster_consensus"].dropna().between(0, 1).all()
        column = {"ccp_consensus_class": "mean_cluster_consensus",
                  "kmeans_nstart10": "mean_cluster_consensus_kmeans"}[partition]
        assert ccp.loc[k, column] == pytest.approx(rows["cluster_consensus"].mean(), abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_prediction_strength_table(name):
    ps = table(name, "ps")
    assert list(ps["k"]) == KS
    assert ps["mean_pred"].between(0, 1).all() and (ps["sd_pred"] >= 0).all()


@pytest.mark.parametrize("name", NAMES)
def test_clusterboot_table(name):
    cb, picks = table(name, "clusterboot"), pd.read_csv(RESULTS / "picks.csv").set_index("dataset")
    B, n = int(PARAMS["clusterboot.B"]), meta(name)["n"]
    assert cb["bootmean"].between(0, 1).all()
    assert cb["bootbrd"].between(0, B).all() and cb["bootrecover"].between(0, B).all()
    expected = {"truth": meta(name)["truth_k"],
                "ccp_lowest_pac": picks.loc[name, "ccp_lowest_pac_k"]}
    for basis, rows in cb.groupby("basis"):
        assert rows["k"].nunique() == 1 and rows["k"].iloc[0] == expected[basis]
        assert list(rows["cluster"]) == list(range(1, expected[basis] + 1))
        assert rows["size"].sum() == n
    assert len(cb) > 0


def test_picks_follow_from_the_tables():
    picks = pd.read_csv(RESULTS / "picks.csv")
    assert list(picks["dataset"]) == NAMES
    for row in picks.itertuples():
        ccp, ps = table(row.dataset, "ccp"), table(row.dataset, "ps")
        assert row.ccp_lowest_pac_k == ccp["k"].iloc[int(np.argmin(ccp["pac"]))]  # first on ties
        above = ps.loc[ps["mean_pred"] > CUTOFF, "k"]
        assert row.ps_k == (above.max() if len(above) else 1)  # fpc: mean.pred[1] = 1
        assert row.truth_k == meta(row.dataset)["truth_k"]


def test_kmeans_starts_table():
    km = pd.read_csv(RESULTS / "kmeans_starts.csv")
    assert sorted(km["dataset"].unique()) == sorted(NAMES)
    assert all(list(rows["k"]) == KS for _, rows in km.groupby("dataset"))
    best = km["wss_best_seen"]
    assert (best <= km["wss_nstart1"]).all() and (best <= km["wss_nstart10"]).all()
    np.testing.assert_allclose(km["ratio_1_to_10"], km["wss_nstart1"] / km["wss_nstart10"])
    assert km["singles_share_worse"].between(0, 1).all()
    assert (km["singles_median_ratio"] >= 1 - 1e-12).all()
    assert (km["singles_max_ratio"] >= km["singles_median_ratio"]).all()


def read_matrix(k: int) -> pd.DataFrame:
    return pd.read_csv(RESULTS / f"iris_consensus_k{k}.csv.gz")


@pytest.mark.parametrize("k", IRIS_MATRIX_KS)
def test_iris_matrix_is_a_full_lower_triangle(k):
    m, n = read_matrix(k), meta("iris")["n"]
    assert list(m.columns) == ["i", "j", "value"]
    assert len(m) == n * (n - 1) // 2 and (m["i"] > m["j"]).all() and (m["j"] >= 0).all()
    assert not m.duplicated(["i", "j"]).any() and (m["i"] < n).all()
    assert m["value"].between(0, 1).all()


@pytest.mark.parametrize("k", IRIS_MATRIX_KS)
def test_iris_matrix_reproduces_r_statistics(k):
    v = read_matrix(k)["value"].to_numpy()
    stats = pd.read_csv(RESULTS / "iris_matrix_stats.csv").set_index("k").loc[k]
    ccp = table("iris", "ccp").set_index("k").loc[k]
    cdf = table("iris", "cdf").query("k == @k")["cdf"].to_numpy()
    assert stats["n_pairs"] == v.size
    assert stats["n_in_window"] == np.sum((v > WINDOW[0]) & (v <= WINDOW[1]))
    assert stats["n_zero"] == np.sum(v == 0) and stats["n_one"] == np.sum(v == 1)
    for source in (stats, ccp):
        assert source["pac"] == pytest.approx(r_pac(v), abs=1e-12)
        assert source["area_ccp"] == pytest.approx(r_area(v), abs=1e-12)
        assert source["area_exact"] == pytest.approx(1 - v.mean(), abs=1e-6)  # 6-decimal values
    np.testing.assert_allclose(r_hist_cdf(v), cdf, atol=1e-12)


def test_numpy_conventions_can_fail():
    """The checks above tell the conventions apart: a value at exactly 0.1 is outside the PAC
    window and one at 0.9 inside it; the 100-bin area of a 0/1 matrix is 0.99 p0 + 0.01."""
    assert r_pac(np.array([0.1, 0.9])) == 0.5
    p0 = 40 / 59  # n = 60 in 3 groups of 20 (consensus-notes 9.1)
    v = np.r_[np.zeros(40 * 30), np.ones(19 * 30)]
    assert r_area(v) == pytest.approx(0.99 * p0 + 0.01) == pytest.approx(0.681186, abs=1e-6)
    assert 1 - v.mean() == pytest.approx(0.677966, abs=1e-6)


def test_kmeanspp_starts_sit_beside_r_starts():
    r = pd.read_csv(RESULTS / "kmeans_starts.csv")
    pp = pd.read_csv(RESULTS / "kmeanspp_starts.csv")
    assert list(zip(pp["dataset"], pp["k"], strict=True)) == list(
        zip(r["dataset"], r["k"], strict=True))
    np.testing.assert_allclose(pp["hw_share_worse"], r["singles_share_worse"])
    assert pp["kpp_share_worse"].between(0, 1).all()
    assert (pp["kpp_median_ratio"] >= pp["kpp_best_ratio"] - 1e-6).all()
    assert (pp["kpp_max_ratio"] >= pp["kpp_median_ratio"] - 1e-6).all()
