"""Benchmark: the workflow against a hand-written loop, side by side, in one run.

    .venv/bin/python workflow/bench.py               # everything (about 5-10 minutes on 2 cores)
    .venv/bin/python workflow/bench.py --skip-scale  # without the million-point run

1. Overhead: the default config.yaml grid computed by (a) a plain Python program that loads and
   scales the data once and runs every fit and all its scores in a ProcessPoolExecutor with one
   worker per core and one BLAS/OpenMP thread each, and (b) `snakemake --cores N` from a clean
   results/ and an empty fit cache. Both start as fresh processes, so both pay their imports.
   Runs alternate, and the medians give the ratio.
2. Incremental: after a workflow run, add one k, then one seed, then change --cores: wall time
   and fits computed.
3. Planning: `snakemake -n` on a 100,000-fit grid.
4. Fan-out: the default sweep at --cores 8: how many fit jobs, total fit-job CPU over the largest
   fit job's CPU (the parallelism the plan allows), and the cost model's error per job.
5. Scale: blobs with 1,000,000 x 32 points, 12 centres, k 4/8/12/16, k-means++, seeds 0 and 1:
   peak memory per job (Snakemake's benchmark files) and scoring time as a share of fitting.
5. Ten million rows (only with --ten-million, which runs it alone): a 10,000,000 x 32 float32
   Parquet file of blobs (12 centres, written row group by row group, so the generator stays
   small), `dtype: float32`, k 4/8/12/16, k-means++, Lloyd, seeds 0 and 1, on --cores cores:
   wall time, peak memory of every job, the sum of fit times and scoring as a share of fitting,
   against the targets (every job <= 2.5 GiB; wall <= 1.3 x fit time / cores + 120 s; scoring
   <= 30% of fitting).
7. Wide data (only with --wide, which runs it alone): 400 samples x 20,000 genes, float32, 4
   subtypes carried by 2,000 genes, stored genes in rows (a features_in_rows CSV with a labels
   file), swept twice in one run: all genes, and `top_variable_features: 2000` (MAD). k 2-8,
   k-means++, random and pca, seeds 0-2, 10 gap references, on --cores cores: the peak memory
   of every job (target <= 2 GiB), the longest job other than a fit job against the fit jobs
   together (target: not longer), silhouette + CH + DB (and the label scores) against the fit,
   per fit (target: no more), and the gap and recommended picks (target: 4 and 4).
6. Algorithms (only with --algorithms, which runs it alone): digits, k 2-12, k-means++ and
   random, seeds 0-2, with lloyd, elkan, minibatch and bisecting: per algorithm, the medians over
   k of its comparison.csv columns (fit time, time relative to lloyd, inertia / best at k, ARI
   with the best lloyd partition).
7. Resampling evidence for k (only with --resampling-power, which runs it alone): the picks
   and the "no structure" rule (choose/resampling.py) at the default settings on fresh
   datasets (seeds from POWER_SEED, never used by the tests): 20 blob sets with 4 separated
   centres, 20 Gaussian-noise sets 300 x 5, and for robustness 10 blob sets with unequal sizes
   and spreads, 10 correlated-noise sets and 10 two-blob sets, k 2-10: how often each pick
   finds the true k, the false alarms; then the CPU time of one resample and one split fit on
   digits and what the defaults cost in all.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


# --- (a) the reference loop: the obvious script a user would write ------------------------

REFERENCE = r"""
import os, sys, time, json
os.environ.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
from concurrent.futures import ProcessPoolExecutor
import numpy as np
from sklearn import datasets, metrics
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

cfg = json.loads(sys.argv[1])
X, y = getattr(datasets, "load_" + cfg["source"])(return_X_y=True)
X = StandardScaler().fit_transform(X)

