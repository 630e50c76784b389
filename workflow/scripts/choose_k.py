"""Every criterion for k side by side, stability across seeds, and a recommendation."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.choose_k import choose_k

run(choose_k, snakemake)
