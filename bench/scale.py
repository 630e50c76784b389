"""Section 6, scale: blobs 1,000,000 x 32 (12 centres), k 4/8/12/16, k-means++, seeds 0 and 1:
peak memory per job and scoring time as a share of fitting."""

from __future__ import annotations

import shutil

from .common import default_config, fit_counts, print_run, snakemake, workdir


def scale(cores: int) -> None:
    import pandas as pd

    config = default_config()
    config["datasets"] = {
        "blobs1m": {"source": "blobs", "n_samples": 1_000_000, "n_features": 32, "centers": 12}
    }
    config["sweep"].update(k=[4, 8, 12, 16], init=["k-means++"], seeds=[0, 1])
    path = workdir(config)
    print("== 6. scale: blobs 1,000,000 x 32, k 4/8/12/16, k-means++, seeds 0 and 1")
    t, _ = snakemake(path, "--cores", str(cores))
    _, _, fit_s, score_s = fit_counts(path)
    peaks, worst = print_run(path, t, 18)
    print(f"   peak memory per job: {peaks[worst] / 1024:.2f} GiB ({worst}); target <= 1.5 GiB")
    print(
        f"   fitting {fit_s:.1f} s, scoring {score_s:.1f} s: scoring adds "
        f"{100 * score_s / fit_s:.0f}% on top of fitting; target <= 30%"
    )
    fits = pd.read_parquet(path / "results/blobs1m/fits.parquet")
    print(
        f"   silhouette_sample_size in the fit rows: {sorted(fits.silhouette_sample_size.unique())}"
    )
    shutil.rmtree(path, ignore_errors=True)
