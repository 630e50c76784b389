"""Wide data end to end, in one workflow run: p > n, p = n and p >> n all sweep, pick every
criterion and draw every picture; the same matrix stored features in rows with a labels
file gives the same fits as stored samples in rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

TIMING = ["fit_seconds", "score_seconds"]
CRITERIA = ["elbow", "silhouette", "calinski_harabasz", "davies_bouldin", "gap", "stability"]


def write_wide_pair(path, n=50, p=5000, centers=3):
    """The same n x p blobs as a samples_in_rows CSV with a label column and as a
    features_in_rows CSV (genes in rows) with a labels file."""
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=n, n_features=p, centers=centers, random_state=4)
    X = X.round(5)
    genes = [f"gene{j}" for j in range(p)]
    samples = [f"patient{i}" for i in range(n)]
    pd.DataFrame(X, columns=genes).assign(subtype=y).to_csv(path / "long.csv", index=False)
    wide = pd.DataFrame(X.T, columns=samples)
    wide.insert(0, "gene", genes)
    wide.to_csv(path / "wide.csv", index=False)
    labels = pd.DataFrame({"sample": samples, "subtype": y}).sample(frac=1, random_state=0)
    labels.to_csv(path / "labels.csv", index=False)


@pytest.mark.slow
def test_wide_square_and_very_wide_data_sweep(workflow):
    write_wide_pair(workflow.path)
    config = {
        "datasets": {
            "p_gt_n": {"source": "blobs", "n_samples": 300, "n_features": 3000, "centers": 3},
            "square": {"source": "blobs", "n_samples": 200, "n_features": 200, "centers": 3},
            "genes_in_rows": {
                "source": "wide.csv",
                "layout": "features_in_rows",
                "labels_file": "labels.csv",
            },
            "genes_in_columns": {"source": "long.csv", "label_column": "subtype"},
        },
        "sweep": {"k": [2, 3, 4, 5, 6], "init": ["k-means++", "pca"], "seeds": [0, 1]},
        "choose_k": {"gap_references": 2},
        # a small resampling run: its null is drawn through the thin SVD too (p >> n)
        "resampling": {"resamples": 3, "null_references": 2, "prediction_strength_splits": 2},
        "plots": {"dpi": 50, "width": 5, "height": 3},
        "cache_dir": None,  # the twins' fits are computed, not served from the cache
    }
    workflow.write_config(config)
    # every table of every dataset; the pictures of the widest one (p >> n) only
    wide = ["clusters_pca.png", "silhouette_diagrams", "resampling.png"]
    targets = [f"results/{name}/choose_k.parquet" for name in config["datasets"]]
    workflow.run(*targets, *(f"results/genes_in_rows/plots/{f}" for f in wide), timeout=900)
    for name in config["datasets"]:
        choice = pd.read_parquet(workflow.results(name, "choose_k.parquet")).set_index("criterion")
        picks = choice["k"].reindex([*CRITERIA, "consensus", "prediction_strength", "recommended"])
        assert picks.notna().all(), f"{name}: {picks.to_dict()}"
    assert workflow.results("genes_in_rows", "plots", "clusters_pca.png").stat().st_size > 5_000
    assert any(workflow.results("genes_in_rows", "plots", "silhouette_diagrams").glob("*.png"))
    a = pd.read_parquet(workflow.results("genes_in_rows", "fits.parquet"))
    b = pd.read_parquet(workflow.results("genes_in_columns", "fits.parquet"))
    assert len(a) == 5 * 2 * 2
    pd.testing.assert_frame_equal(
        a.drop(columns=[*TIMING, "dataset"]), b.drop(columns=[*TIMING, "dataset"])
    )
    gap_a = pd.read_parquet(workflow.results("genes_in_rows", "gap.parquet"))
    gap_b = pd.read_parquet(workflow.results("genes_in_columns", "gap.parquet"))
    pd.testing.assert_frame_equal(gap_a, gap_b)
    assert np.isfinite(gap_a["gap"]).all()
