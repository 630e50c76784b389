"""What a fit costs: a model of its work in abstract units, calibrated to seconds on this machine.

The units follow the arithmetic of a fit: ``iterations x n x d x k`` for Lloyd's distance
computations, a pass over the data per run (validation, copies, labels), the k-means++
seeding, and the scores (silhouette on its sample: one s x s by s x k product; Calinski-Harabasz
and Davies-Bouldin: passes over X). Relative costs, which decide how fits are shared between
jobs, depend only on the data's shape and the config, so every process that plans the sweep
(the head and any cluster node) gets the same plan. Seconds per unit is a single scale factor,
calibrated from the timings that earlier fit jobs recorded in the cache directory; it decides
how many jobs are worth starting and what runtime a cluster job asks for.
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import numpy as np

ITERATIONS = 25  # typical Lloyd iterations to convergence on real data (capped by max_iter)
PASS_UNITS = 80  # per value of X, per run: validation, centring copy, labels, inertia
FIT_OVERHEAD_UNITS = 5e6  # per fit: estimator set-up, thread pools, bookkeeping
SCORE_OVERHEAD_UNITS = 4e6  # per fit: the scores' set-up (contingency table, EMI terms)
SCORE_PASS_UNITS = 10  # per value of X: the two Calinski-Harabasz / Davies-Bouldin passes
DEFAULT_SECONDS_PER_UNIT = 3e-10  # measured on this project's 2-core machine (digits, blobs)
TIMINGS_DIR = "timings"
HISTORY = 20  # calibrate on this many of the latest job records


def fit_units(n: int, d: int, k: int, init: str, n_init: int, max_iter: int) -> float:
    runs = 1 if init == "pca" else n_init
    iterations = min(max_iter, ITERATIONS)
    seeding = n * d * k * (2 + math.log(k)) if init == "k-means++" else n * d
    if init == "pca":
        seeding = n * d * min(n, d)  # the PCA itself
    per_run = PASS_UNITS * n * d + iterations * n * d * k + seeding
    return FIT_OVERHEAD_UNITS + runs * per_run


#: Work of one elkan fit relative to lloyd's (measured on digits: 1.5-1.7; its bounds cost more
#: than the distances they save in few dimensions).
ELKAN_FACTOR = 1.6
MINIBATCH_STEPS = 60  # typical mini-batch steps before MiniBatchKMeans stops improving


def minibatch_units(n: int, d: int, k: int, init: str, batch: int, n_init, max_iter) -> float:
    """One MiniBatchKMeans fit: the passes over all of X (checks, final labels and inertia),
    about MINIBATCH_STEPS steps on a batch, seeding on its init sample (3 x batch points)."""
    steps = min(MINIBATCH_STEPS, max_iter * max(1, n // batch))
    sample = min(n, 3 * batch)
    seeding = sample * d * k * (2 + math.log(k)) if init == "k-means++" else sample * d
    runs = 1 if init == "pca" else n_init
    per_run = steps * min(n, batch) * d * k + seeding
    return FIT_OVERHEAD_UNITS + PASS_UNITS * n * d + runs * per_run


def algorithm_units(n, d, k, init, algorithm, n_init, max_iter, batch=1024) -> float:
    """Units of one fit of ``algorithm`` (rough): lloyd's arithmetic (fit_units), elkan's as a
    multiple of it, minibatch's from its batches, bisecting as k - 1 two-means fits on (on
    average) half the data."""
    if algorithm == "bisecting":
        return (k - 1) * fit_units(max(n // 2, 1), d, 2, init, n_init, max_iter)
    if algorithm == "minibatch":
        return minibatch_units(n, d, k, init, batch, n_init, max_iter)
    factor = ELKAN_FACTOR if algorithm == "elkan" else 1.0
    return factor * fit_units(n, d, k, init, n_init, max_iter)


def score_units(n: int, d: int, k: int, sil_size: int, labelled: bool) -> float:
    s = min(n, sil_size)
    silhouette = s * s * (k + 2)
    passes = SCORE_PASS_UNITS * n * d + n * k
    labels = 20 * n if labelled else 0
    return SCORE_OVERHEAD_UNITS + silhouette + passes + labels


def job_units(n: int, d: int, sil_size: int) -> float:
    """Once per job: the silhouette sample's pairwise distances."""
    s = min(n, sil_size)
    return 2.0 * s * s * d