def one(job):
    k, init, seed = job
    if init == "pca":
        km = KMeans(k, init=PCA(n_components=k).fit(X).components_, n_init=1,
                    max_iter=cfg["max_iter"], random_state=seed)
    else:
        km = KMeans(k, init=init, n_init=cfg["n_init"], max_iter=cfg["max_iter"],
                    random_state=seed)
    t = time.perf_counter()
    km.fit(X)
    row = dict(k=k, init=init, seed=seed, fit_seconds=time.perf_counter() - t,
               inertia=km.inertia_, n_iter=km.n_iter_)
    lab = km.labels_
    row.update(silhouette=metrics.silhouette_score(X, lab),
               calinski_harabasz=metrics.calinski_harabasz_score(X, lab),
               davies_bouldin=metrics.davies_bouldin_score(X, lab),
               homogeneity=metrics.homogeneity_score(y, lab),
               completeness=metrics.completeness_score(y, lab),
               v_measure=metrics.v_measure_score(y, lab),
               ari=metrics.adjusted_rand_score(y, lab),
               ami=metrics.adjusted_mutual_info_score(y, lab))
    return row

grid = [(k, i, s) for k in cfg["k"] for i in cfg["init"] for s in cfg["seeds"]]
with ProcessPoolExecutor(cfg["workers"]) as pool:
    rows = list(pool.map(one, grid, chunksize=4))
