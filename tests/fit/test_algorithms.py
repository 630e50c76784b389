"""The algorithm dimension (lloyd, elkan, minibatch, bisecting): estimators, grid, cost, cache
keys, and the real workflow with all four (the method view and the comparison table:
tests/tables/)."""

from __future__ import annotations

import copy
import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_config
from sklearn.cluster import BisectingKMeans, KMeans, MiniBatchKMeans
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from kmeans_sweep import config as plan_config
from kmeans_sweep.fit import algorithms
from kmeans_sweep.fit.scores import silhouette_base
from kmeans_sweep.jobs import cost
from kmeans_sweep.jobs import plan as plan_jobs
from kmeans_sweep.jobs.cache import CODE_HASH, FitCache, versions
from kmeans_sweep.jobs.runner import run_fits

SETTINGS = {"n_init": 1, "max_iter": 300, "silhouette_sample_size": 5000, "batch_size": 64}
ALL = list(algorithms.ALGORITHMS)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def sklearn_fit(X, k, init, seed, algorithm, batch_size=64, max_iter=300):
    """The same fit, run with scikit-learn directly."""
    start = PCA(n_components=k).fit(X).components_ if init == "pca" else init
    common = {"n_clusters": k, "init": start, "n_init": 1, "random_state": seed,
              "max_iter": max_iter}
    with threadpool_limits(1):
        if algorithm in ("lloyd", "elkan"):
            return KMeans(algorithm=algorithm, **common).fit(X)
        if algorithm == "minibatch":
            return MiniBatchKMeans(batch_size=batch_size, **common).fit(X)
        return BisectingKMeans(**common).fit(X)


# --- which combinations exist -----------------------------------------------------------


def test_bisecting_skips_pca_and_says_why():
    assert algorithms.supports("minibatch", "pca") and not algorithms.supports("bisecting", "pca")
    skipped = algorithms.skipped(["k-means++", "pca"], ALL)
    assert [(i, a) for i, a, _ in skipped] == [("pca", "bisecting")]
    (line,) = algorithms.skipped_lines(["k-means++", "pca"], ALL)
    assert line.startswith("init pca with algorithm bisecting is skipped: ") and "array" in line
    assert algorithms.skipped(["random"], ALL) == []


def test_grid_crosses_algorithms_and_keeps_lloyd_keys():
    sweep = {"k": [2, 3], "init": ["random", "pca"], "seeds": [0, 1]}
    old = sorted((k, i, s) for k in (2, 3) for i in ("random", "pca") for s in (0, 1))
    assert plan_jobs.fit_grid(sweep) == old  # no algorithm key: today's grid
    assert plan_jobs.fit_grid({**sweep, "algorithm": ["lloyd"]}) == old
    grid = plan_jobs.fit_grid({**sweep, "algorithm": ALL})
    assert len(grid) == 2 * 2 * (2 * 4 - 1)  # pca x bisecting skipped
    assert not [f for f in grid if f[1] == "pca" and f[3:] == ("bisecting",)]
    assert set(grid) >= set(old)


def test_cost_per_algorithm():
    """Rough, but ordered as measured on digits (lloyd < minibatch < elkan, bisecting ~2x
    lloyd at k = 10), and minibatch far cheaper than lloyd on large data."""
    n, d = 1797, 64
    units = {a: cost.algorithm_units(n, d, 10, "random", a, 1, 300) for a in ALL}
    assert units["lloyd"] < units["minibatch"] < units["elkan"]
    assert 1.5 < units["bisecting"] / units["lloyd"] < 3
    # bisecting: k - 1 two-means fits, so it grows with k
    assert cost.algorithm_units(n, d, 20, "random", "bisecting", 1, 300) > 2 * units["bisecting"]
    big = 1_000_000
    assert cost.algorithm_units(big, d, 10, "random", "minibatch", 1, 300) < 0.5 * (
        cost.algorithm_units(big, d, 10, "random", "lloyd", 1, 300))
    fits = [(10, "random", 0), (10, "random", 0, "minibatch")]
    assert cost.fit_costs(big, d, fits, {**SETTINGS, "batch_size": 1024}, True)[1] < (
        cost.fit_costs(big, d, fits[:1], SETTINGS, True)[0])


def test_config_errors_name_the_key():
    base = {"datasets": {"i": {"source": "iris"}}}
    bad = plan_config.schema_error({**base, "sweep": {"algorithm": ["lloyd", "fast"]}})
    assert bad.startswith("sweep.algorithm[1]: 'fast' is not one of")
    assert plan_config.schema_error({**base, "sweep": {"batch_size": 0}}).startswith(
        "sweep.batch_size: 0 is less than the minimum of 1")
    config = plan_config.fill_defaults(
        {**base, "sweep": {"init": ["pca"], "algorithm": ["bisecting"], "k": [2]}})
    with pytest.raises(plan_config.ConfigError, match=r"^sweep.algorithm: no algorithm"):
        plan_config.check_config(config)
    filled = plan_config.fill_defaults(copy.deepcopy(base))
    assert filled["sweep"]["algorithm"] == ["lloyd"] and filled["sweep"]["batch_size"] == 1024
    # batch_size reaches the fits only when minibatch is swept (other sweeps keep their params)
    assert "batch_size" not in plan_config.fit_settings(filled)
    filled["sweep"]["algorithm"] = ["lloyd", "minibatch"]
    assert plan_config.fit_settings(filled)["batch_size"] == 1024


