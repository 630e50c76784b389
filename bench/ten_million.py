"""Section 7, ten million rows: a 10,000,000 x 32 float32 Parquet file of blobs, swept on
--cores cores: wall time, peak memory of every job, scoring as a share of fitting, against the
targets."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from .common import default_config, fit_counts, job_peaks, snakemake, workdir, write_config


def write_big_blobs(path: Path, n_rows: int, n_features: int, centers: int = 12) -> None:
    """Blobs (unit spread around ``centers`` centres in [-10, 10]^d) as float32 Parquet, one
    row group of at most 500,000 rows at a time, with an int16 ``label`` column."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    means = np.random.default_rng(0).uniform(-10, 10, size=(centers, n_features))
    names = [f"x{j}" for j in range(n_features)]
    schema = pa.schema([*(pa.field(n, pa.float32()) for n in names), ("label", pa.int16())])
    with pq.ParquetWriter(path, schema) as writer:
        for i, start in enumerate(range(0, n_rows, 500_000)):
            rng = np.random.default_rng([1, i])
            rows = min(500_000, n_rows - start)
            label = rng.integers(0, centers, size=rows).astype(np.int16)
            X = rng.standard_normal((rows, n_features), dtype=np.float32)
            X += means[label].astype(np.float32)
            cols = [pa.array(X[:, j]) for j in range(n_features)] + [pa.array(label)]
            writer.write_table(pa.Table.from_arrays(cols, schema=schema))


def _print_resampling(path: Path, config: dict) -> None:
    """What the resampling evidence used (config.yaml's defaults) and the recommendation."""
    import pandas as pd

    res = config.get("resampling", {})
    table = path / "results" / "blobs10m" / "resampling.parquet"
    choice = pd.read_parquet(path / "results" / "blobs10m" / "choose_k.parquet")
    rec = choice.set_index("criterion").loc["recommended"]
    rows = int(pd.read_parquet(table)["rows_used"].max()) if table.exists() else 0
    print(f"   resampling (config.yaml: H {res.get('resamples')}, B "
          f"{res.get('null_references')}, max_rows {res.get('max_rows')}): evidence on "
          f"{rows:,} rows; recommended k = {rec['k']} ({rec['confidence']})")


def ten_million(cores: int, n_rows: int = 10_000_000) -> dict:
    config = default_config()
    path = workdir(config)
    data = path / "blobs10m.parquet"
    start = time.perf_counter()
    write_big_blobs(data, n_rows, 32)
    gen_s = time.perf_counter() - start
    config["datasets"] = {
        "blobs10m": {"source": str(data), "label_column": "label", "dtype": "float32"}
    }
    config["sweep"].update(k=[4, 8, 12, 16], init=["k-means++"], seeds=[0, 1])
    config["fits_per_job"] = 4
    write_config(path, config)
    gib = data.stat().st_size / 2**30
    print(
        f"== 7. ten million rows: {n_rows:,} x 32 float32 Parquet ({gib:.2f} GiB, written in "
        f"{gen_s:.0f} s), k 4/8/12/16, k-means++, Lloyd, seeds 0 and 1, "
        f"{cores} cores"
    )
    wall, _ = snakemake(path, "--cores", str(cores))
    _, _, fit_s, score_s = fit_counts(path)
    peaks = job_peaks(path)
    for name, mb in peaks.items():
        print(f"   peak memory {name:18s} {mb / 1024:5.2f} GiB")
    worst = max(peaks, key=peaks.get)
    bound = 1.3 * fit_s / cores + 120
    print(f"   peak memory per job: {peaks[worst] / 1024:.2f} GiB ({worst}); target <= 2.5 GiB")
    print(f"   wall time {wall:.1f} s; sum of fit times {fit_s:.1f} s; target <= {bound:.1f} s")
    print(f"   scoring {score_s:.1f} s = {100 * score_s / fit_s:.0f}% of fitting; target <= 30%")
    _print_resampling(path, config)
    shutil.rmtree(path, ignore_errors=True)
    return {"wall_s": wall, "fit_s": fit_s, "score_s": score_s, "peaks_mb": peaks}