print(len(rows))
"""


def timed(cmd, cwd=None, env=None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed, proc


CONFIG = REPO / "config.yaml"


def default_config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def workdir(config: dict) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kmeans-sweep-bench-"))
    config = {**config, "cache_dir": "results/.cache"}
    (path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def snakemake(path: Path, *args) -> tuple[float, subprocess.CompletedProcess]:
    return timed([SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(path), *args], cwd=path)


def fit_counts(path: Path) -> tuple[int, int, float, float]:
    computed = cached = 0
    fit_s = score_s = 0.0
    pat = re.compile(
        r"(\d+) computed, (\d+) from the cache, in [\d.]+ s "
        r"\(fitting ([\d.]+) s, scoring ([\d.]+) s"
    )
    for log in path.glob("logs/*/fit_chunk*.log"):
        for m in pat.finditer(log.read_text()):
            computed += int(m.group(1))
            cached += int(m.group(2))
            fit_s += float(m.group(3))
            score_s += float(m.group(4))
    return computed, cached, fit_s, score_s


def without_resampling(config: dict) -> dict:
    """The config with the resampling evidence off (the loop does not resample)."""
    return {**config, "resampling": {**config.get("resampling", {}), "resamples": 0}}


def overhead(cores: int, repeats: int) -> dict:
    config = without_resampling(default_config())
    ds = next(iter(config["datasets"].values()))
    sweep = config["sweep"]
    ref_cfg = {
        "source": ds["source"],
        "k": sweep["k"],
        "init": sweep["init"],
        "seeds": sweep["seeds"],
        "n_init": sweep.get("n_init", 1),
        "max_iter": sweep.get("max_iter", 300),
        "workers": cores,
    }
    n_fits = len(sweep["k"]) * len(sweep["init"]) * len(sweep["seeds"])
    print(
        f"== 1. the sweep of {CONFIG.name} (resampling off): {n_fits} fits of {ds['source']}, "
        f"{cores} cores, {repeats} runs each"
    )
    ref_times, wf_times = [], []
    last = None
    for rep in range(repeats):
        t, proc = timed([sys.executable, "-c", REFERENCE, json.dumps(ref_cfg)])
        assert int(proc.stdout.split()[-1]) == n_fits
        ref_times.append(t)
        path = workdir(config)
        t, _ = snakemake(path, "--cores", str(cores))
        wf_times.append(t)
        computed = fit_counts(path)[0]
        assert computed == n_fits, (computed, n_fits)
        print(f"   run {rep + 1}: reference loop {ref_times[-1]:6.1f} s   workflow {t:6.1f} s")
        if last is not None:
            shutil.rmtree(last, ignore_errors=True)
        last = path
    ref, wf = statistics.median(ref_times), statistics.median(wf_times)
    print(f"   median: reference loop {ref:.1f} s, workflow {wf:.1f} s, ratio {wf / ref:.2f}")
    print_estimate_errors(last, "last run, one job per core")
    return {
        "reference_s": ref,
        "workflow_s": wf,
        "ratio": wf / ref,
        "path": last,
        "n_fits": n_fits,
        "config": config,
    }


def resampling_cost(cores: int, repeats: int) -> None:
    """The default run (resampling on) beside the same run with resampling off, alternating."""
    config = default_config()
    res = config.get("resampling", {})
    print(
        f"== 1b. resampling: {CONFIG.name} as it is (resamples {res.get('resamples')}, "
        f"null_references {res.get('null_references')}, splits "
        f"{res.get('prediction_strength_splits')}) against resamples: 0, {repeats} runs each"
    )
    times = {"on": [], "off": []}
    for rep in range(repeats):
        for name, cfg in (("off", without_resampling(config)), ("on", config)):
            path = workdir(cfg)
            t, _ = snakemake(path, "--cores", str(cores))
            times[name].append(t)
            shutil.rmtree(path, ignore_errors=True)
        print(f"   run {rep + 1}: off {times['off'][-1]:6.1f} s   on {times['on'][-1]:6.1f} s")
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    print(f"   median: off {off:.1f} s, on {on:.1f} s, ratio {on / off:.2f} (target <= 2.0)")


def incremental(result: dict, cores: int) -> None:
    path, config = result["path"], result["config"]
    n = result["n_fits"]
    print("== 2. incremental reruns after that run")
    for what, change in (
        ("one more k", lambda c: c["sweep"]["k"].append(max(c["sweep"]["k"]) + 1)),
        ("one more seed", lambda c: c["sweep"]["seeds"].append(max(c["sweep"]["seeds"]) + 1)),
    ):
        change(config)
        (path / "config.yaml").write_text(yaml.safe_dump({**config, "cache_dir": "results/.cache"}))
        shutil.rmtree(path / "logs", ignore_errors=True)
        t, _ = snakemake(path, "--cores", str(cores))
        computed, cached, _, _ = fit_counts(path)
        print(
            f"   {what}: {t:5.1f} s, {computed} fits computed, {cached} served from the cache "
            f"(existing fits recomputed: 0 of {n})"
        )
        n += computed
    shutil.rmtree(path / "logs", ignore_errors=True)
    other = 1 if cores > 1 else 2
    t, _ = snakemake(path, "--cores", str(other))
    computed, cached, _, _ = fit_counts(path)
    what = "fit jobs re-split" if computed + cached else "same fit jobs, nothing rerun"
    print(
        f"   --cores {other} instead of {cores}: {t:5.1f} s, {computed} fits computed, "
        f"{cached} from the cache ({what})"
    )
    shutil.rmtree(path, ignore_errors=True)


def planning() -> None:
    config = default_config()
    config["sweep"].update(
        k=list(range(2, 102)), init=["k-means++", "random"], seeds=list(range(500))
    )
    path = workdir(config)
    small = workdir(default_config())
    for cores in (1, 64):
        t, _ = snakemake(path, "-n", "--quiet", "rules", "--cores", str(cores))
        t0, _ = snakemake(small, "-n", "--quiet", "rules", "--cores", str(cores))
        print(
            f"== 3. planning: `snakemake -n --cores {cores}` on a 100,000-fit grid took {t:.1f} s "
            f"(the default 570-fit grid: {t0:.1f} s); target < 10 s"
        )
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(small, ignore_errors=True)


def benchmark_rows(path: Path, pattern: str) -> dict[str, dict]:
    """Snakemake's benchmark files matching ``pattern``: {job: {column: value}}."""
    rows = {}
    for tsv in sorted(path.glob(f"benchmarks/*/{pattern}.tsv")):
        header, values = tsv.read_text().splitlines()[:2]
        rows[tsv.stem] = dict(zip(header.split("\t"), values.split("\t"), strict=True))
    return rows


