"""Combine the jobs' fit rows into fits.parquet and the per-(k, init, algorithm) summary, and
their gap statistic fits into gap.parquet."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.aggregate import aggregate_fits

run(aggregate_fits, snakemake)
