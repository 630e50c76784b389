"""The resampling pictures: consensus CDFs, PAC against the null, prediction strength, cluster
stability, and consensus matrices at the recommended k and the resampling picks."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.plot import plot_resampling

run(plot_resampling, snakemake)
