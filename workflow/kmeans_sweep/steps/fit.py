"""rules/fit.smk: one fit job's share of the sweep, of the gap statistic's fits and of the
resampling fits, each from the fit cache when it is already known."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np

from .. import io
from ..jobs import cost

log = logging.getLogger("kmeans_sweep")


def run(smk):
    """The script's entry: the terminal's progress lines (taken before the log takes stderr),
    the cache folder (where, not what: not a param) and the tests' hooks."""
    from ..jobs.progress import Terminal

    terminal = Terminal.from_env()
    io.log_to(smk.log[0])
    return fit_chunk(
        smk.input,
        smk.output,
        smk.params,
        smk.wildcards,
        cache_dir=smk.config.get("cache_dir"),
        fail_on=os.environ.get("KMEANS_SWEEP_FAIL_ON"),  # test hook: make one fit raise
        terminal=terminal,
        item_delay=float(os.environ.get("KMEANS_SWEEP_ITEM_DELAY", 0)),  # test hook: slow jobs
    )


def fit_chunk(input, output, params, wildcards, *, cache_dir, fail_on=None, terminal=None,
              item_delay=0.0):
    """Run the job's fits (``params.fits``, with ``params.settings``), gap items
    (``params.gap``: {"items": [(k, b), ...], "sample_size", "n_init", "max_iter"}) and
    resampling items (``params.resample``: {"items": [...], **settings}); write the fit rows,
    labels, centres, the gap items' log W and the resampling results. The log shows progress
    while it runs and, at the end, the cost model's estimate beside what the work took."""
    from ..data.load import data_hash
    from ..jobs.cache import FitCache
    from ..jobs.resample_runner import run_resample_items
    from ..jobs.runner import run_fits, run_gap_items

    start = time.perf_counter()
    dataset, job = wildcards.dataset, f"{wildcards.dataset} fit job {int(wildcards.chunk) + 1}"
    X, y = io.load_prepared(input.X, input.y)
    fits, settings, gap, resample = params.fits, params.settings, params.gap, params.resample
    units, spu, progress = _job_estimate(X, y, params, cache_dir, job)
    progress.terminal, progress.delay = terminal, item_delay
    digest = data_hash(X, y)
    done = {
        "fits": run_fits(X, y, fits, settings, dataset, FitCache(cache_dir), fail_on=fail_on,
                         progress=progress, digest=digest),
        "gap": run_gap_items(X, gap["items"], gap, digest, _cache(cache_dir, "gap"), progress),
        "resampling": run_resample_items(X, resample["items"], resample, digest,
                                         _cache(cache_dir, "resample"), progress),
    }
    _write(done, output)
    _record(done, params, units, spu, cache_dir, job)
    _log_counts(dataset, done, params, time.perf_counter() - start)
    return done["fits"]


def _cache(cache_dir, kind: str):
    """The gap's and the resampling's fit caches, beside the sweep's."""
    from ..jobs.cache import FitCache

    return FitCache(Path(cache_dir) / kind if cache_dir else None)


def _write(done: dict, output) -> None:
    import pandas as pd

    from ..jobs.resample_runner import write_results

    result = done["fits"]
    write_results(done["resampling"].values, output.resample)
    io.write_labels(result.labels, output.labels)
    io.write_centers(result.centers, output.centers)
    io.write_parquet(pd.DataFrame(result.rows), output.fits)
    rows = [{"k": k, "b": b, "log_w": v} for (k, b), v in sorted(done["gap"].values.items())]
    io.write_parquet(pd.DataFrame(rows, columns=["k", "b", "log_w"]), output.gap)


def _record(done: dict, params, units: float, spu: float, cache_dir, job: str) -> None:
    """Calibrate the cost model with a job whose every item was computed here."""
    result, gap, res = done["fits"], done["gap"], done["resampling"]
    all_new = (result.computed == len(params.fits)
               and gap.computed == len(params.gap["items"])
               and res.computed == len(params.resample["items"]))
    if not all_new:
        return
    work = result.fit_seconds + result.score_seconds + gap.seconds + res.seconds
    cost.record(cache_dir, units, work)
    ratio = units * spu / work if work else float("nan")
    log.info("%s: estimated %.2f s, took %.2f s of fitting and scoring (estimate/actual %.2f)",
             job, units * spu, work, ratio)


def _log_counts(dataset: str, done: dict, params, seconds: float) -> None:
    result = done["fits"]
    log.info(
        "%s: %d fits: %d computed, %d from the cache, in %.2f s "
        "(fitting %.2f s, scoring %.2f s including silhouette distances)",
        dataset, len(params.fits), result.computed, result.cached, seconds,
        result.fit_seconds, result.score_seconds,
    )
    for what, kind, items in (("gap statistic", "gap", params.gap["items"]),
                              ("resampling", "resampling", params.resample["items"])):
        if items:
            d = done[kind]
            log.info("%s: %d %s fits (%d new, %d from the cache) in %.2f s",
                     dataset, len(items), what, d.computed, d.cached, d.seconds)


def _job_estimate(X, y, params, cache_dir, job_name):
    """(estimated units, seconds per unit, a Progress over every item) of one fit job;
    logged."""
    from ..jobs.progress import Progress, item_estimates
    from ..jobs.resample_items import as_tuple

    n, d = X.shape
    fits, settings, gap, resample = params.fits, params.settings, params.gap, params.resample
    units = cost.fit_costs(n, d, fits, settings, y is not None)
    units[0:1] += cost.job_units(n, d, settings["silhouette_sample_size"])
    gap_costs = cost.gap_costs(n, d, gap["items"], gap) if gap["items"] else np.zeros(0)
    res_items = [as_tuple(i) for i in resample["items"]]
    res_costs = cost.resample_costs(n, d, res_items, resample) if res_items else np.zeros(0)
    spu, source = cost.seconds_per_unit(cache_dir)
    total = float(units.sum() + gap_costs.sum() + res_costs.sum())
    log.info(
        "%s: %d fits, %d gap statistic fits and %d resampling fits, estimated %.2f s of work (%s)",
        job_name, len(fits), len(gap["items"]), len(res_items), total * spu, source,
    )
    estimates = {
        **item_estimates("fit", [io.fit_key(*io.split_key(tuple(f))) for f in fits], units * spu),
        **item_estimates("gap", [(int(k), int(b)) for k, b in gap["items"]], gap_costs * spu),
        **item_estimates("resample", res_items, res_costs * spu),
    }
    return total, spu, Progress(estimates, job_name)