def fit_costs(n: int, d: int, fits, settings: dict, labelled: bool) -> np.ndarray:
    """Units of each fit in ``fits`` (fit keys, io.fit_key): fitting plus scoring (the seed
    is free)."""
    from ..io import split_key

    sil = settings["silhouette_sample_size"]
    per_kind: dict[tuple[int, str, str], float] = {}
    out = np.empty(len(fits))
    for i, fit in enumerate(fits):
        k, init, _seed, algorithm = split_key(tuple(fit))
        units = per_kind.get((k, init, algorithm))
        if units is None:
            n_init, max_iter = settings["n_init"], settings["max_iter"]
            batch = settings.get("batch_size", 1024)
            units = algorithm_units(n, d, k, init, algorithm, n_init, max_iter, batch)
            units += score_units(n, d, k, sil, labelled)
            per_kind[(k, init, algorithm)] = units
        out[i] = units
    return out


#: Work of a gap statistic fit relative to a sweep fit of the same shape (uniform reference
#: sets take a few more Lloyd iterations; on digits the 209 gap fits took 4.1 s, and 1.1 gives
#: 4.2 s with the sweep's own fits' calibration).
GAP_ITERATION_FACTOR = 1.1


def gap_costs(n: int, d: int, items, gap_settings: dict) -> np.ndarray:
    """Units of each gap item (k, b) (gap.py): one KMeans(k-means++) fit on the gap's sample,
    no scores."""
    from ..fit.gap import gap_points

    s = gap_points(n, gap_settings["sample_size"])
    n_init, max_iter = gap_settings["n_init"], gap_settings["max_iter"]
    per_k: dict[int, float] = {}
    out = np.empty(len(items))
    for i, (k, _b) in enumerate(items):
        if k not in per_k:
            per_k[k] = GAP_ITERATION_FACTOR * fit_units(s, d, k, "k-means++", n_init, max_iter)
        out[i] = per_k[k]
    return out


#: Work of a fit on a null reference relative to one on the data (data without clusters takes
#: more Lloyd iterations, as the gap's uniform references do).
NULL_ITERATION_FACTOR = 1.5


def resample_costs(n: int, d: int, items, settings: dict) -> np.ndarray:
    """Units of each resampling item (resample_items.py), no scores: a consensus item is one
    fit on its subsample (of the data or a null reference; drawing the reference, n x r by
    r x d with r = min(n, d), is shared by its items), a prediction strength item two fits on
    half the rows and a nearest-centre pass each way."""
    from collections import Counter

    from ..definitions import DATA
    from .resample_items import drawn_rows, evidence_size

    n = evidence_size(n, settings)
    init, algorithm = settings["init"], settings["algorithm"]
    n_init, max_iter, batch = settings["n_init"], settings["max_iter"], settings["batch_size"]
    sub, half = drawn_rows(n, settings["fraction"]), max(n // 2, 1)
    per_null = Counter(rest[0] for kind, *rest in items if kind == "cc" and rest[0] != DATA)
    draw = 2.0 * n * d * min(n, d)
    out = np.empty(len(items))
    for i, (kind, *rest) in enumerate(items):
        k = rest[-1]
        if kind == "ps":
            units = algorithm_units(half, d, k, init, algorithm, n_init, max_iter, batch)
            out[i] = 2 * units + 2 * half * d * k
            continue
        units = algorithm_units(sub, d, k, init, algorithm, n_init, max_iter, batch)
        b = rest[0]
        out[i] = units if b == DATA else NULL_ITERATION_FACTOR * units + draw / per_null[b]
    return out


# --- calibration: seconds per unit on this machine ------------------------------------------


def record(cache_dir, units: float, seconds: float) -> None:
    """Remember what a job's computed fits were estimated at and took (for calibration)."""
    if not cache_dir or units <= 0 or seconds <= 0:
        return
    folder = Path(cache_dir) / TIMINGS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{os.getpid()}.json"
    tmp = folder / f".{name}.tmp"
    tmp.write_text(json.dumps({"units": units, "seconds": seconds}))
    os.replace(tmp, folder / name)


def seconds_per_unit(cache_dir) -> tuple[float, str]:
    """The scale factor and where it came from: the median seconds per unit of the latest
    recorded jobs, or the reference machine's value when nothing is recorded yet."""
    folder = Path(cache_dir) / TIMINGS_DIR if cache_dir else None
    if folder is None or not folder.is_dir():
        return DEFAULT_SECONDS_PER_UNIT, "default"
    latest = sorted(p.name for p in folder.glob("*.json"))[-HISTORY:]
    ratios = []
    for name in latest:
        try:
            rec = json.loads((folder / name).read_text())
            ratios.append(rec["seconds"] / rec["units"])
        except (OSError, ValueError, KeyError, ZeroDivisionError):
            continue
    if not ratios:
        return DEFAULT_SECONDS_PER_UNIT, "default"
    return float(np.median(ratios)), f"median of {len(ratios)} recorded jobs"
