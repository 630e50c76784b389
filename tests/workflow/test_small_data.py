"""The real workflow on data too small for its sweep (issue 23): a file of 3 distinct rows swept
at k 4 and 5, with init pca on its 2 columns. Every k is degenerate and pca is skipped at every
k, yet the run finishes and every output says what happened."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import tiny_config


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    from conftest import Workflow

    wf = Workflow(tmp_path_factory.mktemp("small"))
    rows = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] * 4
    pd.DataFrame(rows, columns=["a", "b"]).to_csv(wf.path / "three.csv", index=False)
    config = tiny_config(
        datasets={"three": {"source": "three.csv"}},
        sweep={"k": [4, 5], "init": ["k-means++", "pca"], "seeds": [0, 1], "n_init": 1},
        choose_k={"gap_references": 2},
    )
    wf.write_config(config)
    # every output but the silhouette diagrams (none here: no k is picked), to keep it short
    targets = ["choose_k.html", "comparison.html", "plots/clusters_pca.png", "summary.html"]
    wf.proc = wf.run(*(f"results/three/{t}" for t in targets))
    return wf


def test_pca_is_skipped_and_said_so(small_run):
    said = "three: init pca is skipped at k = 4, 5 and fitted at k <= 2 only"
    assert said in small_run.proc.stderr
    fits = pd.read_parquet(small_run.results("three", "fits.parquet"))
    assert set(fits["init"]) == {"k-means++"} and len(fits) == 2 * 2
    page = small_run.results("three", "comparison.html").read_text()
    assert "Not fitted: init pca at k &gt; 2 (k = 4, 5) (its starting centres" in page


def test_every_k_degenerate_no_pick_and_said_so(small_run):
    choice = pd.read_parquet(small_run.results("three", "choose_k.parquet"))
    assert choice["k"].isna().all(), choice[["criterion", "k"]]
    page = small_run.results("three", "choose_k.html").read_text()
    assert "three: no recommendation" in page
    assert "KMeans found at most 3 distinct clusters: every k swept (4–5) is degenerate" in page
    for table in ("summary.parquet", "stability.parquet"):
        marked = pd.read_parquet(small_run.results("three", table))
        assert marked["degenerate"].str.startswith("no fit found").all(), table
    assert small_run.results("three", "plots", "clusters_pca.png").stat().st_size > 5_000
    summary_page = small_run.results("three", "summary.html").read_text()
    assert "no fit found 4 clusters (at most 3)" in summary_page