def estimate_errors(path: Path) -> list[tuple[float, float]]:
    """(estimated, actual) seconds of work of every fit job, from their logs."""
    pat = re.compile(r"estimated ([\d.]+) s, took ([\d.]+) s of fitting and scoring")
    pairs = []
    for log in sorted(path.glob("logs/*/fit_chunk*.log")):
        pairs += [(float(a), float(b)) for a, b in pat.findall(log.read_text())]
    return pairs


def fan_out(cores: int = 8) -> None:
    """The default sweep at --cores 8 (even on a smaller machine: the plan is what counts)."""
    config = default_config()
    path = workdir(config)
    t, _ = snakemake(path, "--cores", str(cores))
    jobs = benchmark_rows(path, "fit_chunk*")
    cpu = {name: float(row["cpu_time"]) for name, row in jobs.items()}
    print(f"== 4. fan-out: the default sweep at --cores {cores} ({t:.1f} s wall on this machine)")
    print(
        f"   {len(jobs)} fit jobs; fit CPU {sum(cpu.values()):.1f} s / largest job "
        f"{max(cpu.values()):.1f} s = {sum(cpu.values()) / max(cpu.values()):.1f} "
        f"(target: >= 8 jobs, >= 6)"
    )
    busy = f"{cores} jobs on {os.cpu_count()} cores: each job's wall-clock work is stretched"
    print_estimate_errors(path, busy if cores > (os.cpu_count() or 1) else "")
    shutil.rmtree(path, ignore_errors=True)


def print_estimate_errors(path: Path, note: str) -> None:
    """The cost model's estimate beside each fit job's actual work (fits, scores, gap fits)."""
    pairs = estimate_errors(path)
    errors = [abs(est - act) / act for est, act in pairs if act > 0] or [float("nan")]
    print(
        "   cost model, estimated / actual seconds of work per job: "
        + ", ".join(f"{est:.2f}/{act:.2f}" for est, act in pairs)
    )
    print(
        f"   median error {100 * statistics.median(errors):.0f}%, "
        f"largest {100 * max(errors):.0f}% (calibration: defaults, empty cache"
        + (f"; {note})" if note else ")")
    )


def scale(cores: int) -> None:
    config = default_config()
    config["datasets"] = {
        "blobs1m": {"source": "blobs", "n_samples": 1_000_000, "n_features": 32, "centers": 12}
    }
    config["sweep"].update(k=[4, 8, 12, 16], init=["k-means++"], seeds=[0, 1])
    path = workdir(config)
    print("== 5. scale: blobs 1,000,000 x 32, k 4/8/12/16, k-means++, seeds 0 and 1")
    t, _ = snakemake(path, "--cores", str(cores))
    _, _, fit_s, score_s = fit_counts(path)
    peaks = {}
    for tsv in sorted(path.glob("benchmarks/*/*.tsv")):
        lines = tsv.read_text().splitlines()
        cols = lines[0].split("\t")
        peaks[tsv.stem] = float(lines[1].split("\t")[cols.index("max_rss")])
    worst = max(peaks, key=peaks.get)
    print(f"   wall time {t:.1f} s")
    for name, mb in peaks.items():
        print(f"   peak memory {name:18s} {mb / 1024:5.2f} GiB")
    print(f"   peak memory per job: {peaks[worst] / 1024:.2f} GiB ({worst}); target <= 1.5 GiB")
    print(
        f"   fitting {fit_s:.1f} s, scoring {score_s:.1f} s: scoring adds "
        f"{100 * score_s / fit_s:.0f}% on top of fitting; target <= 30%"
    )
    fits = __import__("pandas").read_parquet(path / "results/blobs1m/fits.parquet")
    print(
        f"   silhouette_sample_size in the fit rows: {sorted(fits.silhouette_sample_size.unique())}"
    )
    shutil.rmtree(path, ignore_errors=True)


