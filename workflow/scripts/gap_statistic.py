"""Gap statistic of one dataset against uniform reference datasets."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.gap_statistic(snakemake.input.X, snakemake.params.gap, snakemake.output[0])
