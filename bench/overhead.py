"""Section 1, overhead: the default sweep as a plain process-pool loop and as the workflow,
alternating runs from fresh processes; the medians and their ratio."""

from __future__ import annotations

import json
import shutil
import statistics
import sys

from .common import (
    config_path,
    default_config,
    fit_counts,
    print_estimate_errors,
    snakemake,
    timed,
    without_resampling,
    workdir,
)

# --- the reference loop: the obvious script a user would write -------------------------------

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


def overhead(cores: int, repeats: int) -> dict:
    """The medians of both and their ratio; the last workflow run's folder is kept (in the
    result) for section 3."""
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
        f"== 1. the sweep of {config_path().name} (resampling off): {n_fits} fits of "
        f"{ds['source']}, {cores} cores, {repeats} runs each"
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