# --- fitting ----------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ALL)
@pytest.mark.parametrize("init", ["k-means++", "random", "pca"])
def test_each_fit_equals_scikit_learn(iris, algorithm, init):
    X, y = iris
    if not algorithms.supports(algorithm, init):
        with pytest.raises(ValueError, match="does not support"):
            algorithms.estimator(3, init, 0, algorithm, SETTINGS)
        return
    sil = silhouette_base(X, 5000)
    with threadpool_limits(1):
        row, labels, centers, _ = algorithms.fit_one(X, y, 3, init, 1, algorithm, SETTINGS, sil)
    ref = sklearn_fit(X, 3, init, 1, algorithm)
    assert row["inertia"] == pytest.approx(ref.inertia_, rel=1e-9)
    assert np.array_equal(labels, ref.labels_)
    assert np.allclose(centers, ref.cluster_centers_, rtol=0, atol=1e-12)


@pytest.mark.parametrize("algorithm", ALL)
def test_fit_on_a_mapped_X_equals_in_memory(tmp_path, algorithm):
    """Fit jobs fit a memory-mapped X (copy-on-write where the estimator has copy_x)."""
    from kmeans_sweep import io

    X = np.random.default_rng(4).normal(size=(600, 4))
    io.write_npy(X, tmp_path / "X.npy")
    sil = silhouette_base(X, 5000)
    a = algorithms.fit_one(X, None, 5, "random", 0, algorithm, SETTINGS, sil)
    b = algorithms.fit_one(io.load_X(tmp_path / "X.npy"), None, 5, "random", 0, algorithm,
                           SETTINGS, sil)
    drop = ("fit_seconds", "score_seconds")
    assert {k: v for k, v in a[0].items() if k not in drop} == {
        k: v for k, v in b[0].items() if k not in drop}
    assert np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])


def test_lloyd_cache_key_is_the_key_of_before(iris):
    """A lloyd fit's cache key has no algorithm in it: the ident of a sweep without algorithms."""
    settings = {k: v for k, v in SETTINGS.items() if k != "batch_size"}
    ident = {"data": "d", "k": 3, "init": "random", "seed": 1,
             "settings": {key: settings[key] for key in sorted(settings)},
             "versions": versions(), "code": CODE_HASH}
    before = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()
    cache = FitCache(None)
    assert cache.key("d", 3, "random", 1, SETTINGS) == before  # batch_size: minibatch only
    assert cache.key("d", 3, "random", 1, SETTINGS, "lloyd") == before
    keys = {a: cache.key("d", 3, "random", 1, SETTINGS, a) for a in ALL}
    assert len(set(keys.values())) == 4
    other_batch = cache.key("d", 3, "random", 1, {**SETTINGS, "batch_size": 32}, "minibatch")
    assert other_batch != keys["minibatch"]
    assert cache.key("d", 3, "random", 1, {**SETTINGS, "batch_size": 32}, "elkan") == keys["elkan"]


def test_adding_an_algorithm_computes_only_its_fits(iris, tmp_path):
    X, y = iris
    cache = FitCache(tmp_path / "cache")
    sweep = {"k": [2, 3], "init": ["random", "pca"], "seeds": [0, 1]}
    lloyd = plan_jobs.fit_grid({**sweep, "algorithm": ["lloyd"]})
    first = run_fits(X, y, lloyd, SETTINGS, "iris", cache)
    assert (first.computed, first.cached) == (8, 0)
    both = plan_jobs.fit_grid({**sweep, "algorithm": ["lloyd", "bisecting"]})
    second = run_fits(X, y, both, SETTINGS, "iris", cache)
    assert (second.computed, second.cached) == (4, 8)  # bisecting with random only
    rows = pd.DataFrame(second.rows)
    assert set(rows["algorithm"]) == {"lloyd", "bisecting"}
    assert rows.loc[rows["algorithm"] == "bisecting", "n_iter"].isna().all()
    assert (2, "random", 0, "bisecting") in second.labels and (2, "random", 0) in second.labels


# --- the real workflow ----------------------------------------------------------------------

FOUR = tiny_config(sweep={"k": [2, 3, 4], "init": ["k-means++", "random", "pca"], "seeds": [0, 1],
                          "n_init": 1, "algorithm": ALL, "batch_size": 50})


@pytest.fixture(scope="module")
def four_run(tmp_path_factory):
    from conftest import Workflow

    wf = Workflow(tmp_path_factory.mktemp("four"))
    wf.write_config(FOUR)
    wf.proc = wf.run()
    return wf


