"""Section 11, resampling evidence for k: the picks and the "no structure" rule
(choose/resampling/picks.py) at the default settings on fresh datasets (seeds from POWER_SEED,
never used by the tests): how often each pick finds the true k, the false alarms; then the CPU
time of one resample and one split fit on digits and what the defaults cost in all."""

from __future__ import annotations

import statistics
import time

import numpy as np

#: Datasets of this section are seeded from here. The rule (choose/resampling/picks.py) was
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
        f"== 11. resampling power and false alarms: {len(jobs)} fresh datasets, k "
        f"{POWER_KS[0]}-{POWER_KS[-1]}, defaults, {cores} processes"
    )
    start = time.perf_counter()
    with ProcessPoolExecutor(cores) as pool:
        results = list(pool.map(power_one, jobs))
    wall = time.perf_counter() - start
    counts = {kind: power_counts(kind, [v for name, v, _ in results if name == kind])
              for kind in POWER_SETS}
    seconds = [t for _, _, t in results]
    print(
        f"   {wall:.0f} s wall; per dataset median {statistics.median(seconds):.1f} s, "
        f"largest {max(seconds):.1f} s"
    )
    resampling_fit_times()
    return counts


def power_counts(kind: str, got: list[dict]) -> dict:
    """How often each pick of the verdicts ``got`` on datasets of ``kind`` is right (printed
    as false alarms for noise, whose true k is 1)."""
    truth, count = POWER_SETS[kind]
    cons = sum(v["consensus"] == truth for v in got)
    ps = sum(v["prediction_strength"] == truth for v in got)
    both = sum(v["consensus"] == truth and v["prediction_strength"] == truth for v in got)
    k_right = sum(v["k"] == truth for v in got)
    what = "false alarms (k != 1)" if truth == 1 else f"at {truth}"
    alarms = f", false alarms {count - k_right}" if truth == 1 else ""
    print(
        f"   {kind:36s} {what}: consensus {count - cons if truth == 1 else cons}/{count}"
        f", prediction strength {count - ps if truth == 1 else ps}/{count}"
        + ("" if truth == 1 else f", both {both}/{count}, answer k {k_right}/{count}")
        + alarms
    )
    return {"consensus": cons, "prediction_strength": ps, "both": both, "k": k_right}
