"""The fit cache and the job runner that uses it: a fit job's results do not depend on how
fits are grouped into jobs; the cache serves exactly what it stored, under a key that covers
everything that changes a fit (the code in fit/ included), and recomputes what it lost."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, make_blobs
from sklearn.preprocessing import StandardScaler

from kmeans_sweep.fit import gap
from kmeans_sweep.jobs import cache as cache_module
from kmeans_sweep.jobs.cache import FitCache
from kmeans_sweep.jobs.runner import run_fits, run_gap_items

SETTINGS = {"n_init": 1, "max_iter": 300, "silhouette_sample_size": 5000}
GAP_SETTINGS = {"sample_size": 150, "n_init": 1, "max_iter": 300}
FIT = Path(cache_module.__file__).resolve().parents[1] / "fit"


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(n_samples=200, centers=3, n_features=4, random_state=1)
    return X


def test_every_module_of_fit_is_part_of_a_cache_key():
    """docs/development.md: editing any file in fit/ refits the fits it touches. Every module
    there (but its docstring-only __init__) is read into one of cache.py's code hashes."""
    hashed = {
        node.value
        for node in ast.walk(ast.parse(Path(cache_module.__file__).read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and node.value.endswith(".py")
    }
    modules = {p.name for p in FIT.glob("*.py")} - {"__init__.py"}
    assert hashed == modules
    init = ast.parse((FIT / "__init__.py").read_text())
    assert len(init.body) == 1 and ast.get_docstring(init)  # nothing there to hash


FITS = [[k, init, s] for k in (2, 3, 4) for init in ("k-means++", "random", "pca") for s in (0, 1)]


def test_results_do_not_depend_on_grouping(iris, tmp_path):
    X, y = iris
    whole = run_fits(X, y, FITS, SETTINGS, "iris", FitCache(None))
    parts = [run_fits(X, y, FITS[i::4], SETTINGS, "iris", FitCache(None)) for i in range(4)]
    rows = {(r["k"], r["init"], r["seed"]): r for p in parts for r in p.rows}
    for r in whole.rows:
        other = rows[(r["k"], r["init"], r["seed"])]
        for key, value in r.items():
            if key not in ("fit_seconds", "score_seconds"):
                assert other[key] == value or (np.isnan(value) and np.isnan(other[key])), key


def test_cache_serves_identical_rows_and_only_new_fits_are_computed(iris, tmp_path):
    X, y = iris
    cache = FitCache(tmp_path / "cache")
    first = run_fits(X, y, FITS[:6], SETTINGS, "iris", cache)
    assert (first.computed, first.cached) == (6, 0)
    second = run_fits(X, y, FITS[:9], SETTINGS, "iris", cache)
    assert (second.computed, second.cached) == (3, 6)
    assert second.rows[:6] == first.rows  # fit_seconds included: served, not recomputed
    for key in first.labels:
        assert np.array_equal(first.labels[key], second.labels[key])
        assert np.array_equal(first.centers[key], second.centers[key])


def test_cache_key_covers_everything_that_changes_a_fit(iris, tmp_path):
    X, y = iris
    cache = FitCache(tmp_path / "cache")
    run_fits(X, y, FITS[:2], SETTINGS, "iris", cache)
    # other settings, other data or other labels: nothing is served from the cache
    for settings, data, labels in (
        ({**SETTINGS, "max_iter": 5}, X, y),
        ({**SETTINGS, "n_init": 2}, X, y),
        ({**SETTINGS, "silhouette_sample_size": 50}, X, y),
        (SETTINGS, X * 2, y),
        (SETTINGS, X, None),
    ):
        again = run_fits(data, labels, FITS[:2], settings, "iris", FitCache(tmp_path / "c2"))
        assert again.cached == 0
        assert run_fits(data, labels, FITS[:2], settings, "iris", cache).cached == 0


def test_damaged_cache_entries_are_recomputed(iris, tmp_path):
    X, y = iris
    cache = FitCache(tmp_path / "cache")
    first = run_fits(X, y, FITS[:3], SETTINGS, "iris", cache)
    entries = sorted((tmp_path / "cache").rglob("*.npz"))
    assert len(entries) == 3
    entries[0].write_bytes(entries[0].read_bytes()[:40])  # truncated, as by a crash
    again = run_fits(X, y, FITS[:3], SETTINGS, "iris", cache)
    assert (again.computed, again.cached) == (1, 2)
    assert [r["inertia"] for r in again.rows] == [r["inertia"] for r in first.rows]


def test_injected_failure(iris):
    X, y = iris
    with pytest.raises(RuntimeError, match="injected failure"):
        run_fits(X, y, FITS[:3], SETTINGS, "iris", FitCache(None), fail_on="iris:2:k-means++:1")


@pytest.mark.parametrize("split", [1, 2, 5])
def test_gap_items_split_over_jobs_give_the_one_call_table(blobs, tmp_path, split):
    ks, n_refs = [1, 2, 3, 4], 3
    whole = gap.gap_statistic(blobs, ks, n_refs=n_refs, sample_size=150)
    items = gap.gap_items(ks, n_refs, gap.gap_points(len(blobs), 150))
    cache = FitCache(tmp_path / "cache")
    values = {}
    for part in np.array_split(np.arange(len(items)), split):
        result = run_gap_items(blobs, [items[i] for i in part], GAP_SETTINGS, "digest", cache)
        assert result.computed == len(part) and result.cached == 0
        values.update(result.values)
    pd.testing.assert_frame_equal(gap.gap_table(values, ks, n_refs), whole, check_exact=True)
    again = run_gap_items(blobs, items, GAP_SETTINGS, "digest", cache)  # a new plan: all cached
    assert (again.computed, again.cached) == (0, len(items)) and again.values == values


def test_gap_cache_key_follows_what_the_value_depends_on(tmp_path):
    cache = FitCache(tmp_path)
    key = cache.gap_key("d", 3, 0, GAP_SETTINGS)
    assert key == cache.gap_key("d", 3, 0, {**GAP_SETTINGS, "unrelated": 1})
    changed = [
        cache.gap_key("e", 3, 0, GAP_SETTINGS),
        cache.gap_key("d", 4, 0, GAP_SETTINGS),
        cache.gap_key("d", 3, 1, GAP_SETTINGS),
        cache.gap_key("d", 3, 0, {**GAP_SETTINGS, "sample_size": 100}),
        cache.gap_key("d", 3, 0, {**GAP_SETTINGS, "max_iter": 10}),
    ]
    assert key not in changed and len(set(changed)) == len(changed)