def resampling_million(cores: int, centers: int = 5) -> None:
    """Issue 19's scale target: 1,000,000 x 32 blobs, resampling H=20, B=2, k 2-8: every
    job's peak memory (<= 2.5 GiB) and the resampling picks (the true k)."""
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
    print(f"== resampling at scale: blobs 1,000,000 x 32 ({centers} centres), H=20, B=2, k 2-8")
    t, _ = snakemake(path, "--cores", str(cores))
    peaks = job_peaks(path)
    worst = max(peaks, key=peaks.get)
    print(f"   wall time {t:.1f} s")
    for name, mb in peaks.items():
        print(f"   peak memory {name:22s} {mb / 1024:5.2f} GiB")
    print(f"   largest: {peaks[worst] / 1024:.2f} GiB ({worst}); target <= 2.5 GiB")
    choice = pd.read_parquet(path / "results/blobs1m/choose_k.parquet").set_index("criterion")
    for row in ("consensus", "prediction_strength", "recommended"):
        print(f"   {row}: k={choice.loc[row, 'k']} (true k {centers})")
    table = pd.read_parquet(path / "results/blobs1m/resampling.parquet")
    print(table[["k", "pac", "pac_se", "pairs_used", "rcsi", "p_beta", "ps_mean"]].to_string())
    shutil.rmtree(path, ignore_errors=True)


# --- 5. ten million rows ---------------------------------------------------------------------


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


