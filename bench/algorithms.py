"""Section 8, algorithms: lloyd, elkan, minibatch and bisecting on digits (k 2-12, k-means++
and random, seeds 0-2): per algorithm, the medians over k of its comparison.csv columns."""

from __future__ import annotations

import shutil

from .common import default_config, snakemake, workdir

ALGORITHM_SWEEP = {
    "k": list(range(2, 13)),
    "init": ["k-means++", "random"],
    "seeds": [0, 1, 2],
    "algorithm": ["lloyd", "elkan", "minibatch", "bisecting"],
}
COMPARED = ("fit_time_s", "time_vs_lloyd", "inertia_ratio", "ari_to_best_lloyd")


def algorithm_lines(comparison) -> list[str]:
    """One line per algorithm: the median over k of each per-k median in comparison.csv."""
    medians = comparison.groupby("algorithm", sort=False)[[f"{c}_median" for c in COMPARED]]
    lines = []
    for algorithm, row in medians.median().iterrows():
        time_s, vs_lloyd, inertia, ari = (row[f"{c}_median"] for c in COMPARED)
        lines.append(
            f"   {algorithm:<10} fit {1000 * time_s:6.1f} ms ({vs_lloyd:.2f} x lloyd), "
            f"inertia / best at k {inertia:.3f}, ARI with the best lloyd partition {ari:.2f}"
        )
    return lines


def algorithms(cores: int) -> None:
    import pandas as pd

    config = default_config()
    config["sweep"].update(ALGORITHM_SWEEP)
    path = workdir(config)
    t, _ = snakemake(path, "--cores", str(cores), "results/digits/comparison.csv")
    fits = len(pd.read_parquet(path / "results/digits/fits.parquet"))
    print(f"== 8. algorithms on digits: {fits} fits, {t:.1f} s wall at --cores {cores}")
    print("   medians over k of the per-k medians (comparison.csv):")
    print("\n".join(algorithm_lines(pd.read_csv(path / "results/digits/comparison.csv"))))
    shutil.rmtree(path, ignore_errors=True)
