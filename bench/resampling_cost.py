"""Section 2, resampling cost: the default run (resampling on) beside the same run with
resampling off, alternating; the medians and their ratio; where the last run's time went
(every job's start and end, the fit jobs' own timers: bench/timeline.py); then the CPU time
of one resample and one split fit on digits and what the defaults cost in all."""

from __future__ import annotations

import shutil
import statistics
import time

from .common import config_path, default_config, snakemake, without_resampling, workdir
from .timeline import print_timeline


def resampling_cost(cores: int, repeats: int, loop: float | None = None) -> None:
    """The runs, their medians and ratio (and, given section 1's ``loop`` median, the default
    run against the plain loop), the last run's timeline, the fit costs."""
    config = default_config()
    res = config.get("resampling", {})
    print(
        f"== 2. resampling: {config_path().name} as it is (resamples {res.get('resamples')}, "
        f"null_references {res.get('null_references')}, splits "
        f"{res.get('prediction_strength_splits')}) against resamples: 0, {repeats} runs each"
    )
    times = {"on": [], "off": []}
    last = None
    for rep in range(repeats):
        for name, cfg in (("off", without_resampling(config)), ("on", config)):
            path, started = workdir(cfg), time.time()
            t, _ = snakemake(path, "--cores", str(cores))
            times[name].append(t)
            if last:
                shutil.rmtree(last[0], ignore_errors=True)
            last = (path, started, t)
        print(f"   run {rep + 1}: off {times['off'][-1]:6.1f} s   on {times['on'][-1]:6.1f} s")
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    print(f"   median: off {off:.1f} s, on {on:.1f} s, ratio {on / off:.2f} (target <= 2.0)")
    if loop:
        print(f"   the default run against section 1's plain loop ({loop:.1f} s, no resampling, "
              f"no gap, no pictures): {on / loop:.2f} (issue 29's target 1.2)")
    print_timeline(*last, cores=cores, loop=loop)
    shutil.rmtree(last[0], ignore_errors=True)
    resampling_fit_times()


def resampling_fit_times() -> None:
    """CPU seconds of one resample fit (80 % of digits) and one split fit, k 2-20, and what
    the defaults cost in all."""
    from threadpoolctl import threadpool_limits

    from kmeans_sweep.data.load import load_dataset
    from kmeans_sweep.data.scaling import scale
    from kmeans_sweep.definitions import schema_defaults
    from kmeans_sweep.fit import resample as rs

    ds = load_dataset("digits", {"source": "digits"})
    X, _ = scale(ds.X, "standard")
    fit = {"init": "k-means++", "algorithm": "lloyd", "n_init": 1}
    ks, d = range(2, 21), schema_defaults("resampling")
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
