"""Section 9, resampling at scale (issue 29's target): 1,000,000 x 32 float32 blobs, k 2-8,
k-means++, seeds 0 and 1, the default resampling (its evidence a fixed sample of
resampling.max_rows rows) beside the same run with resampling off: the ratio of their wall
times (target <= 3), every job's peak memory (target <= 2.5 GiB) and the picks (the true k)."""

from __future__ import annotations

import shutil

from .common import default_config, print_run, print_time_left_errors, snakemake, workdir


def million_config(centers: int, resamples: int | None = None) -> dict:
    config = default_config()
    config["datasets"] = {
        "blobs1m": {"source": "blobs", "n_samples": 1_000_000, "n_features": 32,
                    "centers": centers, "dtype": "float32"}
    }
    config["sweep"].update(k=list(range(2, 9)), init=["k-means++"], seeds=[0, 1])
    if resamples is not None:
        config["resampling"] = {**config.get("resampling", {}), "resamples": resamples}
    return config


def resampling_million(cores: int, centers: int = 5) -> dict:
    import pandas as pd

    print(f"== 9. resampling at scale: blobs 1,000,000 x 32 ({centers} centres), k 2-8, "
          "default resampling against resamples: 0")
    times = {}
    for name, resamples in (("off", 0), ("on", None)):
        path = workdir(million_config(centers, resamples))
        times[name], _ = snakemake(path, "--cores", str(cores))
        print(f"   resampling {name}:")
        peaks, worst = print_run(path, times[name], 22)
        print(f"   largest: {peaks[worst] / 1024:.2f} GiB ({worst}); target <= 2.5 GiB")
        choice = pd.read_parquet(path / "results/blobs1m/choose_k.parquet")
        picks = choice.set_index("criterion")["k"].to_dict()
        print(f"   picks: {picks} (true k {centers})")
        print_time_left_errors(path)
        shutil.rmtree(path, ignore_errors=True)
    ratio = times["on"] / times["off"]
    print(f"   on {times['on']:.1f} s, off {times['off']:.1f} s: ratio {ratio:.2f} (target <= 3)")
    return {"ratio": ratio, **times}
