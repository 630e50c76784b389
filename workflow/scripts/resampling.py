"""Consensus, PAC against the null, prediction strength and cluster stability per k, from the
fit jobs' resampling results."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.resampling import resampling

run(resampling, snakemake)
