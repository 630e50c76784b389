"""Section 10, wide data: 400 samples x 20,000 genes stored genes in rows, swept with all genes
and with the top 2,000 by MAD: peak memory, the longest non-fit job against the fit jobs,
scoring against fitting per fit, and the gap and recommended picks."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from .common import default_config, job_peaks, job_seconds, snakemake, workdir, write_config


def write_wide_expression(path: Path, n=400, p=20_000, informative=2_000, subtypes=4, effect=1.0):
    """Genes x samples CSV (first column the gene ids, header the sample ids) and labels.csv:
    every gene N(0, 1) noise; each of the first ``informative`` genes shifted by a subtype mean
    drawn from N(0, effect^2). Returns the two paths."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    subtype = np.repeat(np.arange(subtypes), n // subtypes)
    X = rng.standard_normal((p, n), dtype=np.float32)
    X[:informative] += (effect * rng.standard_normal((informative, subtypes)))[:, subtype]
    samples = [f"patient{i:03d}" for i in range(n)]
    table = pd.DataFrame(X, columns=samples)
    table.insert(0, "gene", [f"gene{j:05d}" for j in range(p)])
    data, labels = path / "expression.csv", path / "labels.csv"
    table.to_csv(data, index=False, float_format="%.4f")
    names = np.array([f"subtype_{chr(65 + s)}" for s in subtype])
    pd.DataFrame({"sample": samples, "subtype": names}).to_csv(labels, index=False)
    return data, labels


def wide(cores: int) -> dict:
    config = default_config()
    path = workdir(config)
    start = time.perf_counter()
    data, labels = write_wide_expression(path)
    spec = {
        "source": str(data),
        "layout": "features_in_rows",
        "labels_file": str(labels),
        "dtype": "float32",
    }
    config["datasets"] = {"wide": spec, "wide_top2000": {**spec, "top_variable_features": 2000}}
    config["sweep"].update(
        k=list(range(2, 9)), init=["k-means++", "random", "pca"], seeds=[0, 1, 2]
    )
    config["choose_k"] = {"gap_references": 10}
    write_config(path, config)
    print(
        f"== 10. wide data: 400 x 20,000 float32 genes in rows ({data.stat().st_size / 2**20:.0f}"
        f" MiB CSV, written in {time.perf_counter() - start:.0f} s), 4 subtypes carried by 2,000 "
        f"genes; all genes and the top 2,000 by MAD; k 2-8, 3 inits, 3 seeds, {cores} cores"
    )
    wall, _ = snakemake(path, "--cores", str(cores))
    print(f"   wall time {wall:.1f} s")
    peaks, seconds = job_peaks(path), job_seconds(path)
    worst = max(peaks, key=peaks.get)
    print(f"   peak memory per job: {peaks[worst] / 1024:.2f} GiB ({worst}); target <= 2 GiB")
    result = {"wall_s": wall, "peak_mb": peaks[worst]}
    for name in config["datasets"]:
        result[name] = dataset_report(path, name, seconds)
    shutil.rmtree(path, ignore_errors=True)
    return result


def dataset_report(path: Path, name: str, seconds: dict[str, float]) -> dict:
    """One dataset of the run: its fit jobs against its longest other job, scoring against
    fitting per fit, and its picks (printed, and returned)."""
    import pandas as pd

    mine = {job.split("/")[1]: s for job, s in seconds.items() if job.startswith(name + "/")}
    fit = sum(s for job, s in mine.items() if job.startswith("fit_chunk"))
    other = {job: s for job, s in mine.items() if not job.startswith("fit_chunk")}
    slow = max(other, key=other.get)
    fits = pd.read_parquet(path / f"results/{name}/fits.parquet")
    ratio = fits["score_seconds"] / fits["fit_seconds"]
    choice = pd.read_csv(path / f"results/{name}/choose_k.csv").set_index("criterion")
    picks = {c: None if pd.isna(v) else int(v) for c, v in choice["k"].items()}
    print(
        f"   {name}: fit jobs {fit:.1f} s together; longest other job {slow} "
        f"{other[slow]:.1f} s; target: not longer"
    )
    print(
        f"   {name}: scoring / fitting per fit: median {ratio.median():.2f}, largest "
        f"{ratio.max():.2f}; total {fits.score_seconds.sum():.1f} s / "
        f"{fits.fit_seconds.sum():.1f} s; target <= 1"
    )
    print(f"   {name}: picks {picks}; target gap 4, recommended 4")
    return {"fit_s": fit, "other": other, "score_ratio_max": float(ratio.max()), "picks": picks}