def test_every_algorithm_matches_scikit_learn(four_run):
    from kmeans_sweep.io import load_X

    fits = pd.read_parquet(four_run.results("iris", "fits.parquet"))
    assert len(fits) == 3 * 2 * (3 * 4 - 1)
    assert list(fits.columns[:5]) == ["dataset", "k", "init", "seed", "algorithm"]
    X = np.asarray(load_X(four_run.results("iris", "prepared", "X.npy")))
    for r in fits.itertuples(index=False):
        ref = sklearn_fit(X, r.k, r.init, r.seed, r.algorithm, batch_size=50)
        assert r.inertia == pytest.approx(ref.inertia_, rel=1e-9), r
    mb = fits[fits["algorithm"] == "minibatch"]
    assert (mb["batch_size"] == 50).all()


def test_pca_fits_start_from_the_same_centres(four_run):
    """init pca: every algorithm that takes it gets the same PCA centres (so elkan, whose
    iterations give the same partition as lloyd's, ends at lloyd's centres)."""
    from kmeans_sweep.io import load_X, read_centers

    path = [four_run.results("iris", "centers.parquet")]
    X = np.asarray(load_X(four_run.results("iris", "prepared", "X.npy")))
    for k in (2, 3, 4):
        lloyd = read_centers(path, k, "pca", 0, "lloyd")
        assert np.allclose(read_centers(path, k, "pca", 0, "elkan"), lloyd, atol=1e-9)
        ref = sklearn_fit(X, k, "pca", 0, "minibatch", batch_size=50)
        assert np.allclose(read_centers(path, k, "pca", 0, "minibatch"), ref.cluster_centers_)
    with pytest.raises(KeyError):
        read_centers(path, 2, "pca", 0, "bisecting")


def test_skipped_combinations_are_reported(four_run):
    said = "init pca with algorithm bisecting is skipped"
    assert said in four_run.proc.stderr
    assert "init pca with algorithm bisecting" in four_run.results(
        "iris", "comparison.html").read_text()


def test_comparison_plot_and_table(four_run):
    from conftest import assert_png

    assert_png(four_run.results("iris", "plots", "comparison.png"))
    csv = pd.read_csv(four_run.results("iris", "comparison.csv"))
    parquet = pd.read_parquet(four_run.results("iris", "comparison.parquet"))
    assert list(csv.columns) == list(parquet.columns) and len(csv) == 3 * 4
    assert set(csv["algorithm"]) == set(ALL)
    assert (csv["inertia_ratio_min"] >= 1).all()
    assert (csv.loc[csv["algorithm"] == "lloyd", "ari_to_best_lloyd_max"] == 1).all()
    assert csv.loc[csv["algorithm"] == "bisecting", "n_fits"].eq(4).all()
    summary = pd.read_parquet(four_run.results("iris", "summary.parquet"))
    assert len(summary) == 3 * (3 * 4 - 1)
    choice = pd.read_parquet(four_run.results("iris", "choose_k.parquet"))
    rec = choice[choice["criterion"] == "recommended"].iloc[0]
    assert " / " in rec["fit_init"]


def test_adding_an_algorithm_reruns_only_its_fits(workflow):
    config = tiny_config()
    workflow.write_config(config)
    workflow.run()
    assert workflow.fit_counts("iris") == (12, 0)
    config["sweep"]["algorithm"] = ["lloyd", "elkan"]
    workflow.write_config(config)
    workflow.clear_logs()
    workflow.run()
    assert workflow.fit_counts("iris") == (12, 12)


@pytest.mark.parametrize("sweep, expected", [
    ({"algorithm": ["lloyd", "hartigan"]}, "sweep.algorithm[1]: 'hartigan' is not one of"),
    ({"algorithm": ["minibatch"], "batch_size": 0}, "sweep.batch_size: 0 is less than"),
])
def test_bad_algorithm_or_batch_size_stops_before_any_job(workflow, sweep, expected):
    config = tiny_config()
    config["sweep"].update(sweep)
    workflow.write_config(config)
    proc = workflow.run(check=False)
    assert proc.returncode != 0
    assert f"kmeans-sweep: config error: {expected}" in proc.stderr + proc.stdout
    assert not workflow.results().exists()


def test_one_algorithm_other_than_lloyd_runs_through(workflow):
    """Methods name the algorithm, so the pictures find the best fit's labels and centres."""
    config = tiny_config()
    config["sweep"]["algorithm"] = ["minibatch"]
    workflow.write_config(config)
    workflow.run()
    choice = pd.read_parquet(workflow.results("iris", "choose_k.parquet"))
    assert choice["fit_init"].dropna().str.endswith(" / minibatch").all()
    comparison = pd.read_csv(workflow.results("iris", "comparison.csv"))
    assert set(comparison["algorithm"]) == {"minibatch"}
    assert comparison["ari_to_best_lloyd_median"].isna().all()  # no lloyd fit to agree with
    assert "list more in sweep.algorithm" in workflow.results("iris", "comparison.html").read_text()
    assert list(workflow.results("iris", "plots", "silhouette_diagrams").glob("*.png"))
