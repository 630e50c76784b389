"""The resampling evidence end to end: the fit jobs share its fits, the step's tables equal the
one-process reference, choose_k votes with its two picks, the pictures are drawn, and raising
``resampling.resamples`` computes only the new subsamples."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import RESAMPLING, assert_png, tiny_config

from kmeans_sweep import io

CONFIG = tiny_config(resampling=RESAMPLING, fits_per_job=4)  # three fit jobs share the items


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from conftest import Workflow

    wf = Workflow(tmp_path_factory.mktemp("resampling"))
    wf.write_config(CONFIG)
    wf.run()
    return wf


def resampling_counts(wf) -> tuple[int, int]:
    """(new, from the cache) resampling fits over the fit jobs' logs."""
    new = cached = 0
    said = re.compile(r"resampling fits \((\d+) new, (\d+) from the cache\)")
    for log in wf.logs("iris").glob("fit_chunk*.log"):
        for m in said.finditer(log.read_text()):
            new, cached = new + int(m[1]), cached + int(m[2])
    return new, cached


def test_the_tables_equal_the_one_process_reference(run):
    from kmeans_sweep.choose.resampling.reference import resampling_statistics

    X = np.load(run.results("iris", "prepared", "X.npy"))
    table = pd.read_parquet(run.results("iris", "resampling.parquet"))
    clusters = pd.read_parquet(run.results("iris", "cluster_stability.parquet"))
    fits = pd.read_parquet(run.results("iris", "fits.parquet"))
    labels = io.read_labels([run.results("iris", "labels.parquet")])
    best = {}  # the best fit at each k: the lowest inertia (the fit the pictures show)
    for k, rows in fits.sort_values("inertia", kind="stable").groupby("k"):
        r = rows.iloc[0]
        best[int(k)] = labels[io.fit_key(int(k), r["init"], int(r["seed"]))]
    settings = {"resamples": 6, "null_references": 2, "prediction_strength_splits": 3}
    ref = resampling_statistics(X, [2, 3, 4], settings, best_labels=best)
    want = ref["resampling"]
    for col in ("pac", "area", "area_ccp", "rcsi", "p_beta", "ps_mean", "ps_sd"):
        assert np.allclose(table[col], want[col], equal_nan=True, rtol=0, atol=1e-12), col
    assert np.allclose(clusters["jaccard_mean"], ref["clusters"]["stability"], atol=1e-12)
    assert (table["method"] == "k-means++").all() and (table["n_init"] == 1).all()
    assert list(table["k"]) == [2, 3, 4] and table["every_pair"].all()


def test_choose_k_votes_with_the_two_picks(run):
    from kmeans_sweep.choose.resampling import picks as R

    table = pd.read_parquet(run.results("iris", "resampling.parquet"))
    choice = pd.read_parquet(run.results("iris", "choose_k.parquet")).set_index("criterion")
    def same(a, b):  # NA (no pick) or the same k
        return (pd.isna(a) and b is None) or a == b

    # the swept ks are 2-4: a pick at 4, the largest, abstains
    for crit, pick in (("consensus", R.consensus_pick(table)),
                       ("prediction_strength", R.prediction_strength_pick(table))):
        assert same(choice.loc[crit, "k"], None if pick == 4 else pick), crit
    rec = choice.loc["recommended"]
    assert rec["k"] != 1 and rec["confidence"] != "no structure"  # iris is clustered
    assert "of 8 criteria" in rec["note"] and "cluster structure: Gap(" in rec["note"]
    csv = pd.read_csv(run.results("iris", "resampling.csv"))
    assert list(csv["k"]) == [2, 3, 4]
    page = run.results("iris", "resampling.html").read_text()
    assert "Columns" in page and "pac_se" in page


def test_the_pictures_are_drawn(run):
    plots = run.results("iris", "plots")
    assert_png(plots / "resampling.png")
    assert_png(plots / "cluster_stability.png")
    heatmaps = sorted((plots / "consensus_matrices").glob("consensus_k*.png"))
    assert heatmaps
    for png in heatmaps:
        assert_png(png)


def test_more_resamples_compute_only_the_new_subsamples(run):
    assert resampling_counts(run) == (6 * 3 * 3 + 3 * 3, 0)  # (data + 2 nulls) x 6 x 3 ks
    config = tiny_config(resampling={**RESAMPLING, "resamples": 9}, fits_per_job=4)
    run.write_config(config)
    run.clear_logs()
    run.run("results/iris/resampling.parquet")
    assert resampling_counts(run) == (3 * 3 * 3, 6 * 3 * 3 + 3 * 3)
    table = pd.read_parquet(run.results("iris", "resampling.parquet"))
    assert (table["resamples"] == 9).all()


def test_above_max_rows_the_evidence_is_the_fixed_samples_and_equals_the_reference(tmp_path):
    """resampling.max_rows below n: the fit jobs and the resampling step work on the same
    fixed sample of rows as the one-process reference; the per-row table names the data's
    rows; the page says how many rows were used."""
    from conftest import Workflow

    from kmeans_sweep.choose.resampling.reference import resampling_statistics
    from kmeans_sweep.fit.resample import evidence_rows

    wf = Workflow(tmp_path)
    capped = {**RESAMPLING, "max_rows": 100}
    wf.write_config(tiny_config(resampling=capped, fits_per_job=4))
    wf.run("results/iris/resampling.parquet", "results/iris/fits.parquet")  # not one input
    X = np.load(wf.results("iris", "prepared", "X.npy"))
    table = pd.read_parquet(wf.results("iris", "resampling.parquet"))
    fits = pd.read_parquet(wf.results("iris", "fits.parquet"))
    labels = io.read_labels([wf.results("iris", "labels.parquet")])
    best = {}
    for k, rows in fits.sort_values("inertia", kind="stable").groupby("k"):
        r = rows.iloc[0]
        best[int(k)] = labels[io.fit_key(int(k), r["init"], int(r["seed"]))]
    ref = resampling_statistics(X, [2, 3, 4], capped, best_labels=best)["resampling"]
    for col in ("pac", "area", "rcsi", "ps_mean", "ps_sd"):
        assert np.allclose(table[col], ref[col], equal_nan=True, rtol=0, atol=1e-12), col
    assert (table["rows_used"] == 100).all()
    items = pd.read_parquet(wf.results("iris", "item_consensus.parquet"))
    assert set(items["row"]) <= set(evidence_rows(150, 100, 0))
    page = wf.results("iris", "resampling.html").read_text()
    assert "a fixed sample of 100 rows (resampling.max_rows)" in page
