"""Section 9, resampling at scale (issue 19's target): 1,000,000 x 32 blobs, resampling H=20,
B=2, k 2-8: every job's peak memory (<= 2.5 GiB) and the resampling picks (the true k)."""

from __future__ import annotations

import shutil

from .common import default_config, print_run, snakemake, workdir


def resampling_million(cores: int, centers: int = 5) -> None:
    import pandas as pd

    config = default_config()
    config["datasets"] = {
        "blobs1m": {
            "source": "blobs",
            "n_samples": 1_000_000,
            "n_features": 32,
            "centers": centers,
            "dtype": "float32",
        }
    }
    config["sweep"].update(k=list(range(2, 9)), init=["k-means++"], seeds=[0, 1])
    config["resampling"] = {**config.get("resampling", {}), "resamples": 20, "null_references": 2}
    path = workdir(config)
    print(
        f"== 9. resampling at scale: blobs 1,000,000 x 32 ({centers} centres), H=20, B=2, k 2-8"
    )
    t, _ = snakemake(path, "--cores", str(cores))
    peaks, worst = print_run(path, t, 22)
    print(f"   largest: {peaks[worst] / 1024:.2f} GiB ({worst}); target <= 2.5 GiB")
    choice = pd.read_parquet(path / "results/blobs1m/choose_k.parquet").set_index("criterion")
    for row in ("consensus", "prediction_strength", "recommended"):
        print(f"   {row}: k={choice.loc[row, 'k']} (true k {centers})")
    table = pd.read_parquet(path / "results/blobs1m/resampling.parquet")
    print(table[["k", "pac", "pac_se", "pairs_used", "rcsi", "p_beta", "ps_mean"]].to_string())
    shutil.rmtree(path, ignore_errors=True)
