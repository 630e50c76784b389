"""Run one job's share of the sweep, of the gap statistic's fits and of the resampling fits
(each from the cache when it is already known)."""

import os

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.fit.progress import Terminal
from kmeans_sweep.io import log_to

terminal = Terminal.from_env()  # progress lines to the run's terminal: stderr before log_to
log_to(snakemake.log[0])
steps.fit_chunk(
    snakemake.wildcards.dataset,
    X_path=snakemake.input.X,
    y_path=snakemake.input.y,
    fits=snakemake.params.fits,
    settings=snakemake.params.settings,
    cache_dir=snakemake.config.get("cache_dir"),  # where, not what: does not change results
    out_fits=snakemake.output.fits,
    out_labels=snakemake.output.labels,
    out_centers=snakemake.output.centers,
    gap=snakemake.params.gap,
    out_gap=snakemake.output.gap,
    resample=snakemake.params.resample,
    out_resample=snakemake.output.resample,
    job_name=f"{snakemake.wildcards.dataset} fit job {int(snakemake.wildcards.chunk) + 1}",
    fail_on=os.environ.get("KMEANS_SWEEP_FAIL_ON"),  # test hook: make one fit raise
    terminal=terminal,
    item_delay=float(os.environ.get("KMEANS_SWEEP_ITEM_DELAY", 0)),  # test hook: slow jobs
)
