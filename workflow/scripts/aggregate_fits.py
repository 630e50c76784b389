"""Combine the jobs' fit rows into fits.parquet and the per-(k, init, algorithm) summary, and
their gap statistic fits into gap.parquet."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.aggregate_fits(
    list(snakemake.input.fits),
    label_paths=list(snakemake.input.labels),
    center_paths=list(snakemake.input.centers),
    init_order=snakemake.params.init_order,
    algorithm_order=snakemake.params.algorithm_order,
    out_fits=snakemake.output.fits,
    out_summary=snakemake.output.summary_parquet,
    out_summary_csv=snakemake.output.summary,
    out_labels=snakemake.output.labels,
    out_centers=snakemake.output.centers,
    gap_paths=list(snakemake.input.gap),
    gap_ks=snakemake.params.gap_ks,
    gap_references=snakemake.params.gap_references,
    out_gap=snakemake.output.gap,
    keep_paths=list(snakemake.input.resample),
)