def job_peaks(path: Path) -> dict[str, float]:
    """Peak RSS (MiB) of every job, from Snakemake's benchmark files."""
    peaks = {}
    for tsv in sorted(path.glob("benchmarks/*/*.tsv")):
        lines = tsv.read_text().splitlines()
        cols = lines[0].split("\t")
        peaks[tsv.stem] = float(lines[1].split("\t")[cols.index("max_rss")])
    return peaks


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
    (path / "config.yaml").write_text(
        yaml.safe_dump({**config, "cache_dir": "results/.cache"}, sort_keys=False)
    )
    gib = data.stat().st_size / 2**30
    print(
        f"== 5. ten million rows: {n_rows:,} x 32 float32 Parquet ({gib:.2f} GiB, written in "
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
    shutil.rmtree(path, ignore_errors=True)
    return {"wall_s": wall, "fit_s": fit_s, "score_s": score_s, "peaks_mb": peaks}


# --- 7. wide data ----------------------------------------------------------------------------


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


def job_seconds(path: Path) -> dict[str, float]:
    """Wall seconds of every job, from Snakemake's benchmark files."""
    return {
        f"{tsv.parent.name}/{tsv.stem}": float(row["s"])
        for tsv in sorted(path.glob("benchmarks/*/*.tsv"))
        for row in [benchmark_row(tsv)]
    }


def benchmark_row(tsv: Path) -> dict:
    header, values = tsv.read_text().splitlines()[:2]
    return dict(zip(header.split("\t"), values.split("\t"), strict=True))


def wide(cores: int) -> dict:
    import pandas as pd

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
    (path / "config.yaml").write_text(
        yaml.safe_dump({**config, "cache_dir": "results/.cache"}, sort_keys=False)
    )
    print(
        f"== 7. wide data: 400 x 20,000 float32 genes in rows ({data.stat().st_size / 2**20:.0f}"
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
        result[name] = {
            "fit_s": fit,
            "other": other,
            "score_ratio_max": float(ratio.max()),
            "picks": picks,
        }
    shutil.rmtree(path, ignore_errors=True)
    return result


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
    print(f"== 6. algorithms on digits: {fits} fits, {t:.1f} s wall at --cores {cores}")
    print("   medians over k of the per-k medians (comparison.csv):")
    print("\n".join(algorithm_lines(pd.read_csv(path / "results/digits/comparison.csv"))))
    shutil.rmtree(path, ignore_errors=True)


# --- 7. resampling evidence for k: power and false alarms ------------------------------------

#: Datasets of this section are seeded from here. The rule (choose/resampling.py) was
#: designed on the same generators seeded from 1000, 3_000_000 and 7_000_000; the tests use
#: none of these.
POWER_SEED = 9_100_000
POWER_KS = list(range(2, 11))
#: kind: (true k, how many datasets)
POWER_SETS = {
    "blobs, 4 separated centres": (4, 20),
    "gaussian noise 300 x 5": (1, 20),
    "blobs, 4 unequal sizes and spreads": (4, 10),
    "correlated gaussian noise": (1, 10),
    "blobs, 2 centres": (2, 10),
}


def separated_blobs(rng, sizes, spreads, p=5, factor=3.0, box=10.0):
    """Blobs around centres uniform in [-box, box]^p, drawn again until every two centres
    are at least factor x (their spreads' sum) apart."""
    k = len(sizes)
    spreads = np.asarray(spreads, dtype=float)
    upper = np.triu_indices(k, 1)
    while True:
        centres = rng.uniform(-box, box, size=(k, p))
        gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)[upper]
        if np.all(gaps >= factor * (spreads[:, None] + spreads[None])[upper]):
            break
    parts = zip(centres, spreads, sizes, strict=True)
    return np.concatenate([c + s * rng.standard_normal((m, p)) for c, s, m in parts])


def power_dataset(kind: str, i: int):
    rng = np.random.default_rng([POWER_SEED, list(POWER_SETS).index(kind), i])
    if kind == "blobs, 4 separated centres":
        return separated_blobs(rng, [75] * 4, [1.0] * 4)
    if kind == "blobs, 4 unequal sizes and spreads":
        return separated_blobs(rng, [40, 60, 80, 120], [0.6, 1.0, 1.3, 1.6])
    if kind == "blobs, 2 centres":
        return separated_blobs(rng, [150, 150], [1.0, 1.0])
    if kind == "gaussian noise 300 x 5":
        return rng.standard_normal((300, 5))
    scales = np.array([3.0, 1.5, 1.0, 0.5, 0.3])  # correlated: a random mixing of these
    return rng.standard_normal((300, 5)) @ (rng.standard_normal((5, 5)) * scales)


def power_one(job) -> tuple[str, dict, float]:
    from kmeans_sweep.choose.resampling.picks import verdict
    from kmeans_sweep.choose.resampling.reference import resampling_statistics

    kind, i = job
    start = time.perf_counter()
    tables = resampling_statistics(power_dataset(kind, i), POWER_KS, seed=POWER_SEED + i)
    return kind, verdict(tables["resampling"]), time.perf_counter() - start


def resampling_fit_times() -> None:
    """CPU seconds of one resample fit (80 % of digits) and one split fit, k 2-20, and what
    the defaults cost in all."""
    from threadpoolctl import threadpool_limits

    from kmeans_sweep.data.load import load_dataset
    from kmeans_sweep.data.scaling import scale
    from kmeans_sweep.fit import resample as rs

    ds = load_dataset("digits", {"source": "digits"})
    X, _ = scale(ds.X, "standard")
    fit = {"init": "k-means++", "algorithm": "lloyd", "n_init": 1}
    ks, d = range(2, 21), rs.DEFAULTS
    with threadpool_limits(1):
        rs.resample_labels(X, 2, 0, seed=0, fraction=0.8, **fit)  # warm up
        start = time.process_time()
        for h in range(3):
            for k in ks:
                rs.resample_labels(X, k, h, seed=0, fraction=d["fraction"], **fit)
        per_resample = (time.process_time() - start) / 3
        start = time.process_time()
        for m in range(2):
            for k in ks:
                rs.prediction_strength_run(X, k, m, seed=0, **fit)
        per_split = (time.process_time() - start) / 2
    H, B, M = d["resamples"], d["null_references"], d["prediction_strength_splits"]
    total = (1 + B) * H * per_resample + M * per_split
    print(
        f"   digits, k 2-20: one resample fit {1000 * per_resample / 19:.1f} ms, one split "
        f"(2 half fits, 2 predictions) {1000 * per_split / 19:.1f} ms of CPU; defaults H {H}, "
        f"B {B}, M {M}: {(1 + B) * H * 19} resample fits {(1 + B) * H * per_resample:.1f} s + "
        f"{M * 19} splits {M * per_split:.1f} s = {total:.1f} s of CPU"
    )


def resampling_power(cores: int) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(kind, i) for kind, (_, count) in POWER_SETS.items() for i in range(count)]
    print(
        f"== 7. resampling power and false alarms: {len(jobs)} fresh datasets, k "
        f"{POWER_KS[0]}-{POWER_KS[-1]}, defaults, {cores} processes"
    )
    start = time.perf_counter()
    with ProcessPoolExecutor(cores) as pool:
        results = list(pool.map(power_one, jobs))
    wall = time.perf_counter() - start
    counts = {}
    for kind, (truth, count) in POWER_SETS.items():
        got = [v for name, v, _ in results if name == kind]
        cons = sum(v["consensus"] == truth for v in got)
        ps = sum(v["prediction_strength"] == truth for v in got)
        both = sum(v["consensus"] == truth and v["prediction_strength"] == truth for v in got)
        k_right = sum(v["k"] == truth for v in got)
        counts[kind] = {"consensus": cons, "prediction_strength": ps, "both": both, "k": k_right}
        what = "false alarms (k != 1)" if truth == 1 else f"at {truth}"
        alarms = f", false alarms {count - k_right}" if truth == 1 else ""
        print(
            f"   {kind:36s} {what}: consensus {count - cons if truth == 1 else cons}/{count}"
            f", prediction strength {count - ps if truth == 1 else ps}/{count}"
            + ("" if truth == 1 else f", both {both}/{count}, answer k {k_right}/{count}")
            + alarms
        )
    seconds = [t for _, _, t in results]
    print(
        f"   {wall:.0f} s wall; per dataset median {statistics.median(seconds):.1f} s, "
        f"largest {max(seconds):.1f} s"
    )
    resampling_fit_times()
    return counts


def main(argv=None) -> None:
    global CONFIG
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-scale", action="store_true", help="skip the 1M-point run")
    parser.add_argument(
        "--skip-resampling", action="store_true", help="skip the resampling on/off runs (1b)"
    )
    parser.add_argument(
        "--ten-million", action="store_true", help="run only the 10,000,000-row run (section 5)"
    )
    parser.add_argument(
        "--algorithms", action="store_true", help="run only the algorithm comparison (section 6)"
    )
    parser.add_argument(
        "--resampling-million",
        action="store_true",
        help="run only the resampling run on 1,000,000 x 32 blobs",
    )
    parser.add_argument(
        "--wide", action="store_true", help="run only the 400 x 20,000 wide data run (section 7)"
    )
    parser.add_argument(
        "--resampling-power",
        action="store_true",
        help="run only the resampling rule's power and false alarms (section 7)",
    )
    parser.add_argument(
        "--config", type=Path, default=CONFIG, help="the sweep to time (default: config.yaml)"
    )
    args = parser.parse_args(argv)
    CONFIG = args.config.resolve()
    print(f"kmeans-sweep benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    if args.ten_million:
        ten_million(args.cores)
        return
    if args.algorithms:
        algorithms(args.cores)
        return
    if args.resampling_million:
        resampling_million(args.cores)
        return
    if args.wide:
        wide(args.cores)
        return
    if args.resampling_power:
        resampling_power(args.cores)
        return
    result = overhead(args.cores, args.repeats)
    if not args.skip_resampling:
        resampling_cost(args.cores, args.repeats)
    incremental(result, args.cores)
    planning()
    fan_out()
    if not args.skip_scale:
        scale(args.cores)


if __name__ == "__main__":
    main()
